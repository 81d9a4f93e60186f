"""The dense passage index: chunking items, assembling vectors, and the FAISS files under ``index/``."""

from digestbot.index.builder import BuildStats, build_vectors, item_chunks, store_missing
from digestbot.index.chunks import Chunk, chunk_item, header, words_per_chunk
from digestbot.index.files import (
    IndexInvalid,
    Manifest,
    VectorIndex,
    check_manifest,
    load_index,
    new_manifest,
    read_manifest,
    save_index,
)

__all__ = [
    "BuildStats",
    "Chunk",
    "IndexInvalid",
    "Manifest",
    "VectorIndex",
    "build_vectors",
    "check_manifest",
    "chunk_item",
    "header",
    "item_chunks",
    "load_index",
    "new_manifest",
    "read_manifest",
    "save_index",
    "store_missing",
    "words_per_chunk",
]
