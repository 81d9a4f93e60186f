"""Expressions built from others: a modifier before a period ("the last week of", "early", "since") and a
range of two ("between June and August 2022", "from March to May", "March–May 2024", "June through August").

A period named without a year takes the year of the other end of its range ("June" in "between June and
August 2022" is June 2022); a range named with no year at all ends in the latest such period.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from digestbot.domain import PeriodKind
from digestbot.search.dates import periods
from digestbot.search.dates.lexicon import ORDINAL, ORDINALS, compile_rule
from digestbot.search.dates.model import Context, DateScope, Found

Modify = Callable[[DateScope, "re.Match[str]", Context], DateScope | None]
_PARTS = {"early": 0, "start": 0, "beginning": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}
_HALVES = {"first": 0, "1st": 0, "second": 1, "2nd": 1}


def _nth_issue(period: DateScope, match: re.Match[str], context: Context) -> DateScope | None:
    return periods.nth_issue(period, ORDINALS[match["nth"].lower()], context)


def _nth_week(period: DateScope, match: re.Match[str], context: Context) -> DateScope | None:
    return periods.nth_week(period, ORDINALS[match["nth"].lower()])


def _third(period: DateScope, match: re.Match[str], context: Context) -> DateScope | None:
    return periods.third(period, _PARTS[match["part"].lower()])


def _half(period: DateScope, match: re.Match[str], context: Context) -> DateScope | None:
    return periods.half(period, _HALVES[match["nth"].lower()])


def _since(period: DateScope, match: re.Match[str], context: Context) -> DateScope | None:
    return periods.since(period)


_ISSUE = r"(?:issue|digest|edition|newsletter)"
# Each pattern must end exactly where the period it modifies begins.
MODIFIERS: list[tuple[re.Pattern[str], Modify]] = [
    (compile_rule(rf"\b(?:the\s+)?{ORDINAL}\s+{_ISSUE}\s+(?:of|in|from)\s+(?:the\s+)?\Z"), _nth_issue),
    (compile_rule(rf"\b(?:the\s+)?{ORDINAL}\s+week\s+(?:of|in)\s+(?:the\s+)?\Z"), _nth_week),
    (compile_rule(r"\b(?P<part>early|mid|late)(?:\s+|-|\s*-\s*)(?:in\s+)?\Z"), _third),
    (compile_rule(r"\b(?:the\s+)?(?P<part>start|beginning|middle|end)\s+of\s+(?:the\s+)?\Z"), _third),
    (compile_rule(rf"\b(?:the\s+)?(?P<nth>{'|'.join(_HALVES)})\s+half\s+of\s+(?:the\s+)?\Z"), _half),
    (compile_rule(r"\bsince\s+(?:the\s+)?\Z"), _since),
]


def with_modifiers(atoms: Iterable[Found], question: str, context: Context) -> Iterator[Found]:
    """Every expression found, and every modified one built on it (modifiers may stack: "since early May")."""
    pending = list(atoms)
    while pending:
        found = pending.pop()
        yield found
        if found.scope is None:
            continue
        for pattern, modify in MODIFIERS:
            match = pattern.search(question, 0, found.start)
            built = _modified(found, match, modify, context) if match else None
            if built is not None:
                pending.append(built)


def _modified(found: Found, match: re.Match[str], modify: Modify, context: Context) -> Found | None:
    assert found.scope is not None
    base_reread = found.reread
    if base_reread is None:
        scope = modify(found.scope, match, context)
        return (
            None if scope is None else Found(match.start(), found.end, scope, None, absolute=found.absolute)
        )

    def reread(year: int) -> DateScope | None:
        base = base_reread(year)
        return None if base is None else modify(base, match, context)

    scope = periods.latest(reread, context)
    return None if scope is None else Found(match.start(), found.end, scope, reread, absolute=found.absolute)


_PREFIX = re.compile(r"\b(?P<pre>between|from)\s+(?:the\s+)?\Z", re.IGNORECASE)
_JOINERS = {
    "between": re.compile(r"\s*(?:and|&)\s+(?:the\s+)?", re.IGNORECASE),
    "from": re.compile(r"\s*(?:to|through|thru|until|till|[-–—])\s*(?:the\s+)?", re.IGNORECASE),
    "": re.compile(r"\s*[-–—]\s*|\s+(?:through|thru)\s+", re.IGNORECASE),
    "plain": re.compile(r"\s+(?:to|until|till)\s+", re.IGNORECASE),  # only between unguarded ends
}


def join_ranges(chosen: list[Found], question: str, context: Context) -> list[Found]:
    """Merge each pair of periods that a question joins into a range; ``chosen`` is in question order."""
    out: list[Found] = []
    for found in chosen:
        merged = _join(out[-1], found, question, context) if out else None
        if merged is not None:
            out[-1] = merged
        else:
            out.append(found)
    return out


def _join(first: Found, second: Found, question: str, context: Context) -> Found | None:
    if not (first.absolute and second.absolute and first.scope and second.scope):
        return None
    prefix = _PREFIX.search(question, 0, first.start)
    pre = prefix["pre"].lower() if prefix else ""
    gap = question[first.end : second.start]
    joined = _JOINERS[pre].fullmatch(gap) is not None
    if not pre and not joined and not (first.guard or second.guard):
        joined = _JOINERS["plain"].fullmatch(gap) is not None
    scope = _span(first, second) if joined else None
    if scope is None:
        return None
    start = prefix.start() if prefix else first.start
    guard = first.guard if not pre and first.guard and second.guard else None
    return Found(start, second.end, scope, guard=guard)


def _span(first: Found, second: Found) -> DateScope | None:
    """The range from ``first`` to ``second``, a yearless end taking its year from the other."""
    one, two = first.scope, second.scope
    if one is None or two is None:
        return None
    if first.reread is not None and two.end is not None:
        end = two.end
        one = _fit(first, end.year, lambda scope: scope.start is not None and scope.start <= end)
    elif second.reread is not None and one.start is not None:
        start = one.start
        two = _fit(second, start.year, lambda scope: scope.end is not None and scope.end >= start, step=1)
    if one is None or two is None or one.start is None or two.end is None or one.start > two.end:
        return None
    return DateScope(one.start, two.end, PeriodKind.SPAN)


def _fit(found: Found, year: int, fits: Callable[[DateScope], bool], step: int = -1) -> DateScope | None:
    """``found`` read in ``year``, or in the year after (``step`` 1) or before (-1) if that does not fit."""
    assert found.reread is not None
    for candidate in (found.reread(year), found.reread(year + step)):
        if candidate is not None and fits(candidate):
            return candidate
    return None
