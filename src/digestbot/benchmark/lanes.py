"""A lane: one embedding backend under test, with its own data directory, core and query cache."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from digestbot.app import build_core, build_embedder
from digestbot.core import Digestbot
from digestbot.embedding.query_cache import QueryCache
from digestbot.settings import Settings

# (backend, quantization): the reference first, ratios are taken against its floor.
BACKENDS = (("torch", "fp32"), ("onnx", "int8"))


@dataclass
class Lane:
    """One backend's settings and the core built from them (query cache cleared for uncached figures)."""

    label: str
    settings: Settings
    cache: QueryCache
    core: Digestbot

    def env(self, *, query_cache: bool = True) -> dict[str, str]:
        """The variables that give a child ``digestbot`` process this lane's backend."""
        settings = self.settings
        env = {
            "DIGESTBOT_EMBED_BACKEND": settings.embed_backend,
            "DIGESTBOT_EMBED_QUANTIZATION": settings.embed_quantization,
            "DIGESTBOT_MODEL_CACHE_DIR": str(settings.resolved_model_cache_dir.resolve()),
        }
        return env if query_cache else {**env, "DIGESTBOT_QUERY_CACHE_SIZE": "0"}


def label(backend: str, quantization: str) -> str:
    """ "torch" or "onnx-int8"."""
    return backend if backend == "torch" else f"{backend}-{quantization}"


def lane_settings(base: Settings, backend: str, quantization: str, data: Path, models: Path) -> Settings:
    """``base`` with a fresh SQLite data dir, the backend, and the ONNX export shared by every lane."""
    update = {
        "data_dir": data,
        "database_url": None,
        "index_dir": None,
        "embed_backend": backend,
        "embed_quantization": quantization,
        "model_cache_dir": models,
    }
    return base.model_copy(update=update)


def open_lane(base: Settings, backend: str, quantization: str, root: Path) -> Lane:
    """A lane over ``root/data-LABEL``; exported ONNX models are kept in ``root/models``."""
    name = label(backend, quantization)
    settings = lane_settings(base, backend, quantization, root / f"data-{name}", root / "models")
    cache = QueryCache(1024)
    core = build_core(settings, embedder=build_embedder(settings, query_cache=cache))
    return Lane(name, settings, cache, core)


def prepare_model(lane: Lane) -> float:
    """Seconds to make the model usable: the ONNX export on a first run (none for torch), then a load."""
    start = time.perf_counter()
    lane.core.engine.embedder.encode(["warm up"])
    lane.cache.clear()
    return time.perf_counter() - start
