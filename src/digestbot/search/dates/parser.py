"""Find the date scope of a question: collect every reading, keep the most specific, join ranges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date

from digestbot.domain import PeriodKind
from digestbot.search.dates import absolute, periods, relative
from digestbot.search.dates.compose import join_ranges, with_modifiers
from digestbot.search.dates.lexicon import ABSORB_AFTER, ABSORB_BEFORE
from digestbot.search.dates.model import Context, Found, ParsedQuery

_RULES = [*relative.RULES, *absolute.RULES]


def parse_query(
    question: str, newest: date | None, issue_dates: Sequence[date] = (), *, today: date | None = None
) -> ParsedQuery:
    """Find the date expression in ``question``; return the rest of the text and the filter it names.

    Dates are read against the archive (``newest`` and ``issue_dates``); an empty archive anchors on
    ``today`` (the wall clock's date unless given).
    """
    context = Context.of(newest or today or date.today(), issue_dates)
    candidates = with_modifiers(_atoms(question, context), question, context)
    chosen = join_ranges(_most_specific(candidates), question, context)
    usable = [found for found in chosen if found.scope is not None and _is_date(found, question, context)]
    if not usable:
        return ParsedQuery(_tidy(question), None)
    found = usable[0]  # several separate periods: the first one named counts
    assert found.scope is not None
    scope = replace(periods.snap(found.scope, context), phrase=question[found.start : found.end])
    start, end = _absorbed(question, found)
    return ParsedQuery(_tidy(question[:start] + " " + question[end:]), scope)


def _atoms(question: str, context: Context) -> Iterator[Found]:
    for pattern, read in _RULES:
        for match in pattern.finditer(question):
            found = read(match, context)
            if found is not None:
                yield found


def _most_specific(candidates: Iterable[Found]) -> list[Found]:
    """The longest readings that do not overlap, in question order: "the last week of November 2024"
    leaves no room for "last week" or "November 2024" inside it."""
    kept: list[Found] = []
    for found in sorted(candidates, key=lambda found: (-found.size, found.start)):
        if all(found.end <= other.start or found.start >= other.end for other in kept):
            kept.append(found)
    return sorted(kept, key=lambda found: found.start)


# A number after these words is a count, not a year.
QUANTITY = re.compile(
    r"\b(?:over|about|around|nearly|almost|some|than|approximately|roughly|least|to|of|by|\d[\d,.]*)\s+\Z",
    re.IGNORECASE,
)


def _is_date(found: Found, question: str, context: Context) -> bool:
    """A guarded word ("may", "march", a bare year) is a date only after a preposition ("in May"); a bare
    year the archive has issues in is one too ("first round 2022 results"), unless a quantity word puts
    it before a noun ("over 2024 homes")."""
    if found.guard is None or found.guard.search(question, 0, found.start) is not None:
        return True
    scope = found.scope
    if scope is None or scope.kind is not PeriodKind.YEAR or scope.start is None or not context.issues:
        return False
    covered = context.issues[0].year <= scope.start.year <= context.issues[-1].year
    return covered and QUANTITY.search(question, 0, found.start) is None


def _absorbed(question: str, found: Found) -> tuple[int, int]:
    """The expression's span widened by the words that go with it ("in the ...", "...'s issue")."""
    before = ABSORB_BEFORE.search(question, 0, found.start)
    after = ABSORB_AFTER.match(question, found.end)
    return (before.start() if before else found.start), (after.end() if after else found.end)


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-–—").replace(" ?", "?").replace(" ,", ",")
