"""Issue 9's reproductions at /slack/events: unsigned junk, odd timestamps, slow and vanishing clients."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from digestbot.conversation import Conversations
from digestbot.edge.asgi import ServerThread
from digestbot.edge.server import SLACK_PATH, build_asgi_app, slack_endpoint
from digestbot.settings import Settings
from digestbot.slack.app import build_slack_app
from digestbot.store import Database
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator
from tests.slack.support import SIGNING_SECRET, row_counts

UNSIGNED_EVENT = json.dumps({"type": "event_callback", "event": {"type": "message", "user": 7}}).encode()
FORM = "application/x-www-form-urlencoded"


def post_all(app: Starlette, requests: list[tuple[bytes, Mapping[str, str | bytes]]]) -> list[int]:
    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://slack.test") as client:
            return [
                (await client.post(SLACK_PATH, content=body, headers=headers)).status_code
                for body, headers in requests
            ]

    return asyncio.run(scenario())


def test_200_unsigned_events_get_401_and_one_log_line(
    settings: Settings, conversations: Conversations, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    before = row_counts(db)
    with caplog.at_level(logging.DEBUG):
        statuses = post_all(
            build_asgi_app(settings, conversations),
            [(UNSIGNED_EVENT, {"Content-Type": "application/json"})] * 200,
        )
    assert statuses == [401] * 200
    [line] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.getMessage().startswith("Slack: refused 1 request(s) without a valid signature")
    assert line.exc_info is None
    assert row_counts(db) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "٣٤٥", "X-Slack-Signature": "v0=00"},  # digits, not ASCII
        {"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=00"},
        {"X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": "1700000000"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "sha1=00"},
    ],
    ids=["letters", "empty", "arabic-digits", "huge", "no-timestamp", "no-signature", "non-ascii", "scheme"],
)
def test_odd_timestamps_and_signatures_get_401_not_500(
    settings: Settings, conversations: Conversations, headers: dict[str, str]
) -> None:
    body = b"command=%2Fdigest&text=latest"
    encoded = {name: value.encode() for name, value in headers.items()}  # UTF-8 bytes on the wire
    assert post_all(build_asgi_app(settings, conversations), [(body, {"Content-Type": FORM, **encoded})]) == [
        401
    ]


def test_a_signed_event_with_odd_fields_does_not_crash(
    settings: Settings, conversations: Conversations
) -> None:
    signed = slack_requests.signed_headers(UNSIGNED_EVENT, "application/json", secret=SIGNING_SECRET)
    assert post_all(build_asgi_app(settings, conversations), [(UNSIGNED_EVENT, signed)])[0] < 500


def raw_asgi(app: Starlette, messages: list[dict[str, Any]], headers: dict[str, str]) -> list[dict[str, Any]]:
    """Call the app with a receive channel that replays ``messages`` and then waits forever."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": SLACK_PATH,
        "raw_path": SLACK_PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("192.0.2.1", 40000),
        "server": ("127.0.0.1", 3000),
    }
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        if queue:
            return queue.pop(0)
        await asyncio.Event().wait()  # a client that never sends the rest
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def endpoint_app(settings: Settings, conversations: Conversations, *, body_timeout: float) -> Starlette:
    endpoint = slack_endpoint(
        build_slack_app(settings, conversations), SIGNING_SECRET, body_timeout=body_timeout
    )
    return Starlette(routes=[Route(SLACK_PATH, endpoint, methods=["POST"])])


def test_a_client_hanging_up_mid_body_is_one_line_not_a_traceback(
    settings: Settings, conversations: Conversations, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {
        **slack_requests.signed_headers(b"{}", "application/json", secret=SIGNING_SECRET),
        "Content-Length": "90",
    }
    app = endpoint_app(settings, conversations, body_timeout=5)
    part = {"type": "http.request", "body": b'{"type": ', "more_body": True}
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            sent = raw_asgi(app, [part, {"type": "http.disconnect"}], headers)
            assert sent[0]["status"] == 400
    [line] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.getMessage() == "Slack: 1 client(s) hung up before sending the whole body"
    assert line.exc_info is None


def test_a_body_that_never_finishes_gets_408_over_a_real_socket(
    settings: Settings, conversations: Conversations
) -> None:
    headers = slack_requests.signed_headers(b"{}", "application/json", secret=SIGNING_SECRET)
    with (
        ServerThread(endpoint_app(settings, conversations, body_timeout=0.5)) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as client,
    ):
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        client.sendall(
            f"POST {SLACK_PATH} HTTP/1.1\r\nHost: t\r\n{head}Content-Length: 1000\r\n\r\n".encode() + b'{"a"'
        )
        started = time.monotonic()
        answer = client.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 5


def test_oversized_bodies_still_get_413(
    settings: Settings, conversations: Conversations, emulator: SlackEmulator
) -> None:
    body = b'{"pad": "' + b"x" * 1_100_000 + b'"}'
    signed = slack_requests.signed_headers(body, "application/json", secret=SIGNING_SECRET)
    assert post_all(build_asgi_app(settings, conversations), [(body, signed)]) == [413]
    assert emulator.calls == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[" * 200_000, "application/json"),
        (
            b'{"type": "event_callback", "event": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
            "application/json",
        ),
        (b'{"a": ' * 100 + b"1" + b"}" * 100, "application/json"),  # parses, but deeper than any payload
        (b"payload=" + b"%5B" * 100_000, FORM),
    ],
    ids=["brackets", "balanced", "over-the-depth-limit", "form-payload"],
)
def test_a_signed_body_nested_too_deeply_is_400_and_one_line(
    settings: Settings,
    conversations: Conversations,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    """Issue 19 #4: `[` x 200,000, signed, was a 500 and a 4 KB RecursionError traceback."""
    before = row_counts(db)
    signed = slack_requests.signed_headers(body, content_type, secret=SIGNING_SECRET)
    with caplog.at_level(logging.DEBUG):
        statuses = post_all(build_asgi_app(settings, conversations), [(body, signed)] * 3)
    assert statuses == [400] * 3
    [line] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert line.getMessage().startswith("Slack: refused 1 signed request(s) whose body is not")
    assert line.exc_info is None and "Traceback" not in caplog.text
    assert row_counts(db) == before
