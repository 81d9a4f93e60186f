"""``digestbot serve`` for chat: load the model and index, then Slack in Socket Mode or over HTTP.

Either way one uvicorn server runs the ASGI app (``/healthz``, ``/readyz``, ``/metrics``, ``/slack/events``
in HTTP mode, Slack's install pages with OAuth, and the routes other surfaces add); in Socket Mode Slack's
requests arrive over the app-token websocket instead.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from starlette.routing import BaseRoute

from digestbot.conversation import Conversations
from digestbot.edge.ops import operator_routes
from digestbot.edge.platforms import slack_configured
from digestbot.edge.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.slack.app import build_slack_app
from digestbot.telemetry.logs import protect

if TYPE_CHECKING:
    from digestbot.core import Digestbot

log = logging.getLogger(__name__)


def run_chat(
    settings: Settings,
    core: Digestbot,
    conversations: Conversations,
    *,
    extra_routes: Sequence[BaseRoute] = (),
) -> None:
    """Warm up, then serve until interrupted: Socket Mode when an app token is set, else HTTP.
    ``extra_routes`` (e.g. Teams' ``/api/messages``) are served by the same ASGI app, beside the
    operators' ``/readyz`` and ``/metrics``."""
    routes = [*operator_routes(core), *extra_routes]
    core.warm_up()
    settle_heap()
    asyncio.run(chat_server(settings, conversations, extra_routes=routes).serve())


def settle_heap() -> None:
    """Move what start-up built (model, index, archive: ~200k objects) out of the garbage collector's
    sight. Under a burst of requests a full collection over them held the GIL for 170 ms in one go,
    in the middle of the acks; they live as long as the process anyway."""
    gc.collect()
    gc.freeze()


@dataclass
class ChatServer:
    """The ASGI app under uvicorn, plus the Slack app's Socket Mode connection when it has an app token."""

    web: uvicorn.Server
    slack_app: AsyncApp | None = None
    app_token: str | None = None

    async def serve(self) -> None:
        """Serve until ``web.should_exit`` (set by Ctrl-C / SIGTERM, or by a test)."""
        if self.slack_app is None or self.app_token is None:
            log.info("serving HTTP on %s:%s", self.web.config.host, self.web.config.port)
            await self.web.serve()
            return
        handler = AsyncSocketModeHandler(self.slack_app, self.app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack over Socket Mode: connected")
        try:
            await self.web.serve()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]


def chat_server(
    settings: Settings, conversations: Conversations, *, extra_routes: Sequence[BaseRoute] = ()
) -> ChatServer:
    """The server ``run_chat`` runs, built from the settings (Slack when a bot token or OAuth is set)."""
    slack_app = build_slack_app(settings, conversations) if slack_configured(settings) else None
    token = settings.slack_app_token.get_secret_value() if settings.slack_app_token is not None else None
    # In Socket Mode events do not arrive over HTTP, so /slack/events is not mounted (install pages are).
    asgi = build_asgi_app(
        settings, conversations, slack_app, extra_routes=extra_routes, slack_events=token is None
    )
    level = settings.log_level.lower()
    config = uvicorn.Config(asgi, host=settings.host, port=settings.port, log_level=level)
    protect("uvicorn", "uvicorn.access", fmt=settings.log_format)  # the handlers the config just installed
    return ChatServer(uvicorn.Server(config), slack_app, token)
