"""Outbox addresses as the tests write them (an issue post to a channel, a watch notice to a user), and
the audience of the subprocess tests: watchers and home viewers stored beforehand, and what the Slack
emulator shows they got."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from digestbot.delivery.delivery import PlannedPost
from digestbot.delivery.watching import notice_address
from digestbot.domain import Destination, Recipient, Watch
from digestbot.slack.messenger import NOTICE_EVENT
from digestbot.store import ChatState, Database
from digestbot.store.outbox import Address
from digestbot.store.watches import WatchStore
from digestbot.testing.slack_emulator import SlackEmulator


def post_to(day: dt.date, platform: str, channel: str) -> Address:
    """The outbox row of that issue's post into that channel."""
    return PlannedPost(day, Destination(platform, channel)).address


def notice_to(watch: Watch, day: dt.date) -> Address:
    """The outbox row of that watch's notice of that issue."""
    return notice_address(watch, day)


@dataclass(frozen=True)
class Audience:
    """Who, besides the channels, hears of a new issue: users watching a topic each (a direct message
    each), and users who opened the bot's home (their home is published again)."""

    watches: tuple[Watch, ...]
    viewers: tuple[str, ...]


def seed_audience(url: str, topics: dict[str, str], since: dt.date, viewers: Sequence[str]) -> Audience:
    """Store Slack watches (user -> topic, watching issues after ``since``) and home viewers, as the
    bot would have after ``watch TOPIC`` and opening its home."""
    db = Database(url)
    try:
        store, chat = WatchStore(db), ChatState(db)
        added = [store.add(Recipient("slack", who), topic, since, limit=10) for who, topic in topics.items()]
        for user in viewers:
            chat.home_opened("slack", user)
    finally:
        db.close()
    return Audience(tuple(found.watch for found in added if found.watch is not None), tuple(viewers))


def notice_keys(emulator: SlackEmulator, user: str) -> list[str]:
    """The keys of the watch notices in a user's direct messages, oldest first."""
    keys = []
    for message in emulator.messages(emulator.dm_channel(user)):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == NOTICE_EVENT:
            keys.append(str(metadata["event_payload"]["notice"]))
    return keys


def home_publishes(emulator: SlackEmulator, user: str) -> int:
    """How many times a user's home was published."""
    return len([call for call in emulator.calls_to("views.publish") if call.body.get("user_id") == user])
