"""The delivery ledger shared by several processes: one winner per claim, a live holder keeps its claim,
a dead holder's claim is taken over once its lease ran out (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from digestbot.delivery import Deliverer, PostError, issue_key
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.store import Archive, ChatState, Database
from digestbot.store.ledger import DEFAULT_LEASE, Claim, Ledger
from digestbot.store.models import utcnow
from tests.fake_publisher import MemoryPublisher

DAY = dt.date(2031, 3, 4)
CHANNELS = ("C1", "C2", "C3", "C4")


def issue(day: dt.date = DAY) -> Issue:
    return Issue(
        date=day, title="Northwind’s Weekly Security Digest", sections=(Section("Cyber", (Item("x"),)),)
    )


@dataclass
class SlowPublisher(MemoryPublisher):
    """Takes a while to post, as Slack does with pacing: long enough for another process to arrive."""

    seconds: float = 0.2

    def post_issue(self, dest: Destination, issue: Issue) -> str:
        time.sleep(self.seconds)
        return super().post_issue(dest, issue)


def stored(db: Database) -> Archive:
    archive = Archive(db)
    archive.save_issue(issue(), source="x.txt")
    return archive


def test_a_live_holders_claim_is_left_to_it_and_a_dead_ones_is_taken_over(db: Database) -> None:
    stored(db)
    first = Ledger(db, holder="replica-a")
    assert first.claim(DAY, "slack", "C1") is Claim.NEW
    assert Ledger(db, holder="replica-b").claim(DAY, "slack", "C1") is Claim.BUSY
    later = Ledger(db, holder="replica-b", clock=lambda: utcnow() + DEFAULT_LEASE + dt.timedelta(seconds=1))
    assert later.claim(DAY, "slack", "C1") is Claim.IN_DOUBT
    assert first.renew(DAY, "slack", "C1") is False  # it is not replica-a's any more
    later.confirm(DAY, "slack", "C1", "ts-1")
    assert first.claim(DAY, "slack", "C1") is Claim.DONE


def test_a_holder_posting_for_longer_than_its_lease_keeps_its_claim(db: Database) -> None:
    stored(db)
    lease = dt.timedelta(seconds=0.6)
    holder = Ledger(db, holder="replica-a", lease=lease)
    other = Ledger(db, holder="replica-b", lease=lease)
    assert holder.claim(DAY, "slack", "C1") is Claim.NEW
    with holder.keep(DAY, "slack", "C1"):
        time.sleep(1.5)  # two and a half leases, renewed every 0.2 s
        assert other.claim(DAY, "slack", "C1") is Claim.BUSY
    time.sleep(0.8)  # the holder "died" without confirming: nobody renews any more
    assert other.claim(DAY, "slack", "C1") is Claim.IN_DOUBT


def test_an_uncertain_failure_leaves_the_claim_in_doubt_at_once(db: Database) -> None:
    archive = stored(db)
    chat = ChatState(db)
    chat.subscribe(Destination("slack", "C1"))
    publisher = MemoryPublisher(fail_with=PostError("Slack did not answer", certain=False))
    report = Deliverer(archive, chat, Ledger(db), [publisher]).deliver()
    assert len(report.failed) == 1
    publisher.fail_with = None
    again = Deliverer(archive, chat, Ledger(db), [publisher]).deliver()  # another process, right away
    assert publisher.lookups == 1 and len(again.posted) == 1


def test_release_drops_only_the_holders_own_claim(db: Database) -> None:
    stored(db)
    Ledger(db, holder="replica-a").claim(DAY, "slack", "C1")
    Ledger(db, holder="replica-b").release(DAY, "slack", "C1")
    assert Ledger(db).state(DAY, "slack", "C1") == "claimed"


def test_two_replicas_delivering_at_once_post_each_issue_once(db: Database) -> None:
    archive, chat = stored(db), ChatState(db)
    for channel in CHANNELS:
        chat.subscribe(Destination("slack", channel))
    publisher = SlowPublisher()  # both replicas post into the same channels
    replicas = [Deliverer(archive, chat, Ledger(db, holder=f"replica-{n}"), [publisher]) for n in range(2)]
    start = threading.Barrier(2)
    reports = []

    def run(replica: Deliverer) -> None:
        start.wait()
        reports.append(replica.deliver())

    threads = [threading.Thread(target=run, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for channel in CHANNELS:
        assert publisher.channels[channel] == [issue_key(DAY)], channel
    assert sum(len(report.posted) for report in reports) == len(CHANNELS)
    assert all(report.failed == [] for report in reports)
