"""Wiring: the Teams SDK ``App`` built from Settings, with digestbot's handlers registered on it.

Each listener parses the activity (``parse``), calls one plain handler (``handlers``) in a worker thread
(the core is synchronous), and sends what it returns into the same conversation (the thread, in a channel).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from microsoft_teams.api import ActivityBase, ConversationUpdateActivity
from microsoft_teams.api.activities.install_update import InstalledActivity, UninstalledActivity
from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProvider

from digestbot.conversation import Conversations
from digestbot.errors import DatabaseUnavailable
from digestbot.settings import Settings
from digestbot.teams import handlers, parse
from digestbot.teams.handlers import Reply
from digestbot.teams.sdk import ActivityContext, App, HttpServerAdapter, new_app

TEAMS_PATH = "/api/messages"


def build_teams_app(
    settings: Settings,
    conversations: Conversations,
    adapter: HttpServerAdapter,
    *,
    cloud: CloudEnvironment | None = None,
    token: TokenProvider | None = None,
) -> App:
    """The SDK app with every digestbot listener registered (not initialized; routes.py does that)."""
    app = new_app(settings, adapter, cloud=cloud, token=token, messaging_endpoint=TEAMS_PATH)
    register(app, conversations)
    return app


def register(app: App, conversations: Conversations) -> None:
    """Attach the listeners: reference refresh for every activity, messages, install and uninstall."""

    async def refresh(ctx: ActivityContext[ActivityBase]) -> None:
        try:
            await asyncio.to_thread(conversations.refresh_reference, parse.place(ctx.activity))
        except DatabaseUnavailable:
            return  # nothing else runs; the endpoint answers 503 and the connector retries
        await ctx.next()

    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        try:
            message = parse.message(ctx.activity)
        except parse.InvalidButton as exc:
            await send(ctx, handlers.on_refused_button(str(exc)))
            return
        reply = await asyncio.to_thread(handlers.on_message, conversations, message)
        if reply is not None:
            await send(ctx, reply)

    async def on_install(ctx: ActivityContext[InstalledActivity]) -> None:
        activity = ctx.activity
        await blocking(
            handlers.on_installed, conversations, parse.place(activity), parse.direct_user(activity)
        )

    async def on_uninstall(ctx: ActivityContext[UninstalledActivity]) -> None:
        await blocking(handlers.on_uninstalled, conversations, parse.place(ctx.activity))

    async def on_members(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity, place = ctx.activity, parse.place(ctx.activity)
        if parse.includes_bot(activity.members_added, activity):
            await blocking(handlers.on_installed, conversations, place, parse.direct_user(activity))
        elif parse.includes_bot(activity.members_removed, activity):
            await blocking(handlers.on_uninstalled, conversations, place)

    app.use(refresh)
    app.on_message(on_message)
    app.on_install_add(on_install)
    app.on_install_remove(on_uninstall)
    app.on_conversation_update(on_members)


async def blocking(call: Callable[..., None], *args: Any) -> None:
    """Run a core call in a worker thread. During a database outage (logged once by the store) nothing
    is done: the endpoint answers 503, and the connector sends the activity again later."""
    try:
        await asyncio.to_thread(call, *args)
    except DatabaseUnavailable:
        return


async def send(ctx: ActivityContext[MessageActivity], reply: Reply) -> None:
    """Post a rendered reply into the conversation (and thread) the message came from."""
    await ctx.send(MessageActivityInput.model_validate(reply))
