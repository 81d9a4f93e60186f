"""The ASGI app in-process (httpx ASGITransport): ack before the search, and errors as chat lines."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.domain import Answer, Issue
from digestbot.edge.server import TEAMS_PATH, build_asgi_app
from digestbot.errors import NotFoundError
from digestbot.settings import Settings
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.fakes import FailingLibrary
from tests.slack.support import ALICE, CHANNEL, SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"


class GatedLibrary(FailingLibrary):
    """A library whose ``ask`` waits until the test opens the gate: a search that takes its time."""

    def __init__(self, library: Digestbot) -> None:
        super().__init__(library, RuntimeError("unused"))
        self.real = library
        self.gate = threading.Event()
        self.asked: list[str] = []

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer:
        assert self.gate.wait(timeout=10)
        self.asked.append(question)
        return self.real.ask(question, k=k, issue_date=issue_date)

    def latest(self) -> Issue | None:
        return self.real.latest()


async def command(
    settings: Settings, conversations: Conversations, emulator: SlackEmulator, text: str
) -> httpx.Response:
    body = slack_requests.slash_command(text, emulator.response_url("r1"), channel=CHANNEL, user=ALICE)
    transport = httpx.ASGITransport(app=build_asgi_app(settings, conversations))
    async with httpx.AsyncClient(transport=transport, base_url="http://slack.test") as client:
        headers = slack_requests.signed_headers(body, FORM, secret=SIGNING_SECRET)
        return await client.post("/slack/events", content=body, headers=headers)


def test_the_command_is_acked_before_the_search_finishes(
    settings: Settings, core: Digestbot, emulator: SlackEmulator
) -> None:
    gated = GatedLibrary(core)

    async def scenario() -> None:
        response = await command(settings, Conversations(gated, core.chat), emulator, "ransomware")
        assert response.status_code == 200 and gated.asked == []
        gated.gate.set()
        (reply,) = await asyncio.to_thread(emulator.wait_for, RESPONSE_URL)
        assert "9 Jul 2024 · Cyber / Defense Technology" in str(reply.body["blocks"])
        assert gated.asked == ["ransomware"]

    asyncio.run(scenario())


def test_a_domain_error_becomes_a_friendly_private_line(
    settings: Settings, core: Digestbot, emulator: SlackEmulator
) -> None:
    error = NotFoundError("no issue dated 2024-07-16 in the archive (closest: 2024-07-09)")
    failing = Conversations(FailingLibrary(core, error), core.chat)

    async def scenario() -> None:
        await command(settings, failing, emulator, "the July 16 issue")
        (reply,) = await asyncio.to_thread(emulator.wait_for, RESPONSE_URL)
        assert reply.body["text"] == "Sorry: no issue dated 2024-07-16 in the archive (closest: 2024-07-09)"
        assert reply.body["response_type"] == "ephemeral"

    asyncio.run(scenario())


def test_an_unexpected_error_is_logged_and_never_shown(
    settings: Settings, core: Digestbot, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Conversations(
        FailingLibrary(core, RuntimeError("database at /srv/secret/path is locked")), core.chat
    )

    async def scenario() -> None:
        await command(settings, failing, emulator, "iran")
        (reply,) = await asyncio.to_thread(emulator.wait_for, RESPONSE_URL)
        assert reply.body["text"].startswith("Sorry, something went wrong")
        assert "secret" not in str(reply.body)

    with caplog.at_level(logging.ERROR, logger="digestbot.conversation"):
        asyncio.run(scenario())
    (record,) = [r for r in caplog.records if r.name.startswith("digestbot.conversation")]
    assert record.exc_info is not None and "locked" in str(record.exc_info[1])


def test_other_surfaces_mount_their_routes_beside_slack(
    settings: Settings, conversations: Conversations
) -> None:
    async def teams(_request: Request) -> Response:
        return PlainTextResponse("teams")

    app = build_asgi_app(settings, conversations, extra_routes=[Route(TEAMS_PATH, teams, methods=["POST"])])

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.post(TEAMS_PATH)).text == "teams"
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.post("/slack/events", content=b"{}")).status_code == 401

    asyncio.run(scenario())


def test_without_slack_credentials_only_health_is_served(conversations: Conversations) -> None:
    app = build_asgi_app(Settings(), conversations)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.post("/slack/events", content=b"{}")).status_code == 404

    asyncio.run(scenario())
