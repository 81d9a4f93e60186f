"""Text embedders: the real model (torch or ONNX backend) and a deterministic hashing fake.

All return float32 ``(n, dim)`` arrays of L2-normalised rows, so an inner product is a cosine similarity.
Nothing is loaded at import time; the real model loads lazily, once, offline.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from digestbot.embedding.model_dir import PACKAGED_MODEL_NAME, ModelDirectory
from digestbot.embedding.query_cache import QueryCache, encode_texts
from digestbot.environment import offline_model_hub
from digestbot.errors import IndexBuildError

if TYPE_CHECKING:
    pass

__all__ = [
    "PACKAGED_MODEL_NAME",
    "Backend",
    "Embedder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "normalise_rows",
]


@dataclass(frozen=True)
class Backend:
    """How vectors are computed, as the index manifest records it: vectors of two backends never mix."""

    name: str  # "torch", "onnx", or "hashing" for the fake
    quantization: str  # "fp32" or "int8" ("none" for the fake)
    file_hash: str = ""  # SHA-256 of the exported model file; "" when the weights are used as they are

    def describe(self) -> str:
        """ "onnx (int8, model file 2e4729e62b22)" or "torch (fp32)"."""
        extra = f", model file {self.file_hash[:12]}" if self.file_hash else ""
        return f"{self.name} ({self.quantization}{extra})"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors. ``name`` identifies the model and backend in the index manifest and
    the vector store; ``backend`` is what the manifest records of how vectors are computed.

    Both may be computed on first access (the ONNX backend exports its model then), so check conformance
    statically: on Python 3.11 ``isinstance(x, Embedder)`` reads every member."""

    dim: int
    max_tokens: int

    @property
    def name(self) -> str: ...

    @property
    def backend(self) -> Backend: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 ``(len(texts), dim)``, rows L2-normalised (the hashing fake: zero for an empty text)."""
        ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class SentenceTransformerEmbedder:
    """A sentence-transformers model directory (default: the packaged all-MiniLM-L6-v2), run by torch on CPU.

    The model loads on first ``encode`` (thread-safe, once). ``name`` and ``dim`` come from the directory's
    config files, so checking an index manifest never loads the model.
    """

    backend = Backend("torch", "fp32")

    def __init__(
        self, model_path: Path | None = None, batch_size: int = 8, query_cache: QueryCache | None = None
    ) -> None:
        directory = ModelDirectory.open(model_path)
        self.model_path = directory.path
        self.batch_size = batch_size
        self.dim, self.max_tokens = directory.dim, directory.max_tokens
        self.name = directory.name
        self.query_cache = query_cache
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Batch-encode texts into normalised float32 rows; a single text goes through the query cache."""
        return encode_texts(self.query_cache, self.name, self.dim, texts, self._encode)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        # A blank text gets a zero row: the model would otherwise embed its bare special tokens, which every
        # blank text would then match.
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        rows = [row for row, text in enumerate(texts) if text.strip()]
        if not rows:
            return matrix
        vectors = self._load().encode(
            [texts[row] for row in rows],
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        matrix[rows] = normalise_rows(np.asarray(vectors))
        return matrix

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = load_sentence_transformer(self.model_path)
        return self._model


def load_sentence_transformer(path: Path) -> Any:
    """sentence-transformers' model for a local directory, on CPU, with no hub lookup (imports torch)."""
    # Offline by construction: the model is a local directory and no hub lookup may happen.
    offline_model_hub()
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # A weight-loading progress bar on every start-up is noise in a service's log and a CLI's output.
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except (OSError, ValueError, RuntimeError, ImportError) as exc:
        raise IndexBuildError(f"cannot load the embedding model from {path}: {exc}") from exc


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """A deterministic, fast fake: hashed words, word pairs and word prefixes in ``dim`` buckets.

    Texts sharing words land close together, which is enough to test indexing, fusion and thresholds
    without a model. Real code, not a mock: same inputs give the same vectors on every machine.
    """

    def __init__(self, dim: int = 1024, max_tokens: int = 256) -> None:
        self.dim = dim
        self.max_tokens = max_tokens
        self.name = f"hashing-v1-{dim}"
        self.backend = Backend("hashing", "none")
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text."""
        self.calls += 1
        self.texts_encoded += len(texts)
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in _features(text):
                bucket, sign = self._bucket(feature)
                matrix[row, bucket] += sign * weight
        return normalise_rows(matrix)

    def _bucket(self, feature: str) -> tuple[int, float]:
        value = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        return value % self.dim, 1.0 if (value >> 32) & 1 else -1.0


def _features(text: str) -> list[tuple[str, float]]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = [w for w in _WORD.findall(folded) if len(w) > 2]
    features = [(f"w:{w}", 1.0) for w in words]
    features += [(f"b:{a} {b}", 0.5) for a, b in itertools.pairwise(words)]
    features += [(f"c:{w[:5]}", 0.3) for w in words if len(w) > 5]  # a crude stem: "elections" ~ "elected"
    return features
