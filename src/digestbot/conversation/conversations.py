"""The conversation, written once: every surface (Slack, Teams, console) calls ``Conversations.handle``.

It owns what a message means: which messages are answered, dedupe of redelivered events, command
parsing, follow-up scoping (a reply in the thread of a digest post or an answer is about that issue),
subscriptions, help, latest, questions, timelines, watches, a user's home, and the empty-archive and
error cases. It returns typed outcomes and never words anything: renderers do.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from digestbot.conversation.commands import Command, Verb, parse_command
from digestbot.conversation.home import compose_home
from digestbot.conversation.library import Library
from digestbot.conversation.messages import (
    Answered,
    Details,
    EmptyArchive,
    Failed,
    Help,
    Home,
    Ignored,
    Latest,
    Message,
    Outcome,
    Subscription,
    SubscriptionAction,
    Thanked,
    Timeline,
    outcome_issue,
)
from digestbot.conversation.watches import DEFAULT_RULES, ChatRules, WatchDesk
from digestbot.domain import Destination
from digestbot.errors import DatabaseUnavailable, DigestbotError
from digestbot.store.chat import ChatState
from digestbot.store.watches import WatchStore
from digestbot.telemetry.metrics import Metrics

log = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = "the archive is unavailable right now; try again in a few minutes"


@dataclass(frozen=True)
class Removed:
    """What was forgotten of a workspace the app left."""

    subscriptions: int
    watchers: int  # users, each with their watches
    home_viewers: int


class Conversations:
    """Turns a ``Message`` into an ``Outcome``; safe to call from several threads at once."""

    def __init__(
        self, library: Library, chat: ChatState, watches: WatchStore | None = None, *,
        rules: ChatRules = DEFAULT_RULES, metrics: Metrics | None = None,
    ) -> None:  # fmt: skip
        self.library = library
        self.chat = chat
        self.rules = rules
        self.metrics = metrics or Metrics()
        self.desk = None if watches is None else WatchDesk(watches, library.newest_date, rules)

    def handle(self, message: Message) -> Outcome:
        """What to reply to a message (``Ignored`` when the bot should stay silent). Never raises."""
        where = f"{message.surface}: a message in {message.place.channel_id}"
        return _guarded(lambda: self._handle(message), where)

    def _handle(self, message: Message) -> Outcome:
        scope, known = self._thread(message)
        if not message.addressed and not known:
            return Ignored.NOT_ADDRESSED
        if message.event_id and not self.chat.first_sighting(_event_key(message)):
            return Ignored.DUPLICATE
        if self.desk is not None:
            self.desk.remember(message)
        outcome = self._run(parse_command(message.text), message, scope)
        if message.reply_thread is not None and isinstance(outcome, Answered | Latest | Timeline):
            # Remembered before the reply is posted, so a reply that comes right after it is recognised.
            self.remember_thread(message.surface, message.place, message.reply_thread, outcome)
        return outcome

    def _thread(self, message: Message) -> tuple[dt.date | None, bool]:
        """The issue the message's thread is about, and whether the bot started that thread."""
        if message.thread is None:
            return None, False
        known = self.chat.thread(message.surface, message.place.channel_id, message.thread)
        return (None, False) if known is None else (known.issue_date, True)

    def _run(self, command: Command, message: Message, scope: dt.date | None) -> Outcome:
        match command.verb:
            case Verb.HELP:
                return Help()
            case Verb.THANKS:
                return Thanked()
            case Verb.LATEST:
                issue = self.library.latest()
                return EmptyArchive() if issue is None else Latest(issue)
            case Verb.ASK:
                started = time.perf_counter()
                try:
                    return self.ask(command.question, scope)
                finally:  # a failed question counts too, with the time it took to fail
                    self.metrics.question(message.surface, time.perf_counter() - started)
            case Verb.TIMELINE:
                return self.timeline(command.question, command.page)
            case Verb.WATCH | Verb.UNWATCH | Verb.WATCHES:
                return self._watches(command, message)
        return self._subscription(SubscriptionAction(command.verb.value), message)

    def ask(self, question: str, scope: dt.date | None = None) -> Outcome:
        """A question, scoped first to a thread's issue; the empty archive says so."""
        answer = self.library.ask(question, issue_date=scope)
        # Only an answer without hits can come from an empty archive: the store is asked only then (one
        # query per question was a third of a /digest's Python under a burst).
        if not answer.hits and self.library.newest_date() is None:
            return EmptyArchive()
        return Answered(answer)

    def timeline(self, topic: str, page: int = 1) -> Outcome:
        """A page of the story of a topic across issues (a page past the end shows the last one)."""
        if not topic:
            return Failed("name a topic, e.g. “timeline ransomware”")
        if self.library.newest_date() is None:
            return EmptyArchive()
        story = self.library.story(topic)
        size = self.rules.timeline_page_items
        return Timeline(story, min(page, story.pages(size)), size)

    def _watches(self, command: Command, message: Message) -> Outcome:
        if self.desk is None:
            return Failed("watches are not available here")
        match command.verb:
            case Verb.WATCH:
                return self.desk.watch(message, command.question)
            case Verb.UNWATCH:
                return self.desk.unwatch(message, command.question)
        return self.desk.listed(message)

    def unwatch(self, surface: str, user: str, watch_id: int) -> Outcome:
        """A "Remove" button on one of the user's watches; never raises."""
        try:
            return self.desk.unwatch_id(surface, user, watch_id) if self.desk else Failed("no watches here")
        except DatabaseUnavailable:
            return Failed(UNAVAILABLE)
        except Exception:
            log.exception("%s: removing watch %s failed", surface, watch_id)
            return Failed()

    def home(
        self, surface: str, user: str, tenant: str | None = None, *, opened: bool = True
    ) -> Home | Failed:
        """The user's home (``opened``: they opened it now, so it is kept fresh); never raises."""

        def compose() -> Home:
            if opened:
                self.chat.home_opened(surface, user, tenant)
            return self.compose_home(surface, user, tenant)

        return _guarded(compose, f"{surface}: the home of {user}")

    def compose_home(self, surface: str, user: str, tenant: str | None) -> Home:
        """The user's home as it stands, for a refresh after a new issue (``digestbot.delivery.homes``);
        raises on failure (the refresh is then tried again at the next run)."""
        store = self.desk.store if self.desk else None
        return compose_home(self.library, store, self.rules, surface, user, tenant)

    def _subscription(self, action: SubscriptionAction, message: Message) -> Subscription:
        place = message.place
        match action:
            case SubscriptionAction.SUBSCRIBE:
                return Subscription(action, self.chat.subscribe(place, user=message.user))
            case SubscriptionAction.UNSUBSCRIBE:
                return Subscription(action, self.chat.unsubscribe(place.platform, place.channel_id))
        return Subscription(action, self.chat.subscription(place.platform, place.channel_id) is not None)

    def details(self, item_ids: Sequence[int]) -> Outcome:
        """Items in full, for a "Details" button; never raises."""

        def found() -> Outcome:
            hits = self.library.hits(item_ids)
            return Details(tuple(hits)) if hits else Failed("that item is no longer in the archive")

        return _guarded(found, f"details of items {list(item_ids)[:5]}")

    def remember_thread(self, surface: str, place: Destination, thread: str, outcome: Outcome) -> None:
        """A reply was (or is about to be) posted as the root of ``thread``: replies there are follow-ups
        about its issue."""
        self.chat.remember_thread(surface, place.channel_id, thread, outcome_issue(outcome))

    def available(self) -> bool:
        """Whether the store can be used (False during a known outage, re-checked every few seconds; may
        run one query, so call it off the event loop)."""
        return self.chat.db.available()

    def known_available(self) -> bool:
        """True unless a store outage is known; never blocks (``available`` is needed only when False)."""
        return self.chat.db.known_up()

    def installed(self, place: Destination) -> bool:
        """The app was added to a conversation (Teams): deliver weekly issues there. True if new."""
        return self.chat.subscribe(place)

    def uninstalled(self, place: Destination) -> bool:
        """The app was removed from a conversation: stop delivering there. True if it was subscribed."""
        return self.chat.unsubscribe(place.platform, place.channel_id)

    def remember_direct(self, surface: str, user: str, place: Destination) -> None:
        """A 1:1 chat with a user became known (a personal install): where to message them directly."""
        if self.desk is not None and user:
            self.desk.remember(Message(surface, place, user, "", direct=True))

    def workspace_removed(self, surface: str, workspace: str) -> Removed:
        """The app was uninstalled from a workspace (or lost its token there): forget its subscriptions,
        its users' watches and who opened its home, and nothing of any other workspace."""
        watchers = self.desk.store.forget_tenant(surface, workspace) if self.desk is not None else 0
        return Removed(
            subscriptions=self.chat.unsubscribe_workspace(surface, workspace),
            watchers=watchers,
            home_viewers=self.chat.forget_home_viewers(surface, workspace),
        )

    def refresh_reference(self, place: Destination) -> None:
        """Keep a subscribed conversation's reference (Teams serviceUrl) current."""
        if place.service_url is None:
            return
        known = self.chat.subscription(place.platform, place.channel_id)
        if known is not None and known.service_url != place.service_url:
            self.chat.subscribe(place)


def _guarded(call: Callable[[], T], what: str) -> T | Failed:
    """``call``'s result; a domain error as its (safe) message; anything else logged with its traceback
    (``what`` failed) and answered with an apology."""
    try:
        return call()
    except DatabaseUnavailable:  # logged once per outage by the store; its message names the database
        return Failed(UNAVAILABLE)
    except DigestbotError as exc:
        return Failed(str(exc))
    except Exception:
        log.exception("%s failed", what)
        return Failed()


def _event_key(message: Message) -> str:
    """One dedupe key scheme for every surface."""
    return f"{message.surface}:{message.place.channel_id}:{message.event_id}"
