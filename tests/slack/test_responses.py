"""Replies through response URLs share one aiohttp session per event loop (``slack.responses``), which
is closed at shutdown; the app's ``respond()`` is that shared one."""

from __future__ import annotations

import asyncio

import aiohttp

from digestbot.conversation import Conversations
from digestbot.edge.asgi import ServerThread
from digestbot.edge.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.slack.app import GuardedApp, build_slack_app
from digestbot.slack.responses import ResponseSessions, SharedRespond
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.slack.support import SlackDriver


def test_replies_go_through_one_session_until_it_is_closed(emulator: SlackEmulator) -> None:
    sessions = ResponseSessions()

    async def scenario() -> tuple[aiohttp.ClientSession, aiohttp.ClientSession]:
        first = sessions.session()
        for key in ("one", "two"):
            respond = sessions.respond(emulator.response_url(key), proxy=None, ssl=None)
            await respond(text=f"answer {key}", blocks=[{"type": "divider"}], response_type="ephemeral")
        assert sessions.session() is first and not first.closed
        assert sessions.open == 1
        await sessions.close()
        assert first.closed and sessions.open == 0
        second = sessions.session()  # a reply after close opens a new one
        await sessions.close()
        return first, second

    first, second = asyncio.run(scenario())
    assert second is not first and second.closed
    posts = [call.body for call in emulator.calls_to(RESPONSE_URL)]
    assert posts == [
        {"text": f"answer {key}", "blocks": [{"type": "divider"}], "response_type": "ephemeral"}
        for key in ("one", "two")
    ]


def test_each_event_loop_has_its_own_session() -> None:
    sessions = ResponseSessions()

    async def opened() -> aiohttp.ClientSession:
        return sessions.session()

    other = asyncio.new_event_loop()
    try:
        theirs = other.run_until_complete(opened())

        async def ours() -> aiohttp.ClientSession:
            mine = sessions.session()
            await sessions.close()  # closes this loop's session only
            return mine

        mine = asyncio.run(ours())
        assert mine is not theirs and mine.closed and not theirs.closed
        other.run_until_complete(sessions.close())
        assert theirs.closed and sessions.open == 0
    finally:
        other.close()


def test_a_reply_without_a_response_url_is_refused() -> None:
    respond = SharedRespond(ResponseSessions(), response_url=None)
    try:
        asyncio.run(respond(text="nowhere to go"))
    except ValueError as exc:
        assert "no response_url" in str(exc)
    else:
        raise AssertionError("a reply with no response URL was sent")


def test_the_app_answers_through_its_shared_session_and_closes_it_at_shutdown(
    settings: Settings, conversations: Conversations, emulator: SlackEmulator
) -> None:
    slack_app = build_slack_app(settings, conversations)
    assert isinstance(slack_app, GuardedApp)
    with ServerThread(build_asgi_app(settings, conversations, slack_app)) as server:
        driver = SlackDriver(server.url, emulator)
        try:
            assert driver.command("help").status_code == 200
            emulator.wait_for(RESPONSE_URL, 1, 30.0)
            assert slack_app.responses.open == 1  # the reply went through the app's session
        finally:
            driver.close()
    assert slack_app.responses.open == 0  # the server's shutdown closed it
