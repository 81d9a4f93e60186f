"""Periods relative to the newest issue in the archive ("last week", "two weeks ago", "three issues ago").

The newest issue stands for "now": a reader asking on Friday about "last week" means the issue that last
went out, and anchoring on the archive keeps answers stable when the archive is old.
- weeks count back from the week ending on the newest issue: "last week" / "this week" is that week
  (the newest issue), "two weeks ago" the seven days before it, and so on;
- issues count back from the newest issue itself: "the previous issue" is the one before it, "three
  issues ago" the third before it, "the last two issues" the newest two;
- "this month" / "last month" / "two months ago", and years alike, are calendar periods around the newest
  issue; "the past 3 weeks" / "over the last two months" is that many days ending on it (a month 31 days);
- "last spring" / "last March" is the latest that ended before the newest issue, "this spring" the
  latest begun by it; "this quarter" / "last quarter" are calendar quarters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from digestbot.domain import PeriodKind
from digestbot.search.dates import periods
from digestbot.search.dates.lexicon import COUNT, MONTH, MONTHS, SEASON, VERB_MONTHS, compile_rule, number
from digestbot.search.dates.model import Context, DateScope, Found, Reread

Reader = Callable[["re.Match[str]", Context], Found | None]
UNIT_DAYS = {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}


def _found(match: re.Match[str], scope: DateScope | None) -> Found | None:
    return None if scope is None else Found(match.start(), match.end(), scope, absolute=False)


def _latest_week(context: Context) -> DateScope:
    newest = context.newest
    return DateScope(newest - timedelta(days=6), newest, PeriodKind.WEEK)


def issues_ago(context: Context, count: int) -> DateScope | None:
    """The issue ``count`` issues before the newest (0: the newest)."""
    earlier = [issue for issue in context.issues if issue <= context.newest]
    if count == 0:
        return DateScope(context.newest, context.newest, PeriodKind.ISSUE)
    if count >= len(earlier):
        return None
    return DateScope(earlier[-1 - count], earlier[-1 - count], PeriodKind.ISSUE)


def _month_back(context: Context, count: int) -> DateScope:
    year_, month_ = divmod(context.newest.year * 12 + context.newest.month - 1 - count, 12)
    return periods.month(year_, month_ + 1)


def _span(match: re.Match[str], context: Context) -> Found | None:
    count, unit = number(match["count"]), match["unit"].lower()
    if count < 1:
        return None
    if unit == "issue":
        oldest = issues_ago(context, count - 1)
        return _found(match, oldest and DateScope(oldest.start, context.newest, PeriodKind.SPAN))
    start = context.newest - timedelta(days=UNIT_DAYS[unit] * count - 1)
    return _found(match, DateScope(start, context.newest, PeriodKind.SPAN))


def _ago(match: re.Match[str], context: Context) -> Found | None:
    count, unit = number(match["count"]), match["unit"].lower()
    if count < 1:
        return None
    if unit == "issue":
        return _found(match, issues_ago(context, count))
    if unit == "week":
        end = context.newest - timedelta(days=7 * (count - 1))
        return _found(match, DateScope(end - timedelta(days=6), end, PeriodKind.WEEK))
    if unit == "month":
        return _found(match, _month_back(context, count))
    return _found(match, periods.year(context.newest.year - count))


def _before_last(match: re.Match[str], context: Context) -> Found | None:
    return _found(match, issues_ago(context, 1 if match["unit"].lower() == "week" else 2))


def _previous(match: re.Match[str], context: Context) -> Found | None:
    return _found(match, _previous_issue(context))


def _previous_issue(context: Context) -> DateScope:
    """The issue before the newest; with none, the day a week before it."""
    found = issues_ago(context, 1)
    if found is not None:
        return found
    day = context.newest - timedelta(days=7)
    return DateScope(day, day, PeriodKind.ISSUE)


def _latest(match: re.Match[str], context: Context) -> Found | None:
    return _found(match, issues_ago(context, 0))


def _relative(match: re.Match[str], context: Context) -> Found | None:
    newest, which, unit = context.newest, match["which"].lower(), match["unit"].lower()
    this = which in ("this", "current")
    if unit == "week":
        return _found(match, _previous_issue(context) if which == "previous" else _latest_week(context))
    if which == "past":
        days = UNIT_DAYS[unit]
        return _found(
            match,
            DateScope(newest - timedelta(days=days), newest, PeriodKind.SPAN),
        )
    if unit == "month":
        return _found(match, _month_back(context, 0 if this else 1))
    if unit == "quarter":
        index = (newest.year * 12 + newest.month - 1) // 3 - (0 if this else 1)
        return _found(match, periods.quarter(index // 4, index % 4 + 1))
    return _found(match, periods.year(newest.year if this else newest.year - 1))


def _named(match: re.Match[str], context: Context) -> Found | None:
    """ "last spring", "last March": the latest that ended before the newest issue; "this ...": the latest
    begun by it."""
    reread, last = _named_period(match), match["which"].lower() != "this"
    if reread is None:
        return None
    for year_ in context.years_back():
        period = reread(year_)
        if period is not None and _done_or_begun(period, context.newest, last):
            return _found(match, period)
    return None


def _named_period(match: re.Match[str]) -> Reread | None:
    if match["season"]:
        name = match["season"].lower()
        return lambda year_: periods.season(name, year_)
    word = match["month"]
    if word.lower() in VERB_MONTHS and word.islower():
        return None  # "at last may ...": a verb
    return lambda year_: periods.month(year_, MONTHS[word.lower()])


def _done_or_begun(period: DateScope, newest: date, done: bool) -> bool:
    bound = period.end if done else period.start
    return bound is not None and (bound < newest if done else bound <= newest)


_ISSUE = r"(?:issue|digest|edition|newsletter)"
_LAST_N = (
    rf"\b(?:past|last|previous|recent|latest)\s+{COUNT}(?:\s+of)?\s+(?P<unit>day|week|month|year|issue)s?\b"
)
_THIS_OR_LAST = r"\b(?P<which>last|this|past|current|previous)\s+(?P<unit>week|month|quarter|year)\b"
RULES: list[tuple[re.Pattern[str], Reader]] = [
    (compile_rule(_LAST_N), _span),
    (compile_rule(rf"\b{COUNT}\s+(?P<unit>week|month|year|issue)s?\s+ago\b"), _ago),
    (compile_rule(r"\b(?P<unit>week|issue|digest|edition)\s+before\s+last\b"), _before_last),
    (compile_rule(rf"\b(?:previous|prior)\s+{_ISSUE}\b"), _previous),
    (compile_rule(rf"\b(?:latest|newest|last|most\s+recent|current)\s+{_ISSUE}\b"), _latest),
    (compile_rule(_THIS_OR_LAST), _relative),
    (compile_rule(rf"\b(?P<which>last|this|past)\s+(?:{SEASON}|{MONTH}(?![a-z]))"), _named),
]  # fmt: skip
