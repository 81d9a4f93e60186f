"""Dates in a question become a filter, relative to the newest issue in the archive (not the wall clock).

Rules (``newest`` is the newest issue's date):
- "last week", "this week", "latest issue": the issues of the week ending on ``newest`` (for a weekly digest,
  the newest issue). A reader asking on Friday about "last week" means the issue that last went out, and
  anchoring on the archive keeps answers stable when the archive is old. "the previous issue" / "the week
  before" is the issue before the newest.
- "this month" / "last month" / "this year" / "last year": calendar periods around ``newest``;
  "the past 3 weeks": that span ending on ``newest``.
- "in July 2024", "July 2024", "in July" / "July": that month; without a year, the latest such month that has
  issues (else the latest not after ``newest``). "since June": from the first of that month on.
  "in 2023", "since 2023": a year.
- "the July 9 issue", "9 July", "July 9th, 2024", "2024-07-09": that day; without a year, the latest such
  day that has an issue (else the latest not after ``newest``); a day with no issue snaps to the nearest
  issue within 3 days.
Only the first date expression counts; its words are removed from the text that is searched.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PRE = r"(?:\b(?:in|from|during|of|for|on|at)\s+)?(?:the\s+)?"
_POST = r"(?:['’]s)?(?:\s+(?:issue|digest|edition|newsletter)s?)?\b"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a": 1, "few": 3, "couple": 2}
SNAP_DAYS = 3


@dataclass(frozen=True)
class DateScope:
    """An inclusive date range (either end open) and how to say it to a user."""

    start: date | None
    end: date | None
    label: str

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the range."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ParsedQuery:
    """The question with its date words removed, and the date filter they named (if any)."""

    text: str
    scope: DateScope | None


@dataclass(frozen=True)
class _Context:
    newest: date
    issues: Sequence[date]


_Rule = Callable[["re.Match[str]", _Context], DateScope | None]


def parse_query(question: str, newest: date | None, issue_dates: Sequence[date] = ()) -> ParsedQuery:
    """Find the first date expression in ``question``; return the rest of the text and the filter."""
    context = _Context(newest or date.today(), issue_dates)
    for pattern, rule in _RULES:
        for match in pattern.finditer(question):
            scope = rule(match, context)
            if scope is not None:
                rest = question[: match.start()] + " " + question[match.end() :]
                return ParsedQuery(_tidy(rest), scope)
    return ParsedQuery(_tidy(question), None)


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-–—").replace(" ?", "?").replace(" ,", ",")


def _fmt(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _month_year(month: int, year: str | None, context: _Context) -> int:
    """The year named, else the latest year whose such month has issues, else the latest not after newest."""
    if year:
        return int(year)
    latest = context.newest.year if month <= context.newest.month else context.newest.year - 1
    with_issues = [issue.year for issue in context.issues if issue.month == month and issue.year <= latest]
    return max(with_issues, default=latest)


def _day(match: re.Match[str], context: _Context) -> DateScope | None:
    month = MONTHS[match["month"].lower().rstrip(".")] if match["month"] else int(match["mon"])
    day = int(match["day"])
    if match["year"]:
        year = int(match["year"])
        return (
            _issue_scope(_snap(date(year, month, day), context.issues)) if _valid(year, month, day) else None
        )
    # A day just after the newest issue (its publication lagging the date asked for) still snaps to it.
    latest = context.newest + timedelta(days=SNAP_DAYS)
    days = [date(y, month, day) for y in _years_back(context) if _valid(y, month, day)]
    days = [candidate for candidate in days if candidate <= latest]
    with_issue = [candidate for candidate in days if _snap(candidate, context.issues) in context.issues]
    chosen = with_issue or days
    return _issue_scope(_snap(chosen[0], context.issues)) if chosen else None


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _years_back(context: _Context) -> range:
    oldest = min(context.issues).year if context.issues else context.newest.year - 10
    return range(context.newest.year, min(oldest, context.newest.year) - 1, -1)


def _snap(day: date, issues: Sequence[date]) -> date:
    near = [issue for issue in issues if abs((issue - day).days) <= SNAP_DAYS]
    return (
        min(near, key=lambda issue: (abs((issue - day).days), issue)) if near and day not in issues else day
    )


def _issue_scope(day: date) -> DateScope:
    return DateScope(day, day, f"the {_fmt(day)} issue")


def _month(match: re.Match[str], context: _Context) -> DateScope | None:
    name = match["month"].lower().rstrip(".")
    if name in ("may", "mar", "march") and not (match["year"] or match.group(0).lower().startswith(_PREPS)):
        return None  # "may" and "march" are also ordinary words; they need "in", "since" or a year.
    month = MONTHS[name]
    start, end = _month_span(_month_year(month, match["year"], context), month)
    if match.group(0).lower().startswith("since"):
        return DateScope(start, None, f"issues since {start:%B %Y}")
    return DateScope(start, end, f"issues from {start:%B %Y}")


_PREPS = ("in ", "from ", "during ", "of ", "for ", "since ", "on ")


def _year(match: re.Match[str], context: _Context) -> DateScope | None:
    year = int(match["year"])
    if match.group(0).lower().startswith("since"):
        return DateScope(date(year, 1, 1), None, f"issues since {year}")
    return DateScope(date(year, 1, 1), date(year, 12, 31), f"issues from {year}")


def _relative(match: re.Match[str], context: _Context) -> DateScope | None:
    newest, which, unit = context.newest, match["which"].lower(), match["unit"].lower()
    if unit == "week" and which == "previous":
        return _previous_issue(context)
    if unit == "week":
        return DateScope(newest - timedelta(days=6), newest, f"the latest issue ({_fmt(newest)})")
    if which == "past":
        days = 31 if unit == "month" else 366
        return DateScope(newest - timedelta(days=days), newest, f"issues from the past {unit}")
    if unit == "month":
        year, month = (newest.year, newest.month) if which in ("this", "current") else _prior_month(newest)
        start, end = _month_span(year, month)
        return DateScope(start, end, f"issues from {start:%B %Y}")
    year = newest.year if which in ("this", "current") else newest.year - 1
    return DateScope(date(year, 1, 1), date(year, 12, 31), f"issues from {year}")


def _prior_month(day: date) -> tuple[int, int]:
    return (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)


def _previous_issue(context: _Context) -> DateScope:
    earlier = sorted(issue for issue in context.issues if issue < context.newest)
    day = earlier[-1] if earlier else context.newest - timedelta(days=7)
    return _issue_scope(day)


def _previous(match: re.Match[str], context: _Context) -> DateScope | None:
    return _previous_issue(context)


def _latest(match: re.Match[str], context: _Context) -> DateScope | None:
    return _issue_scope(context.newest)


def _span(match: re.Match[str], context: _Context) -> DateScope | None:
    raw = match["count"].lower()
    count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    days = {"day": 1, "week": 7, "month": 31, "year": 366}[match["unit"].lower()] * count
    start = context.newest - timedelta(days=days - 1)
    return DateScope(start, context.newest, f"issues from {_fmt(start)} to {_fmt(context.newest)}")


def _compile(core: str) -> re.Pattern[str]:
    return re.compile(_PRE + core + _POST, re.IGNORECASE)


_WORDS = "|".join(_NUMBERS)
_RULES: list[tuple[re.Pattern[str], _Rule]] = [
    (_compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?P<month>)"), _day),
    (_compile(rf"(?:past|last)\s+(?P<count>\d+|{_WORDS})\s+(?P<unit>day|week|month|year)s"), _span),
    (_compile(r"(?:week\s+before\s+last|(?:previous|prior)\s+(?:issue|digest|edition))"), _previous),
    (
        _compile(r"(?:latest|newest|last|most\s+recent|current)\s+(?:issue|digest|edition|newsletter)"),
        _latest,
    ),
    (_compile(r"(?P<which>last|this|past|current|previous)\s+(?P<unit>week|month|year)"), _relative),
    (_compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(?P<year>\d{{4}}))?"), _day),
    (_compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s*(?P<year>\d{{4}}))?"), _day),
    (re.compile(rf"\bsince\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b", re.IGNORECASE), _month),
    (re.compile(r"\bsince\s+(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE), _year),
    (_compile(rf"{_MONTH},?\s+(?P<year>\d{{4}})"), _month),
    (_compile(rf"\b{_MONTH}(?P<year>)"), _month),
    (re.compile(r"\b(?:in|during|from|of|for)\s+(?P<year>(?:19|20)\d{2})\b", re.IGNORECASE), _year),
]
