"""Entities a question names (a country, a person, a group, a product): an answer uses only items about
them.

Users type in lower case, so names are recognised from the archive itself: a word is a *name* when the
items write it capitalised wherever it is not the first word of a sentence ("Pezeshkian", "BlackQuill",
"Lithuania"); two adjacent capitalised words the items write together form a *phrase* ("Sarvenne Water",
"Tomas Ferrand"). Countries come from ``countries`` (names, demonyms, capitals, codes), so "colombia" is
named by "Colombian" and "tehran" stands for Iran; a country the archive never names in any form is still
known to be a name: asking about it honestly finds nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digestbot.search.countries import country_table
from digestbot.search.text import STOPWORDS, tokenize

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;•→\"“(\n]\s*)$")
MIN_NAME_MENTIONS = 1
MAX_LOWER_SHARE = 0.1  # a name may be written in lower case this often ("the blackquill gang")
MIN_PREFIX = 4  # "iran" stands for "iranian"; shorter names only for themselves
MAX_SUFFIX = 4  # "-ian", "-an", "-ese", "-ish"
MIN_NAME_CHARS = 4  # shorter capitalised words are mostly acronyms ("US", "EU", "DHS"), spelt out elsewhere
_CALENDAR = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)


@dataclass(frozen=True)
class Entity:
    """A name the question uses: its tokens in order, and whether the archive knows it at all."""

    tokens: tuple[str, ...]
    known: bool = True
    country: str | None = None  # the country's name, when it is one (items name it any way the table knows)

    def named_in(self, item_tokens: Sequence[str], names: frozenset[str]) -> bool:
        """Whether an item's tokens name this entity: the phrase itself, or for a name made only of names
        (a person) its last one ("Ferrand" for "Tomas Ferrand"); a derived name counts ("Iranian")."""
        if len(self.tokens) == 1:
            return any(_stands_for(self.tokens[0], token, names) for token in item_tokens)
        width = len(self.tokens)
        if any(tuple(item_tokens[i : i + width]) == self.tokens for i in range(len(item_tokens) - width + 1)):
            return True
        last = self.tokens[-1]
        return all(token in names for token in self.tokens) and any(
            _stands_for(last, token, names) for token in item_tokens
        )


def _stands_for(name: str, token: str, names: frozenset[str]) -> bool:
    """The same name, or one derived from the other by a short suffix ("Iran"/"Iranian", "Drassk"/
    "Drasskan", "Aldmere"/"Aldmeran"); both must be names, so "mali" never stands for "malicious"."""
    if token == name:
        return True
    short, long = sorted((name, token), key=len)
    if len(short) < MIN_PREFIX or len(long) == len(short) or len(long) - len(short) > MAX_SUFFIX:
        return False
    if token not in names or name not in names:
        return False
    stem = short[:-1] if short[-1] in "aeiouy" and len(short) > MIN_PREFIX else short
    return long.startswith(stem)


@dataclass(frozen=True)
class NameIndex:
    """The names and name phrases of an archive, read from its items' text."""

    names: frozenset[str]
    phrases: frozenset[tuple[str, str]]

    @classmethod
    def build(cls, texts: Iterable[str]) -> NameIndex:
        """Count how each word is written mid-sentence across the texts."""
        capital: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        pairs: set[tuple[str, str]] = set()
        for text in texts:
            previous: tuple[str, int] | None = None  # (token, end) of the last capitalised word
            for match in _WORD.finditer(text):
                word = match.group()
                key = _token(word)
                if key is None:
                    previous = None
                    continue
                if word[0].islower():
                    lower[key] += 1
                    previous = None
                    continue
                if previous is not None and text[previous[1] : match.start()] == " ":
                    pairs.add((previous[0], key))
                if not _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
                    capital[key] += 1
                previous = (key, match.end())
        names = frozenset(
            key
            for key, count in capital.items()
            if count >= MIN_NAME_MENTIONS and lower[key] <= MAX_LOWER_SHARE * (count + lower[key])
        )
        return cls(names - _CALENDAR, frozenset(pairs))

    def entities(self, tokens: Sequence[str], countries: frozenset[str], raw: str = "") -> list[Entity]:
        """The entities among a question's content tokens, longest match first: a country (known or not),
        a phrase the archive writes, or a single name. ``countries``: those the archive names; ``raw``:
        the question as typed (a code counts in capitals: "US")."""
        found: list[Entity] = []
        position = 0
        while position < len(tokens):
            entity = self._at(tokens, position, countries, raw)
            if entity is None:
                position += 1
                continue
            found.append(entity)
            position += len(entity.tokens)
        return found

    def _at(self, tokens: Sequence[str], position: int, countries: frozenset[str], raw: str) -> Entity | None:
        country = country_table().in_question(tokens, position, raw)
        if country is not None:
            width, name = country
            return Entity(tuple(tokens[position : position + width]), known=name in countries, country=name)
        if position + 1 < len(tokens) and (tokens[position], tokens[position + 1]) in self.phrases:
            return Entity((tokens[position], tokens[position + 1]))
        if tokens[position] in self.names and len(tokens[position]) >= MIN_NAME_CHARS:
            return Entity((tokens[position],))
        return None


@lru_cache(maxsize=262_144)
def _token(word: str) -> str | None:
    tokens = tokenize(word)
    return tokens[0] if len(tokens) == 1 and tokens[0] not in STOPWORDS else None
