"""Words and regular-expression pieces shared by the date rules."""

from __future__ import annotations

import calendar
import re

FULL_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
SHORT_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
MONTHS = FULL_MONTHS | SHORT_MONTHS
# Month words that are also ordinary words ("may", "march", "august") or short forms ("Jan" the name):
# alone, without a year or day, they are months only after a preposition, a modifier or in a range.
GUARDED_MONTHS = frozenset(SHORT_MONTHS) | {"march", "august"}
# In "3 may" / "may 3" only a capital or a year makes "may" a month.
VERB_MONTHS = frozenset({"may", "march", "mar"})

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "a couple": 2, "few": 3, "a few": 3,
}  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1, "final": -1,
}  # fmt: skip


def alternatives(words: object) -> str:
    """A regex alternation of ``words``, longest first so that "sept" wins over "sep"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


MONTH = rf"(?P<month>{alternatives(MONTHS)})\.?"
# A year on its own: not in "CVE-2024-3094", "RockYou2024", "1990s" or "7/9/2024"; "mid-2024" is fine.
YEAR = r"(?:(?<=mid-)|(?<=early-)|(?<=late-)|(?<![\w./-]))(?P<year>(?:19|20)\d{2})(?![\w/-]|[.,]\d)"
OPT_YEAR = r"(?:,?\s*(?P<year>(?:19|20)\d{2})(?![\w/-]|[.,]\d))?"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
COUNT = rf"(?P<count>\d{{1,2}}|{alternatives(NUMBERS)})"
ORDINAL = rf"(?P<nth>{alternatives(ORDINALS)})"
SEASON = r"(?P<season>spring|summer|autumn|fall|winter)"

# A preposition that makes a guarded word a date: "in May", "during march", "over the summer".
WORD_GUARD = re.compile(
    r"\b(?:(?:in|from|during|of|for|since|on|throughout)\s+(?:the\s+)?|over\s+the\s+)\Z", re.IGNORECASE
)
# Bare years need one too, and fewer count: "over 2000 homes" is a number.
YEAR_GUARD = re.compile(r"\b(?:in|from|during|of|for|since)\s+(?:the\s+)?\Z", re.IGNORECASE)
# Words around a date expression that go with it out of the searched text.
ABSORB_BEFORE = re.compile(
    r"(?:\b(?:in|from|during|of|for|on|at|over|within|throughout)\s+)?(?:the\s+)?\Z", re.IGNORECASE
)
ABSORB_AFTER = re.compile(r"(?:['’]s)?(?:\s+(?:issue|digest|edition|newsletter)s?)?\b", re.IGNORECASE)


def number(word: str) -> int:
    """``"3"`` or ``"three"`` or ``"a couple"`` as an int."""
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBERS[word]


def compile_rule(core: str) -> re.Pattern[str]:
    return re.compile(core, re.IGNORECASE)
