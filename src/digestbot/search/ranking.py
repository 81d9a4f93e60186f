"""Ranking items: dense (FAISS, best passage per item), lexical (BM25), their fusion, and relevance.

Fusion is reciprocal-rank fusion (RRF), chosen on tests/eval/questions.jsonl (69 questions, real model,
seeds + samples archive): RRF k=30 gives R@1 0.971 / R@5 1.000 / MRR 0.982, against dense alone
0.913 / 0.971 / 0.938 and BM25 alone 0.913 / 0.986 / 0.951. RRF k=60 and convex score fusion (cosine plus
max-normalised BM25, weights 0.5-0.8) were equal or worse on R@1 (0.899-0.928 before the date fix, when
RRF k=30 had 0.928), and RRF needs no weight tuned to score scales that differ per query. A section named in
the question adds a small boost (0 to 0.0015 made no difference on the set; 0.003 cost a date question);
the issue date breaks exact ties only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from digestbot.search.snapshot import Snapshot

RRF_K = 30
SECTION_BOOST = 0.001  # about one rank near the top of one list: a nudge, not a filter
TIE_BREAK = 1e-7  # times the row's position in date order: newer wins exact ties
RARE_FRACTION = 0.02  # a token in at most 2% of items (and at least in 1) is "rare"
RARE_MIN_DF = 3
MIN_COVERAGE = 0.6
COVERAGE_WEIGHT = 0.008
LEXICAL_WEIGHT = 0.75
WEAK_LEXICAL_WEIGHT = 0.3  # an item with every question word gains about four ranks near the top of a list


@dataclass(frozen=True)
class Ranked:
    """Item rows best first, with their fused scores."""

    rows: list[int]
    scores: list[float]


def dense_scores(snap: Snapshot, query: np.ndarray, lo: int, hi: int, depth: int) -> dict[int, float]:
    """Best passage cosine per item among the top ``depth`` passages of rows ``[lo, hi)``, best first."""
    import faiss  # here, not at the top: commands that never search do not load it

    first, last = int(snap.chunk_start[lo]), int(snap.chunk_start[hi])
    if last <= first:
        return {}
    total = snap.vectors.index.ntotal
    params = None
    if (first, last) != (0, total):
        selector = faiss.IDSelectorRange(first, last)
        params = faiss.SearchParameters()
        params.sel = selector
    sims, ids = snap.vectors.index.search(query.reshape(1, -1), min(depth, last - first), params=params)
    best: dict[int, float] = {}
    for sim, chunk in zip(sims[0].tolist(), ids[0].tolist(), strict=True):
        if chunk >= 0:
            best.setdefault(int(snap.chunk_rows[chunk]), float(sim))
    return best


def lexical_scores(snap: Snapshot, tokens: Sequence[str], lo: int, hi: int, depth: int) -> dict[int, float]:
    """BM25 score per item for rows ``[lo, hi)`` with a positive score, best first, at most ``depth``."""
    if not tokens or hi <= lo:
        return {}
    scores = snap.lexical.scores(tokens)[lo:hi]
    positive = np.flatnonzero(scores > 0)
    if len(positive) > depth:
        positive = positive[np.argpartition(-scores[positive], depth - 1)[:depth]]
    order = positive[np.argsort(-scores[positive], kind="stable")]
    return {int(lo + i): float(scores[i]) for i in order}


def fuse(
    rankings: Sequence[dict[int, float]],
    boosted: set[int],
    size: int,
    coverage: dict[int, float] | None = None,
    lexical_weight: float = 1.0,
) -> Ranked:
    """Reciprocal-rank fusion of best-first rankings, plus section boost, the share of the question's words
    an item has (``coverage``), and a recency tie-break."""
    fused: dict[int, float] = {}
    for number, ranking in enumerate(rankings):
        weight = lexical_weight if number == 1 else 1.0
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank)
    covered = coverage or {}
    for row in fused:
        fused[row] += (SECTION_BOOST if row in boosted else 0.0) + TIE_BREAK * row / max(size, 1)
        fused[row] += COVERAGE_WEIGHT * covered.get(row, 0.0)
    rows = sorted(fused, key=lambda row: -fused[row])
    return Ranked(rows, [fused[row] for row in rows])


def boosted_rows(snap: Snapshot, tokens: Sequence[str], candidates: Sequence[int]) -> set[int]:
    """Candidate rows whose section the question names ("cyber", "gaza", "protests")."""
    sections: set[str] = set()
    for token in tokens:
        sections |= snap.section_words.get(token, frozenset())
    return {row for row in candidates if snap.items[row].section in sections} if sections else set()


def rare_tokens(snap: Snapshot, tokens: Sequence[str]) -> set[str]:
    """The question's rare words (a name, a tool, a breach): in at most ``RARE_FRACTION`` of the items."""
    limit = max(RARE_MIN_DF, int(RARE_FRACTION * len(snap.items)))
    return {t for t in snap.lexical.known(tokens) if len(t) > 3 and snap.lexical.doc_freq(t) <= limit}


def lexical_weight(snap: Snapshot, tokens: Sequence[str]) -> float:
    """How much BM25 counts in the fusion: fully with a rare question word to match, little without one
    (a paraphrase shares only common words with its item, and BM25 then ranks noise)."""
    return LEXICAL_WEIGHT if rare_tokens(snap, tokens) else WEAK_LEXICAL_WEIGHT


def rare_rows(snap: Snapshot, tokens: Sequence[str], candidates: Sequence[int]) -> set[int]:
    """Candidates with strong lexical evidence: a rare question word and at least ``MIN_COVERAGE`` of the
    question's distinct words."""
    rare = rare_tokens(snap, tokens)
    wanted = set(tokens)
    if not rare or not wanted:
        return set()
    strong: set[int] = set()
    for row in candidates:
        present = wanted & snap.token_sets[row]
        if present & rare and len(present) >= MIN_COVERAGE * len(wanted):
            strong.add(row)
    return strong


def coverage(snap: Snapshot, tokens: Sequence[str], candidates: Sequence[int]) -> dict[int, float]:
    """The share of the question's distinct words each candidate item contains."""
    wanted = set(tokens)
    if not wanted:
        return {}
    return {row: len(wanted & snap.token_sets[row]) / len(wanted) for row in candidates}


def weighted_coverage(snap: Snapshot, tokens: Sequence[str], candidates: Sequence[int]) -> dict[int, float]:
    """The share of the question's word weight (inverse document frequency) each candidate contains. A
    word the archive never uses weighs most: "okta support breach" is mostly "okta", which no item has."""
    wanted = set(tokens)
    if not wanted:
        return {}
    size = len(snap.items)
    weight = {token: math.log((size + 1) / (snap.lexical.doc_freq(token) + 0.5)) for token in wanted}
    total = sum(weight.values()) or 1.0
    return {row: sum(weight[token] for token in wanted & snap.token_sets[row]) / total for row in candidates}
