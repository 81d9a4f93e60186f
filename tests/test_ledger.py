"""The outbox shared by several processes, over both kinds it sends (issue posts and watch notices): one
winner per claim, a live holder keeps its claim, a dead holder's claim is taken over once its lease ran
out, failures are released or left in doubt, two replicas send each thing once, and where the platform
cannot look, each kind gets the guarantee ``digestbot.delivery.outbox.WHEN_BLIND`` declares (SQLite
and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import pytest

from digestbot.delivery.delivery import Deliverer, Post, PostError
from digestbot.delivery.outbox import WHEN_BLIND, Dispatcher, Guarantee, Sent
from digestbot.delivery.watching import Notice, WatchNotifier
from digestbot.domain import AnswerItem, Destination, Hit, Issue, Item, Recipient, Section, Watch
from digestbot.store import Archive, ChatState, Database
from digestbot.store.models import Kind, SendState, utcnow
from digestbot.store.outbox import DEFAULT_LEASE, Address, Claim, Outbox
from digestbot.store.watches import WatchStore
from tests.fake_messenger import MemoryMessenger
from tests.fake_publisher import Crash, MemoryPublisher
from tests.outbox_support import notice_to, post_to

DAY = dt.date(2031, 3, 4)
PLACES = ("C1", "C2", "C3", "C4")  # channels, or users
KINDS = (Kind.ISSUE_POST, Kind.WATCH_NOTICE)


def issue(day: dt.date = DAY) -> Issue:
    return Issue(
        date=day, title="Northwind’s Weekly Security Digest", sections=(Section("Cyber", (Item("x"),)),)
    )


@dataclass
class SlowPublisher(MemoryPublisher):
    """Takes a while to post, as Slack does with pacing: long enough for another process to arrive."""

    seconds: float = 0.2

    def send(self, post: Post) -> str:
        time.sleep(self.seconds)
        return super().send(post)


@dataclass
class SlowMessenger(MemoryMessenger):
    seconds: float = 0.2

    def send(self, notice: Notice) -> str:
        time.sleep(self.seconds)
        return super().send(notice)


class Rig:
    """One kind of thing to send, into ``PLACES``: issue posts into subscribed channels, or the notices
    of one watch per user; ``run`` is one process's run (a Deliverer or a WatchNotifier)."""

    def __init__(self, db: Database, kind: Kind) -> None:
        self.db, self.kind = db, kind
        self.archive, self.chat = Archive(db), ChatState(db)
        self.archive.save_issue(issue(), source="x.txt")
        self.watches: dict[str, Watch] = {}
        for place in PLACES:
            if kind is Kind.ISSUE_POST:
                self.chat.subscribe(Destination("slack", place))
            else:
                added = WatchStore(db).add(Recipient("slack", place), "x", None, limit=5).watch
                assert added is not None
                self.watches[place] = added

    def address(self, place: str = "C1") -> Address:
        if self.kind is Kind.ISSUE_POST:
            return post_to(DAY, "slack", place)
        return notice_to(self.watches[place], DAY)

    def sender(self, slow: bool = False, **options: object) -> MemoryPublisher | MemoryMessenger:
        if self.kind is Kind.ISSUE_POST:
            return (SlowPublisher if slow else MemoryPublisher)(**options)  # type: ignore[arg-type]
        return (SlowMessenger if slow else MemoryMessenger)(**options)  # type: ignore[arg-type]

    def run(self, sender: MemoryPublisher | MemoryMessenger, outbox: Outbox) -> tuple[int, int]:
        """One run: how many were sent, and how many failed."""
        if isinstance(sender, MemoryPublisher):
            report = Deliverer(self.archive, self.chat, outbox, [sender]).deliver()
            return len(report.posted), len(report.failed)
        notices = WatchNotifier(WatchStore(self.db), outbox, [sender]).notify([DAY], matched)
        return len(notices.sent), len(notices.failed)

    @staticmethod
    def inboxes(sender: MemoryPublisher | MemoryMessenger) -> dict[str, list[str]]:
        return sender.channels if isinstance(sender, MemoryPublisher) else sender.inboxes


def matched(topic: str, day: dt.date) -> tuple[AnswerItem, ...]:
    hit = Hit(item_id=1, date=day, title="Digest", section="Cyber", text="x", analysis=(), score=1.0)
    return (AnswerItem(hit, "x"),)


@pytest.fixture(params=KINDS, ids=lambda kind: kind.value)
def rig(db: Database, request: pytest.FixtureRequest) -> Rig:
    return Rig(db, request.param)


def later(db: Database, holder: str) -> Outbox:
    return Outbox(db, holder=holder, clock=lambda: utcnow() + DEFAULT_LEASE + dt.timedelta(seconds=1))


def test_a_live_holders_claim_is_left_to_it_and_a_dead_ones_is_taken_over(rig: Rig) -> None:
    first, at = Outbox(rig.db, holder="replica-a"), rig.address()
    assert first.claim(at) is Claim.NEW and first.sending(at)
    assert Outbox(rig.db, holder="replica-b").claim(at) is Claim.BUSY
    assert later(rig.db, "replica-b").claim(at) is Claim.IN_DOUBT
    assert first.renew(at) is False  # it is not replica-a's any more
    later(rig.db, "replica-b").finish(at, SendState.SENT, "ts-1")
    assert first.claim(at) is Claim.DONE


def test_a_claim_that_died_before_sending_is_simply_done_again(rig: Rig) -> None:
    at = rig.address()
    assert Outbox(rig.db, holder="dead").claim(at) is Claim.NEW
    assert later(rig.db, "alive").claim(at) is Claim.NEW  # nothing was on its way


def test_a_holder_sending_for_longer_than_its_lease_keeps_its_claim(rig: Rig) -> None:
    lease, at = dt.timedelta(seconds=0.6), rig.address()
    holder = Outbox(rig.db, holder="replica-a", lease=lease)
    other = Outbox(rig.db, holder="replica-b", lease=lease)
    assert holder.claim(at) is Claim.NEW and holder.sending(at)
    with holder.keep(at):
        time.sleep(1.5)  # two and a half leases, renewed every 0.2 s
        assert other.claim(at) is Claim.BUSY
    time.sleep(0.8)  # the holder "died" without finishing: nobody renews any more
    assert other.claim(at) is Claim.IN_DOUBT


def test_an_uncertain_failure_leaves_the_claim_in_doubt_at_once(rig: Rig) -> None:
    sender = rig.sender(fail_with=PostError("Slack did not answer", certain=False))
    assert rig.run(sender, Outbox(rig.db)) == (0, len(PLACES))
    sender.fail_with = None
    assert rig.run(sender, Outbox(rig.db)) == (len(PLACES), 0)  # another process, right away
    assert sender.lookups == len(PLACES)  # each one looked for first


def test_a_certain_failure_releases_the_claim_for_a_blind_retry(rig: Rig) -> None:
    sender = rig.sender(fail_with=PostError("channel_not_found", certain=True))
    rig.run(sender, Outbox(rig.db))
    assert Outbox(rig.db).state(rig.address()) is None
    sender.fail_with = None
    assert rig.run(sender, Outbox(rig.db)) == (len(PLACES), 0) and sender.lookups == 0


def test_release_drops_only_the_holders_own_claim(rig: Rig) -> None:
    at = rig.address()
    Outbox(rig.db, holder="replica-a").claim(at)
    Outbox(rig.db, holder="replica-b").release(at)
    assert Outbox(rig.db).state(at) is SendState.CLAIMED


def test_two_replicas_sending_at_once_send_each_once(rig: Rig) -> None:
    sender = rig.sender(slow=True)  # both replicas send to the same places
    start, sent = threading.Barrier(2), []

    def run(n: int) -> None:
        start.wait()
        sent.append(rig.run(sender, Outbox(rig.db, holder=f"replica-{n}")))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(len(keys) == 1 for keys in rig.inboxes(sender).values()) and len(rig.inboxes(sender)) == 4
    assert sum(count for count, _ in sent) == len(PLACES) and all(failed == 0 for _, failed in sent)


def test_a_crash_while_sending_is_settled_by_the_kinds_guarantee_where_the_platform_cannot_look(
    rig: Rig,
) -> None:
    sender = rig.sender(can_look=False)
    crash = "crash_after_post" if rig.kind is Kind.ISSUE_POST else "crash_after_send"
    setattr(sender, crash, True)
    with pytest.raises(Crash):  # dies right after the first one went out, before recording it
        rig.run(sender, Outbox(rig.db, holder="dead"))
    setattr(sender, crash, False)
    sent, _ = rig.run(sender, later(rig.db, "alive"))  # the restart, once the dead claim expired
    again = WHEN_BLIND[rig.kind] is Guarantee.AT_LEAST_ONCE
    assert (sent, sender.lookups) == (len(PLACES) if again else len(PLACES) - 1, 0)
    first = next(iter(rig.inboxes(sender).values()))
    assert len(first) == (2 if again else 1)  # sent again (at least once), or left as it was (at most once)
    expected = SendState.SENT if again else SendState.UNCONFIRMED
    assert [Outbox(rig.db).state(rig.address(place)) for place in PLACES].count(expected) >= 1


def test_the_guarantee_is_declared_for_every_kind() -> None:
    assert set(WHEN_BLIND) == set(Kind)
    assert WHEN_BLIND[Kind.ISSUE_POST] is Guarantee.AT_LEAST_ONCE
    assert WHEN_BLIND[Kind.WATCH_NOTICE] is Guarantee.AT_MOST_ONCE


def test_nothing_to_send_finishes_the_row_without_sending(rig: Rig) -> None:
    at, sender = rig.address(), rig.sender()
    done = Dispatcher(Outbox(rig.db)).dispatch(at, sender, lambda: None)
    assert done.outcome is Sent.NOTHING and Outbox(rig.db).state(at) is SendState.NONE
    assert Dispatcher(Outbox(rig.db)).dispatch(at, sender, lambda: None).outcome is Sent.DONE
