"""Who may post to /api/messages: Bot Framework JWTs (checked by the SDK against the issuer's keys) outside
local mode; in local mode, loopback clients only. Refused requests change nothing."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from digestbot.core import Digestbot
from digestbot.edge.asgi import ServerThread
from digestbot.settings import Settings
from digestbot.teams.auth import is_loopback
from tests.teams import activities as act
from tests.teams.connector import Connector
from tests.teams.identity import APP_ID, Identity, cloud_for, fixed_token
from tests.teams.support import teams_asgi


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_request_without_credentials_gets_401(
    secure: TestClient, connector: Connector, core: Digestbot
) -> None:
    response = secure.post("/api/messages", json=act.installation(connector.base_url, act.channel(), "add"))
    assert response.status_code == 401
    assert core.chat.destinations("teams") == []


def test_a_valid_token_is_accepted_and_the_reply_carries_the_bot_token(
    secure: TestClient, connector: Connector, identity: Identity
) -> None:
    activity = act.channel_mention(connector.base_url, "ransomware")
    response = secure.post("/api/messages", json=activity, headers=bearer(identity.token(connector.base_url)))
    assert response.status_code == 200
    [reply] = connector.posts
    assert reply.authorization == f"Bearer {identity.outbound()}"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda identity, url: identity.token(url, forged=True),
        lambda identity, url: identity.token(url, audience="another-bot"),
        lambda identity, url: identity.token("https://smba.trafficmanager.net/evil/"),
        lambda identity, url: identity.token(url, ttl=-3600),
        lambda identity, url: "not-a-jwt",
    ],
    ids=["forged", "wrong-audience", "other-service-url", "expired", "garbage"],
)
def test_invalid_tokens_get_401_and_change_nothing(
    secure: TestClient, connector: Connector, core: Digestbot, identity: Identity, make_token: object
) -> None:
    token = make_token(identity, connector.base_url)  # type: ignore[operator]
    for activity in (
        act.installation(connector.base_url, act.channel(), "add"),
        act.channel_mention(connector.base_url, "subscribe"),
        {**act.installation(connector.base_url, act.channel(), "add"), "type": "someFutureType"},
    ):
        assert secure.post("/api/messages", json=activity, headers=bearer(token)).status_code == 401
    assert core.chat.destinations("teams") == []
    assert connector.posts == []


def test_requests_the_sdk_never_sees_are_authenticated_too(
    secure: TestClient, connector: Connector, identity: Identity
) -> None:
    token = identity.token(connector.base_url)
    unknown = {**act.installation(connector.base_url, act.channel(), "add"), "type": "someFutureType"}
    assert secure.post("/api/messages", json=unknown, headers=bearer(token)).status_code == 200
    garbage = secure.post("/api/messages", content=b"{oops", headers=bearer("not-a-jwt"))
    assert garbage.status_code == 401


def test_local_mode_refuses_clients_that_are_not_loopback(
    local_settings: Settings, core: Digestbot, connector: Connector
) -> None:
    with TestClient(teams_asgi(local_settings, core), client=("192.0.2.10", 50000)) as remote:
        activity = act.installation(connector.base_url, act.channel(), "add")
        assert remote.post("/api/messages", json=activity).status_code == 401
    assert core.chat.destinations("teams") == []


def test_without_credentials_or_local_mode_everything_gets_401(
    tmp_path: Path, core: Digestbot, connector: Connector
) -> None:
    with TestClient(teams_asgi(Settings(data_dir=tmp_path), core), client=("127.0.0.1", 50000)) as client:
        activity = act.installation(connector.base_url, act.channel(), "add")
        assert client.post("/api/messages", json=activity, headers=bearer("x")).status_code == 401
    assert core.chat.destinations("teams") == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.8.7", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("192.0.2.10", False),
        ("localhost", False),
        ("testclient", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_through_uvicorn_on_a_loopback_port(
    local_settings: Settings,
    secure_settings: Settings,
    core: Digestbot,
    connector: Connector,
    identity: Identity,
) -> None:
    local_app = teams_asgi(local_settings, core)
    secure_app = teams_asgi(
        secure_settings, core, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
    )
    with ServerThread(local_app) as local, ServerThread(secure_app) as secure:
        mention = act.channel_mention(connector.base_url, "ransomware water utility")
        assert httpx.post(f"{local.url}/api/messages", json=mention).status_code == 200
        assert httpx.post(f"{secure.url}/api/messages", json=mention).status_code == 401
        signed = bearer(identity.token(connector.base_url))
        again = act.channel_mention(connector.base_url, "ransomware water utility")
        assert httpx.post(f"{secure.url}/api/messages", json=again, headers=signed).status_code == 200
    assert len(connector.posts) == 2
    assert APP_ID in connector.posts[0].activity["from"]["id"]


def test_the_sdk_environment_variables_are_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, core: Digestbot, connector: Connector
) -> None:
    for name, value in {
        "CLIENT_ID": "env-app",
        "CLIENT_SECRET": "env-secret",
        "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": "true",
        "SERVICE_URL": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(name, value)
    with TestClient(teams_asgi(Settings(data_dir=tmp_path), core), client=("127.0.0.1", 50000)) as client:
        activity = act.installation(connector.base_url, act.channel(), "add")
        assert client.post("/api/messages", json=activity).status_code == 401
    assert core.chat.destinations("teams") == []


@pytest.mark.parametrize(
    "header",
    [
        ("Forwarded", "for=198.51.100.7;proto=https"),
        ("X-Real-IP", "198.51.100.7"),
        ("X-Forwarded-For", "198.51.100.7"),
        ("X-Forwarded-Host", "tunnel.example"),
        ("Via", "1.1 ngrok"),
        ("CF-Connecting-IP", "198.51.100.7"),
    ],
)
def test_local_mode_refuses_requests_that_came_through_a_proxy(
    local: TestClient, connector: Connector, core: Digestbot, header: tuple[str, str]
) -> None:
    """A tunnel or reverse proxy connects from loopback on behalf of anyone on the internet."""
    activity = act.installation(connector.base_url, act.channel(), "add")
    assert local.post("/api/messages", json=activity, headers=dict([header])).status_code == 401
    assert core.chat.destinations("teams") == []
    assert local.post("/api/messages", json=activity).status_code == 200  # the same, sent directly


def test_local_mode_through_uvicorn_refuses_a_forwarded_request(
    local_settings: Settings, core: Digestbot, connector: Connector
) -> None:
    with ServerThread(teams_asgi(local_settings, core)) as local:
        activity = act.installation(connector.base_url, act.channel(), "add")
        url = f"{local.url}/api/messages"
        assert httpx.post(url, json=activity, headers={"Forwarded": "for=198.51.100.7"}).status_code == 401
        assert httpx.post(url, json=activity, headers={"X-Real-IP": "198.51.100.7"}).status_code == 401
    assert core.chat.destinations("teams") == []


def test_junk_tokens_get_401_with_one_log_line(
    secure: TestClient, connector: Connector, core: Digestbot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for body in (act.channel_mention(connector.base_url, "iran"), b"{oops") * 25:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            assert secure.post("/api/messages", content=content, headers=bearer("junk")).status_code == 401
    [line] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.getMessage().startswith("Teams: refused 1 request(s) without a valid token")
    assert core.chat.destinations("teams") == []


DEEP = b"[" * 200_000


def test_a_deeply_nested_body_with_a_junk_token_is_refused_unread(
    secure: TestClient, core: Digestbot, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 19 #4: `[` x 200,000 with any bearer token was a 500 and a traceback before authentication.
    Now the token is checked first: a body that never ends is not waited for."""

    def endless() -> Iterator[bytes]:
        yield b"["
        time.sleep(30)  # never reached: the request is answered before its body is read
        yield b"]"

    with caplog.at_level(logging.DEBUG):
        assert secure.post("/api/messages", content=DEEP, headers=bearer("junk")).status_code == 401
        started = time.monotonic()
        assert secure.post("/api/messages", content=endless(), headers=bearer("junk")).status_code == 401
        assert time.monotonic() - started < 5
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    assert core.chat.destinations("teams") == []


@pytest.mark.parametrize(
    "body",
    [DEEP, b'{"type": "message", "value": ' + b"[" * 100 + b"]" * 100 + b"}"],
    ids=["brackets", "over-the-depth-limit"],
)
def test_a_deeply_nested_body_with_a_valid_token_is_400_and_one_line(
    secure: TestClient,
    connector: Connector,
    core: Digestbot,
    identity: Identity,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    token = bearer(identity.token(connector.base_url))
    with caplog.at_level(logging.DEBUG):
        statuses = [secure.post("/api/messages", content=body, headers=token).status_code for _ in range(3)]
    assert statuses == [400] * 3
    [line] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.getMessage() == "Teams: refused 1 request(s) whose body is not a JSON object"
    assert "Traceback" not in caplog.text
    assert connector.posts == [] and core.chat.destinations("teams") == []


def test_a_deeply_nested_body_in_local_mode_is_400(
    local: TestClient, core: Digestbot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert local.post("/api/messages", content=DEEP).status_code == 400
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    assert core.chat.destinations("teams") == []
