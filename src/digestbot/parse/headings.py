"""Is a plain line a heading? Short, title-cased, no sentence-final punctuation, no label colon."""

from __future__ import annotations

import re

from digestbot.parse.dates import find_date
from digestbot.parse.normalize import clean_spaces

MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 12
_MIN_CAPITALISED = 0.75
_SENTENCE_END = (".", "!", "?", ";", ",", ":", "…")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def looks_like_heading(text: str) -> bool:
    """True when ``text`` reads like a section or part heading rather than a sentence."""
    if len(text) > 2 * MAX_HEADING_CHARS:  # with room for padding spaces; saves cleaning long paragraphs
        return False
    name = clean_spaces(text)
    if not name or len(name) > MAX_HEADING_CHARS or name.endswith(_SENTENCE_END) or ":" in name:
        return False
    if not (name[0].isupper() or name[0].isdigit()) or len(name.split()) > _MAX_HEADING_WORDS:
        return False
    return _title_cased(name) and not _is_dated(name)


def _title_cased(name: str) -> bool:
    """Most long words capitalised, and the last word too: a line cut off mid-word ("Police in Ostmark
    City dism") is not a heading."""
    words: list[str] = _WORD.findall(name)
    if not words or not words[-1][0].isupper():
        return False
    significant = [word for word in words if len(word) >= 4]
    if not significant:
        return words[0][0].isupper()
    capitalised = sum(1 for word in significant if word[0].isupper())
    return capitalised >= _MIN_CAPITALISED * len(significant)


def _is_dated(name: str) -> bool:
    try:
        found = find_date(name)
    except ValueError:
        return True
    return found is not None and found.year is not None
