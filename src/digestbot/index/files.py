"""The FAISS passage index on disk: ``chunks.faiss``, ``chunks.npz`` (passage -> item id, text hash) and
``manifest.json`` (model, backend, quantization, model file hash, dimension, count, archive fingerprint,
format version).

Writes are atomic: each file goes to a temporary name and is ``os.replace``-d into place, the manifest last,
and the manifest names a build id that ``chunks.npz`` repeats, so a half-replaced set is detected on load.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digestbot.embedding.embed import Backend
from digestbot.errors import DigestbotError

# faiss is imported where it is used: `digestbot issues` and `show` never need it (it takes ~0.3 s).

FORMAT_VERSION = 1
INDEX_FILE = "chunks.faiss"
IDS_FILE = "chunks.npz"
MANIFEST_FILE = "manifest.json"


class IndexInvalid(DigestbotError):
    """The index on disk cannot be used as it is (missing, stale, corrupt or built for another model)."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; a mismatch with the running model or archive means a rebuild."""

    format: int
    model: str
    dim: int
    count: int
    items: int
    fingerprint: str
    build: str
    # Manifests written before the ONNX backend existed describe torch indexes.
    backend: str = "torch"
    quantization: str = "fp32"
    model_file: str = ""  # SHA-256 of the exported model file, "" for the torch backend

    def built_with(self) -> Backend:
        """The backend the index's vectors came from."""
        return Backend(self.backend, self.quantization, self.model_file)


class VectorIndex:
    """Passage vectors in a FAISS inner-product index, with each passage's item id and text hash."""

    def __init__(self, index: Any, item_ids: np.ndarray, hashes: list[str]) -> None:
        if index.ntotal != len(item_ids) or len(item_ids) != len(hashes):
            raise IndexInvalid(
                f"size mismatch: {index.ntotal} vectors, {len(item_ids)} ids, {len(hashes)} hashes"
            )
        self.index = index
        self.item_ids = np.asarray(item_ids, dtype=np.int64)
        self.hashes = hashes

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, item_ids: np.ndarray, hashes: list[str]) -> VectorIndex:
        """An exact inner-product index over normalised rows (fine up to ~100k passages)."""
        import faiss

        index = faiss.IndexFlatIP(int(vectors.shape[1]))
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, item_ids, hashes)

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return int(self.index.d)

    @property
    def vectors(self) -> np.ndarray:
        """A read-only view of the stored vectors (no copy)."""
        import faiss

        if self.index.ntotal == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        flat = faiss.rev_swig_ptr(self.index.get_xb(), self.index.ntotal * self.dim)
        view: np.ndarray = flat.reshape(self.index.ntotal, self.dim)
        view.flags.writeable = False
        return view

    def by_hash(self) -> dict[str, int]:
        """Passage position of each text hash, to reuse vectors without asking the store."""
        return {digest: position for position, digest in enumerate(self.hashes)}


def new_manifest(
    model: str, dim: int, vectors: VectorIndex, items: int, fingerprint: str, backend: Backend
) -> Manifest:
    """A manifest for a freshly built index, with a new build id."""
    return Manifest(
        FORMAT_VERSION, model, dim, len(vectors.hashes), items, fingerprint, uuid.uuid4().hex,
        backend.name, backend.quantization, backend.file_hash,
    )  # fmt: skip


def save_index(directory: Path, vectors: VectorIndex, manifest: Manifest) -> None:
    """Write the three files atomically; the manifest goes last, so it never describes missing data."""
    import faiss

    directory.mkdir(parents=True, exist_ok=True)
    suffix = f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    index_tmp = directory / (INDEX_FILE + suffix)
    ids_tmp = directory / (IDS_FILE + suffix)
    manifest_tmp = directory / (MANIFEST_FILE + suffix)
    try:
        faiss.write_index(vectors.index, str(index_tmp))
        with ids_tmp.open("wb") as handle:
            np.savez(
                handle,
                item_ids=vectors.item_ids,
                hashes=np.array(vectors.hashes, dtype="S64"),
                build=np.array(manifest.build),
            )
        manifest_tmp.write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        index_tmp.replace(directory / INDEX_FILE)
        ids_tmp.replace(directory / IDS_FILE)
        manifest_tmp.replace(directory / MANIFEST_FILE)  # last: it vouches for the others
    finally:
        for leftover in (index_tmp, ids_tmp, manifest_tmp):
            leftover.unlink(missing_ok=True)


def read_manifest(directory: Path) -> Manifest:
    """The manifest, or IndexInvalid saying why it cannot be read."""
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise IndexInvalid("missing")
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise IndexInvalid(f"corrupt manifest ({exc.__class__.__name__})") from None


def check_manifest(manifest: Manifest, *, model: str, dim: int, fingerprint: str, backend: Backend) -> None:
    """IndexInvalid naming the first difference between the manifest and what is running."""
    if manifest.format != FORMAT_VERSION:
        raise IndexInvalid(f"format {manifest.format}, expected {FORMAT_VERSION}")
    if manifest.built_with() != backend:
        raise IndexInvalid(
            f"built with backend {manifest.built_with().describe()}, running {backend.describe()}"
        )
    if manifest.model != model or manifest.dim != dim:
        raise IndexInvalid(f"built for model {manifest.model} ({manifest.dim}-d), running {model} ({dim}-d)")
    if manifest.fingerprint != fingerprint:
        raise IndexInvalid("stale (the archive changed since it was built)")


def load_index(directory: Path, manifest: Manifest) -> VectorIndex:
    """The index files the manifest describes, or IndexInvalid if they are unreadable or inconsistent."""
    import faiss

    try:
        index = faiss.read_index(str(directory / INDEX_FILE))
        with np.load(directory / IDS_FILE, allow_pickle=False) as data:
            item_ids, raw_hashes, build = data["item_ids"], data["hashes"], str(data["build"])
    except (OSError, RuntimeError, ValueError, KeyError, EOFError) as exc:
        raise IndexInvalid(f"corrupt ({exc.__class__.__name__})") from None
    if build != manifest.build:
        raise IndexInvalid("corrupt (files from different builds)")
    if index.ntotal != manifest.count or index.d != manifest.dim:
        raise IndexInvalid(f"corrupt ({index.ntotal} vectors of {index.d}-d, manifest says {manifest.count})")
    hashes = [raw.decode("ascii") for raw in raw_hashes.tolist()]
    return VectorIndex(index, item_ids, hashes)
