"""Dates as written in a title line, a URL or a file name: found, never guessed.

A numeric date such as ``07/09/2024`` can be read month-first or day-first; when both readings are real days
the match says so (``readings``), and ``issue_date`` decides from other evidence or refuses.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass

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
        # July 9, 2024 / August 30,2023 / Sept. 3 2024 / April 20-2021
        rf"{_MONTH}\s*{_DAY}(?:\s*[,-]\s*|\s+){_YEAR}",
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s*{_YEAR}",  # 9 July 2024
        rf"(?<!\d){_YEAR}[-/_.](?P<mnum>\d{{1,2}})[-/_.](?P<day>\d{{1,2}})(?!\d)",  # 2024-07-09
        rf"(?<![\d.])(?P<first>\d{{1,2}})(?P<sep>[-/_.])(?P<second>\d{{1,2}})(?P=sep){_YEAR}",  # 07/09/2024
        rf"{_MONTH}\s*{_DAY}(?!\s*,?\s*\d)",  # July 9 (no year)
    )
)
_YEAR_SEGMENT = re.compile(r"(?:^|[/_\-. ])((?:19|20)\d{2})(?=$|[/_\-. ])")
_WEEKDAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?![a-z])"
    r"|\b(?:mon|tues?|wed|thur?s?|fri|sat|sun)\.",
    re.IGNORECASE,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DateMatch:
    """A date found in a line: where it is, and its parts.

    ``year`` is None when the line gave none. ``swappable`` marks a numeric date whose day and month could
    be either way round (``07/09/2024``); ``month``/``day`` then hold the month-first reading.
    ``weekday`` (0 = Monday) is a weekday named in the same line, looked for only when ``swappable``.
    """

    start: int
    end: int
    text: str
    month: int
    day: int
    year: int | None
    swappable: bool = False
    weekday: int | None = None

    def to_date(self, year: int | None = None) -> dt.date:
        """The (month-first) date, taking ``year`` when the text gave none; ValueError if no such day."""
        return dt.date(self.year or year or 2000, self.month, self.day)

    def readings(self, year: int | None = None) -> list[dt.date]:
        """Every day this match can mean: one, or two for a swappable numeric date."""
        first = self.to_date(year)
        if not self.swappable:
            return [first]
        return [first, dt.date(first.year, self.day, self.month)]

    def same_day(self, day: dt.date) -> bool:
        """True when ``day`` is a reading of this match (its month and day; its year when one is given)."""
        return any(
            (reading.month, reading.day) == (day.month, day.day) and self.year in (None, day.year)
            for reading in self.readings(day.year)
        )


def find_date(text: str) -> DateMatch | None:
    """The first date in ``text``, or None; a day that cannot exist ("February 30") is a ValueError."""
    marked = ascii_marks(text)
    matches = [m for pattern in _PATTERNS if (m := pattern.search(marked))]
    if not matches:
        return None
    best = min(matches, key=lambda m: (m.start(), -m.end()))
    found = _to_match(best, text, marked)
    try:
        found.readings()  # 2000 is a leap year, so a yearless February 29 passes here
    except ValueError:
        raise ValueError(f"invalid date '{found.text}'") from None
    return found


def find_possible_date(text: str) -> DateMatch | None:
    """Like ``find_date``, but an impossible date counts as no date (for hints, not for the title block)."""
    try:
        return find_date(text)
    except ValueError:
        return None


def _to_match(m: re.Match[str], text: str, marked: str) -> DateMatch:
    parts = m.groupdict()
    year = int(parts["year"]) if parts.get("year") else None
    where = (m.start(), m.end(), text[m.start() : m.end()])
    if parts.get("first"):
        first, second = int(parts["first"]), int(parts["second"])
        if first > 12:  # day-first: 19/07/2024
            return DateMatch(*where, second, first, year)
        if second <= 12 and first != second:
            return DateMatch(*where, first, second, year, swappable=True, weekday=_weekday(marked))
        return DateMatch(*where, first, second, year)
    month = _MONTHS[parts["month"][:3].lower()] if parts.get("month") else int(parts["mnum"])
    return DateMatch(*where, month, int(parts["day"]), year)


def _weekday(text: str) -> int | None:
    found = _WEEKDAY.search(text)
    return _WEEKDAYS.index(found.group().lower()[:3]) if found else None


def date_from_hint(hint: str) -> dt.date | None:
    """A full date written in a URL or file name (``...-july-9-2024/``, ``2024-07-09.txt``), or None.

    A numeric date that reads both ways (``07-09-2024``) is no answer on its own."""
    for candidate in _hint_forms(hint):
        found = find_possible_date(candidate)
        if found is not None and found.year is not None and not found.swappable:
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
