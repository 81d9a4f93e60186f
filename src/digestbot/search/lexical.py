"""BM25 over whole items (section, text and analysis), held in memory and built when the index loads."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import bm25s
import numpy as np

from digestbot.search.text import tokenize

# bm25s logs progress at INFO level; its bars are switched off below.
logging.getLogger("bm25s").setLevel(logging.WARNING)


class LexicalIndex:
    """BM25 scores of items (by row) for a tokenised question."""

    def __init__(self, corpus: Sequence[list[str]]) -> None:
        """``corpus``: each item's tokens (see ``digestbot.search.text.tokenize``), by row."""
        self.size = len(corpus)
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self._ready = any(corpus)
        if self._ready:
            self._bm25.index(list(corpus), show_progress=False)
        self._indptr: np.ndarray = self._bm25.scores["indptr"] if self._ready else np.zeros(1, np.int64)
        self._indices: np.ndarray = self._bm25.scores["indices"] if self._ready else np.zeros(0, np.int64)
        self._vocabulary: frozenset[str] | None = None

    @classmethod
    def from_texts(cls, documents: Sequence[str]) -> LexicalIndex:
        """Tokenise and index the documents."""
        return cls([tokenize(document) for document in documents])

    def _token_id(self, token: str) -> int | None:
        if not self._ready:
            return None
        found = self._bm25.vocab_dict.get(token)
        return None if found is None else int(found)

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every token some item contains."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(self._bm25.vocab_dict) if self._ready else frozenset()
        return self._vocabulary

    def known(self, tokens: Sequence[str]) -> list[str]:
        """The tokens that occur somewhere in the archive, each once, in order."""
        return [token for token in dict.fromkeys(tokens) if self._token_id(token) is not None]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """One float32 BM25 score per item row (zeros when no token is known)."""
        ids = [found for token in dict.fromkeys(tokens) if (found := self._token_id(token)) is not None]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def doc_freq(self, token: str) -> int:
        """How many items contain the token."""
        found = self._token_id(token)
        return 0 if found is None else int(self._indptr[found + 1] - self._indptr[found])

    def rows_with(self, token: str) -> np.ndarray:
        """Item rows containing the token."""
        found = self._token_id(token)
        if found is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self._indices[self._indptr[found] : self._indptr[found + 1]], dtype=np.int64)
