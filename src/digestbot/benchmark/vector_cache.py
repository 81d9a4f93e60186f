"""Vectors of the synthetic archive cached between benchmark runs (embedding 10k items takes minutes)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from digestbot.store import Archive


class VectorCache:
    """An .npz of text hash -> vector per model, under the benchmark's cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, model: str) -> Path:
        return self.folder / f"vectors-{re.sub(r'[^A-Za-z0-9_.-]+', '_', model)[:80]}.npz"

    def preload(self, archive: Archive, model: str) -> set[str]:
        """Put cached vectors into a fresh store before ingest; returns their hashes (none if no cache)."""
        path = self._path(model)
        if not path.is_file():
            return set()
        with np.load(path) as data:
            hashes = [str(h) for h in data["hashes"]]
            archive.put_vectors(model, dict(zip(hashes, data["vectors"], strict=True)))
        return set(hashes)

    def save(self, archive: Archive, model: str, hashes: Sequence[str]) -> None:
        """Write the stored vectors of these passage hashes to the cache."""
        found = archive.get_vectors(model, sorted(set(hashes)))
        if not found:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(found)
        np.savez(self._path(model), hashes=np.array(keys), vectors=np.stack([found[k] for k in keys]))
