"""The follow-up run, the same for every kind the outbox sends: when a run (the scheduled cycle, or the
archive check after another process's ingest) finds a watch notice or a home refresh held by another
process, one more run is scheduled for when that process's lease ends, as for an issue post
(tests/test_scheduler.py). If that process died mid-send, the follow-up takes the claim over and settles
it as the kind's guarantee says (``WHEN_BLIND``); with nothing held elsewhere, no follow-up.

This process's outbox runs on a clock the test moves to the follow-up's time; the process that dies
runs on the real one, so its lease has surely ended by then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler

from digestbot.app import build_conversations, build_home_refresher
from digestbot.conversation import Message
from digestbot.core import Digestbot
from digestbot.delivery.outbox import WHEN_BLIND, Guarantee
from digestbot.delivery.watching import notice_address
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.edge.scheduler import Cycle
from digestbot.settings import Settings
from digestbot.store.models import Kind, SendState, utcnow
from tests.fake_home import MemoryHomeSender
from tests.fake_messenger import MemoryMessenger
from tests.fake_publisher import Crash, MemoryPublisher
from tests.fakes import fake_core, fake_settings

LEASE_SECONDS = 30
ALICE, VIEWER = "U0ALICE01", "U0VIEWER1"
OLD = Issue(
    dt.date(2031, 3, 4), "Weekly Security Digest", (Section("Cyber", (Item("Drassk held drills."),)),)
)
NEW = Issue(
    dt.date(2031, 3, 11),
    "Weekly Security Digest",
    (Section("Cyber", (Item("A ransomware crew hit the Orlek grid operator."),)),),
)


class Clock:
    """This process's time, standing still until the test moves it."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now


class Replica:
    """This process: a core whose watcher watches ransomware and whose viewer opened the home, the
    Slack-like messenger and home sender, and the scheduler its cycle adds follow-ups to."""

    def __init__(self, tmp_path: Path, can_look: bool = True) -> None:
        self.settings = fake_settings(data_dir=tmp_path / "data", delivery_lease_seconds=LEASE_SECONDS)
        self.clock = Clock()
        self.messenger = MemoryMessenger(can_look=can_look)
        self.sender = MemoryHomeSender()
        self.publisher = MemoryPublisher()
        self.core = fake_core(
            self.settings,
            [OLD],
            publishers=[self.publisher],
            destinations=[Destination("slack", "C0SEC0001")],
            messengers=[self.messenger],
            clock=self.clock,
        )
        conversations = build_conversations(self.core)
        conversations.handle(
            Message("slack", Destination("slack", "D0ALICE01"), ALICE, "watch ransomware", direct=True)
        )
        self.core.chat.home_opened("slack", VIEWER)
        self.board = build_home_refresher(self.core, conversations, self.settings, [self.sender], self.clock)
        self.scheduler = BackgroundScheduler()
        self.cycle = Cycle(self.core, self.settings, self.scheduler, [self.board])

    def other_dies_mid_send(self, kind: Kind) -> None:
        """Another process ingests the new issue and dies right after sending its notice (or publishing
        the viewer's home), before recording it; it sends to the same Slack as this process."""
        other = other_process(self.settings, self.messenger)
        other.archive.save_issue(NEW, source="new.txt")
        dying = MemoryHomeSender(homes=self.sender.homes, crash_after_send=True)
        with pytest.raises(Crash):
            if kind is Kind.WATCH_NOTICE:
                other.notify_watches()
            else:
                build_home_refresher(other, build_conversations(other), self.settings, [dying]).refresh()

    def follow_up(
        self, run: Callable[[], None] | None = None, job_id: str = "digestbot-cycle-follow-up"
    ) -> Job:
        """Run the cycle (or ``run``, e.g. its archive check) and return the one follow-up it scheduled,
        checked to be due at the lease's end and a second: between the run's start and its end plus
        those (the other process's lease ended before the run started)."""
        before = dt.datetime.now(dt.UTC)
        (run or self.cycle)()
        after = dt.datetime.now(dt.UTC)
        [job] = self.scheduler.get_jobs()
        assert job.id == job_id
        wait = dt.timedelta(seconds=LEASE_SECONDS + 1)
        assert before + wait <= job.trigger.run_date <= after + wait
        return job

    def run_follow_up(self, job: Job) -> None:
        """The follow-up's time comes: this process's clock says so, and the job runs."""
        self.clock.now = job.trigger.run_date
        job.remove()
        job.func()

    def notice_state(self) -> SendState | None:
        [watch] = self.core.watches.all()
        return (
            self.core.notifier.outbox.state(notice_address(watch, NEW.date)) if self.core.notifier else None
        )


def other_process(settings: Settings, messenger: MemoryMessenger) -> Digestbot:
    dying = MemoryMessenger(can_look=messenger.can_look, inboxes=messenger.inboxes, crash_after_send=True)
    return fake_core(settings, messengers=[dying])


@pytest.mark.parametrize("can_look", [True, False], ids=["slack-can-look", "cannot-look"])
def test_a_notice_held_by_a_process_that_died_is_settled_by_a_follow_up_at_its_lease_end(
    tmp_path: Path, can_look: bool
) -> None:
    replica = Replica(tmp_path, can_look)
    replica.other_dies_mid_send(Kind.WATCH_NOTICE)
    job = replica.follow_up()
    assert (replica.messenger.sent(), replica.notice_state()) == (1, SendState.SENDING)  # not over its claim
    replica.run_follow_up(job)
    assert replica.messenger.sent() == 1  # exactly once where Slack can look; at most once where blind
    settled = SendState.SENT if can_look else SendState.UNCONFIRMED
    assert WHEN_BLIND[Kind.WATCH_NOTICE] is Guarantee.AT_MOST_ONCE and replica.notice_state() is settled
    assert replica.messenger.lookups == (1 if can_look else 0)
    assert replica.scheduler.get_jobs() == []  # nothing held elsewhere any more: no further run


def test_a_home_refresh_held_by_a_process_that_died_is_published_again_by_the_follow_up(
    tmp_path: Path,
) -> None:
    replica = Replica(tmp_path)
    replica.other_dies_mid_send(Kind.HOME_REFRESH)
    job = replica.follow_up()
    assert len(replica.sender.homes[VIEWER]) == 1  # the dead process's; not published over its claim
    replica.run_follow_up(job)
    assert WHEN_BLIND[Kind.HOME_REFRESH] is Guarantee.AT_LEAST_ONCE and not replica.sender.can_look
    assert len(replica.sender.homes[VIEWER]) == 2  # at least once: published again, it replaced the view
    assert replica.board.refresh().published == [] and replica.scheduler.get_jobs() == []


def test_the_archive_check_follows_up_a_notice_held_by_the_process_that_ingested(tmp_path: Path) -> None:
    replica = Replica(tmp_path)
    replica.other_dies_mid_send(Kind.WATCH_NOTICE)
    job = replica.follow_up(replica.cycle.sync, "digestbot-cycle-announce-follow-up")
    replica.run_follow_up(job)
    assert (replica.messenger.sent(), replica.notice_state()) == (1, SendState.SENT)
    assert replica.publisher.channels == {}  # the follow-up only announces: the issue waits for its schedule
    assert replica.scheduler.get_jobs() == []


def test_nothing_held_elsewhere_schedules_no_follow_up(tmp_path: Path) -> None:
    replica = Replica(tmp_path)
    replica.core.archive.save_issue(NEW, source="new.txt")
    replica.cycle()
    assert (replica.messenger.sent(), replica.sender.sent()) == (1, 1)
    assert replica.scheduler.get_jobs() == []
    replica.cycle.sync()
    assert replica.scheduler.get_jobs() == []
