"""Text normalisation: ``fold()`` for matching, and tidying that keeps a text's own characters."""

from __future__ import annotations

import re

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

# Length-preserving: positions found in the result are positions in the original text.
_SAME_LENGTH = str.maketrans(
    {**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_INVISIBLE, " ")}
)
_QUOTES = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"')
)
_ALL_SPACES = str.maketrans(dict.fromkeys(_SPACES + _INVISIBLE, " "))
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(_INVISIBLE))
_WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold text for matching only: unusual spaces, curly quotes and dashes become ASCII, then casefold.

    NBSP and narrow spaces -> " ", curly quotes -> straight quotes, en/em dashes and minus -> "-",
    whitespace runs collapse to one space and the ends are stripped. Never shown to a user.
    """
    text = text.translate(_DROP_INVISIBLE).translate(_SAME_LENGTH).translate(_QUOTES).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def ascii_marks(text: str) -> str:
    """``text`` with unusual spaces and dashes made ASCII, one character for one, so positions still match."""
    return text.translate(_SAME_LENGTH)


def tidy(text: str) -> str:
    """Strip the ends (NBSP and zero-width characters included); the inside keeps its characters."""
    return text.strip().strip(_INVISIBLE).strip()


def clean_spaces(text: str) -> str:
    """Every run of whitespace (NBSP included) becomes one ASCII space; dashes and quotes are kept."""
    text = text.translate(_ALL_SPACES)
    return _WHITESPACE.sub(" ", text).strip()
