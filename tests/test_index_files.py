"""The index files: round trip, manifest, atomic replacement, detection of corrupt or mixed files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from digestbot.embedding.embed import Backend, HashingEmbedder
from digestbot.index import (
    IndexInvalid,
    VectorIndex,
    check_manifest,
    load_index,
    new_manifest,
    read_manifest,
    save_index,
)

FAKE = Backend("hashing", "none")
INT8 = Backend("onnx", "int8", "2e4729e62b22" + "0" * 52)


def _index(count: int = 3) -> VectorIndex:
    vectors = HashingEmbedder(dim=32).encode([f"passage {i}" for i in range(count)])
    return VectorIndex.from_vectors(
        vectors, np.arange(count, dtype=np.int64), [f"{i:064x}" for i in range(count)]
    )


def test_round_trip_with_manifest(tmp_path: Path) -> None:
    vectors = _index()
    save_index(tmp_path, vectors, new_manifest("hashing-v1-32", 32, vectors, 3, "fp", FAKE))
    manifest = read_manifest(tmp_path)
    assert (manifest.model, manifest.dim, manifest.count, manifest.items, manifest.fingerprint) == (
        "hashing-v1-32",
        32,
        3,
        3,
        "fp",
    )
    assert json.loads((tmp_path / "manifest.json").read_text())["format"] == 1
    loaded = load_index(tmp_path, manifest)
    assert loaded.hashes == vectors.hashes
    assert np.array_equal(loaded.vectors, vectors.vectors)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chunks.faiss", "chunks.npz", "manifest.json"]


def test_check_manifest_names_the_difference(tmp_path: Path) -> None:
    vectors = _index()
    manifest = new_manifest("hashing-v1-32", 32, vectors, 3, "fp", FAKE)
    with pytest.raises(IndexInvalid, match="built for model"):
        check_manifest(manifest, model="other", dim=32, fingerprint="fp", backend=FAKE)
    with pytest.raises(IndexInvalid, match="stale"):
        check_manifest(manifest, model="hashing-v1-32", dim=32, fingerprint="new", backend=FAKE)


def test_manifest_records_the_backend_and_a_change_of_backend_is_named(tmp_path: Path) -> None:
    vectors = _index()
    save_index(tmp_path, vectors, new_manifest("m+onnx", 32, vectors, 3, "fp", INT8))
    manifest = read_manifest(tmp_path)
    assert manifest.built_with() == INT8
    fp32 = Backend("onnx", "fp32", "9" * 64)
    named = r"backend onnx \(int8, model file 2e4729e62b22\), running onnx \(fp32"
    with pytest.raises(IndexInvalid, match=named):
        check_manifest(manifest, model="m+onnx", dim=32, fingerprint="fp", backend=fp32)
    other_file = Backend("onnx", "int8", "1" * 64)
    with pytest.raises(IndexInvalid, match="model file 111111111111"):
        check_manifest(manifest, model="m+onnx", dim=32, fingerprint="fp", backend=other_file)


def test_a_manifest_from_before_backends_describes_a_torch_index(tmp_path: Path) -> None:
    vectors = _index()
    save_index(tmp_path, vectors, new_manifest("m", 32, vectors, 3, "fp", Backend("torch", "fp32")))
    old = json.loads((tmp_path / "manifest.json").read_text())
    for key in ("backend", "quantization", "model_file"):
        del old[key]
    (tmp_path / "manifest.json").write_text(json.dumps(old))
    assert read_manifest(tmp_path).built_with() == Backend("torch", "fp32")


def test_a_failed_save_leaves_the_previous_index_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _index(3)
    save_index(tmp_path, old, new_manifest("m", 32, old, 3, "fp-old", FAKE))

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    new = _index(5)
    with pytest.raises(OSError, match="disk full"):
        save_index(tmp_path, new, new_manifest("m", 32, new, 5, "fp-new", FAKE))
    manifest = read_manifest(tmp_path)
    assert manifest.fingerprint == "fp-old"
    assert load_index(tmp_path, manifest).index.ntotal == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chunks.faiss", "chunks.npz", "manifest.json"]


def test_files_from_two_builds_are_detected(tmp_path: Path) -> None:
    first, second = _index(3), _index(3)
    save_index(tmp_path / "a", first, new_manifest("m", 32, first, 3, "fp", FAKE))
    save_index(tmp_path / "b", second, new_manifest("m", 32, second, 3, "fp", FAKE))
    (tmp_path / "b" / "chunks.npz").replace(tmp_path / "a" / "chunks.npz")
    with pytest.raises(IndexInvalid, match="different builds"):
        load_index(tmp_path / "a", read_manifest(tmp_path / "a"))


@pytest.mark.parametrize("victim", ["chunks.faiss", "chunks.npz", "manifest.json"])
def test_garbage_files_are_corrupt_not_crashes(tmp_path: Path, victim: str) -> None:
    vectors = _index()
    save_index(tmp_path, vectors, new_manifest("m", 32, vectors, 3, "fp", FAKE))
    (tmp_path / victim).write_bytes(b"\x00garbage" * 7)
    with pytest.raises(IndexInvalid, match="corrupt"):
        load_index(tmp_path, read_manifest(tmp_path))


def test_a_missing_manifest_is_reported_as_missing(tmp_path: Path) -> None:
    with pytest.raises(IndexInvalid, match="missing"):
        read_manifest(tmp_path)
