"""The ONNX backend: the exported model run by onnxruntime, texts split by the model's own ``tokenizer.json``.

No torch and no sentence-transformers at run time (a new process answers its first question at ~250 MB
peak instead of ~600 MB; bench/README.md), so the rest of the pipeline is done here exactly as the model's
``modules.json`` says: Transformer (token embeddings, truncated at ``max_seq_length``), mean Pooling over
the attention mask, Normalize.
tests/test_onnx.py checks the result against sentence-transformers' own output.

One onnxruntime thread per call: on 2 shared cores a second intra-op thread made single queries slower,
and concurrent questions already come from several threads. A bulk encode (ingest) runs its batches on a
pool of one thread per core instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from digestbot.embedding.embed import Backend, normalise_rows
from digestbot.embedding.model_dir import ModelDirectory
from digestbot.embedding.onnx_export import OUTPUT, ensure_exported, export_file_name
from digestbot.embedding.query_cache import QueryCache, encode_texts
from digestbot.errors import ConfigError, IndexBuildError

log = logging.getLogger(__name__)

SUPPORTED_MODULES = ("Transformer", "Pooling", "Normalize")


class OnnxEmbedder:
    """A sentence-transformers model directory, exported to ONNX (int8 or fp32) under ``cache_dir``.

    Nothing is exported or loaded until the model's name or vectors are first needed; ``dim`` and
    ``max_tokens`` come from the directory's config files.
    """

    def __init__(
        self,
        model_path: Path | None,
        cache_dir: Path,
        *,
        quantization: str = "int8",
        batch_size: int = 8,
        query_cache: QueryCache | None = None,
    ) -> None:
        self.model = ModelDirectory.open(model_path)
        check_pipeline(self.model)
        self.dim, self.max_tokens = self.model.dim, self.model.max_tokens
        self.quantization = quantization
        self.path = Path(cache_dir) / export_file_name(self.model.label, self.model.digest, quantization)
        self.batch_size = batch_size
        self.query_cache = query_cache
        self._file_hash: str | None = None
        self._runtime: OnnxRuntime | None = None
        self._lock = threading.Lock()

    @property
    def backend(self) -> Backend:
        """onnx, its quantization and the exported file's SHA-256 (exporting it first if needed)."""
        return Backend("onnx", self.quantization, self._exported())

    @property
    def name(self) -> str:
        """``all-MiniLM-L6-v2@1a2b3c4d5e6f+onnx-int8@2e4729e62b22``: stored vectors are keyed by it."""
        return f"{self.model.name}+onnx-{self.quantization}@{self._exported()[:12]}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Float32 ``(len(texts), dim)`` unit rows; a single text (a question) goes through the cache."""
        return encode_texts(self.query_cache, self.name, self.dim, texts, self._encode)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        runtime = self._load()
        # Blank texts keep a zero row (the Embedder contract), as the model would embed bare special tokens.
        filled = [row for row, text in enumerate(texts) if text.strip()]
        order = sorted(filled, key=lambda row: len(texts[row]))  # like lengths together: less padding
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        workers = min(len(batches), os.cpu_count() or 1)
        if workers <= 1:
            results = [runtime.encode([texts[row] for row in batch]) for batch in batches]
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="digestbot-onnx") as pool:
                results = list(pool.map(lambda batch: runtime.encode([texts[row] for row in batch]), batches))
        for batch, result in zip(batches, results, strict=True):
            vectors[batch] = result
        return vectors

    def _exported(self) -> str:
        if self._file_hash is None:
            with self._lock:
                if self._file_hash is None:
                    ensure_exported(self.model.path, self.path, self.quantization)
                    self._file_hash = file_sha256(self.path)
        return self._file_hash

    def _load(self) -> OnnxRuntime:
        if self._runtime is None:
            self._exported()
            with self._lock:
                if self._runtime is None:
                    self._runtime = OnnxRuntime(self.path, self.model)
        return self._runtime


class OnnxRuntime:
    """An onnxruntime session and the model's tokenizer: texts in, pooled unit vectors out. Thread-safe."""

    def __init__(self, path: Path, model: ModelDirectory) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer

            self.tokenizer = Tokenizer.from_file(str(model.path / "tokenizer.json"))
            self.session = onnxruntime.InferenceSession(
                str(path), _session_options(onnxruntime), providers=["CPUExecutionProvider"]
            )
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            raise IndexBuildError(f"cannot load the ONNX model {path}: {exc}") from exc
        # Set once here and never changed: concurrent encodes then only read the tokenizer.
        self.tokenizer.enable_truncation(max_length=model.max_tokens)
        padding: dict[str, Any] = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(
            pad_id=int(padding.get("pad_id", 0)), pad_token=str(padding.get("pad_token", "[PAD]"))
        )
        self.inputs = [item.name for item in self.session.get_inputs()]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean of the token embeddings over the attention mask, normalised: one row per text."""
        encodings = self.tokenizer.encode_batch(list(texts))
        columns = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        tokens = self.session.run([OUTPUT], {name: columns[name] for name in self.inputs})[0]
        mask = columns["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return normalise_rows(pooled)


def _session_options(onnxruntime: Any) -> Any:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: its warnings name graph nodes, not problems of ours
    return options


def check_pipeline(model: ModelDirectory) -> None:
    """ConfigError unless the model is Transformer + mean Pooling (+ Normalize) with a ``tokenizer.json``."""
    kinds = [kind.rsplit(".", 1)[-1] for kind in model.modules()]
    pooling = model.pooling()
    modes = {key for key, value in pooling.items() if key.startswith("pooling_mode_") and value}
    if not (model.path / "tokenizer.json").is_file():
        problem = "has no tokenizer.json"
    elif kinds[:2] != ["Transformer", "Pooling"] or not set(kinds) <= set(SUPPORTED_MODULES):
        problem = f"has modules {kinds}, not Transformer + Pooling (+ Normalize)"
    elif modes != {"pooling_mode_mean_tokens"}:
        problem = f"pools with {sorted(modes)}, not mean pooling alone"
    else:
        return
    raise ConfigError(f"model_path: {model.path} {problem}; use embed_backend = 'torch' for it")


def file_sha256(path: Path) -> str:
    """The file's SHA-256 hex digest (about 15 ms for the 23 MB int8 model)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
