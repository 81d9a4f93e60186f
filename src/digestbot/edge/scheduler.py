"""The weekly schedule (APScheduler): poll the sources, ingest, update the index, deliver, then send watch
notices and refresh users' homes; and, every few seconds, the check that keeps this replica's index up
with ingests made by other processes (after which watch notices and homes follow too)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from digestbot.core import Digestbot
from digestbot.delivery.homes import HomeReport
from digestbot.errors import ConfigError, DatabaseUnavailable, DigestbotError
from digestbot.settings import Settings

log = logging.getLogger(__name__)

JOB_ID = "digestbot-cycle"


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """A cron trigger in an IANA timezone (correct across daylight-saving changes)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone: {timezone!r} is not an IANA timezone (e.g. Europe/Paris)") from None
    try:
        return CronTrigger.from_crontab(expression, timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"schedule: {expression!r} is not a cron expression ({exc})") from None


class HomeBoard(Protocol):
    """Refreshes the homes of users who opened one (Slack's App Home) after a new issue arrived
    (``digestbot.delivery.homes.HomeRefresher``)."""

    def refresh(self) -> HomeReport:
        """Publish every home due a refresh (each once per issue, through the outbox)."""
        ...


def run_cycle(core: Digestbot, settings: Settings, boards: Sequence[HomeBoard] = ()) -> bool:
    """One cycle: poll sources, ingest, index, deliver, then watch notices and homes. Never raises: a
    failed cycle is logged and the next one runs as scheduled. True when another process holds
    something this cycle would have sent (an issue post, a watch notice, a home refresh)."""
    busy = False
    try:
        busy = _deliver(core, settings)
    finally:
        busy = announce(core, boards) or busy
    return busy


def _deliver(core: Digestbot, settings: Settings) -> bool:
    """Poll, ingest and deliver; True when another process holds some of the deliveries."""
    try:
        if settings.sources:
            report = core.poll(settings.sources)
            for failure in report.failed:
                log.warning("not ingested, tried again next cycle: %s", failure.error)
        delivered = core.deliver_new()
        log.info(
            "cycle done: %d posted, %d reconciled, %d failed, %d being posted by another process",
            len(delivered.posted),
            len(delivered.reconciled),
            len(delivered.failed),
            len(delivered.busy),
        )
        return bool(delivered.busy)
    except DigestbotError as exc:
        log.error("cycle failed: %s", exc)
    except Exception:
        log.exception("cycle failed unexpectedly")
    return False


def announce(core: Digestbot, boards: Sequence[HomeBoard] = ()) -> bool:
    """After new issues may have arrived: each watch's notices, then the homes due a refresh. Never
    raises (a failure is logged; the ledger makes the next run finish what this one could not). True
    when another process holds some notice or refresh."""
    busy = _notify(core)
    for board in boards:
        try:
            homes = board.refresh()
            if homes.published or homes.failed:
                log.info("homes: %d published, %d failed", len(homes.published), len(homes.failed))
            busy = busy or bool(homes.busy)
        except DatabaseUnavailable:
            pass
        except Exception:
            log.exception("refreshing homes failed")
    return busy


def _notify(core: Digestbot) -> bool:
    """Each watch's notices; True when another process holds some of them."""
    try:
        notices = core.notify_watches()
    except DatabaseUnavailable:
        return False  # logged once per outage by the store; the ledger finishes next time
    except Exception:
        log.exception("watch notices failed; tried again at the next run")
        return False
    if notices.sent or notices.failed or notices.found or notices.unreachable or notices.unconfirmed:
        log.info(
            "watches: %d sent, %d found already sent, %d failed, %d unreachable, %d not confirmed",
            len(notices.sent),
            len(notices.found),
            len(notices.failed),
            len(notices.unreachable),
            len(notices.unconfirmed),
        )
    return bool(notices.busy)


@dataclass
class Cycle:
    """The scheduled job: ``run_cycle``, then, while another process holds something to send (an
    issue post, a watch notice, a home refresh), another run once its lease could have run out, to
    finish what a replica that died left behind. ``sync`` is the archive check, followed up alike."""

    core: Digestbot
    settings: Settings
    scheduler: BaseScheduler
    boards: Sequence[HomeBoard] = field(default_factory=tuple)

    def __call__(self) -> None:
        self._follow_up(run_cycle(self.core, self.settings, self.boards), self, "follow-up")

    def sync(self) -> None:
        """``sync_index``. The notices and homes it finds held by another process (the one that ingested,
        say, which may die holding them) are followed up by ``announce_again``, not by a whole cycle:
        a new issue is posted to channels on schedule, not a lease after another process's ingest."""
        self._follow_up(sync_index(self.core, self.boards), self.announce_again, "announce-follow-up")

    def announce_again(self) -> None:
        """``announce`` (watch notices and homes only), followed up alike while something is held."""
        self._follow_up(announce(self.core, self.boards), self.announce_again, "announce-follow-up")

    def _follow_up(self, busy: bool, run: Callable[[], None], name: str) -> None:
        """If another process holds something (``busy``), ``run`` once after its lease (a later call
        replaces it): the other process finished it by then, or died and it is taken over."""
        if not busy:
            return
        wait = dt.timedelta(seconds=self.settings.delivery_lease_seconds + 1)
        self.scheduler.add_job(
            run,
            "date",
            run_date=dt.datetime.now(dt.UTC) + wait,
            id=f"{JOB_ID}-{name}",
            replace_existing=True,
            misfire_grace_time=None,
        )


def sync_index(core: Digestbot, boards: Sequence[HomeBoard] = ()) -> bool:
    """Refresh the index when another process changed the archive (a replica's poll, ``digestbot
    ingest``), then send the watch notices and refresh the homes a new issue calls for. Never raises
    (runs every few seconds). True when another process holds some of those notices or refreshes."""
    try:
        changed = core.sync_index()
    except DatabaseUnavailable:  # the store logs an outage once, not every few seconds
        return False
    except Exception:
        log.exception("could not refresh the index; trying again at the next check")
        return False
    if not changed:
        return False
    log.info("index refreshed: the archive was changed by another process")
    return announce(core, boards)


def build_scheduler(
    core: Digestbot, settings: Settings, *, boards: Sequence[HomeBoard] = ()
) -> BackgroundScheduler:
    """A scheduler running the cycle on the configured cron schedule, once soon after start-up to catch
    up on anything missed while the bot was down, and the archive check every few seconds; ``boards``
    refresh users' homes after a new issue."""
    trigger = cron_trigger(settings.schedule, settings.timezone)
    scheduler = BackgroundScheduler(timezone=trigger.timezone)
    cycle = Cycle(core, settings, scheduler, boards)
    scheduler.add_job(cycle, trigger, id=JOB_ID, max_instances=1, coalesce=True, misfire_grace_time=6 * 3600)
    scheduler.add_job(
        cycle,
        "date",
        run_date=dt.datetime.now(trigger.timezone) + dt.timedelta(seconds=5),
        id=f"{JOB_ID}-catch-up",
        misfire_grace_time=None,  # however late a busy start-up gets to it
    )
    scheduler.add_job(
        cycle.sync,
        "interval",
        seconds=settings.archive_poll_seconds,
        id=f"{JOB_ID}-sync",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
