"""A bounded, thread-safe LRU cache of query vectors: the same ``/digest`` question is asked again and again.

Keyed by model name and exact text, so vectors of two models (or two backends of one model) never mix.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

Encode = Callable[[Sequence[str]], np.ndarray]


class QueryCache:
    """The ``size`` most recently used (model, text) -> vector pairs."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a query cache holds at least one vector")
        self.size = size
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def encode_one(self, model: str, text: str, encode: Encode) -> np.ndarray:
        """``encode([text])`` (a ``(1, dim)`` array), from the cache when this model encoded it before.

        The encoding itself runs outside the lock: two threads missing the same text both encode it,
        which is cheaper than making every other question wait.
        """
        key = (model, text)
        with self._lock:
            found = self._vectors.get(key)
            if found is not None:
                self._vectors.move_to_end(key)
                self.hits += 1
                return found.copy()
            self.misses += 1
        vectors = np.asarray(encode([text]), dtype=np.float32)
        with self._lock:
            self._vectors[key] = vectors.copy()
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vectors

    def clear(self) -> None:
        """Forget every vector (the counters stay)."""
        with self._lock:
            self._vectors.clear()


def encode_texts(
    cache: QueryCache | None, model: str, dim: int, texts: Sequence[str], encode: Encode
) -> np.ndarray:
    """What an embedder's ``encode`` returns: ``(0, dim)`` for no text, a single text (a question) through
    ``cache`` when there is one, and a batch straight through ``encode``."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    if cache is not None and len(texts) == 1:
        return cache.encode_one(model, texts[0], encode)
    return encode(texts)
