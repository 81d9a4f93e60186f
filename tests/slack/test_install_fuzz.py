"""Fuzzing the install pages through the real ASGI app in OAuth mode: random values for every query field
of ``/slack/install`` and ``/slack/oauth_redirect`` (and the state cookie) never get a 5xx, never log a
traceback, and change nothing stored beyond what a valid request does (an install page stores one state;
a callback with a real state uses it up; nothing installs a workspace). On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from starlette.testclient import TestClient

from digestbot.app import build_conversations
from digestbot.edge.server import build_asgi_app
from digestbot.store import Database
from digestbot.store.models import slack_bots, slack_installations, slack_oauth_states
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core
from tests.slack.oauth_support import NORTH, oauth_settings

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COOKIE = "slack-app-oauth-state"
AUTHORIZE_FIELDS = {"state", "client_id", "scope", "user_scope", "redirect_uri", "team"}

values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [NORTH, "T0SOUTH02", "T1&user_scope=admin", "☃", "T1\r\nX: y", "", "%00", "access_denied"]
    ),
)
fields = st.sampled_from(["team", "state", "code", "error", "redirect_uri", "scope", "user_scope"])
queries = st.lists(st.tuples(fields | st.text(min_size=1, max_size=10), values), max_size=6)
# Cookie values a browser may send: printable ASCII without the separators.
cookie_text = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=";,"), max_size=60
)
cookies = st.none() | cookie_text.map(lambda value: f"{COOKIE}={value}") | cookie_text


@dataclass
class App:
    client: TestClient
    db: Database


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with SlackEmulator() as emulator:
        emulator.add_workspace(NORTH, "Northwind Risk")
        config = oauth_settings(emulator, database_url, tmp_path)
        core = fake_core(config)
        with TestClient(
            build_asgi_app(config, build_conversations(core)), base_url="https://digestbot.test"
        ) as client:
            yield App(client, core.archive.db)
        core.archive.db.close()


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (slack_oauth_states, slack_installations, slack_bots)
        }


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [record for record in caplog.records if record.exc_info or "Traceback" in record.getMessage()]
    caplog.clear()


@FUZZ
@given(query=queries)
def test_the_install_page_stores_one_state_or_nothing(
    app: App, caplog: pytest.LogCaptureFixture, query: list[tuple[str, str]]
) -> None:
    before = counts(app.db)
    with caplog.at_level(logging.WARNING):
        answer = app.client.get("/slack/install", params=query, follow_redirects=False)
    assert answer.status_code in (302, 400), answer.text
    after = counts(app.db)
    grown = 1 if answer.status_code == 302 else 0
    assert after == {**before, "slack_oauth_states": before["slack_oauth_states"] + grown}
    if answer.status_code == 302:
        sent = parse_qs(urlsplit(answer.headers["location"]).query, keep_blank_values=True)
        assert set(sent) <= AUTHORIZE_FIELDS and all(len(given) == 1 for given in sent.values())
        teams = [value for name, value in query if name == "team"]
        assert sent.get("team", []) == teams  # exactly the one team asked for, or none
    no_tracebacks(caplog)


@FUZZ
@given(query=queries, cookie=cookies)
def test_the_callback_with_random_values_changes_nothing(
    app: App, caplog: pytest.LogCaptureFixture, query: list[tuple[str, str]], cookie: str | None
) -> None:
    before = counts(app.db)
    headers = {"cookie": cookie} if cookie is not None else {}
    with caplog.at_level(logging.WARNING):
        answer = app.client.get("/slack/oauth_redirect", params=query, headers=headers)
    assert answer.status_code < 500, answer.text
    assert counts(app.db) == before
    no_tracebacks(caplog)


@FUZZ
@given(query=queries)
def test_the_callback_with_a_real_state_and_random_values_installs_nothing(
    app: App, caplog: pytest.LogCaptureFixture, query: list[tuple[str, str]]
) -> None:
    started = app.client.get("/slack/install", follow_redirects=False)
    assert started.status_code == 302
    state = parse_qs(urlsplit(started.headers["location"]).query)["state"][0]
    before = counts(app.db)
    fields = [(name, value) for name, value in query if name != "state"] + [("state", state)]
    with caplog.at_level(logging.WARNING):
        answer = app.client.get(
            "/slack/oauth_redirect", params=fields, headers={"cookie": f"{COOKIE}={state}"}
        )
    assert answer.status_code < 500, answer.text
    after = counts(app.db)
    assert after["slack_installations"] == before["slack_installations"]
    assert after["slack_bots"] == before["slack_bots"]
    assert after["slack_oauth_states"] in (before["slack_oauth_states"], before["slack_oauth_states"] - 1)
    no_tracebacks(caplog)
