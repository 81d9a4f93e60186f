"""The values a date scope is made of: what a question named, and the archive it is read against."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from digestbot.domain import Period, PeriodKind

SNAP_DAYS = 3  # a day asked for snaps to an issue at most this far away (publication lags the date named)


@dataclass(frozen=True)
class DateScope:
    """An inclusive date range (either end open) and what kind of period it is; ``phrase`` holds the
    question's own words for it, when it came from one. Renderers word it (``render.words``)."""

    start: date | None
    end: date | None
    kind: PeriodKind = PeriodKind.SPAN
    phrase: str = ""

    @property
    def period(self) -> Period:
        """The scope as the domain's ``Period``."""
        return Period(self.start, self.end, self.kind)

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
        slack = timedelta(days=SNAP_DAYS if scope.kind is PeriodKind.ISSUE else 0)
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
