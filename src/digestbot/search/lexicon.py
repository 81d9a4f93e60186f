"""Which question words look like names the archive never saw ("moveit", "okta"), not plain words.

A question word the archive never uses is either ordinary English the digest happens to word otherwise
("go-between" for "mediator") or a name it never mentions (a product, an incident). The dictionary is the
packaged model's own WordPiece vocabulary: its whole words are common English (and very common names);
a word it can only spell in pieces, that no archive word shares a stem with, is taken for a name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from digestbot.embedding.model_dir import packaged_model_path

STEM = 5  # an archive word sharing this many first letters is a variant ("cryptocurrencies")
MIN_CHARS = 4


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """The whole words of the packaged model's vocabulary (no word pieces, no markers)."""
    path = packaged_model_path() / "vocab.txt"
    words = path.read_text(encoding="utf-8").split()
    return frozenset(word for word in words if word.isalpha() and not word.startswith("##"))


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
            and token not in common
            and token[:STEM] not in self.stems
        ]
