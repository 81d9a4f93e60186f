"""Requests Slack did not sign, stale, malformed or oversized: rejected before any state is touched."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from digestbot.store import Database
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator
from tests.slack.support import CHANNEL, DM, SIGNING_SECRET, SlackDriver, message, row_counts

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def dm_event(event_id: str) -> bytes:
    return slack_requests.event_callback(message("ransomware", "1700000000.000100", channel=DM), event_id)


def send(slack: SlackDriver, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return slack.http.post(slack.url, content=body, headers=headers)


@pytest.mark.parametrize(
    ("name", "body", "headers", "status"),
    [
        (
            "wrong secret",
            dm_event("Ev1"),
            slack_requests.signed_headers(dm_event("Ev1"), JSON, secret="wrong"),
            401,
        ),
        (
            "stale timestamp",
            dm_event("Ev2"),
            slack_requests.signed_headers(dm_event("Ev2"), JSON, secret=SIGNING_SECRET, age=6 * 60),
            401,
        ),
        ("no signature", dm_event("Ev3"), {"Content-Type": JSON}, 401),
        ("malformed JSON", b'{"type": "event_callback", ', None, 400),
        ("JSON that is not an object", b"[1, 2, 3]", None, 400),
        ("malformed interactivity payload", b"payload=%7Bnot-json", None, 400),
        # Slack signs UTF-8 text; SignatureVerifier cannot check anything else, so it is not signed.
        ("not UTF-8", b"\xff\xfe{", None, 401),
        ("oversized", json.dumps({"type": "event_callback", "pad": "x" * 1_100_000}).encode(), None, 413),
    ],
)
def test_bad_requests_are_rejected_without_touching_state(
    slack: SlackDriver,
    emulator: SlackEmulator,
    db: Database,
    name: str,
    body: bytes,
    headers: dict[str, str] | None,
    status: int,
) -> None:
    before = row_counts(db)
    content_type = FORM if body.startswith(b"payload=") else JSON
    signed = headers or slack_requests.signed_headers(body, content_type, secret=SIGNING_SECRET)
    assert send(slack, body, signed).status_code == status, name
    assert emulator.calls == []
    assert row_counts(db) == before


def test_an_oversized_chunked_body_is_cut_off(slack: SlackDriver, emulator: SlackEmulator) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 50_000

    headers = slack_requests.signed_headers(b"", JSON, secret=SIGNING_SECRET)  # signed-looking: worth reading
    response = slack.http.post(slack.url, content=chunks(), headers=headers)
    assert response.status_code == 413
    unsigned = slack.http.post(slack.url, content=chunks(), headers={"Content-Type": JSON})
    assert unsigned.status_code == 401  # refused before its body is read
    assert emulator.calls == []


def test_url_verification_and_health(slack: SlackDriver, emulator: SlackEmulator) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "legacy"}).encode()
    response = slack.post(body, JSON)
    assert response.status_code == 200 and response.json() == {"challenge": "c-123"}
    health = slack.http.get(slack.url.replace("/slack/events", "/healthz"))
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert emulator.calls == []


def test_a_valid_request_goes_through(slack: SlackDriver, emulator: SlackEmulator) -> None:
    assert slack.event(message("ransomware", "1700000000.000100", channel=DM), "EvOk").status_code == 200
    (post,) = emulator.wait_for("chat.postMessage")
    assert post.body["channel"] == DM
    assert CHANNEL not in post.body["channel"]
