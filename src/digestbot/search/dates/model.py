"""The values a date scope is made of: what a question named, and the archive it is read against."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

SNAP_DAYS = 3  # a day asked for snaps to an issue at most this far away (publication lags the date named)


class ScopeKind(StrEnum):
    """What sort of period a scope is, so that a renderer can word it from ``start`` and ``end``."""

    ISSUE = "issue"  # one issue: start == end == its date
    WEEK = "week"  # seven days ("the week of 9 July", "the third week of May", "two weeks ago")
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    SEASON = "season"  # meteorological, northern hemisphere: whole months
    YEAR = "year"
    SPAN = "span"  # any other inclusive range ("between June and August", "early February", "past 3 weeks")
    SINCE = "since"  # from start on: end is None


@dataclass(frozen=True)
class DateScope:
    """An inclusive date range (either end open), what kind of period it is, and how to say it to a user.

    ``label`` is the English wording kept for today's callers; new code should word ``kind``, ``start`` and
    ``end`` itself. ``phrase`` holds the question's own words for the period, when it came from one.
    """

    start: date | None
    end: date | None
    label: str
    kind: ScopeKind = ScopeKind.SPAN
    phrase: str = ""

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the range."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ParsedQuery:
    """The question with its date words removed, and the date filter they named (if any)."""

    text: str
    scope: DateScope | None


@dataclass(frozen=True)
class Context:
    """The archive a question is read against: the newest issue's date and every issue's date, sorted."""

    newest: date
    issues: tuple[date, ...]

    @classmethod
    def of(cls, newest: date, issues: Sequence[date]) -> Context:
        return cls(newest, tuple(sorted(set(issues))))

    def issues_in(self, start: date, end: date) -> tuple[date, ...]:
        """The issues dated from ``start`` to ``end`` inclusive, oldest first."""
        lo = bisect.bisect_left(self.issues, start)
        return self.issues[lo : bisect.bisect_right(self.issues, end)]

    def has_issue(self, scope: DateScope) -> bool:
        """Whether any issue falls in ``scope`` (for a single day asked for, within ``SNAP_DAYS``)."""
        slack = timedelta(days=SNAP_DAYS if scope.kind is ScopeKind.ISSUE else 0)
        start = (scope.start or date.min + slack) - slack
        end = (scope.end or date.max - slack) + slack
        return bool(self.issues_in(start, end))

    def years_back(self) -> range:
        """Candidate years for a period named without one, newest first (one ahead: winter spans two)."""
        oldest = self.issues[0].year if self.issues else self.newest.year - 10
        return range(self.newest.year + 1, min(oldest, self.newest.year) - 1, -1)


Reread = Callable[[int], DateScope | None]


@dataclass(frozen=True)
class Found:
    """One date expression found in the question: where it is and what it means.

    ``scope`` is None for words that look like a date but must not be used as one ("7/9/2024", either
    reading possible): they stay in the searched text and keep other rules off their characters.
    ``reread`` gives the same words read in another year, for a period named without one ("June" in
    "between June and August 2022"). Words with a ``guard`` ("may", "march", a bare year) are ordinary
    words unless the guard matches the text before them ("in May"), or a modifier or a range takes them.
    """

    start: int
    end: int
    scope: DateScope | None
    reread: Reread | None = field(default=None, compare=False)
    guard: re.Pattern[str] | None = field(default=None, compare=False)
    absolute: bool = True  # a calendar period, not "last week": can be modified or end a range

    @property
    def size(self) -> int:
        return self.end - self.start
