"""Slack listeners: ack, parse the payload, one core call, render, send. Wired up by ``slack.app.register``.

Plain async methods on a class built with the core, so they can be called without an ``App``. Errors are
turned into chat lines in one place (``reply``): a domain error's message is safe to show, anything else
is logged with its traceback and the user gets a generic apology.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.commands import Command, Verb, parse_command
from digestbot.domain import Answer, Issue
from digestbot.errors import DigestbotError
from digestbot.render import slack as render
from digestbot.store.chat import ChatState, Destination

log = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_WORKERS = 2
T = TypeVar("T")
WORKING_REACTION = "eyes"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


class Core(Protocol):
    """What the Slack surface needs of ``digestbot.core.Digestbot``."""

    chat: ChatState

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer: ...

    def latest(self) -> Issue | None: ...


@dataclass(frozen=True)
class Reply:
    """A rendered reply, the issue it is about (to scope follow-ups), and whether it reports a failure."""

    message: render.SlackMessage
    issue_date: dt.date | None = None
    failed: bool = False


@dataclass(frozen=True)
class Origin:
    """Who asked where, the issue a follow-up is scoped to, and how the answer will be shown."""

    channel: str
    user: str
    scope: dt.date | None = None
    share: bool = False  # private answer with a "Share in channel" button
    shared_by: str | None = None  # public answer attributed to the user who shared it


@dataclass(frozen=True)
class Place:
    """Where a conversation message was written: channel, author, thread (None: top level)."""

    channel: str
    user: str
    ts: str
    thread: str | None
    direct: bool  # a DM with the bot


class SlackHandlers:
    """The Bolt listeners of the ``/digest`` command, the share button, mentions, thread replies and DMs."""

    def __init__(self, core: Core, *, workers: int = DEFAULT_WORKERS) -> None:
        self.core = core
        # Core calls (model, index, database) block: they run on a small pool of their own, so a burst
        # of questions queues here instead of crowding out the event loop that acks Slack's requests.
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digestbot-slack")

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        """``/digest …``: ack at once, then a private reply through the response URL."""
        await ack()
        parsed = parse_command(command.get("text", ""))
        reply = await self.reply(parsed, Origin(command["channel_id"], command["user_id"], share=True))
        await respond(text=reply.message.text, blocks=reply.message.blocks, response_type="ephemeral")

    async def on_share(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """The "Share in channel" button: re-run the question it carries and post the answer publicly."""
        await ack()
        channel, user = body["channel"]["id"], body["user"]["id"]
        question = Command(Verb.ASK, action.get("value", ""))
        reply = await self.reply(question, Origin(channel, user, shared_by=user))
        if reply.failed:
            await respond(text=reply.message.text, blocks=reply.message.blocks, replace_original=False)
            return
        posted = await self._post(client, channel, None, reply.message)
        if posted is None:
            failure = render.notice("I can't post in this channel. Invite me to it first (/invite).")
            await respond(text=failure.text, blocks=failure.blocks, replace_original=False)
            return
        await self._blocking(self.core.chat.remember_thread, PLATFORM, channel, posted, reply.issue_date)
        await respond(delete_original=True)

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        """An @mention in a channel: answer in a thread under it (or in the thread it was written in)."""
        place = _place(event)
        if place.direct:
            return  # a DM is answered by on_message
        scope = await self._thread_scope(place)
        await self._converse(client, body.get("event_id", ""), place, event.get("text", ""), scope)

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """A DM, or a reply in a thread the bot started; everything else is left alone."""
        bot = context.bot_user_id or ""
        if is_ignored(event, bot):
            return
        place = _place(event)
        if not place.direct and (place.thread is None or f"<@{bot}>" in event.get("text", "")):
            return  # channel chatter, or a mention that on_mention answers
        known = await self._blocking(self.core.chat.thread, PLATFORM, place.channel, place.thread or "")
        if not place.direct and known is None:
            return
        scope = known.issue_date if known is not None else None
        await self._converse(client, body.get("event_id", ""), place, event.get("text", ""), scope)

    # -- shared steps -----------------------------------------------------------------------------

    async def _blocking(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    async def reply(self, command: Command, origin: Origin) -> Reply:
        """Run the command against the core (in a worker thread) and render the result."""
        try:
            return await self._blocking(self._execute, command, origin)
        except DigestbotError as exc:
            return Reply(render.notice(f"Sorry: {exc}"), failed=True)
        except Exception:
            log.exception("Slack: %s failed in channel %s", command.verb.value, origin.channel)
            return Reply(render.apology(), failed=True)

    def _execute(self, command: Command, origin: Origin) -> Reply:
        chat, channel = self.core.chat, origin.channel
        match command.verb:
            case Verb.ASK:
                answer = self._ask(command.question, origin.scope)
                message = render.answer_message(answer, share=origin.share, shared_by=origin.shared_by)
                return Reply(message, issue_date=single_issue(answer))
            case Verb.LATEST:
                issue = self.core.latest()
                if issue is None:
                    return Reply(render.empty_archive())
                return Reply(render.issue_message(issue), issue_date=issue.date)
            case Verb.SUBSCRIBE:
                added = chat.subscribe(Destination(platform=PLATFORM, channel_id=channel), user=origin.user)
                return Reply(render.subscription_notice("subscribe", added))
            case Verb.UNSUBSCRIBE:
                return Reply(render.subscription_notice("unsubscribe", chat.unsubscribe(PLATFORM, channel)))
            case Verb.STATUS:
                subscribed = chat.subscription(PLATFORM, channel) is not None
                return Reply(render.subscription_notice("status", subscribed))
        return Reply(render.help_message())

    def _ask(self, question: str, scope: dt.date | None) -> Answer:
        # A follow-up is about its thread's issue first; the core widens to every issue when that
        # issue has nothing relevant (and says so in the answer).
        return self.core.ask(question, issue_date=scope)

    async def _converse(
        self, client: AsyncWebClient, event_id: str, place: Place, text: str, scope: dt.date | None
    ) -> None:
        if event_id and not await self._blocking(self.core.chat.first_sighting, event_id):
            return  # a redelivery of an event already answered
        await self._react(client, place)
        command = parse_command(_MENTION.sub("", text))
        reply = await self.reply(command, Origin(place.channel, place.user, scope=scope))
        thread = place.thread if place.thread is not None or place.direct else place.ts
        if thread is not None and place.thread is None and not reply.failed:
            # A new thread under a top-level mention: replies in it are follow-ups. Remembered before
            # posting, so a reply that comes right after the answer is already recognised.
            remember = self.core.chat.remember_thread
            await self._blocking(remember, PLATFORM, place.channel, thread, reply.issue_date)
        await self._post(client, place.channel, thread, reply.message)

    async def _thread_scope(self, place: Place) -> dt.date | None:
        if place.thread is None:
            return None
        known = await self._blocking(self.core.chat.thread, PLATFORM, place.channel, place.thread)
        return None if known is None else known.issue_date

    async def _react(self, client: AsyncWebClient, place: Place) -> None:
        try:
            await client.reactions_add(channel=place.channel, timestamp=place.ts, name=WORKING_REACTION)
        except SlackApiError as exc:  # a missing reaction is cosmetic; the answer still goes out
            log.warning("Slack: reactions.add failed: %s", exc.response.get("error"))

    async def _post(
        self, client: AsyncWebClient, channel: str, thread: str | None, message: render.SlackMessage
    ) -> str | None:
        """Post a message; its ts, or None when Slack refused it (logged)."""
        try:
            response = await client.chat_postMessage(
                channel=channel, thread_ts=thread, text=message.text, blocks=message.blocks
            )
        except SlackApiError as exc:
            log.error("Slack: chat.postMessage to %s failed: %s", channel, exc.response.get("error"))
            return None
        ts = response.get("ts")
        return ts if isinstance(ts, str) else None


def is_ignored(event: dict[str, Any], bot_user_id: str) -> bool:
    """Edits, joins, deletions (any subtype), other bots, and the bot's own messages get no answer."""
    return bool(event.get("subtype") or event.get("bot_id")) or event.get("user") in (None, bot_user_id)


def single_issue(answer: Answer) -> dt.date | None:
    """The issue date when every hit comes from one issue, else None."""
    dates = {hit.date for hit in answer.hits}
    return dates.pop() if len(dates) == 1 else None


def _place(event: dict[str, Any]) -> Place:
    channel = event["channel"]
    return Place(
        channel=channel,
        user=event.get("user", ""),
        ts=event["ts"],
        thread=event.get("thread_ts"),
        direct=event.get("channel_type") == "im" or channel.startswith("D"),
    )
