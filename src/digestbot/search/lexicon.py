"""Which question words look like names the archive never saw ("moveit", "okta"), not plain words.

A question word the archive never uses is either ordinary English the digest happens to word otherwise
("go-between" for "mediator") or a name it never mentions (a product, an incident). The dictionary is
pyspellchecker's English word list (160,000 words with their frequency in subtitles and SCOWL, stemmed as
search tokens are, so "bosses" and "calories" are words) together with the packaged model's WordPiece
vocabulary (whose whole words add recent common words the list lacks, "inbox"). A word neither knows,
that no archive word shares a stem with, is taken for a name ("okta", "prigozhin", "lockbit").

The model's vocabulary alone took "dossier", "leaky", "hardliners", "plebiscite" and "payout" for names: a
stranger's paraphrase using them was then judged about something the archive never mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digestbot.embedding.model_dir import packaged_model_path
from digestbot.search.text import SUFFIXES

STEM = 5  # an archive word sharing this many first letters is a variant ("cryptocurrencies")
MIN_CHARS = 4


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """English words: the word list and the model's whole words."""
    return frozenset(_frequencies()) | frozenset(model_words())


def spellings(token: str) -> set[str]:
    """The words a search token may stem from ("bosse" from "bosses", "calory" from "calories"), in
    American spelling too: the word list is American, the digest's readers often are not ("tumour")."""
    forms = {token, f"{token}s"}
    if token.endswith("y"):
        forms.add(f"{token[:-1]}ies")
    for suffix, replacement in SUFFIXES:
        if replacement and token.endswith(replacement):
            forms.add(token[: -len(replacement)] + suffix)
        elif not replacement:
            forms.add(token + suffix)
    return forms | {american for form in forms for american in _american(form)}


# British spellings and their American forms, in the places they differ: "tumour", "defence", "centre",
# "analyse", "organise", "catalogue", "paediatric", "manoeuvre", "travelled".
_BRITISH = (
    (re.compile(r"our(?=s?$|ed$|ing$|ite|able|ful|ism|ist|less)"), "or"),
    (re.compile(r"ence(?=s?$)"), "ense"),
    (re.compile(r"(?<=[^aeiou])re(?=s?$|d$)"), "er"),
    (re.compile(r"yse(?=[sd]?$)|ysing$"), "yze"),
    (re.compile(r"is(?=e[sd]?$|ing$|ation)"), "iz"),
    (re.compile(r"ogue(?=s?$)"), "og"),
    (re.compile(r"ae|oe"), "e"),
    (re.compile(r"ll(?=ed$|ing$|er$)"), "l"),
)


def _american(word: str) -> set[str]:
    """Each difference on its own, and all of them ("manoeuvre" -> "maneuver")."""
    forms = {pattern.sub(replacement, word) for pattern, replacement in _BRITISH}
    every = word
    for pattern, replacement in _BRITISH:
        every = pattern.sub(replacement, every)
    return (forms | {every}) - {word}


def english_frequency(token: str) -> int:
    """How often English uses the word a search token stems from (pyspellchecker's count; 0 for a word
    it does not list): "christma" is "christmas"."""
    frequencies = _frequencies()
    return max(frequencies.get(word, 0) for word in spellings(token))


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    """pyspellchecker's English word list with its counts, loaded once (only a question's first search,
    or the country table's first build, needs it)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def model_words() -> list[str]:
    """The whole words of the packaged model's vocabulary (no word pieces, no markers)."""
    path = packaged_model_path() / "vocab.txt"
    words = path.read_text(encoding="utf-8").split()
    return [word for word in words if word.isalpha() and not word.startswith("##")]


@dataclass(frozen=True)
class Vocabulary:
    """The archive's words, for telling a name it never saw from a word it happens not to use."""

    words: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        """From the archive's search tokens."""
        known = frozenset(words)
        return cls(known, frozenset(word[:STEM] for word in known if len(word) >= STEM))

    def unknown(self, tokens: Sequence[str]) -> list[str]:
        """The tokens neither the archive nor the dictionary knows, nor shares a stem with."""
        common = dictionary()
        return [
            token
            for token in dict.fromkeys(tokens)
            if len(token) >= MIN_CHARS
            and token.isalpha()
            and token not in self.words
            and common.isdisjoint(spellings(token))
            and token[:STEM] not in self.stems
        ]
