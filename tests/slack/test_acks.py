"""Acks first (``slack.acks``): answer work waits while any request still owes its ack, and the gate is
released on errors. Ordering is observed by yielding to the event loop, never by timing."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from digestbot.conversation import Conversations, Message, Outcome
from digestbot.edge.server import SLACK_PATH, slack_endpoint
from digestbot.settings import Settings
from digestbot.slack.acks import AckGate
from digestbot.slack.app import GuardedApp, build_slack_app
from digestbot.slack.handlers import SlackHandlers
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.slack.support import ALICE, CHANNEL, SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"


class RecordingConversations(Conversations):
    """The real conversation core, noting in ``log`` when a message's work starts."""

    def __init__(self, real: Conversations, log: list[str]) -> None:
        super().__init__(real.library, real.chat)
        self.log = log

    def handle(self, message: Message) -> Outcome:
        self.log.append("work")
        return super().handle(message)


async def settle(turns: int = 20) -> None:
    """Let every ready task run until it blocks (no timing: the loop's own turns)."""
    for _ in range(turns):
        await asyncio.sleep(0)


def test_turn_waits_until_every_owed_ack_is_released() -> None:
    async def scenario() -> None:
        gate = AckGate(max_wait=3600)
        with contextlib.ExitStack() as first:
            first.enter_context(gate.owing())
            with gate.owing():
                waiter = asyncio.ensure_future(gate.turn())
                await settle()
                assert gate.owed == 2 and not waiter.done()
            await settle()
            assert gate.owed == 1 and not waiter.done()
        await waiter
        assert gate.owed == 0

    asyncio.run(scenario())


def test_an_error_while_owing_releases_the_gate() -> None:
    async def scenario() -> None:
        gate = AckGate(max_wait=3600)
        with contextlib.suppress(RuntimeError), gate.owing():
            raise RuntimeError("the listener failed")
        assert gate.owed == 0
        await gate.turn()  # returns at once: nothing is owed

    asyncio.run(scenario())


def test_turn_gives_up_after_max_wait_so_answers_are_never_starved() -> None:
    async def scenario() -> None:
        gate = AckGate(max_wait=0)
        with gate.owing():
            await gate.turn()
            assert gate.owed == 1

    asyncio.run(scenario())


def test_a_command_acks_before_its_work_and_works_only_once_no_ack_is_owed(
    conversations: Conversations,
) -> None:
    log: list[str] = []

    async def ack() -> None:
        log.append("ack")

    async def respond(**_: object) -> None:
        log.append("answer")

    async def scenario() -> None:
        gate = AckGate(max_wait=3600)
        handlers = SlackHandlers(RecordingConversations(conversations, log), acks=gate)
        command = {"text": "latest", "channel_id": CHANNEL, "user_id": ALICE}
        with gate.owing():  # another request of the burst, not acked yet
            task = asyncio.ensure_future(handlers.on_command(ack, command, respond))  # type: ignore[arg-type]
            await settle()
            assert log == ["ack"]
        await task
        assert log == ["ack", "work", "answer"]

    asyncio.run(scenario())


def test_the_endpoint_owes_the_ack_from_arrival_through_the_app(
    settings: Settings, conversations: Conversations, emulator: SlackEmulator
) -> None:
    app = build_slack_app(settings, conversations)
    assert isinstance(app, GuardedApp)
    seen: list[int] = []

    def available() -> bool:  # runs before Bolt sees the request
        seen.append(app.acks.owed)
        return True

    endpoint = slack_endpoint(app, SIGNING_SECRET, available=available, acks=app.acks)
    routes = Starlette(routes=[Route(SLACK_PATH, endpoint, methods=["POST"])])

    async def scenario() -> int:
        try:
            return await post_command(routes, emulator)
        finally:
            await app.close()  # its response-URL session

    status = asyncio.run(scenario())
    assert status == 200
    assert seen == [1]
    assert app.acks.owed == 0


async def post_command(app: Starlette, emulator: SlackEmulator) -> int:
    """Post one signed ``/digest latest``; return its ack's status once its answer has arrived too."""
    url = emulator.response_url("acks")
    body = slack_requests.slash_command("latest", url, channel=CHANNEL, user=ALICE)
    headers = slack_requests.signed_headers(body, FORM, secret=SIGNING_SECRET)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://slack.test") as client:
        status = (await client.post(SLACK_PATH, content=body, headers=headers)).status_code
    await asyncio.to_thread(emulator.wait_for, RESPONSE_URL, 1, 30.0)
    return status


def test_a_store_known_to_be_up_costs_the_ack_no_thread_hop(
    settings: Settings, conversations: Conversations, emulator: SlackEmulator
) -> None:
    app = build_slack_app(settings, conversations)
    assert isinstance(app, GuardedApp)
    asked: list[str] = []

    def available() -> bool:  # may query the database: it would run in a thread
        asked.append("available")
        return True

    endpoint = slack_endpoint(app, SIGNING_SECRET, available=available, known_up=lambda: True, acks=app.acks)
    routes = Starlette(routes=[Route(SLACK_PATH, endpoint, methods=["POST"])])

    async def scenario() -> int:
        try:
            return await post_command(routes, emulator)
        finally:
            await app.close()

    assert asyncio.run(scenario()) == 200
    assert asked == []


def test_the_store_is_known_up_until_an_outage_is_seen(conversations: Conversations) -> None:
    assert conversations.known_available()
    conversations.chat.db.outage.failed("OperationalError")
    assert not conversations.known_available()  # now the endpoint asks ``available`` (in a thread)
