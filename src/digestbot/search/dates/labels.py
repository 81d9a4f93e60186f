"""The English ``DateScope.label`` of a period, derived from its kind and dates only.

Kept for today's callers (the answer text shows the label); renderers can word the same data their own way.
"""

from __future__ import annotations

import calendar
from datetime import date

from digestbot.search.dates.model import DateScope, ScopeKind


def fmt(day: date) -> str:
    """``9 Jul 2024``."""
    return f"{day.day} {day:%b %Y}"


def labelled(start: date | None, end: date | None, kind: ScopeKind, label: str = "") -> DateScope:
    """A scope labelled from its data unless ``label`` is given."""
    return DateScope(start, end, label or describe(start, end, kind), kind)


def describe(start: date | None, end: date | None, kind: ScopeKind) -> str:
    """``the 9 Jul 2024 issue``, ``issues from July 2024``, ``issues since 2023``, ``issues from Q3 2024``."""
    if start is None:
        return "every issue" if end is None else f"issues up to {fmt(end)}"
    if end is None:
        return f"issues since {_short(start)}"
    if kind is ScopeKind.ISSUE:
        return f"the {fmt(start)} issue"
    if kind is ScopeKind.QUARTER:
        return f"issues from Q{(start.month - 1) // 3 + 1} {start.year}"
    if kind is ScopeKind.HALF_YEAR:
        return f"issues from H{1 if start.month <= 6 else 2} {start.year}"
    return f"issues from {_range(start, end)}"


def _short(day: date) -> str:
    if (day.month, day.day) == (1, 1):
        return str(day.year)
    return f"{day:%B %Y}" if day.day == 1 else fmt(day)


def _range(start: date, end: date) -> str:
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and (start.month, end.month) == (1, 12):
        return str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
    if whole_months and (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if whole_months:
        first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
        return f"{first} to {end:%B %Y}"
    return f"{fmt(start)} to {fmt(end)}"
