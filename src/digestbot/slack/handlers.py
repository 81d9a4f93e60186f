"""Slack listeners: ack, payload -> ``Message``, one ``Conversations`` call, render, send.

Wired up by ``slack.app.register``. Plain async methods on a class built with the conversation core, so
they can be called without an ``App``. What a message means (dedupe, follow-up scoping, commands, errors)
is decided once, in the core; here only Slack's shapes are handled.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.conversation import Answered, Conversations, Failed, Ignored, Message, Outcome
from digestbot.domain import Destination
from digestbot.render import slack as render
from digestbot.render import words
from digestbot.render.slack_blocks import SlackMessage
from digestbot.slack import actions
from digestbot.slack.acks import AckGate

log = logging.getLogger(__name__)

SURFACE = "slack"
DEFAULT_WORKERS = 2
T = TypeVar("T")
WORKING_REACTION = "eyes"
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


class SlackHandlers:
    """The Bolt listeners of ``/digest``, the answer buttons, mentions, thread replies and DMs."""

    def __init__(
        self, conversations: Conversations, *, workers: int = DEFAULT_WORKERS, acks: AckGate | None = None
    ) -> None:
        self.conversations = conversations
        # Core calls (model, index, database) block: they run on a small pool of their own, so a burst
        # of questions queues here instead of crowding out the event loop that acks Slack's requests,
        # and they start only once no ack is owed (their Python would hold the GIL the acks need).
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digestbot-slack")
        self.acks = acks or AckGate()

    async def _blocking(self, call: Callable[..., T], *args: Any) -> T:
        await self.acks.turn()
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        """``/digest …``: ack at once, then a private reply through the response URL."""
        await ack()
        channel = command["channel_id"]
        message = Message(
            SURFACE,
            _channel(channel, _workspace(command)),
            command["user_id"],
            command.get("text", ""),
            direct=str(channel).startswith("D"),
        )
        outcome = await self._blocking(self.conversations.handle, message)
        await _respond(respond, render.outcome_message(outcome, share=True))

    async def on_share(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """ "Share in channel": answer the question the button carries again, publicly."""
        await ack()
        click = actions.read(actions.Click, body, "a Share click")
        asked = actions.question(click.value) if click is not None and click.channel is not None else None
        if click is None or click.channel is None or asked is None:
            await refuse(respond, body, "a Share click" if click is not None else None)
            return
        place, user = _channel(click.channel.id, click.workspace), click.user.id
        outcome = await self._blocking(self.conversations.handle, Message(SURFACE, place, user, asked))
        if not isinstance(outcome, Answered):
            await _respond(respond, render.outcome_message(outcome), replace_original=False)
            return
        posted = await _post(client, place.channel_id, None, render.outcome_message(outcome, shared_by=user))
        if posted is None:
            failure = render.notice("I can't post in this channel. Invite me to it first (/invite).")
            await _respond(respond, failure, replace_original=False)
            return
        await self._blocking(self.conversations.remember_thread, SURFACE, place, posted, outcome)
        if respond is not None:
            await respond(delete_original=True)

    async def on_details(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """ "Details" on an answer's item: the full item, privately under a private answer, or in the
        thread of a public one."""
        await ack()
        click = actions.read(actions.Click, body, "a Details click")
        item = actions.row_id(click.value) if click is not None and click.channel is not None else None
        if click is None or click.channel is None or item is None:
            await refuse(respond, body, "a Details click" if click is not None else None)
            return
        outcome = await self._blocking(self.conversations.details, [item])
        await self._reply(
            client, respond, click, render.outcome_message(outcome), private=isinstance(outcome, Failed)
        )

    async def on_timeline_more(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """ "More" under a timeline: its next page, where the page it is under was shown."""
        await ack()
        click = actions.read(actions.Click, body, "a timeline's More click")
        ref = actions.page(click.value) if click is not None and click.channel is not None else None
        if click is None or click.channel is None or ref is None:
            await refuse(respond, body, "a timeline's More click" if click is not None else None)
            return
        place = _channel(click.channel.id, click.workspace)
        message = Message(SURFACE, place, click.user.id, ref.command())
        reply = render.outcome_message(await self._blocking(self.conversations.handle, message))
        await self._reply(client, respond, click, reply)

    async def _reply(
        self, client: AsyncWebClient, respond: AsyncRespond | None, click: actions.Click,
        reply: SlackMessage, *, private: bool = False,
    ) -> None:  # fmt: skip
        """A click's answer: privately when the message it is under is private, else in its thread."""
        if private or click.thread is None or click.channel is None:
            await _respond(respond, reply, replace_original=False)
            return
        await _post(client, click.channel.id, click.thread, reply)

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        """An @mention in a channel: answer in a thread under it (or in the thread it was written in)."""
        if _is_direct(event):
            return  # a DM is answered by on_message
        await self._converse(client, _message(body, event, addressed=True), event["ts"])

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """A DM, or a reply in a thread (answered when the bot started it); everything else is left alone."""
        bot = context.bot_user_id or ""
        if is_ignored(event, bot):
            return
        direct = _is_direct(event)
        if not direct and (event.get("thread_ts") is None or f"<@{bot}>" in event.get("text", "")):
            return  # channel chatter, or a mention that on_mention answers
        await self._converse(client, _message(body, event, addressed=direct), event["ts"])

    async def _converse(self, client: AsyncWebClient, message: Message, ts: str) -> None:
        if message.addressed:  # a thread reply is acknowledged only once the core knows the thread
            await _react(client, message.place.channel_id, ts)
        outcome: Outcome = await self._blocking(self.conversations.handle, message)
        if isinstance(outcome, Ignored):
            return
        if not message.addressed:
            await _react(client, message.place.channel_id, ts)
        await _post(client, message.place.channel_id, message.reply_thread, render.outcome_message(outcome))


def _channel(channel_id: str, workspace: str | None) -> Destination:
    return Destination(platform=SURFACE, channel_id=channel_id, workspace=workspace)


def _workspace(body: dict[str, Any]) -> str | None:
    """The workspace (team id) whose installation a request came through, as Bolt's ``authorize`` reads
    it: an event's authorization (a channel shared between workspaces), an interaction's team, a
    command's team id."""
    authorizations = body.get("authorizations")
    first = authorizations[0] if isinstance(authorizations, list) and authorizations else None
    team = body.get("team")
    found = [
        first.get("team_id") if isinstance(first, dict) else None,
        team.get("id") if isinstance(team, dict) else None,
        body.get("team_id"),
    ]
    return next((value for value in found if isinstance(value, str) and value), None)


def _is_direct(event: dict[str, Any]) -> bool:
    return event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")


def _message(body: dict[str, Any], event: dict[str, Any], *, addressed: bool) -> Message:
    """A mention, thread reply or DM as a ``Message``: a reply goes in the thread it was written in, a
    top-level mention starts a thread under itself, a top-level DM is answered at the top level."""
    thread = event.get("thread_ts")
    reply_thread = thread if thread is not None or _is_direct(event) else event["ts"]
    return Message(
        surface=SURFACE,
        place=_channel(event["channel"], _workspace(body)),
        user=str(event.get("user", "")),
        text=_MENTION.sub("", str(event.get("text", ""))),
        thread=thread,
        reply_thread=reply_thread,
        addressed=addressed,
        event_id=body.get("event_id") or None,
        direct=_is_direct(event),
    )


def is_ignored(event: dict[str, Any], bot_user_id: str) -> bool:
    """Edits, joins, deletions (any subtype), other bots, and the bot's own messages get no answer."""
    return bool(event.get("subtype") or event.get("bot_id")) or event.get("user") in (None, bot_user_id)


async def _respond(respond: AsyncRespond | None, message: SlackMessage, **options: Any) -> None:
    if respond is None:  # Bolt gives every click one; a listener called without it has nowhere to answer
        return
    await respond(text=message.text, blocks=message.blocks, response_type="ephemeral", **options)


async def refuse(respond: AsyncRespond | None, body: dict[str, Any], what: str | None) -> None:
    """The one-line answer to a click whose payload was refused (``actions.read`` logged why; ``what``
    names a refusal it did not log yet), sent only where the click says a reply may go."""
    if what is not None:
        log.warning("Slack: refused %s with an invalid value or channel", what)
    if respond is None or not actions.can_reply(body):
        return
    try:
        await _respond(respond, render.notice(words.INVALID_ACTION), replace_original=False)
    except (aiohttp.ClientError, OSError, ValueError) as exc:  # the refusal is best effort
        log.debug("Slack: the refusal was not delivered (%s)", type(exc).__name__)


async def _react(client: AsyncWebClient, channel: str, ts: str) -> None:
    try:
        await client.reactions_add(channel=channel, timestamp=ts, name=WORKING_REACTION)
    except SlackApiError as exc:  # a missing reaction is cosmetic; the answer still goes out
        if exc.response.get("error") != "already_reacted":
            log.warning("Slack: reactions.add failed: %s", exc.response.get("error"))


async def _post(
    client: AsyncWebClient, channel: str, thread: str | None, message: SlackMessage
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
