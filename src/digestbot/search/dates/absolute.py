"""Calendar dates and periods named outright: days, weeks of a day, months, quarters, halves, seasons, years.

Numeric dates are taken only when they cannot be misread: "2024-07-09" and "13/7/2024" are one day, but
"7/9/2024" is 7 September or July 9 depending on the writer, so it stays text (never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from digestbot.domain import PeriodKind
from digestbot.search.dates import periods
from digestbot.search.dates.lexicon import (
    DAY,
    GUARDED_MONTHS,
    MONTH,
    MONTHS,
    OPT_YEAR,
    SEASON,
    VERB_MONTHS,
    WORD_GUARD,
    YEAR,
    YEAR_GUARD,
    compile_rule,
)
from digestbot.search.dates.model import Context, DateScope, Found, Reread

Reader = Callable[["re.Match[str]", Context], Found | None]
_END_YEAR = r"(?P<year>(?:19|20)\d{2})(?![\w/-]|[.,]\d)"
_QUARTERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def found(
    match: re.Match[str],
    scope: DateScope | None,
    *,
    reread: Reread | None = None,
    guard: re.Pattern[str] | None = None,
) -> Found:
    """A ``Found`` covering the whole match."""
    return Found(match.start(), match.end(), scope, reread, guard)


def yearless(match: re.Match[str], reread: Reread, context: Context, *, guarded: bool = False) -> Found:
    """A period named without a year: the latest such period (see ``periods.latest``)."""
    return found(match, periods.latest(reread, context), reread=reread, guard=WORD_GUARD if guarded else None)


def _followed_by_of(match: re.Match[str]) -> bool:
    """ "the fall of Kabul", "the third quarter of the match": not dates."""
    return re.match(r"\s+of\b", match.string[match.end() :], re.IGNORECASE) is not None


def _ymd(match: re.Match[str], context: Context) -> Found | None:
    return found(match, periods.day(int(match["year"]), int(match["mon"]), int(match["day"])))


def _numeric(match: re.Match[str], context: Context) -> Found | None:
    """d/m/yyyy or m/d/yyyy: used only when one reading is possible or both name the same issue."""
    first, second, year_ = int(match["a"]), int(match["b"]), int(match["year"])
    readings = [periods.day(year_, first, second), periods.day(year_, second, first)]
    settled = {periods.snap(reading, context) for reading in readings if reading is not None}
    valid = [reading for reading in readings if reading is not None]
    return found(match, valid[0] if len(settled) == 1 else None)


def _named_day(match: re.Match[str], context: Context) -> Found | None:
    word, number_ = match["month"], int(match["day"])
    if word.lower() in VERB_MONTHS and word.islower() and not match["year"]:
        return None  # "the 3 may agree": a verb
    month_ = MONTHS[word.lower()]
    if match["year"]:
        return found(match, periods.day(int(match["year"]), month_, number_))
    return yearless(match, lambda year_: periods.day(year_, month_, number_), context)


def _week_of(match: re.Match[str], context: Context) -> Found | None:
    month_, number_ = MONTHS[match["month"].lower()], int(match["day"])

    def reread(year_: int) -> DateScope | None:
        named = periods.day(year_, month_, number_)
        return periods.week_of(named.start) if named is not None and named.start else None

    if match["year"]:
        return found(match, reread(int(match["year"])))
    return yearless(match, reread, context)


def _month_year(match: re.Match[str], context: Context) -> Found | None:
    return found(match, periods.month(int(match["year"]), MONTHS[match["month"].lower()]))


def _month(match: re.Match[str], context: Context) -> Found | None:
    word = match["month"].lower()
    month_ = MONTHS[word]
    return yearless(
        match, lambda year_: periods.month(year_, month_), context, guarded=word in GUARDED_MONTHS
    )


def _year(match: re.Match[str], context: Context) -> Found | None:
    return found(match, periods.year(int(match["year"])), guard=YEAR_GUARD)


def _years(match: re.Match[str], context: Context) -> Found | None:
    first, last = int(match["year"]), int(match["to"])
    last += first // 100 * 100 if last < 100 else 0
    if last <= first:
        return found(match, None)
    return found(match, DateScope(date(first, 1, 1), date(last, 12, 31), PeriodKind.SPAN), guard=YEAR_GUARD)


def _quarter(match: re.Match[str], context: Context) -> Found | None:
    number_ = int(match["q"]) if match["q"] else _QUARTERS[match["qo"].lower()]
    if match["year"]:
        return found(match, periods.quarter(int(match["year"]), number_))
    if _followed_by_of(match):
        return None
    return yearless(match, lambda year_: periods.quarter(year_, number_), context, guarded=bool(match["q"]))


def _half(match: re.Match[str], context: Context) -> Found | None:
    return found(match, periods.half_year(int(match["year"]), int(match["h"])))


def _season(match: re.Match[str], context: Context) -> Found | None:
    name = match["season"].lower()
    if match["year"] and match["next"]:
        first, following = int(match["year"]), int(match["next"]) % 100
        spans_new_year = name == "winter" and following == (first + 1) % 100
        return found(match, periods.season(name, first + 1) if spans_new_year else None)
    if match["year"]:
        return found(match, periods.season(name, int(match["year"])))
    if _followed_by_of(match):
        return None
    return yearless(match, lambda year_: periods.season(name, year_), context, guarded=True)


_NO_MONTH_AFTER = r"(?![a-z])"
_WEEK_OF = r"\bweek\s+(?:of|beginning|starting)\s+(?:the\s+)?\b"
_YEARS = r"(?<![\w./-])(?P<year>(?:19|20)\d{2})\s*[-–—]\s*(?P<to>(?:19|20)?\d{2})(?![\w/-]|[.,]\d)"
RULES: list[tuple[re.Pattern[str], Reader]] = [
    (compile_rule(r"(?<![\w./-])(?P<year>(?:19|20)\d{2})(?P<sep>[-/.])(?P<mon>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
                  r"(?![\w/-]|[.,]\d)"), _ymd),
    (compile_rule(r"(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)" + _END_YEAR), _numeric),
    (compile_rule(rf"{_WEEK_OF}{MONTH}\s+{DAY}\b{OPT_YEAR}"), _week_of),
    (compile_rule(rf"{_WEEK_OF}{DAY}\s+(?:of\s+)?{MONTH}{_NO_MONTH_AFTER}{OPT_YEAR}"), _week_of),
    (compile_rule(rf"\b{MONTH}\s+{DAY}\b{OPT_YEAR}"), _named_day),
    (compile_rule(rf"\b{DAY}\s+(?:of\s+)?{MONTH}{_NO_MONTH_AFTER}{OPT_YEAR}"), _named_day),
    (compile_rule(rf"\b{MONTH}{_NO_MONTH_AFTER},?\s*(?:of\s+)?{YEAR}"), _month_year),
    (compile_rule(rf"\b{MONTH}{_NO_MONTH_AFTER}(?!,?\s*(?:of\s+)?(?:19|20)\d{{2}}\b)"), _month),
    (compile_rule(YEAR), _year),
    (compile_rule(_YEARS), _years),
    (compile_rule(rf"\bQ(?P<q>[1-4])(?:[\s/-]*(?:of\s+)?{_END_YEAR})?(?P<qo>)(?!\w)"), _quarter),
    (compile_rule(rf"{YEAR}\s*[-/]?\s*Q(?P<q>[1-4])(?P<qo>)\b"), _quarter),
    (compile_rule(rf"\b(?P<qo>{'|'.join(_QUARTERS)})\s+quarter(?:\s+of\s+{_END_YEAR})?(?P<q>)\b"), _quarter),
    (compile_rule(rf"\bH(?P<h>[12])[\s/-]*(?:of\s+)?{_END_YEAR}"), _half),
    (compile_rule(rf"{YEAR}\s*[-/]?\s*H(?P<h>[12])\b"), _half),
    (compile_rule(rf"\b(?P<h>[12])H[\s/-]*{_END_YEAR}"), _half),
    (compile_rule(rf"\b{SEASON}(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d{{2}})(?:\s*[/–-]\s*(?P<next>(?:19|20)?\d{{2}}))?"
                  r"(?![\w/-]|[.,]\d))?\b"), _season),
]  # fmt: skip
