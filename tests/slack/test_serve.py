"""``digestbot serve`` for chat: warm-up first, then HTTP mode or Socket Mode beside /healthz."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from digestbot.app import build_conversations, build_core
from digestbot.core import Digestbot
from digestbot.edge.serve import ChatServer, chat_server, settle_heap
from digestbot.embedding.embed import HashingEmbedder
from digestbot.settings import Settings
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator
from tests.slack.socket_server import FakeSocketMode
from tests.slack.support import APP_TOKEN, BOT_TOKEN, DM, SIGNING_SECRET, message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until_healthy(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        for _ in range(500):
            try:
                return await client.get(f"{url}/healthz")
            except httpx.ConnectError:
                await asyncio.sleep(0.01)
    raise AssertionError("the server never answered /healthz")


async def serving(server: ChatServer, check: Coroutine[Any, Any, None]) -> None:
    """Run the server while the check runs, then stop it as Ctrl-C would."""
    task = asyncio.create_task(server.serve())
    try:
        await check
    finally:
        server.web.should_exit = True
        await asyncio.wait_for(task, 10)


def test_warm_up_loads_the_index_and_the_model_before_serving(core: Digestbot, settings: Settings) -> None:
    embedder = HashingEmbedder()
    core = build_core(settings, embedder=embedder)  # a fresh process over the same archive
    assert not core.engine.loaded and embedder.calls == 0
    core.warm_up()
    assert core.engine.loaded and embedder.calls > 0


def test_http_mode_serves_slack_events_and_health(
    emulator: SlackEmulator, core: Digestbot, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=emulator.api_url,
        port=port,
        data_dir=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"

    async def check() -> None:
        assert (await until_healthy(url)).json() == {"status": "ok"}
        body = slack_requests.event_callback(message("ceasefire", "1700000000.000100", channel=DM), "EvServe")
        headers = slack_requests.signed_headers(body, "application/json", secret=SIGNING_SECRET)
        async with httpx.AsyncClient() as client:
            assert (
                await client.post(f"{url}/slack/events", content=body, headers=headers)
            ).status_code == 200
        (post,) = await asyncio.to_thread(emulator.wait_for, "chat.postMessage")
        assert post.body["channel"] == DM

    asyncio.run(serving(chat_server(settings, build_conversations(core)), check()))


def test_socket_mode_connects_and_serves_only_health_over_http(
    emulator: SlackEmulator, core: Digestbot, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_app_token=SecretStr(APP_TOKEN),
        slack_api_url=emulator.api_url,
        port=port,
        data_dir=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"

    async def check(socket_mode: FakeSocketMode) -> None:
        await asyncio.wait_for(socket_mode.connected.wait(), 5)
        assert (await until_healthy(url)).status_code == 200
        async with httpx.AsyncClient() as client:
            assert (await client.post(f"{url}/slack/events", content=b"{}")).status_code == 404
        event = message("ceasefire", "1700000000.000200", channel=DM)
        await socket_mode.send(
            "events_api", {"type": "event_callback", "event_id": "EvSock2", "event": event}
        )
        (post,) = await asyncio.to_thread(emulator.wait_for, "chat.postMessage")
        assert post.body["channel"] == DM

    async def scenario() -> None:
        socket_mode = FakeSocketMode()
        emulator.socket_url = await socket_mode.start()
        try:
            await serving(chat_server(settings, build_conversations(core)), check(socket_mode))
        finally:
            await socket_mode.stop()

    asyncio.run(scenario())


def test_settle_heap_freezes_what_start_up_built() -> None:
    built = [object() for _ in range(100)]
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(built)
    finally:
        gc.unfreeze()
