"""The schedule: cron in an IANA timezone, right across daylight-saving changes; bad config is one line;
another run while a replica holds deliveries; the archive check of every replica, and the watch notices
and home refreshes that follow an ingest made by another process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from digestbot.app import build_conversations
from digestbot.conversation import Message
from digestbot.core import Digestbot
from digestbot.delivery.homes import HomeReport
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.edge.scheduler import Cycle, build_scheduler, cron_trigger, sync_index
from digestbot.errors import ConfigError
from digestbot.settings import Settings
from digestbot.store.models import SendState
from digestbot.store.outbox import Claim, Outbox
from tests.fake_messenger import MemoryMessenger
from tests.fake_publisher import MemoryPublisher
from tests.fakes import fake_core, fake_settings
from tests.outbox_support import post_to

NEW_YORK = ZoneInfo("America/New_York")


def fire_times(expression: str, timezone: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    trigger = cron_trigger(expression, timezone)
    times: list[dt.datetime] = []
    previous = None
    now = start
    for _ in range(count):
        nxt = trigger.get_next_fire_time(previous, now)
        assert nxt is not None
        times.append(nxt)
        previous, now = nxt, nxt + dt.timedelta(seconds=1)
    return times


def test_tuesdays_at_nine_local_across_spring_and_autumn_changes() -> None:
    start = dt.datetime(2026, 3, 1, tzinfo=NEW_YORK)
    spring = fire_times("0 9 * * tue", "America/New_York", start, 3)
    assert [t.date() for t in spring] == [dt.date(2026, 3, 3), dt.date(2026, 3, 10), dt.date(2026, 3, 17)]
    assert all((t.hour, t.minute) == (9, 0) for t in spring)
    # 9:00 in New York is 14:00 UTC before the change (EST) and 13:00 UTC after (EDT).
    assert [t.astimezone(dt.UTC).hour for t in spring] == [14, 13, 13]
    autumn = fire_times("0 9 * * tue", "America/New_York", dt.datetime(2026, 10, 27, tzinfo=NEW_YORK), 2)
    assert [t.astimezone(dt.UTC).hour for t in autumn] == [13, 14]


@pytest.mark.parametrize(
    ("expression", "timezone", "field"),
    [
        ("0 9 * * tue", "Mars/Olympus", "timezone"),
        ("every tuesday", "UTC", "schedule"),
        ("0 25 * * *", "UTC", "schedule"),
    ],
)
def test_bad_schedule_or_timezone_names_the_setting(expression: str, timezone: str, field: str) -> None:
    with pytest.raises(ConfigError, match=f"^{field}: "):
        cron_trigger(expression, timezone)


def replica(tmp_path: Path, publisher: MemoryPublisher) -> tuple[Digestbot, Settings]:
    settings = Settings(data_dir=tmp_path / "data", channels=["C1"], delivery_lease_seconds=30)
    core = fake_core(settings, publishers=[publisher], destinations=[Destination("slack", "C1")])
    return core, settings


def test_a_delivery_held_by_another_replica_is_checked_again_after_its_lease(tmp_path: Path) -> None:
    publisher = MemoryPublisher()
    core, settings = replica(tmp_path, publisher)
    day = dt.date(2031, 3, 4)
    core.archive.save_issue(
        Issue(
            date=day, title="Northwind’s Weekly Security Digest", sections=(Section("Cyber", (Item("x"),)),)
        ),
        source="x.txt",
    )
    other = Outbox(core.archive.db, holder="the-other-replica")
    assert other.claim(post_to(day, "slack", "C1")) is Claim.NEW  # and it is posting right now
    scheduler = BackgroundScheduler()
    Cycle(core, settings, scheduler)()
    [follow_up] = [job for job in scheduler.get_jobs() if job.id.endswith("-follow-up")]
    wait = follow_up.trigger.run_date - dt.datetime.now(dt.UTC)
    assert dt.timedelta(seconds=29) < wait <= dt.timedelta(seconds=31)
    assert publisher.channels == {}  # nothing posted over the other replica's claim
    other.finish(post_to(day, "slack", "C1"), SendState.SENT, "ts-1")
    follow_up.remove()
    Cycle(core, settings, scheduler)()
    assert scheduler.get_jobs() == []  # nothing busy any more: no further run


def test_serve_checks_the_archive_every_few_seconds(tmp_path: Path) -> None:
    core, settings = replica(tmp_path, MemoryPublisher())
    settings = settings.model_copy(update={"archive_poll_seconds": 2.5})
    jobs = {job.id: job for job in build_scheduler(core, settings).get_jobs()}
    assert jobs["digestbot-cycle-sync"].trigger.interval == dt.timedelta(seconds=2.5)
    assert sorted(jobs) == ["digestbot-cycle", "digestbot-cycle-catch-up", "digestbot-cycle-sync"]


class CountingBoard:
    """A ``HomeBoard`` that counts its refreshes."""

    def __init__(self) -> None:
        self.refreshes = 0

    def refresh(self) -> HomeReport:
        self.refreshes += 1
        return HomeReport()


def test_an_ingest_by_another_process_is_followed_by_watch_notices_and_home_refreshes(tmp_path: Path) -> None:
    settings = fake_settings(data_dir=tmp_path / "data")
    messenger, board = MemoryMessenger(), CountingBoard()
    old = Issue(
        date=dt.date(2031, 3, 4), title="Weekly Security Digest", sections=(Section("Cyber", (Item("x"),)),)
    )
    core = fake_core(settings, [old], messengers=[messenger])
    place = Destination("slack", "D0ALICE01")
    build_conversations(core).handle(Message("slack", place, "U0ALICE01", "watch ransomware", direct=True))
    sync_index(core, [board])
    assert (messenger.sent(), board.refreshes) == (0, 0)  # nothing changed: nothing to announce
    other = fake_core(settings)  # `digestbot ingest` in another process
    new = Section("Cyber", (Item("A ransomware crew hit the Orlek grid operator."),))
    other.archive.save_issue(Issue(dt.date(2031, 3, 11), "Weekly Security Digest", (new,)), source="b.txt")
    sync_index(core, [board])
    assert (messenger.sent(), board.refreshes) == (1, 1)
    sync_index(core, [board])
    assert (messenger.sent(), board.refreshes) == (1, 1)
