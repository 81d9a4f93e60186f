"""Assembling the passage index from the archive: reuse vectors in memory, then stored ones, embed the rest.

Vectors are stored in the archive keyed by ``content_hash(passage text)``, so a rebuild never re-embeds and
a refresh after an ingest embeds only the new issue's passages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from digestbot.embedding.embed import Embedder
from digestbot.index.chunks import Chunk, chunk_item, words_per_chunk
from digestbot.index.files import VectorIndex
from digestbot.store import StoredItem

log = logging.getLogger(__name__)

EMBED_BATCH = 256


class VectorStore(Protocol):
    """The part of ``Archive`` that keeps vectors."""

    def get_vectors(self, model: str, text_hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


@dataclass(frozen=True)
class BuildStats:
    """Where the vectors of a build came from."""

    chunks: int
    reused: int
    stored: int
    embedded: int
    seconds: float

    def describe(self) -> str:
        """ "1200 passages (1100 reused, 80 stored, 20 embedded) in 0.4 s"."""
        return (
            f"{self.chunks} passages ({self.reused} reused, {self.stored} stored, {self.embedded} embedded)"
            f" in {self.seconds:.2f} s"
        )


ChunkCache = dict[tuple[int, str, str, str], list[Chunk]]


def chunk_key(item: StoredItem) -> tuple[int, str, str, str]:
    """What an item's passages depend on: its id, content, date and section."""
    return (item.id, item.content_hash, item.date.isoformat(), item.section)


def item_chunks(
    items: Sequence[StoredItem], max_tokens: int, known: ChunkCache | None = None
) -> tuple[list[Chunk], ChunkCache]:
    """Every item's passages, items in the given order (the archive's date order), and a cache of them.

    Passing the previous build's cache as ``known`` means a refresh after an ingest only splits new items.
    """
    budget = words_per_chunk(max_tokens)
    known = known or {}
    cache: ChunkCache = {}
    chunks: list[Chunk] = []
    for item in items:
        key = chunk_key(item)
        found = known.get(key)
        if found is None:
            found = chunk_item(item.id, item.date, item.section, item.text, item.analysis, budget=budget)
        cache[key] = found
        chunks += found
    return chunks, cache


def build_vectors(
    chunks: Sequence[Chunk], store: VectorStore, embedder: Embedder, reuse: VectorIndex | None = None
) -> tuple[VectorIndex, BuildStats]:
    """A FAISS index of the passages; ``reuse`` is a previous index whose vectors are taken as they are."""
    started = time.perf_counter()
    hashes = [chunk.text_hash for chunk in chunks]
    found = _reused(hashes, reuse)
    reused = len(found)
    wanted = [digest for digest in dict.fromkeys(hashes) if digest not in found]
    stored = _stored(store, embedder, wanted)
    found.update(stored)
    texts = {chunk.text_hash: chunk.text for chunk in chunks if chunk.text_hash not in found}
    found.update(_embed(store, embedder, texts))
    matrix = np.zeros((len(hashes), embedder.dim), dtype=np.float32)
    for row, digest in enumerate(hashes):
        matrix[row] = found[digest]
    item_ids = np.array([chunk.item_id for chunk in chunks], dtype=np.int64)
    index = VectorIndex.from_vectors(matrix, item_ids, hashes)
    stats = BuildStats(len(hashes), reused, len(stored), len(texts), time.perf_counter() - started)
    return index, stats


def store_missing(chunks: Sequence[Chunk], store: VectorStore, embedder: Embedder) -> int:
    """Embed and store the passages that have no stored vector yet; returns how many were embedded."""
    wanted = list(dict.fromkeys(chunk.text_hash for chunk in chunks))
    stored = _stored(store, embedder, wanted)
    texts = {chunk.text_hash: chunk.text for chunk in chunks if chunk.text_hash not in stored}
    _embed(store, embedder, texts)
    return len(texts)


def _reused(hashes: list[str], reuse: VectorIndex | None) -> dict[str, np.ndarray]:
    if reuse is None or reuse.index.ntotal == 0:
        return {}
    positions = reuse.by_hash()
    vectors = reuse.vectors
    return {digest: vectors[positions[digest]] for digest in hashes if digest in positions}


def _stored(store: VectorStore, embedder: Embedder, hashes: list[str]) -> dict[str, np.ndarray]:
    if not hashes:
        return {}
    found = store.get_vectors(embedder.name, hashes)
    # A stored vector of the wrong size is ignored (and re-embedded) rather than trusted.
    return {digest: vec for digest, vec in found.items() if vec.shape == (embedder.dim,)}


def _embed(store: VectorStore, embedder: Embedder, texts: dict[str, str]) -> dict[str, np.ndarray]:
    """Embed in batches, storing each batch at once so an interrupted build keeps its progress."""
    found: dict[str, np.ndarray] = {}
    keys = list(texts)
    for start in range(0, len(keys), EMBED_BATCH):
        batch = keys[start : start + EMBED_BATCH]
        vectors = embedder.encode([texts[key] for key in batch])
        fresh = {key: vectors[row] for row, key in enumerate(batch)}
        store.put_vectors(embedder.name, fresh)
        found.update(fresh)
    if keys:
        log.info("embedded %d new passages with %s", len(keys), embedder.name)
    return found
