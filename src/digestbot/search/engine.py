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

from digestbot.domain import Hit, Issue
from digestbot.embedding.embed import Embedder
from digestbot.errors import DigestbotError
from digestbot.index import chunk_item, store_missing, words_per_chunk
from digestbot.search.dates import DateScope, PeriodKind, nearest_issue, parse_query
from digestbot.search.loader import open_snapshot, rebuild_snapshot
from digestbot.search.ranking import (
    boosted_rows,
    coverage,
    dense_scores,
    fuse,
    lexical_scores,
    lexical_weight,
    rare_rows,
    weighted_coverage,
)
from digestbot.search.relevance import Evidence, RelevancePolicy
from digestbot.search.select import Query, build_query, candidates, select
from digestbot.search.snapshot import Snapshot
from digestbot.search.text import best_sentence, content_tokens, tokenize
from digestbot.store import Archive
from digestbot.store.archive import stored_hit

log = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "bm25")


class SearchError(DigestbotError):
    """A search request that cannot be served as asked (for example an unknown mode)."""


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits, whether anything is actually relevant, and the date filter applied (``scope``).

    Values only: the renderers word them."""

    hits: list[Hit]
    relevant: bool = False
    query: str = ""
    relevant_ids: frozenset[int] = frozenset()
    scope: DateScope | None = None
    # item id -> the sentence that matched, for relevant items matched beyond their opening passage
    # (a fact in the fourth analysis paragraph): answers quote it.
    passages: dict[int, str] = field(default_factory=dict)
    # the thread's issue, when it had nothing relevant and every issue was searched instead
    widened_from: date | None = None
    # When ``scope`` holds no issue: the date of the issue nearest to it (None when it holds one).
    nearest: date | None = None
    # relevant items not about every entity the question names: offered apart from the answer
    related_ids: frozenset[int] = frozenset()
    newest_first: bool = False  # a bare topic: the used items are the newest relevant ones, newest first
    confident: bool = True  # False: the items are offered as the closest found, not as an answer
    probability: float = 0.0  # how likely the archive answers the question (the relevance policy's model)
    evidence: Evidence | None = None  # what that probability was read from (None: no ranking was done)


class SearchEngine:
    """Hybrid search over the archive. Thread-safe; the index loads on first use or ``ensure_index``."""

    def __init__(
        self, archive: Archive, embedder: Embedder, index_dir: Path, policy: RelevancePolicy
    ) -> None:
        self.archive = archive
        self.embedder = embedder
        self.index_dir = Path(index_dir)
        self.policy = policy
        self._snapshot: Snapshot | None = None
        self._version: int | None = None  # the archive version the snapshot was built from
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the index is loaded (it is before ``serve`` accepts requests)."""
        return self._snapshot is not None

    @property
    def size(self) -> int:
        """How many items the loaded index holds (0 before it is loaded; never loads it)."""
        snap = self._snapshot
        return 0 if snap is None else len(snap.items)

    def ensure_index(self) -> str:
        """Load the index, or rebuild it if missing, stale, corrupt or built for another model."""
        _faiss_single_threaded()
        with self._lock:
            self._version = self.archive.version()
            self._snapshot, status = open_snapshot(self.archive, self.embedder, self.index_dir)
        return status

    def reindex(self) -> str:
        """Rebuild ``index/`` from stored vectors (embedding only passages that have none)."""
        _faiss_single_threaded()
        with self._lock:
            self._version = self.archive.version()
            self._snapshot, status = rebuild_snapshot(
                self.archive, self.embedder, self.index_dir, reason="requested"
            )
        return status

    def refresh(self) -> None:
        """After an ingest: embed only new passages and swap in an up-to-date index."""
        _faiss_single_threaded()
        with self._lock:
            # Read first: a change made while this runs leaves the version behind, so ``sync`` comes back.
            self._version = self.archive.version()
            current = self._snapshot
            if current is None:
                self._snapshot, _ = open_snapshot(self.archive, self.embedder, self.index_dir)
                return
            if self.archive.fingerprint() == current.fingerprint:
                return
            self._snapshot, _ = rebuild_snapshot(
                self.archive, self.embedder, self.index_dir, reason="archive changed", previous=current
            )

    def store_vectors(self, issue: Issue) -> int:
        """Embed and store the passages of an issue about to be saved (those not stored yet), so every
        process that sees the issue finds its vectors and none embeds them again. Returns how many."""
        budget = words_per_chunk(self.embedder.max_tokens)
        chunks = [
            chunk
            for section, item in issue.items
            for chunk in chunk_item(0, issue.date, section.name, item.text, item.analysis, budget=budget)
        ]
        return store_missing(chunks, self.archive, self.embedder)

    def sync(self) -> bool:
        """Refresh if the archive changed since this index was built, also by another process (a replica,
        ``digestbot ingest``); True if it did. Vectors that process stored are reused, never re-embedded.
        Cheap when nothing changed (one small query): replicas call it every few seconds."""
        if self._snapshot is None or self.archive.version() == self._version:
            return False
        self.refresh()
        return True

    def snapshot(self) -> Snapshot:
        """The current snapshot, loading the index on first use."""
        snap = self._snapshot
        if snap is None:
            _faiss_single_threaded()
            with self._lock:
                if self._snapshot is None:
                    self._version = self.archive.version()
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
        thread = DateScope(issue_date, issue_date, kind=PeriodKind.ISSUE)
        scoped = self._run(snap, parsed.text, max(k, 1), thread, mode, vectors, period_named=False)
        if scoped.relevant and scoped.confident:
            return scoped
        wider = self._run(snap, parsed.text, max(k, 1), None, mode, vectors)
        if scoped.relevant and not wider.confident:
            return scoped
        return replace(wider, widened_from=issue_date)

    def _run(
        self,
        snap: Snapshot,
        text: str,
        k: int,
        scope: DateScope | None,
        mode: str,
        vectors: dict[str, np.ndarray],
        *,
        period_named: bool = True,
    ) -> SearchResult:
        lo, hi = snap.row_range(scope)
        tokens = content_tokens(text)
        if hi <= lo:
            nearest = nearest_issue(scope, snap.issue_dates) if scope is not None else None
            return SearchResult([], False, text, frozenset(), scope, nearest=nearest)
        if not tokens:
            return self._browse(snap, text, k, scope, period_named)
        depth = max(64, 10 * k)
        qvec = self._query_vector(text, vectors)
        dense = dense_scores(snap, qvec, lo, hi, depth * 3) if mode != "bm25" else {}
        lexical = lexical_scores(snap, tokens, lo, hi, depth) if mode != "dense" else {}
        rare = rare_rows(snap, tokens, list(lexical))
        # BM25 promotes only items with strong lexical evidence (a rare question word and most of the
        # question's words): on its own it ranks noise for a paraphrase, and the hybrid ranking must never
        # find less than the dense one it starts from.
        promoted = (
            {row: value for row, value in lexical.items() if row in rare} if mode == "hybrid" else lexical
        )
        rankings = {"hybrid": [dense, promoted], "dense": [dense], "bm25": [lexical]}[mode]
        pool = list({**dense, **lexical})
        sections = boosted_rows(snap, tokens, pool)  # items in a section the question names
        boosted = sections if mode == "hybrid" else set()
        covered = {row: share for row, share in coverage(snap, tokens, pool).items() if row in rare}
        weight = lexical_weight(snap, tokens) if mode == "hybrid" else 1.0
        ranked = fuse(rankings, boosted, len(snap.items), covered if mode == "hybrid" else {}, weight)
        query = self._query(snap, text, tokens, scope, qvec, period_named)
        strong = rare | sections
        found = candidates(snap, ranked.rows, query, k, strong, weighted_coverage(snap, tokens, pool))
        chosen = select(snap, found, query, k, self.policy)
        score = dict(zip(ranked.rows, ranked.scores, strict=True))
        rows = chosen.rows or ranked.rows[:k]
        hits = [stored_hit(snap.items[row], round(score[row], 6)) for row in rows]
        used = frozenset(snap.items[row].id for row in chosen.used)
        related = frozenset(snap.items[row].id for row in chosen.related)
        passages = _passages(snap, chosen.used, qvec, tokens)
        return SearchResult(
            hits, bool(used), text, used, scope, passages, related_ids=related,
            newest_first=chosen.newest_first, confident=chosen.confident, probability=chosen.probability,
            evidence=chosen.evidence,
        )  # fmt: skip

    def _query(
        self, snap: Snapshot, text: str, tokens: list[str], scope: DateScope | None, qvec: np.ndarray,
        period_named: bool,
    ) -> Query:  # fmt: skip
        return build_query(snap, text, tokens, scope, qvec, period_named, lambda t: self._query_vector(t, {}))

    def _query_vector(self, text: str, vectors: dict[str, np.ndarray]) -> np.ndarray:
        if text not in vectors:
            vectors[text] = self.embedder.encode([text])[0]
        return vectors[text]

    def _browse(
        self, snap: Snapshot, text: str, k: int, scope: DateScope | None, period_named: bool
    ) -> SearchResult:
        """A question naming only a period ("what was in last week's issue?") or only the digest ("what's
        new?"): its items, newest first. Nothing when it has no words at all ("????", emoji, controls)."""
        if not tokenize(text) and not (scope is not None and period_named):
            return SearchResult([], False, text, frozenset(), scope)
        if scope is None and snap.newest is not None:
            scope = DateScope(snap.newest, snap.newest, PeriodKind.ISSUE)
        lo, hi = snap.row_range(scope)
        rows = sorted(range(lo, hi), key=lambda row: (-int(snap.ordinals[row]), row))[:k]
        hits = [stored_hit(snap.items[row]) for row in rows]
        ids = frozenset(hit.item_id for hit in hits)
        return SearchResult(hits, bool(hits), text, ids, scope, confident=bool(hits), probability=1.0)


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
