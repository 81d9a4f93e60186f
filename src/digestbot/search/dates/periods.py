"""Calendar periods (days, weeks, months, quarters, seasons, years) and the parts of one.

Definitions (documented for users in the package docstring):
- a week of a month or year counts from its first day: the first week of May is 1-7 May, the third
  15-21 May, the last week the final seven days (24-30 November). Each holds exactly one issue of a
  weekly digest. "The week of 9 July" is the Monday-Sunday week containing 9 July.
- early / mid / late: days 1-10, 11-20, 21-end of a month; January-April, May-August, September-December
  of a year; the first, second and third month of a quarter or season.
- halves: days 1-15 and 16-end of a month; January-June and July-December of a year.
- seasons are meteorological, northern hemisphere: spring March-May, summer June-August, autumn (fall)
  September-November, winter December-February. "winter 2024" is the winter whose January and February
  fall in 2024 (December 2023 - February 2024); "winter 2024/25" is December 2024 - February 2025.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, timedelta

from digestbot.domain import PeriodKind
from digestbot.search.dates.model import SNAP_DAYS, Context, DateScope, Reread

SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_WHOLE_MONTHS = (
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.HALF_YEAR,
    PeriodKind.SEASON,
    PeriodKind.YEAR,
)


def day(year: int, month: int, number: int) -> DateScope | None:
    """A day asked for (snapped to an issue later), or None when the calendar has no such day."""
    if not 1 <= month <= 12 or not 1 <= number <= calendar.monthrange(year, month)[1]:
        return None
    named = date(year, month, number)
    return DateScope(named, named, PeriodKind.ISSUE)


def month(year: int, number: int) -> DateScope:
    return DateScope(*_months(year, number, 1), PeriodKind.MONTH)


def quarter(year: int, number: int) -> DateScope:
    return DateScope(*_months(year, 3 * number - 2, 3), PeriodKind.QUARTER)


def half_year(year: int, number: int) -> DateScope:
    return DateScope(*_months(year, 6 * number - 5, 6), PeriodKind.HALF_YEAR)


def year(number: int) -> DateScope:
    return DateScope(date(number, 1, 1), date(number, 12, 31), PeriodKind.YEAR)


def season(name: str, number: int) -> DateScope:
    """``season("winter", 2024)``: December 2023 - February 2024 (see the module docstring)."""
    first = SEASON_START[name]
    return DateScope(*_months(number - 1 if first == 12 else number, first, 3), PeriodKind.SEASON)


def week_of(named: date) -> DateScope:
    """The Monday-Sunday week containing ``named``."""
    monday = named - timedelta(days=named.weekday())
    return DateScope(monday, monday + timedelta(days=6), PeriodKind.WEEK)


def _months(first_year: int, first_month: int, count: int) -> tuple[date, date]:
    index = first_year * 12 + first_month - 1 + count - 1
    last_year, last_month = divmod(index, 12)
    last = calendar.monthrange(last_year, last_month + 1)[1]
    return date(first_year, first_month, 1), date(last_year, last_month + 1, last)


def nth_week(period: DateScope, nth: int) -> DateScope | None:
    """The ``nth`` (1-based; -1 the last) seven days of a calendar period, or None past its end."""
    if period.kind not in _WHOLE_MONTHS or period.start is None or period.end is None:
        return None
    if nth == -1:
        return DateScope(period.end - timedelta(days=6), period.end, PeriodKind.WEEK)
    start = period.start + timedelta(days=7 * (nth - 1))
    if start > period.end:
        return None
    return DateScope(start, min(start + timedelta(days=6), period.end), PeriodKind.WEEK)


def nth_issue(period: DateScope, nth: int, context: Context) -> DateScope | None:
    """The ``nth`` issue (1-based; -1 the last) in ``period``.

    A period with no issue stays itself, so that the search says it is empty and names the nearest
    issue; one with issues but fewer than ``nth`` is not a scope we can honour (None).
    """
    if period.start is None or period.end is None:
        return None
    issues = context.issues_in(period.start, period.end)
    if not issues:
        return period
    if nth > len(issues):
        return None
    chosen = issues[nth - 1] if nth > 0 else issues[nth]
    return DateScope(chosen, chosen, PeriodKind.ISSUE)


def third(period: DateScope, which: int) -> DateScope | None:
    """Early (0), mid (1) or late (2) part of a month, quarter, season or year."""
    if period.start is None or period.end is None:
        return None
    if period.kind is PeriodKind.MONTH:
        start = period.start.replace(day=10 * which + 1)
        end = period.end if which == 2 else period.start.replace(day=10 * which + 10)
        return DateScope(start, end, PeriodKind.SPAN)
    size = {PeriodKind.YEAR: 4, PeriodKind.QUARTER: 1, PeriodKind.SEASON: 1}.get(period.kind)
    if size is None:
        return None
    first = _shift(period.start, which * size)
    return DateScope(
        *_months(first.year, first.month, size), PeriodKind.MONTH if size == 1 else PeriodKind.SPAN
    )


def half(period: DateScope, which: int) -> DateScope | None:
    """The first (0) or second (1) half of a month or year."""
    if period.start is None or period.end is None:
        return None
    if period.kind is PeriodKind.MONTH:
        middle = period.start.replace(day=15)
        if which == 0:
            return DateScope(period.start, middle, PeriodKind.SPAN)
        return DateScope(middle + timedelta(days=1), period.end, PeriodKind.SPAN)
    if period.kind is PeriodKind.YEAR:
        return half_year(period.start.year, which + 1)
    return None


def since(period: DateScope) -> DateScope | None:
    """From the start of ``period`` on."""
    return None if period.start is None else DateScope(period.start, None, PeriodKind.SINCE)


def _shift(first: date, months: int) -> date:
    year_, month_ = divmod(first.year * 12 + first.month - 1 + months, 12)
    return date(year_, month_ + 1, 1)


def latest(reread: Reread, context: Context) -> DateScope | None:
    """A period named without a year: the latest such period (begun by the newest issue) that holds an
    issue, else the latest begun by the newest issue. A day may lie up to ``SNAP_DAYS`` past it.
    """
    candidates = []
    for number in context.years_back():
        found = reread(number)
        if found is not None and found.start is not None and found.start <= _horizon(found, context):
            candidates.append(found)
    with_issue = [found for found in candidates if context.has_issue(found)]
    chosen = with_issue or candidates
    return chosen[0] if chosen else None


def _horizon(found: DateScope, context: Context) -> date:
    slack = SNAP_DAYS if found.kind is PeriodKind.ISSUE else 0
    return context.newest + timedelta(days=slack)


def snap(found: DateScope, context: Context) -> DateScope:
    """A day asked for becomes the nearest issue within ``SNAP_DAYS`` (itself when there is none)."""
    named = found.start
    if found.kind is not PeriodKind.ISSUE or named is None or named in context.issues:
        return found
    near = context.issues_in(named - timedelta(days=SNAP_DAYS), named + timedelta(days=SNAP_DAYS))
    if not near:
        return found
    chosen = min(near, key=lambda issue: (abs((issue - named).days), issue))
    return DateScope(chosen, chosen, PeriodKind.ISSUE)


def nearest_issue(period: DateScope, issues: Sequence[date]) -> date | None:
    """For a scope holding no issue, the issue closest to it (the newer on a tie); None if it holds one."""
    if not issues or any(period.contains(issue) for issue in issues):
        return None
    return min(issues, key=lambda issue: (_gap(period, issue), -issue.toordinal()))


def _gap(period: DateScope, issue: date) -> int:
    if period.start is not None and issue < period.start:
        return (period.start - issue).days
    return (issue - period.end).days if period.end is not None and issue > period.end else 0
