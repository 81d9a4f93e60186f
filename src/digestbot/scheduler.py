"""The weekly schedule (APScheduler): poll the sources, ingest, update the index, deliver."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from digestbot.core import Digestbot
from digestbot.errors import ConfigError, DigestbotError
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


def run_cycle(core: Digestbot, settings: Settings) -> None:
    """One cycle: poll sources, ingest, index, deliver. Never raises: a failed cycle is logged and the
    next one runs as scheduled."""
    try:
        if settings.sources:
            report = core.poll(settings.sources)
            for failure in report.failed:
                log.warning("not ingested, tried again next cycle: %s", failure.error)
        delivered = core.deliver_new()
        log.info(
            "cycle done: %d posted, %d reconciled, %d failed",
            len(delivered.posted),
            len(delivered.reconciled),
            len(delivered.failed),
        )
    except DigestbotError as exc:
        log.error("cycle failed: %s", exc)
    except Exception:
        log.exception("cycle failed unexpectedly")


def build_scheduler(core: Digestbot, settings: Settings) -> BackgroundScheduler:
    """A scheduler running ``run_cycle`` on the configured cron schedule, and once soon after start-up
    to catch up on anything missed while the bot was down."""
    trigger = cron_trigger(settings.schedule, settings.timezone)
    scheduler = BackgroundScheduler(timezone=trigger.timezone)
    scheduler.add_job(
        run_cycle,
        trigger,
        args=(core, settings),
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(
        run_cycle,
        "date",
        run_date=dt.datetime.now(trigger.timezone) + dt.timedelta(seconds=5),
        args=(core, settings),
        id=f"{JOB_ID}-catch-up",
    )
    return scheduler
