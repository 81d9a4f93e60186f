"""The ONNX exports the slow tests share: made once per test session by the real export code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from digestbot.embedding.onnx_embed import OnnxEmbedder


@lru_cache(maxsize=2)
def exported(folder: Path, quantization: str) -> OnnxEmbedder:
    """The packaged model exported to ``folder`` (once per quantization), loaded."""
    embedder = OnnxEmbedder(None, folder, quantization=quantization)
    embedder.encode(["load the model"])
    return embedder
