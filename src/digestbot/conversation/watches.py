"""Watches in the conversation: ``watch``, ``unwatch`` and ``watches``, and the limits they keep.

A watch belongs to the user who wrote the command, on the surface they wrote it on; a message written in a
1:1 conversation also records that conversation as where to reach them (Teams can message a user only
there; Slack opens a direct message itself). The notices themselves are sent by
``digestbot.delivery.watching``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from digestbot.conversation.messages import Failed, Message, Outcome, Unwatched, Watched, WatchFull, WatchList
from digestbot.domain import Recipient
from digestbot.search.text import tokenize
from digestbot.store.watches import AddOutcome, WatchStore, folded


@dataclass(frozen=True)
class ChatRules:
    """The conversation's limits: watches per user, the longest watch topic, timeline items per page;
    and whether the app serves many Slack workspaces (then a home shows no channel of unknown workspace)."""

    max_watches: int = 10
    max_topic_chars: int = 100
    timeline_page_items: int = 10
    many_workspaces: bool = False


DEFAULT_RULES = ChatRules()


def recipient(message: Message) -> Recipient:
    """Who wrote the message, and where to reach them directly when it was written in a 1:1 chat."""
    place = message.place
    return Recipient(
        platform=message.surface,
        user_id=message.user,
        tenant_id=place.workspace or place.tenant_id,  # a Slack workspace, or a Teams tenant
        conversation_id=place.channel_id if message.direct else None,
        service_url=place.service_url if message.direct else None,
    )


class WatchDesk:
    """Adds, removes and lists a user's watches. ``newest`` tells the newest issue's date: a watch is
    matched against issues after the one that is newest when it begins."""

    def __init__(self, store: WatchStore, newest: Callable[[], dt.date | None], rules: ChatRules) -> None:
        self.store = store
        self.newest = newest
        self.rules = rules

    def remember(self, message: Message) -> None:
        """A message written in a 1:1 chat: keep that chat as where to reach its user."""
        if message.direct and message.user:
            self.store.remember(recipient(message))

    def watch(self, message: Message, topic: str) -> Outcome:
        """Watch a topic for the message's user."""
        if topic and not tokenize(
            topic
        ):  # "????", emoji, zero-width or bidi controls: it would match anything
            return Failed("a watch topic needs words, e.g. “watch ransomware”")
        refused = self._refusal(topic, "watch ransomware")
        if refused is not None:
            return refused
        added = self.store.add(recipient(message), topic, self.newest(), limit=self.rules.max_watches)
        if added.outcome is AddOutcome.FULL:
            return WatchFull(topic, self.rules.max_watches)
        shown = added.watch.topic if added.watch is not None else topic
        direct = added.recipient.conversation_id is not None
        return Watched(shown, added.outcome is AddOutcome.ADDED, added.count, self.rules.max_watches, direct)

    def unwatch(self, message: Message, topic: str) -> Outcome:
        """Stop watching a topic."""
        refused = self._refusal(topic, "unwatch ransomware")
        if refused is not None:
            return refused
        removed = self.store.remove(message.surface, message.user, topic=topic)
        return Unwatched(removed.topic if removed is not None else topic, removed is not None)

    def unwatch_id(self, surface: str, user: str, watch_id: int) -> Outcome:
        """Stop one of the user's watches by id (a "Remove" button); never another user's."""
        removed = self.store.remove(surface, user, watch_id=watch_id)
        return Unwatched(removed.topic, True) if removed is not None else Failed("that watch is already gone")

    def listed(self, message: Message) -> WatchList:
        """The user's watches."""
        watches = tuple(self.store.of(message.surface, message.user))
        known = self.store.recipient(message.surface, message.user)
        direct = known is not None and known.conversation_id is not None
        return WatchList(watches, self.rules.max_watches, direct)

    def _refusal(self, topic: str, example: str) -> Failed | None:
        if not topic:
            return Failed(f"name a topic, e.g. “{example}”")
        limit = self.rules.max_topic_chars
        if len(topic) > limit:
            return Failed(f"a watch topic is at most {limit} characters (this one has {len(topic)})")
        if len(folded(topic)) > limit:  # "ß" folds to "ss", ligatures to two or three letters
            length = len(folded(topic))
            return Failed(
                f"a watch topic is at most {limit} characters (this one has {length} once case-folded)"
            )
        return None
