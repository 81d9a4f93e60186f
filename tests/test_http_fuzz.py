"""Fuzzing the HTTP edge: random headers and bodies POSTed to /slack/events and /api/messages through the
real ASGI app (Slack in HTTP mode with a signing secret, Teams with a client id) never get a 5xx, never
raise, and never change anything stored."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import select
from starlette.testclient import TestClient

from digestbot.app import build_conversations
from digestbot.core import Digestbot
from digestbot.edge.server import SLACK_PATH, TEAMS_PATH, build_asgi_app
from digestbot.settings import Settings
from digestbot.store.models import Base
from digestbot.teams import build_teams_routes
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator
from tests.teams.connector import serve_connector
from tests.teams.identity import APP_ID, TENANT_ID, Identity, cloud_for, fixed_token
from tests.teams.support import ISSUE_MAR_4, ISSUE_MAR_11, build_world_core

# The Teams SDK warns about its own deprecated BotClient each time it builds an API client.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")
SECRET = "fuzz-signing-secret"
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Header values as a client may send them: any byte but CR, LF and NUL (the HTTP layer refuses those).
value = st.binary(max_size=80).map(lambda raw: raw.translate(None, b"\r\n\x00"))
text = st.text(max_size=40)
timestamps = st.one_of(st.integers(-(10**20), 10**20).map(str), st.just(str(int(time.time()))), text).map(
    str.encode
)
signatures = st.one_of(
    st.text(alphabet="0123456789abcdef", max_size=70).map(lambda digest: f"v0={digest}"), text
).map(str.encode)
bearers = st.one_of(text.map(lambda token: f"Bearer {token}"), st.just("Bearer a.b.c"), text).map(str.encode)
content_types = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "application/json; charset=utf-16",
    ]
).map(str.encode)
named_headers = st.fixed_dictionaries(
    {},
    optional={
        "x-slack-request-timestamp": timestamps | value,
        "x-slack-signature": signatures | value,
        "authorization": bearers | value,
        "content-type": content_types | value,
        "x-slack-retry-num": value,
        "forwarded": value,
        "x-forwarded-for": value,
        "content-encoding": st.sampled_from([b"gzip", b"br", b"identity"]) | value,
    },
)
other_headers = st.dictionaries(st.from_regex(r"\Ax-[a-z0-9-]{1,20}\Z"), value, max_size=3)
headers = st.builds(lambda named, other: {**other, **named}, named_headers, other_headers)

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner) | st.dictionaries(text, inner), max_leaves=15
)
slack_like = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["event_callback", "url_verification", "block_actions", "app_rate_limited"])
        | text
    },
    optional={
        "event": st.dictionaries(st.sampled_from(["type", "user", "channel", "text", "ts"]), json_values)
    },
)
teams_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "conversationUpdate", "installationUpdate", "invoke"]) | text},
    optional={
        "serviceUrl": text,
        "conversation": st.dictionaries(st.sampled_from(["id", "conversationType", "tenantId"]), json_values),
        "from": st.dictionaries(st.sampled_from(["id", "aadObjectId", "name"]), json_values),
        "text": text,
        "channelData": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=500),
    json_values.map(lambda data: json.dumps(data).encode()),
    (slack_like | teams_like).map(lambda data: json.dumps(data).encode()),
    st.dictionaries(st.sampled_from(["payload", "command", "text", "user_id"]), text).map(
        lambda form: urlencode(form).encode()
    ),
)
paths = st.sampled_from([SLACK_PATH, TEAMS_PATH])


def snapshot(core: Digestbot) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table."""
    with core.archive.db.transaction() as session:
        return {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


@contextmanager
def edge(tmp_path: Path) -> Iterator[tuple[TestClient, Digestbot]]:
    """The real ASGI app over a real core, called from a non-loopback client address."""
    with ExitStack() as stack:
        emulator = stack.enter_context(SlackEmulator())
        identity = Identity()
        connector = stack.enter_context(serve_connector(identity))
        core = build_world_core(tmp_path / "data", ISSUE_MAR_4, ISSUE_MAR_11)
        stack.callback(core.archive.db.close)
        config = Settings(
            data_dir=tmp_path / "data",
            slack_bot_token=SecretStr("xoxb-fuzz"),
            slack_signing_secret=SecretStr(SECRET),
            slack_api_url=emulator.api_url,
            teams_client_id=APP_ID,
            teams_tenant_id=TENANT_ID,
        )
        conversations = build_conversations(core)
        teams = build_teams_routes(
            config, conversations, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
        )
        app = build_asgi_app(config, conversations, extra_routes=teams)
        yield stack.enter_context(TestClient(app, client=("203.0.113.9", 443))), core


def test_random_requests_never_get_5xx_or_change_state(tmp_path: Path) -> None:
    with edge(tmp_path) as (client, core):
        before = snapshot(core)

        @FUZZ
        @given(path=paths, sent=headers, body=bodies)
        def check(path: str, sent: dict[str, bytes], body: bytes) -> None:
            response = client.post(path, content=body, headers=sent)
            assert response.status_code < 500, (response.status_code, response.text)
            assert snapshot(core) == before

        check()


def test_random_bodies_with_a_valid_slack_signature_never_get_5xx(tmp_path: Path) -> None:
    """Past the signature (as if Slack itself sent junk), the syntax guards still answer 4xx, not 500."""
    with edge(tmp_path) as (client, _core):

        @FUZZ
        @given(body=bodies, content_type=content_types)
        def check(body: bytes, content_type: bytes) -> None:
            signed = slack_requests.signed_headers(body, content_type.decode(), secret=SECRET)
            response = client.post(SLACK_PATH, content=body, headers=signed)
            assert response.status_code < 500, (response.status_code, response.text)

        check()
