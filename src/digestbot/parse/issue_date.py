"""The issue date: ``--date``, else the title block's most complete date, else the page's <title>, else a date
in the URL or file name. Never a guess: conflicting or two-way dates are a ``ParseError``.

A title block often repeats the date, once without a year ("Weekly Digest – Nov 2") and once in full
("Weekly Digest – November 2, 2021"): the full one wins. Two different full dates there are an error naming
both. A numeric date that reads both ways (``07/09/2024``) is settled by the other evidence: another title
line, the page title, the URL or file name, or a weekday named beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from digestbot.errors import ParseError
from digestbot.parse.dates import DateMatch, date_from_hint, year_from_hint

_NO_DATE = "no date found in the title block, URL or file name; pass --date YYYY-MM-DD"


@dataclass(frozen=True)
class Found:
    """A date match and the line it was found on (None for the page's <title>)."""

    match: DateMatch
    line: int | None = None


@dataclass(frozen=True)
class _Evidence:
    """Other dates that may settle a two-way numeric date: month and day pairs, and full days."""

    days: tuple[dt.date, ...]
    month_days: tuple[tuple[int, int], ...]

    def allows(self, day: dt.date) -> bool:
        full = not self.days or day in self.days
        return full and all((day.month, day.day) == pair for pair in self.month_days)


def resolve_date(
    explicit: dt.date | None,
    title: list[Found],
    page: DateMatch | None,
    hints: list[str],
    *,
    source: str,
) -> dt.date:
    """The issue date from (in order) ``explicit``, the title block's dates, the page title, the hints."""
    if explicit is not None:
        return explicit
    if not title and page is not None:
        title, page = [Found(page)], None
    hint_days = [day for hint in hints if (day := date_from_hint(hint)) is not None]
    full = [found for found in title if found.match.year is not None]
    if full:
        return _from_full(full, _evidence(title, page, hint_days), source=source)
    if title:
        return _complete(title[0], page, hints, source=source)
    if hint_days:
        return hint_days[0]
    raise ParseError(_NO_DATE, source=source)


def _from_full(full: list[Found], evidence: _Evidence, *, source: str) -> dt.date:
    firm = [found for found in full if not found.match.swappable]
    for found in firm[1:]:
        if found.match.to_date() != firm[0].match.to_date():
            raise _conflict(firm[0], found, source=source)
    candidates = set(firm[0].match.readings()) if firm else set(full[0].match.readings())
    for found in full:
        narrowed = candidates & set(found.match.readings())
        if not narrowed:
            raise _conflict(firm[0] if firm else full[0], found, source=source)
        candidates = narrowed
    return _settle(full, candidates, evidence, source=source)


def _settle(full: list[Found], candidates: set[dt.date], evidence: _Evidence, *, source: str) -> dt.date:
    """One day out of the readings left, by the other evidence; an error when it cannot be decided."""
    if len(candidates) == 1:
        return candidates.pop()
    weekdays = {found.match.weekday for found in full if found.match.weekday is not None}
    kept = {day for day in candidates if evidence.allows(day) and weekdays <= {day.weekday()}}
    if len(kept) == 1:
        return kept.pop()
    first = full[0]
    early, late = sorted(candidates)
    raise ParseError(
        f"the date '{first.match.text}' reads as {_spelled(early)} or {_spelled(late)}, and nothing in the "
        "title, URL or file name decides which; pass --date YYYY-MM-DD",
        source=source,
        line=first.line,
    )


def _evidence(title: list[Found], page: DateMatch | None, hint_days: list[dt.date]) -> _Evidence:
    """What the firm dates around a two-way numeric one say: yearless title dates, the page title, hints."""
    others = [found.match for found in title if not found.match.swappable and found.match.year is None]
    pairs = [(match.month, match.day) for match in others]
    if page is not None and not page.swappable:
        pairs.append((page.month, page.day))
        if page.year is not None:
            hint_days = [*hint_days, page.to_date()]
    return _Evidence(tuple(hint_days), tuple(pairs))


def _complete(found: Found, page: DateMatch | None, hints: list[str], *, source: str) -> dt.date:
    """A yearless title date, its year taken from the page title, the URL or the file name."""
    years = [page.year] if page is not None and page.year is not None else []
    years += [year for hint in hints if (year := year_from_hint(hint)) is not None]
    if not years:
        raise ParseError(
            f"the title date '{found.match.text}' has no year, nor does the URL or file name; "
            "pass --date YYYY-MM-DD",
            source=source,
        )
    try:
        return found.match.to_date(years[0])
    except ValueError:
        raise ParseError(f"invalid date '{found.match.text} {years[0]}'", source=source) from None


def _conflict(first: Found, second: Found, *, source: str) -> ParseError:
    return ParseError(
        f"the title block has two different dates, '{first.match.text}' and '{second.match.text}'; "
        "pass --date YYYY-MM-DD",
        source=source,
        line=second.line,
    )


def _spelled(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
