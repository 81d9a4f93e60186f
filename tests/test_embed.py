"""Embedders: the hashing fake is deterministic and normalised; the real one is described without loading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from digestbot.app import build_embedder
from digestbot.embedding.embed import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from digestbot.errors import ConfigError
from digestbot.settings import load_settings
from tests.search_support import real_embedder


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    first = HashingEmbedder().encode(["Ransomware hit hospitals", "Farmers protest fuel taxes"])
    again = HashingEmbedder().encode(["Ransomware hit hospitals", "Farmers protest fuel taxes"])
    assert first.dtype == np.float32 and first.shape == (2, 1024)
    assert np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)


def test_hashing_embedder_puts_texts_sharing_words_closer() -> None:
    vectors = HashingEmbedder().encode(
        ["ransomware hospitals encrypted", "hospitals hit by ransomware", "fuel tax"]
    )
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_hashing_embedder_handles_empty_input() -> None:
    embedder = HashingEmbedder(dim=64)
    assert embedder.encode([]).shape == (0, 64)
    assert not embedder.encode([""]).any()


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "hashing": HashingEmbedder,
    "minilm": SentenceTransformerEmbedder,
    "onnx-int8": lambda: build_embedder(load_settings()),  # the default: the suite's shared export
}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(EMBEDDERS["hashing"], id="hashing"),
        pytest.param(EMBEDDERS["minilm"], id="minilm", marks=pytest.mark.slow),
        pytest.param(EMBEDDERS["onnx-int8"], id="onnx-int8", marks=pytest.mark.slow),
    ],
)
def test_every_embedder_keeps_the_contract(make: Callable[[], Embedder]) -> None:
    """Float32 (n, dim) rows of unit length, the same for the same text, a zero row for an empty text,
    similar texts closer than unrelated ones, and a name that tells models apart."""
    embedder = make()
    texts = [
        "Ransomware hit three hospitals",
        "hospitals hit by ransomware",
        "farmers protest fuel taxes",
        "",
    ]
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (4, embedder.dim)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert not vectors[3].any()
    # Batching may round (int8 quantizes activations per batch): the same direction, not the same bits.
    assert float(embedder.encode(texts[:1])[0] @ vectors[0]) > 0.99
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.encode([]).shape == (0, embedder.dim)
    assert embedder.name and embedder.max_tokens > 0


def test_real_embedder_is_described_without_loading_the_model() -> None:
    embedder = SentenceTransformerEmbedder()
    assert (embedder.dim, embedder.max_tokens) == (384, 256)
    assert embedder.name.startswith("all-MiniLM-L6-v2@")
    assert embedder._model is None  # nothing loaded until the first encode


def test_a_directory_that_is_not_a_model_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model_path"):
        SentenceTransformerEmbedder(tmp_path)


@pytest.mark.slow
def test_real_embedder_encodes_normalised_batches() -> None:
    vectors = real_embedder().encode(
        ["Iran held a presidential runoff.", "Iran's presidential election", "bread"]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
