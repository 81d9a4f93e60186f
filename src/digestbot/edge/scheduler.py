"""The weekly schedule (APScheduler): poll the sources, ingest, update the index, deliver, then send watch
notices and refresh users' homes; and, every few seconds, the check that keeps this replica's index up
with ingests made by other processes (after which watch notices and homes follow too)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from digestbot.core import Digestbot
from digestbot.delivery.delivery import DeliveryReport
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


def run_cycle(core: Digestbot, settings: Settings, boards: Sequence[HomeBoard] = ()) -> DeliveryReport | None:
    """One cycle: poll sources, ingest, index, deliver, then watch notices and homes. Never raises: a
    failed cycle is logged and the next one runs as scheduled. Returns what the delivery did (None if
    the cycle failed)."""
    try:
        return _deliver(core, settings)
    finally:
        announce(core, boards)


def _deliver(core: Digestbot, settings: Settings) -> DeliveryReport | None:
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
        return delivered
    except DigestbotError as exc:
        log.error("cycle failed: %s", exc)
    except Exception:
        log.exception("cycle failed unexpectedly")
    return None


def announce(core: Digestbot, boards: Sequence[HomeBoard] = ()) -> None:
    """After new issues may have arrived: each watch's notices, then the homes due a refresh. Never
    raises (a failure is logged; the ledger makes the next run finish what this one could not)."""
    try:
        notices = core.notify_watches()
        if notices.sent or notices.failed or notices.found or notices.unreachable or notices.unconfirmed:
            log.info(
                "watches: %d sent, %d found already sent, %d failed, %d unreachable, %d not confirmed",
                len(notices.sent),
                len(notices.found),
                len(notices.failed),
                len(notices.unreachable),
                len(notices.unconfirmed),
            )
    except DatabaseUnavailable:
        pass  # logged once per outage by the store; the ledger finishes next time
    except Exception:
        log.exception("watch notices failed; tried again at the next run")
    for board in boards:
        try:
            homes = board.refresh()
            if homes.published or homes.failed:
                log.info("homes: %d published, %d failed", len(homes.published), len(homes.failed))
        except DatabaseUnavailable:
            pass
        except Exception:
            log.exception("refreshing homes failed")


@dataclass
class Cycle:
    """The scheduled job: ``run_cycle``, then, while another process holds some deliveries, another
    run once their lease could have run out, to finish what a replica that died left behind."""

    core: Digestbot
    settings: Settings
    scheduler: BaseScheduler
    boards: Sequence[HomeBoard] = field(default_factory=tuple)

    def __call__(self) -> None:
        report = run_cycle(self.core, self.settings, self.boards)
        if report is None or not report.busy:
            return
        wait = dt.timedelta(seconds=self.settings.delivery_lease_seconds + 1)
        self.scheduler.add_job(
            self,
            "date",
            run_date=dt.datetime.now(dt.UTC) + wait,
            id=f"{JOB_ID}-follow-up",
            replace_existing=True,
            misfire_grace_time=None,
        )


def sync_index(core: Digestbot, boards: Sequence[HomeBoard] = ()) -> None:
    """Refresh the index when another process changed the archive (a replica's poll, ``digestbot
    ingest``), then send the watch notices and refresh the homes a new issue calls for. Never raises
    (runs every few seconds)."""
    try:
        changed = core.sync_index()
    except DatabaseUnavailable:  # the store logs an outage once, not every few seconds
        return
    except Exception:
        log.exception("could not refresh the index; trying again at the next check")
        return
    if changed:
        log.info("index refreshed: the archive was changed by another process")
        announce(core, boards)


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
        sync_index,
        "interval",
        seconds=settings.archive_poll_seconds,
        args=(core, boards),
        id=f"{JOB_ID}-sync",
        max_instances=1,
        coalesce=True,
    )
    return scheduler
