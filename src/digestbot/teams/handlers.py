"""What the bot does with each kind of Teams activity: plain functions over parsed values, no SDK types.

A message handler is parse (done by ``digestbot.teams.parse``) -> one core call -> render; the wiring in
``digestbot.teams.app`` sends the result. Errors become chat lines here, in one place: a domain error's
message is safe to show, anything else is logged with its traceback and the user gets an apology.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from digestbot.commands import Command, Verb, parse_command
from digestbot.domain import Answer, Issue
from digestbot.errors import DigestbotError
from digestbot.render import teams as render
from digestbot.store.chat import ChatState, Destination

log = logging.getLogger(__name__)

PLATFORM = "teams"
THREAD_MARK = ";messageid="


class Core(Protocol):
    """What the Teams surface needs of ``digestbot.core.Digestbot``."""

    chat: ChatState

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer: ...

    def latest(self) -> Issue | None: ...


@dataclass(frozen=True)
class Conversation:
    """A Teams conversation and the reference needed to post into it later."""

    id: str
    kind: str  # "personal", "groupChat" or "channel"
    service_url: str | None = None
    tenant_id: str | None = None

    @property
    def channel_id(self) -> str:
        """The conversation itself, without the thread a channel message was written in."""
        return self.id.split(THREAD_MARK, 1)[0]

    def destination(self) -> Destination:
        """Where weekly issues for this conversation go."""
        return Destination(PLATFORM, self.channel_id, service_url=self.service_url, tenant_id=self.tenant_id)


@dataclass(frozen=True)
class Message:
    """A message to the bot: its text without the bot's @mention, and whether it was meant for the bot."""

    conversation: Conversation
    text: str
    mentioned: bool
    user: str | None = None
    id: str | None = None  # the activity id, unique within its conversation

    @property
    def addressed(self) -> bool:
        """1:1 chats are always for the bot; channels and group chats only when it is @mentioned."""
        return self.conversation.kind == "personal" or self.mentioned


Reply = render.Activity


def on_message(core: Core, message: Message) -> Reply | None:
    """The reply to a message, or None when it was not meant for the bot or is a redelivery of one
    already answered (the connector retries when a reply takes too long)."""
    if not message.addressed:
        return None
    if message.id and not core.chat.first_sighting(f"teams:{message.conversation.id}:{message.id}"):
        return None
    return respond(core, parse_command(message.text), message)


def respond(core: Core, command: Command, message: Message) -> Reply:
    """Run a command against the core and render the result; never raises."""
    try:
        return execute(core, command, message)
    except DigestbotError as exc:
        return render.notice_message(f"Sorry: {exc}")
    except Exception:
        log.exception("Teams: %s failed in conversation %s", command.verb.value, message.conversation.id)
        return render.apology_message()


def execute(core: Core, command: Command, message: Message) -> Reply:
    """One core call for the command, rendered for Teams."""
    chat, conversation = core.chat, message.conversation
    match command.verb:
        case Verb.ASK:
            return render.answer_message(core.ask(command.question))
        case Verb.LATEST:
            issue = core.latest()
            return render.empty_archive_message() if issue is None else render.issue_message(issue)
        case Verb.SUBSCRIBE:
            added = chat.subscribe(conversation.destination(), user=message.user)
            return render.subscription_message("subscribe", added)
        case Verb.UNSUBSCRIBE:
            removed = chat.unsubscribe(PLATFORM, conversation.channel_id)
            return render.subscription_message("unsubscribe", removed)
        case Verb.STATUS:
            subscribed = chat.subscription(PLATFORM, conversation.channel_id) is not None
            return render.subscription_message("status", subscribed)
    return render.help_message()


def on_installed(chat: ChatState, conversation: Conversation) -> None:
    """The app was added to a team, group chat or 1:1 chat: deliver weekly issues there."""
    if chat.subscribe(conversation.destination()):
        log.info("Teams: installed in %s, subscribed", conversation.channel_id)


def on_uninstalled(chat: ChatState, conversation: Conversation) -> None:
    """The app was removed: stop delivering there."""
    if chat.unsubscribe(PLATFORM, conversation.channel_id):
        log.info("Teams: removed from %s, unsubscribed", conversation.channel_id)


def refresh_reference(chat: ChatState, conversation: Conversation) -> None:
    """Keep a subscribed conversation's serviceUrl current (Teams may move a tenant to another one)."""
    if conversation.service_url is None:
        return
    known = chat.subscription(PLATFORM, conversation.channel_id)
    if known is not None and known.service_url != conversation.service_url:
        chat.subscribe(conversation.destination())
