"""Issue 19 #6: keys built from what users and platforms send fit their columns on PostgreSQL as on SQLite.

A 190-character Teams conversation id made the event dedupe key (``teams:<conversation>:<id>``) overflow
``varchar(200)``, so every message there was answered "Sorry" on PostgreSQL; a watch topic within
``max_watch_topic_chars = 300`` could case-fold to 900 characters and overflow ``varchar(400)``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from digestbot.app import build_conversations
from digestbot.conversation import Answered, Failed, Ignored, Message, Watched
from digestbot.domain import Destination, Recipient
from digestbot.store import ChatState, Database
from digestbot.store.keys import bounded
from digestbot.store.watches import AddOutcome, WatchStore, folded
from tests.fakes import fake_core, fake_settings
from tests.slack.support import ISSUES

CONVERSATION = "19:" + ("a1b2c3d4" * 22)[:174] + "@thread.tacv2"  # 190 characters
DANA = Recipient("teams", "29:dana", tenant_id="tenant-1")


def test_long_keys_are_hashed_and_short_ones_kept() -> None:
    assert bounded("slack:C1:Ev1", 200) == "slack:C1:Ev1"
    long, other = "teams:" + "x" * 300, "teams:" + "x" * 299 + "y"
    assert len(bounded(long, 200)) == 200 and bounded(long, 200).startswith("teams:xxx")
    assert bounded(long, 200) == bounded(long, 200) != bounded(other, 200)


def test_a_long_teams_conversation_is_answered_and_deduplicated(database_url: str, tmp_path: Path) -> None:
    assert len(CONVERSATION) == 190
    core = fake_core(fake_settings(data_dir=tmp_path, database_url=database_url), ISSUES)
    conversations = build_conversations(core)
    place = Destination("teams", CONVERSATION, service_url="https://smba.test/teams", tenant_id="tenant-1")

    def say(event_id: str) -> object:
        return conversations.handle(Message("teams", place, "29:dana", "ransomware", event_id=event_id))

    try:
        assert isinstance(say("1700000000001"), Answered)
        assert say("1700000000001") is Ignored.DUPLICATE
        assert isinstance(say("1700000000002"), Answered)
    finally:
        core.archive.db.close()


def test_event_ids_longer_than_the_column_are_seen_once(db: Database) -> None:
    chat = ChatState(db)
    first, second = "teams:" + "c" * 400 + ":1", "teams:" + "c" * 400 + ":2"
    assert [chat.first_sighting(key) for key in (first, first, second, second)] == [True, False, True, False]


def test_a_topic_that_folds_longer_than_the_column_is_stored_and_found(db: Database) -> None:
    store = WatchStore(db)
    topic = "Straße " * 50 + "ﬃ" * 20  # 370 characters, 460 once case-folded
    assert (len(topic), len(folded(topic))) == (370, 460)
    added = store.add(DANA, topic, dt.date(2031, 3, 4), limit=10)
    assert added.outcome is AddOutcome.ADDED
    assert store.add(DANA, topic.upper(), None, limit=10).outcome is AddOutcome.EXISTS
    assert [watch.topic for watch in store.of("teams", "29:dana")] == [topic]
    removed = store.remove("teams", "29:dana", topic=topic.casefold())
    assert removed is not None and store.of("teams", "29:dana") == []


def test_a_watch_topic_too_long_once_folded_is_refused_in_one_line(database_url: str, tmp_path: Path) -> None:
    settings = fake_settings(data_dir=tmp_path, database_url=database_url, max_watch_topic_chars=300)
    core = fake_core(settings, ISSUES)
    conversations = build_conversations(core, settings)
    place = Destination("teams", "a:dana-direct", service_url="https://smba.test/teams", tenant_id="tenant-1")

    def watch(topic: str) -> object:
        return conversations.handle(Message("teams", place, "29:dana", f"watch {topic}", direct=True))

    try:
        assert watch("ß" * 300) == Failed(
            "a watch topic is at most 300 characters (this one has 600 once case-folded)"
        )
        assert watch("ﬃ" * 300) == Failed(
            "a watch topic is at most 300 characters (this one has 900 once case-folded)"
        )
        for fits in ("ß" * 150, "Straße " * 37):  # 300 and 295 characters once case-folded
            assert len(folded(fits)) <= 300
            watched = watch(fits)
            assert isinstance(watched, Watched) and watched.added
        assert core.watches is not None and len(core.watches.of("teams", "29:dana")) == 2
    finally:
        core.archive.db.close()
