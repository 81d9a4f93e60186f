"""Watches, the watch ledger and App Home viewers in the store, on SQLite and PostgreSQL: each topic once
per user, the per-user limit held under concurrent adds, one winner per notice claim, a dead holder's
claim taken over (redone, or in doubt once it was sending), and the posts of an issue for its home link."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TypeVar

from digestbot.domain import Issue, Item, Recipient, Section
from digestbot.store import Archive, ChatState, Database
from digestbot.store.models import Kind, SendState, utcnow
from digestbot.store.outbox import DEFAULT_LEASE, Claim, Outbox
from digestbot.store.watches import AddOutcome, WatchStore
from tests.outbox_support import notice_to, post_to

DAY = dt.date(2031, 3, 4)
ALICE = Recipient("slack", "U0ALICE01", tenant_id="T0EMU0001")
DANA = Recipient("teams", "29:dana", tenant_id="tenant-1")
T = TypeVar("T")


def stored(db: Database, *days: dt.date) -> Archive:
    archive = Archive(db)
    for day in days or (DAY,):
        issue = Issue(day, "Northwind’s Weekly Security Digest", (Section("Cyber", (Item(f"x {day}"),)),))
        archive.save_issue(issue, source=f"{day}.txt")
    return archive


def together(count: int, call: Callable[[int], T]) -> list[T]:
    """``call(n)`` from ``count`` threads released at the same instant (replicas racing)."""
    start, results, errors = threading.Barrier(count), [], []

    def run(n: int) -> None:
        start.wait()
        try:
            results.append(call(n))
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_a_topic_is_watched_once_per_user_whatever_its_case(db: Database) -> None:
    store = WatchStore(db)
    first = store.add(ALICE, "Ransomware", DAY, limit=10)
    again = store.add(ALICE, "  ransomware ", DAY, limit=10)
    other = store.add(DANA, "ransomware", None, limit=10)
    assert (first.outcome, again.outcome, other.outcome) == (
        AddOutcome.ADDED,
        AddOutcome.EXISTS,
        AddOutcome.ADDED,
    )
    assert again.watch == first.watch and again.count == 1
    assert [watch.topic for watch in store.of("slack", ALICE.user_id)] == ["Ransomware"]
    assert [(w.recipient.user_id, w.since) for w in store.all()] == [
        (ALICE.user_id, DAY),
        (DANA.user_id, None),
    ]


def test_unwatch_by_topic_or_by_id_and_never_another_users(db: Database) -> None:
    store = WatchStore(db)
    ransomware = store.add(ALICE, "ransomware", DAY, limit=10).watch
    wipers = store.add(ALICE, "wipers", DAY, limit=10).watch
    assert ransomware is not None and wipers is not None
    assert store.remove("teams", DANA.user_id, watch_id=wipers.id) is None  # Dana's "Remove" on Alice's
    assert store.remove("slack", ALICE.user_id, topic="RANSOMWARE") == ransomware
    assert store.remove("slack", ALICE.user_id, topic="ransomware") is None
    assert store.remove("slack", ALICE.user_id, watch_id=wipers.id) == wipers
    assert store.of("slack", ALICE.user_id) == []


def test_the_limit_holds_when_replicas_add_watches_for_one_user_at_once(db: Database) -> None:
    store = WatchStore(db)
    added = together(8, lambda n: store.add(ALICE, f"topic {n}", DAY, limit=5))
    assert sorted(result.outcome.value for result in added) == ["added"] * 5 + ["full"] * 3
    assert len(store.of("slack", ALICE.user_id)) == 5


def test_a_users_direct_chat_is_kept_until_another_is_known(db: Database) -> None:
    store = WatchStore(db)
    store.add(DANA, "ransomware", None, limit=10)
    personal = Recipient(
        "teams", DANA.user_id, conversation_id="a:1personal", service_url="https://smba.test/"
    )
    assert store.remember(personal).conversation_id == "a:1personal"
    from_a_channel = store.add(DANA, "wipers", None, limit=10)  # a channel message carries no 1:1 chat
    assert from_a_channel.recipient == Recipient(
        "teams",
        DANA.user_id,
        tenant_id="tenant-1",
        conversation_id="a:1personal",
        service_url="https://smba.test/",
    )
    assert [w.recipient.conversation_id for w in store.all()] == ["a:1personal", "a:1personal"]


def test_one_replica_wins_each_notice_claim(db: Database) -> None:
    stored(db)
    watch = WatchStore(db).add(ALICE, "ransomware", None, limit=10).watch
    assert watch is not None
    claims = together(6, lambda n: Outbox(db, holder=f"replica-{n}").claim(notice_to(watch, DAY)))
    assert sorted(claim.value for claim in claims) == ["busy"] * 5 + ["new"]


def test_a_dead_holders_claim_is_redone_before_sending_and_in_doubt_after(db: Database) -> None:
    stored(db, DAY, DAY + dt.timedelta(days=7))
    watch = WatchStore(db).add(ALICE, "ransomware", None, limit=10).watch
    assert watch is not None
    dead = Outbox(db, holder="dead")
    later = Outbox(db, holder="alive", clock=lambda: utcnow() + DEFAULT_LEASE + dt.timedelta(seconds=1))
    second = DAY + dt.timedelta(days=7)
    assert dead.claim(notice_to(watch, DAY)) is Claim.NEW
    assert dead.claim(notice_to(watch, second)) is Claim.NEW and dead.sending(notice_to(watch, second))
    assert Outbox(db, holder="alive").claim(notice_to(watch, DAY)) is Claim.BUSY  # lease still running
    assert later.claim(notice_to(watch, DAY)) is Claim.NEW  # nothing was on its way: match and send again
    assert later.claim(notice_to(watch, second)) is Claim.IN_DOUBT  # a message may be there
    assert dead.sending(notice_to(watch, DAY)) is False  # it is not the dead holder's any more
    later.finish(notice_to(watch, DAY), SendState.SENT, "1700000000.000100")
    later.finish(notice_to(watch, second), SendState.NONE)
    assert dead.claim(notice_to(watch, DAY)) is Claim.DONE
    assert later.watch_states(watch.id) == {DAY: SendState.SENT, second: SendState.NONE}


def test_a_certain_failure_releases_the_claim_and_an_uncertain_one_leaves_it_in_doubt(db: Database) -> None:
    stored(db)
    watch = WatchStore(db).add(ALICE, "ransomware", None, limit=10).watch
    assert watch is not None
    ledger = Outbox(db, holder="replica-a")
    assert ledger.claim(notice_to(watch, DAY)) is Claim.NEW and ledger.sending(notice_to(watch, DAY))
    ledger.release(notice_to(watch, DAY))
    assert ledger.watch_states(watch.id) == {}
    assert ledger.claim(notice_to(watch, DAY)) is Claim.NEW and ledger.sending(notice_to(watch, DAY))
    ledger.abandon(notice_to(watch, DAY))
    assert Outbox(db, holder="replica-b").claim(notice_to(watch, DAY)) is Claim.IN_DOUBT  # at once


def test_an_unwatched_topics_notices_go_with_it(db: Database) -> None:
    stored(db)
    store = WatchStore(db)
    watch = store.add(ALICE, "ransomware", None, limit=10).watch
    assert watch is not None
    ledger = Outbox(db)
    ledger.claim(notice_to(watch, DAY))
    ledger.finish(notice_to(watch, DAY), SendState.SENT, "ts")
    store.remove("slack", ALICE.user_id, watch_id=watch.id)
    assert ledger.watch_states(watch.id) == {}


def test_home_viewers_are_kept_once_each_with_their_workspace(db: Database) -> None:
    chat = ChatState(db)
    chat.home_opened("slack", "U0ALICE01", "T0EMU0001")
    chat.home_opened("slack", "U0BOB0001", None)
    chat.home_opened("slack", "U0ALICE01", "T0EMU0002")
    together(4, lambda n: chat.home_opened("slack", "U0CAROL01", "T1"))
    assert chat.home_viewers("slack") == [
        ("U0ALICE01", "T0EMU0002"),
        ("U0BOB0001", None),
        ("U0CAROL01", "T1"),
    ]
    assert chat.home_viewers("teams") == []


def test_the_posts_of_an_issue_are_its_confirmed_deliveries_on_that_platform(db: Database) -> None:
    stored(db)
    outbox = Outbox(db)
    for platform, channel in (("slack", "C1"), ("slack", "C2"), ("teams", "19:a")):
        outbox.claim(post_to(DAY, platform, channel))
    outbox.finish(post_to(DAY, "slack", "C2"), SendState.SENT, "1700000000.000200")
    outbox.finish(post_to(DAY, "teams", "19:a"), SendState.SENT, "activity-1")
    slack_posts = outbox.sent(Kind.ISSUE_POST, DAY, "slack")
    assert slack_posts == [("C2", "1700000000.000200")]  # C1 is claimed, not posted
    assert outbox.sent(Kind.ISSUE_POST, DAY + dt.timedelta(days=7), "slack") == []
