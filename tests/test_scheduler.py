"""The schedule: cron in an IANA timezone, right across daylight-saving changes; bad config is one line."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from digestbot.errors import ConfigError
from digestbot.scheduler import cron_trigger

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
