"""The search engine: keeps the index up to date and answers queries from an in-memory snapshot.

Per query: parse dates (a filter) -> encode the rest -> FAISS over the filter's passages + BM25 over its items
-> reciprocal-rank fusion -> relevance check. No database access happens per query.
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from digestbot.domain import Hit
from digestbot.embed import Embedder
from digestbot.errors import DigestbotError
from digestbot.search.dates import DateScope, parse_query
from digestbot.search.loader import open_snapshot, rebuild_snapshot
from digestbot.search.ranking import (
    boosted_rows,
    dense_scores,
    fuse,
    lexical_scores,
    rare_rows,
)
from digestbot.search.snapshot import Snapshot
from digestbot.search.text import best_sentence, content_tokens
from digestbot.store import Archive

log = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "bm25")
# Calibrated with all-MiniLM-L6-v2 on the two seed issues plus 6 invented items (best-passage cosine of the
# top hit): 27 on-topic questions scored 0.39-0.80 on dense evidence alone ("RockYou2024" 0.39, "Midnight
# Blizzard" 0.42, "French elections" 0.60) and 0.25-0.34 where the words are rare ("compulsory hijab" 0.25,
# "China" 0.30, "Shejaiya operation" 0.34); 20 off-topic ones scored 0.04-0.31 ("weather forecast tomorrow"
# 0.31, "how do I reset my email password" 0.26, "recipe for banana bread" 0.19, "asdfgh" 0.19). With the
# rules below all 27 were relevant and none of the 20.
DEFAULT_THRESHOLD = 0.36
RARE_TERM_MARGIN = 0.12  # an item with rare question words (or a named section) may sit this far below


class SearchError(DigestbotError):
    """A search request that cannot be served as asked (for example an unknown mode)."""


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits, the filters applied (human-readable), and whether anything is actually relevant."""

    hits: list[Hit]
    filters: list[str] = field(default_factory=list)
    relevant: bool = False
    query: str = ""
    relevant_ids: frozenset[int] = frozenset()
    scope: DateScope | None = None
    # item id -> the sentence that matched, for relevant items matched beyond their opening passage
    # (a fact in the fourth analysis paragraph): answers quote it.
    passages: dict[int, str] = field(default_factory=dict)


class SearchEngine:
    """Hybrid search over the archive. Thread-safe; the index loads on first use or ``ensure_index``."""

    def __init__(
        self, archive: Archive, embedder: Embedder, index_dir: Path, *, threshold: float | None = None
    ) -> None:
        self.archive = archive
        self.embedder = embedder
        self.index_dir = Path(index_dir)
        default = getattr(embedder, "relevance_threshold", DEFAULT_THRESHOLD)
        self.threshold = float(threshold if threshold is not None else default)
        self.floor = float(getattr(embedder, "relevance_floor", self.threshold - RARE_TERM_MARGIN))
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def ensure_index(self) -> str:
        """Load the index, or rebuild it if missing, stale, corrupt or built for another model."""
        _faiss_single_threaded()
        with self._lock:
            self._snapshot, status = open_snapshot(self.archive, self.embedder, self.index_dir)
        return status

    def reindex(self) -> str:
        """Rebuild ``index/`` from stored vectors (embedding only passages that have none)."""
        _faiss_single_threaded()
        with self._lock:
            self._snapshot, status = rebuild_snapshot(
                self.archive, self.embedder, self.index_dir, reason="requested"
            )
        return status

    def refresh(self) -> None:
        """After an ingest: embed only new passages and swap in an up-to-date index."""
        _faiss_single_threaded()
        with self._lock:
            current = self._snapshot
            if current is None:
                self._snapshot, _ = open_snapshot(self.archive, self.embedder, self.index_dir)
                return
            if self.archive.fingerprint() == current.fingerprint:
                return
            self._snapshot, _ = rebuild_snapshot(
                self.archive, self.embedder, self.index_dir, reason="archive changed", previous=current
            )

    def snapshot(self) -> Snapshot:
        """The current snapshot, loading the index on first use."""
        snap = self._snapshot
        if snap is None:
            _faiss_single_threaded()
            with self._lock:
                if self._snapshot is None:
                    self._snapshot, _ = open_snapshot(self.archive, self.embedder, self.index_dir)
                snap = self._snapshot
        return snap

    def search(
        self, query: str, *, k: int = 5, issue_date: date | None = None, mode: str = "hybrid"
    ) -> SearchResult:
        """Search; a date in the question filters, ``issue_date`` scopes to that issue first."""
        if mode not in MODES:
            raise SearchError(f"unknown search mode {mode!r}; use one of: {', '.join(MODES)}")
        snap = self.snapshot()
        parsed = parse_query(query, snap.newest, snap.issue_dates)
        vectors: dict[str, np.ndarray] = {}  # a thread follow-up may search twice: encode once
        if parsed.scope is not None or issue_date is None:
            return self._run(snap, parsed.text, max(k, 1), parsed.scope, mode, vectors)
        thread = DateScope(issue_date, issue_date, f"the {issue_date.day} {issue_date:%b %Y} issue")
        scoped = self._run(snap, parsed.text, max(k, 1), thread, mode, vectors)
        if scoped.relevant:
            return scoped
        wider = self._run(snap, parsed.text, max(k, 1), None, mode, vectors)
        note = f"nothing relevant in {thread.label}; searched every issue"
        return replace(wider, filters=[note])

    def _run(
        self,
        snap: Snapshot,
        text: str,
        k: int,
        scope: DateScope | None,
        mode: str,
        vectors: dict[str, np.ndarray],
    ) -> SearchResult:
        filters = [scope.label] if scope is not None else []
        lo, hi = snap.row_range(scope)
        tokens = content_tokens(text)
        if hi <= lo:
            return SearchResult([], [*filters, "no issues in that period"], False, text, frozenset(), scope)
        if not tokens:
            return self._browse(snap, text, k, scope, filters)
        depth = max(64, 10 * k)
        qvec = self._query_vector(text, mode, vectors)
        dense = dense_scores(snap, qvec, lo, hi, depth * 3) if qvec is not None else {}
        lexical = lexical_scores(snap, tokens, lo, hi, depth) if mode != "dense" else {}
        rankings = {"hybrid": [dense, lexical], "dense": [dense], "bm25": [lexical]}[mode]
        boosted = boosted_rows(snap, tokens, list({**dense, **lexical})) if mode == "hybrid" else set()
        ranked = fuse(rankings, boosted, len(snap.items))
        rows, scores = ranked.rows[:k], ranked.scores[:k]
        relevant = self._relevant(snap, rows, qvec, rare_rows(snap, tokens, rows) | boosted, lexical)
        hits = [_hit(snap, row, score) for row, score in zip(rows, scores, strict=True)]
        ids = frozenset(snap.items[row].id for row in relevant)
        passages = _passages(snap, relevant, qvec, tokens) if qvec is not None else {}
        return SearchResult(hits, filters, bool(ids), text, ids, scope, passages)

    def _query_vector(self, text: str, mode: str, vectors: dict[str, np.ndarray]) -> np.ndarray | None:
        if mode == "bm25":
            return None
        if text not in vectors:
            vectors[text] = self.embedder.encode([text])[0]
        return vectors[text]

    def _relevant(
        self,
        snap: Snapshot,
        rows: list[int],
        qvec: np.ndarray | None,
        named: set[int],
        lexical: dict[int, float],
    ) -> list[int]:
        """Rows about the question, not merely the nearest items of an unrelated archive.

        Relevant: best-passage cosine at least ``threshold``; or at least ``floor`` (by default
        ``threshold - RARE_TERM_MARGIN``) for an item with strong lexical evidence (rare question words)
        or in a section the question names (``named``).
        """
        if qvec is None:
            return [row for row in rows if row in lexical]
        sims = snap.item_similarity(rows, qvec)
        floor = min(self.floor, self.threshold)
        return [
            row
            for row, sim in zip(rows, sims.tolist(), strict=True)
            if sim >= self.threshold or (row in named and sim >= floor)
        ]

    def _browse(
        self, snap: Snapshot, text: str, k: int, scope: DateScope | None, filters: list[str]
    ) -> SearchResult:
        """A question naming only a period ("what was in last week's issue?"): its items, newest first."""
        if scope is None and snap.newest is not None:
            scope = DateScope(
                snap.newest, snap.newest, f"the latest issue ({snap.newest.day} {snap.newest:%b %Y})"
            )
            filters = [scope.label]
        lo, hi = snap.row_range(scope)
        rows = sorted(range(lo, hi), key=lambda row: (-int(snap.ordinals[row]), row))[:k]
        hits = [_hit(snap, row, 0.0) for row in rows]
        ids = frozenset(hit.item_id for hit in hits)
        return SearchResult(hits, filters, bool(hits), text, ids, scope)


@functools.cache
def _faiss_single_threaded() -> None:
    """Imported on first use, not with the engine: `digestbot issues` and `show` never search.

    One query at a time is faster on one OpenMP thread: measured 0.6 ms against 16 ms on 2 cores for 17k
    passages, where faiss's threads spin against numpy's. faiss has its own libgomp, so torch's threads
    are unaffected.
    """
    import faiss

    faiss.omp_set_num_threads(1)


def _passages(snap: Snapshot, rows: list[int], query: np.ndarray, tokens: list[str]) -> dict[int, str]:
    """For rows whose best passage is not their first, the sentence of that passage that matched."""
    found: dict[int, str] = {}
    for row in rows:
        index = snap.best_passage(row, query)
        if index > 0:
            found[snap.items[row].id] = best_sentence(snap.passage_body(row, index), tokens)
    return found


def _hit(snap: Snapshot, row: int, score: float) -> Hit:
    item = snap.items[row]
    return Hit(
        item_id=item.id, date=item.date, title=item.title, section=item.section, text=item.text,
        analysis=item.analysis, score=round(score, 6), url=item.url, part=item.part,
    )  # fmt: skip
