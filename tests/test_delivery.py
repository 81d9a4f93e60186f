"""Delivery: exactly once per (issue, destination), first run posts only the latest, crashes reconcile
(the ledger on SQLite and PostgreSQL). Several processes at once: tests/test_ledger.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from digestbot.delivery.delivery import Deliverer, PostError, issue_key
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.errors import NotFoundError
from digestbot.store import Archive, ChatState, Database
from digestbot.store.models import utcnow
from digestbot.store.outbox import DEFAULT_LEASE, Outbox
from tests.fake_publisher import Crash, MemoryPublisher

WEEK = dt.timedelta(days=7)
FIRST = dt.date(2031, 3, 4)


def issue(day: dt.date) -> Issue:
    section = Section(name="Cyber", items=(Item(text=f"Item of {day}."),))
    return Issue(date=day, title="Northwind’s Weekly Security Digest", sections=(section,))


def after_the_lease() -> dt.datetime:
    """The clock of a process started once a dead process's claims have expired."""
    return utcnow() + DEFAULT_LEASE + dt.timedelta(seconds=1)


class World:
    """A store with issues, three subscribed channels and a publisher; each ``deliverer()`` stands for a
    process (its own ledger holder)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.archive = Archive(self.db)
        self.chat = ChatState(self.db)
        self.publisher = MemoryPublisher()
        for channel in ("C1", "C2"):
            self.chat.subscribe(Destination("slack", channel))

    def add_issues(self, *days: dt.date) -> None:
        for day in days:
            self.archive.save_issue(issue(day), source="test")

    def deliverer(self, clock: Callable[[], dt.datetime] = utcnow) -> Deliverer:
        return Deliverer(
            self.archive,
            self.chat,
            Outbox(self.db, clock=clock),
            [self.publisher],
            configured=[Destination("slack", "C3")],
        )

    def posts(self, channel: str) -> list[str]:
        return self.publisher.channels.get(channel, [])


@pytest.fixture
def world(db: Database) -> World:
    return World(db)


def test_first_run_posts_only_the_latest_issue_everywhere(world: World) -> None:
    world.add_issues(FIRST, FIRST + WEEK, FIRST + 2 * WEEK)
    report = world.deliverer().deliver()
    assert len(report.posted) == 3
    for channel in ("C1", "C2", "C3"):
        assert world.posts(channel) == [issue_key(FIRST + 2 * WEEK)]


def test_the_same_issue_again_posts_nothing(world: World) -> None:
    world.add_issues(FIRST)
    world.deliverer().deliver()
    world.add_issues(FIRST)  # re-ingested unchanged
    assert world.deliverer().plan() == []
    assert world.deliverer().deliver().posted == []
    assert world.posts("C1") == [issue_key(FIRST)]


def test_after_downtime_every_missed_issue_is_posted_oldest_first(world: World) -> None:
    world.add_issues(FIRST)
    world.deliverer().deliver()
    world.add_issues(FIRST + 2 * WEEK, FIRST + WEEK)
    world.deliverer().deliver()
    assert world.posts("C2") == [issue_key(FIRST + n * WEEK) for n in range(3)]


@pytest.mark.parametrize("crash", ["crash_before_post", "crash_after_post"])
def test_a_crash_between_claim_and_confirm_leaves_each_channel_with_the_issue_once(
    world: World, crash: str
) -> None:
    world.add_issues(FIRST)
    setattr(world.publisher, crash, True)
    with pytest.raises(Crash):
        world.deliverer().deliver()
    setattr(world.publisher, crash, False)
    report = world.deliverer(clock=after_the_lease).deliver()  # the restart, once the claims expired
    for channel in ("C1", "C2", "C3"):
        assert world.posts(channel) == [issue_key(FIRST)], channel
    assert world.publisher.lookups >= 1  # the in-doubt claim was looked up, not re-posted blindly
    assert len(report.posted) + len(report.reconciled) == 3


def test_a_certain_failure_is_retried_next_run(world: World) -> None:
    world.add_issues(FIRST)
    world.publisher.fail_with = PostError("channel_not_found", certain=True)
    report = world.deliverer().deliver()
    assert len(report.failed) == 3 and world.posts("C1") == []
    world.publisher.fail_with = None
    world.deliverer().deliver()
    assert world.posts("C1") == [issue_key(FIRST)]


def test_post_issue_by_hand_skips_where_already_posted(world: World) -> None:
    world.add_issues(FIRST, FIRST + WEEK)
    world.deliverer().deliver()
    world.deliverer().deliver(FIRST)
    assert world.posts("C1") == [issue_key(FIRST + WEEK), issue_key(FIRST)]
    assert world.deliverer().deliver(FIRST).posted == []
    with pytest.raises(NotFoundError, match="2031-01-01"):
        world.deliverer().deliver(dt.date(2031, 1, 1))


def test_unsubscribed_channel_gets_nothing_more(world: World) -> None:
    world.add_issues(FIRST)
    world.deliverer().deliver()
    world.chat.unsubscribe("slack", "C1")
    world.add_issues(FIRST + WEEK)
    world.deliverer().deliver()
    assert world.posts("C1") == [issue_key(FIRST)]
    assert world.posts("C2")[-1] == issue_key(FIRST + WEEK)


def test_a_channel_listed_without_its_workspace_takes_its_subscriptions(db: Database) -> None:
    world = World(db)
    world.chat.subscribe(Destination("slack", "C3", workspace="T0NORTH01"))  # C3 is also configured
    dests = {dest.channel_id: dest for dest in world.deliverer().destinations()}
    assert dests["C3"] == Destination("slack", "C3", workspace="T0NORTH01")
    assert sorted(dests) == ["C1", "C2", "C3"]
