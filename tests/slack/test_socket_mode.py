"""Socket Mode: the Bolt app connects to a fake Socket Mode server, acks every envelope, and answers."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qsl

from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from digestbot.conversation import Conversations
from digestbot.settings import Settings
from digestbot.slack.app import build_slack_app
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.slack.socket_server import FakeSocketMode
from tests.slack.support import ALICE, APP_TOKEN, BOT_TOKEN, CHANNEL, DM, message


def test_socket_mode_round_trip(emulator: SlackEmulator, conversations: Conversations) -> None:
    settings = Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_app_token=SecretStr(APP_TOKEN),
        slack_api_url=emulator.api_url,
    )
    asyncio.run(round_trip(settings, emulator, conversations))


async def round_trip(settings: Settings, emulator: SlackEmulator, conversations: Conversations) -> None:
    socket_mode = FakeSocketMode()
    emulator.socket_url = await socket_mode.start()
    handler = AsyncSocketModeHandler(build_slack_app(settings, conversations), APP_TOKEN)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await asyncio.wait_for(socket_mode.connected.wait(), 5)
        (opened,) = emulator.calls_to("apps.connections.open")
        assert opened.token == APP_TOKEN

        command = dict(
            parse_qsl(
                slack_requests.slash_command(
                    "ransomware", emulator.response_url("s1"), channel=CHANNEL, user=ALICE
                ).decode()
            )
        )
        ack = await socket_mode.send("slash_commands", command)
        assert set(ack) >= {"envelope_id"}
        (reply,) = await asyncio.to_thread(emulator.wait_for, RESPONSE_URL)
        assert "9 Jul 2024 · Cyber / Defense Technology" in json.dumps(
            reply.body["blocks"], ensure_ascii=False
        )

        event = json.loads(
            slack_requests.event_callback(message("ceasefire", "1700000300.000100", channel=DM), "EvSock")
        )
        await socket_mode.send("events_api", event)
        (post,) = await asyncio.to_thread(emulator.wait_for, "chat.postMessage")
        assert post.body["channel"] == DM

        click = json.loads(
            dict(
                parse_qsl(
                    slack_requests.share_click(
                        "ceasefire", emulator.response_url("s2"), channel=CHANNEL, user=ALICE
                    ).decode()
                )
            )["payload"]
        )
        await socket_mode.send("interactive", click)
        shared = (await asyncio.to_thread(emulator.wait_for, "chat.postMessage", 2))[1]
        assert shared.body["channel"] == CHANNEL and f"<@{ALICE}>" in json.dumps(shared.body["blocks"])
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await socket_mode.stop()
