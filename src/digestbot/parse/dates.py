"""Issue dates: written many ways in a title line, or hidden in a URL or file name. Never guessed."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass

from digestbot.errors import ParseError
from digestbot.parse.normalize import ascii_marks

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?<![a-z])(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_DAY = r"(?<!\d)(?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\da-z])"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"{_MONTH}\s*{_DAY}(?:\s*,\s*|\s+){_YEAR}",  # July 9, 2024 / August 30,2023 / Sept. 3 2024
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s*{_YEAR}",  # 9 July 2024
        rf"(?<!\d){_YEAR}[-/_.](?P<mnum>\d{{1,2}})[-/_.](?P<day>\d{{1,2}})(?!\d)",  # 2024-07-09
        rf"(?<!\d)(?P<mnum>\d{{1,2}})[-/_](?P<day>\d{{1,2}})[-/_]{_YEAR}",  # 07-09-2024 (US order)
        rf"{_MONTH}\s*{_DAY}(?!\s*,?\s*\d)",  # July 9 (no year)
    )
)
_YEAR_SEGMENT = re.compile(r"(?:^|[/_\-. ])((?:19|20)\d{2})(?=$|[/_\-. ])")


@dataclass(frozen=True)
class DateMatch:
    """A date found in a line: where it is, and its parts (``year`` is None when the line gave none)."""

    start: int
    end: int
    text: str
    month: int
    day: int
    year: int | None

    def to_date(self, year: int | None = None) -> dt.date:
        """The date, taking ``year`` when the text gave none; ValueError when no such day exists."""
        return dt.date(self.year or year or 2000, self.month, self.day)


def find_date(text: str) -> DateMatch | None:
    """The first date in ``text``, or None; a day that cannot exist ("February 30") is a ValueError."""
    marked = ascii_marks(text)
    matches = [m for pattern in _PATTERNS if (m := pattern.search(marked))]
    if not matches:
        return None
    best = min(matches, key=lambda m: (m.start(), -m.end()))
    found = _to_match(best, text)
    try:
        found.to_date()  # 2000 is a leap year, so a yearless February 29 passes here
    except ValueError:
        raise ValueError(f"invalid date '{found.text}'") from None
    return found


def find_possible_date(text: str) -> DateMatch | None:
    """Like ``find_date``, but an impossible date counts as no date (for hints, not for the title block)."""
    try:
        return find_date(text)
    except ValueError:
        return None


def _to_match(m: re.Match[str], text: str) -> DateMatch:
    parts = m.groupdict()
    month = _MONTHS[parts["month"][:3].lower()] if parts.get("month") else int(parts["mnum"])
    year = int(parts["year"]) if parts.get("year") else None
    return DateMatch(m.start(), m.end(), text[m.start() : m.end()], month, int(parts["day"]), year)


def date_from_hint(hint: str) -> dt.date | None:
    """A full date written in a URL or file name (``...-july-9-2024/``, ``2024-07-09.txt``), or None."""
    for candidate in _hint_forms(hint):
        try:
            found = find_date(candidate)
        except ValueError:
            continue
        if found is not None and found.year is not None:
            return found.to_date()
    return None


def year_from_hint(hint: str) -> int | None:
    """The year a URL or file name gives, from a full date or a year segment (``/2024/``), or None."""
    full = date_from_hint(hint)
    if full is not None:
        return full.year
    segment = _YEAR_SEGMENT.search(urllib.parse.unquote(hint))
    return int(segment.group(1)) if segment else None


def _hint_forms(hint: str) -> tuple[str, str]:
    raw = urllib.parse.unquote(hint)
    return raw, re.sub(r"[-_+/.]+", " ", raw)


def resolve_date(
    explicit: dt.date | None, found: DateMatch | None, hints: list[str], *, source: str
) -> dt.date:
    """The issue date: ``explicit`` > the title block's date > a date in the URL or file name."""
    if explicit is not None:
        return explicit
    if found is not None and found.year is not None:
        return found.to_date()
    if found is not None:
        return _with_hint_year(found, hints, source=source)
    for hint in hints:
        if (day := date_from_hint(hint)) is not None:
            return day
    raise ParseError(
        "no date found in the title block, URL or file name; pass --date YYYY-MM-DD", source=source
    )


def _with_hint_year(found: DateMatch, hints: list[str], *, source: str) -> dt.date:
    for hint in hints:
        if (year := year_from_hint(hint)) is not None:
            try:
                return found.to_date(year)
            except ValueError:
                raise ParseError(f"invalid date '{found.text} {year}'", source=source) from None
    raise ParseError(
        f"the title date '{found.text}' has no year, nor does the URL or file name; pass --date YYYY-MM-DD",
        source=source,
    )
