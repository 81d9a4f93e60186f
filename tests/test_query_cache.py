"""The query-vector cache: bounded LRU, keyed by model and text, safe under concurrent questions."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from digestbot.embedding.embed import HashingEmbedder
from digestbot.embedding.query_cache import QueryCache


class Counting:
    """The hashing fake's vectors, counting the texts it was asked to encode."""

    def __init__(self) -> None:
        self.fake = HashingEmbedder(dim=16)
        self.texts: list[str] = []
        self.lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self.lock:
            self.texts += texts
        return self.fake.encode(texts)


def test_a_repeated_question_is_encoded_once() -> None:
    cache, model = QueryCache(4), Counting()
    first = cache.encode_one("m", "ransomware in Veloria", model.encode)
    again = cache.encode_one("m", "ransomware in Veloria", model.encode)
    assert np.array_equal(first, again) and first.shape == (1, 16)
    assert model.texts == ["ransomware in Veloria"]
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_question_goes_first() -> None:
    cache, model = QueryCache(2), Counting()
    for text in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.encode_one("m", text, model.encode)
    cache.encode_one("m", "a", model.encode)
    cache.encode_one("m", "b", model.encode)
    assert model.texts == ["a", "b", "c", "b"]
    assert len(cache) == 2


def test_vectors_of_two_models_never_mix() -> None:
    cache, model = QueryCache(8), Counting()
    cache.encode_one("torch-model", "Drassk border", model.encode)
    cache.encode_one("onnx-model", "Drassk border", model.encode)
    assert model.texts == ["Drassk border", "Drassk border"]


def test_a_caller_cannot_change_a_cached_vector() -> None:
    cache, model = QueryCache(2), Counting()
    vector = cache.encode_one("m", "Veloria ceasefire", model.encode)
    vector[:] = 0
    assert cache.encode_one("m", "Veloria ceasefire", model.encode).any()


def test_concurrent_questions_stay_bounded_and_correct() -> None:
    cache, model = QueryCache(16), Counting()
    texts = [f"question {n % 40}" for n in range(400)]
    expected = {text: model.fake.encode([text]) for text in set(texts)}
    wrong: list[str] = []

    def ask(chunk: list[str]) -> None:
        for text in chunk:
            if not np.array_equal(cache.encode_one("m", text, model.encode), expected[text]):
                wrong.append(text)

    threads = [threading.Thread(target=ask, args=(texts[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == [] and len(cache) <= 16
    assert cache.hits + cache.misses == 400


def test_a_cache_holds_at_least_one_vector() -> None:
    with pytest.raises(ValueError, match="at least one"):
        QueryCache(0)
