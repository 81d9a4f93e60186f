"""The engine's index life cycle: build, load, and rebuild when missing, stale, corrupt or mismatched."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date
from pathlib import Path

import pytest

from digestbot.domain import Issue, Item, Section
from digestbot.embedding.embed import HashingEmbedder
from digestbot.search import SearchEngine
from tests.fakes import FAKE_POLICY
from tests.search_support import CYBER, NEW_ISSUE, TITLE, new_archive, new_engine


def _manifest(engine: SearchEngine) -> dict[str, object]:
    return dict(json.loads((engine.index_dir / "manifest.json").read_text()))


def test_a_missing_index_is_built_and_then_loaded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = new_engine(tmp_path)
    with caplog.at_level(logging.INFO):
        status = engine.ensure_index()
    assert status.startswith("index rebuilt (missing)")
    assert "rebuilding" in caplog.text
    manifest = _manifest(engine)
    assert manifest["model"] == "hashing-v1-1024" and manifest["dim"] == 1024 and manifest["items"] == 15
    assert manifest["fingerprint"] == engine.archive.fingerprint()

    again = SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY)
    assert again.ensure_index().startswith("index loaded: 15 items")


def test_a_stale_index_is_rebuilt(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    engine.archive.save_issue(NEW_ISSUE, source="test")
    status = SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY).ensure_index()
    assert "rebuilt (stale" in status and "17 items" in status


@pytest.mark.parametrize("victim", ["chunks.faiss", "chunks.npz", "manifest.json"])
def test_a_corrupt_index_is_rebuilt_not_fatal(tmp_path: Path, victim: str) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    (engine.index_dir / victim).write_bytes(b"not an index")
    fresh = SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY)
    assert "rebuilt (corrupt" in fresh.ensure_index()
    assert fresh.search("NightLantern2024").hits[0].text.startswith("Researchers disclosed NightLantern2024")


def test_a_manifest_whose_count_disagrees_is_corrupt(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    manifest = _manifest(engine)
    manifest["count"] = 3
    (engine.index_dir / "manifest.json").write_text(json.dumps(manifest))
    assert (
        "rebuilt (corrupt"
        in SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY).ensure_index()
    )


def test_an_index_of_another_model_is_rebuilt(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    other = SearchEngine(engine.archive, HashingEmbedder(dim=128), engine.index_dir, FAKE_POLICY)
    assert "built for model hashing-v1-1024 (1024-d), running hashing-v1-128 (128-d)" in other.ensure_index()
    assert _manifest(other)["dim"] == 128


def test_reindex_never_re_embeds(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    counting = HashingEmbedder()
    status = SearchEngine(engine.archive, counting, engine.index_dir, FAKE_POLICY).reindex()
    assert counting.texts_encoded == 0
    passages = engine.snapshot().vectors.index.ntotal
    assert f"{passages} passages (0 reused, {passages} stored, 0 embedded)" in status


def test_refresh_embeds_only_the_new_issue(tmp_path: Path) -> None:
    counting = HashingEmbedder()
    engine = SearchEngine(new_archive(tmp_path), counting, tmp_path / "index", FAKE_POLICY)
    engine.ensure_index()
    before = counting.texts_encoded
    engine.archive.save_issue(NEW_ISSUE, source="test")
    engine.refresh()
    assert counting.texts_encoded - before == 2  # the two new passages, nothing else
    assert engine.search("Quillfeather worm").hits[0].date == date(2024, 7, 16)
    assert _manifest(engine)["fingerprint"] == engine.archive.fingerprint()
    assert (
        SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY)
        .ensure_index()
        .startswith("index loaded")
    )


def test_refresh_with_nothing_new_does_nothing(tmp_path: Path) -> None:
    counting = HashingEmbedder()
    engine = SearchEngine(new_archive(tmp_path), counting, tmp_path / "index", FAKE_POLICY)
    engine.ensure_index()
    built = (engine.index_dir / "manifest.json").stat().st_mtime_ns
    engine.refresh()
    assert (engine.index_dir / "manifest.json").stat().st_mtime_ns == built


def test_refresh_after_a_replaced_issue_drops_the_old_items(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    corrected = Issue(
        date(2024, 7, 9), TITLE, (Section(CYBER, (Item("A corrected cyber item about Quillfeather."),)),)
    )
    engine.archive.save_issue(corrected, source="test")
    engine.refresh()
    result = engine.search("the July 9 issue")
    assert [hit.text for hit in result.hits] == ["A corrected cyber item about Quillfeather."]


def test_an_empty_archive_searches_to_nothing(tmp_path: Path) -> None:
    engine = new_engine(tmp_path, issues=[])
    assert "0 items" in engine.ensure_index()
    result = engine.search("anything about Iran")
    assert result.hits == [] and not result.relevant


def test_searches_during_a_refresh_see_a_whole_index(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    errors: list[BaseException] = []

    def search_a_lot() -> None:
        try:
            for _ in range(50):
                assert engine.search("ransomware hospitals").hits
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=search_a_lot) for _ in range(3)]
    for thread in threads:
        thread.start()
    engine.archive.save_issue(NEW_ISSUE, source="test")
    engine.refresh()
    for thread in threads:
        thread.join()
    assert errors == []


def test_refresh_with_an_older_issue_keeps_archive_order(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    item = Item("A backfilled item about Quillfeather.")
    backfill = Issue(date(2024, 6, 11), TITLE, (Section(CYBER, (item,)),))
    engine.archive.save_issue(backfill, source="test")
    engine.refresh()
    result = engine.search("Quillfeather in June 2024")
    assert result.hits[0].date == date(2024, 6, 11)
    assert {hit.date.month for hit in result.hits} == {6}
    reloaded = SearchEngine(engine.archive, HashingEmbedder(), engine.index_dir, FAKE_POLICY)
    assert reloaded.ensure_index().startswith("index loaded")  # same passages in the same order


def test_an_unwritable_index_dir_still_serves(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the index folder should be")
    engine = SearchEngine(new_archive(tmp_path), HashingEmbedder(), blocker / "index", FAKE_POLICY)
    assert "rebuilt" in engine.ensure_index()
    assert "could not save the search index" in caplog.text
    assert engine.search("NightLantern2024").relevant


def test_item_similarity_is_each_rows_best_passage_and_token_sets_its_tokens(tmp_path: Path) -> None:
    engine = new_engine(tmp_path)
    engine.ensure_index()
    snap = engine.snapshot()
    query = engine.embedder.encode(["NightLantern2024 ransomware"])[0]
    rows = [len(snap.items) - 1, 0, *range(1, len(snap.items) - 1)]  # any order, every row
    vectors = snap.vectors.vectors
    expected = [max(float(v @ query) for v in vectors[snap.chunk_rows == row]) for row in rows]
    assert snap.item_similarity(rows, query).tolist() == pytest.approx(expected, abs=1e-6)
    assert snap.item_similarity([], query).tolist() == []
    assert [snap.token_sets[row] for row in rows] == [frozenset(snap.item_tokens(row)) for row in rows]
