"""Which ranked items an answer uses: only those about what was asked.

- Relevance is the policy's call (best-passage cosine over a threshold, or over a floor with strong evidence:
  rare question words, a section the question names, the entity it names, or an issue it picked).
- When the question names entities, the answer uses only items that name every one of them; relevant items
  that do not are offered apart, as related. A name the archive never mentions finds nothing.
- A bare topic ("iran", "cinder oath") asks for the latest on it: its relevant items, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from digestbot.search.dates import DateScope
from digestbot.search.entities import Entity
from digestbot.search.relevance import RelevancePolicy
from digestbot.search.snapshot import Snapshot
from digestbot.search.text import tokenize

MAX_RELATED = 2
BARE_MAX_TOKENS = 3
BARE_DEPTH = 40  # how many ranked items a bare topic looks through for its newest relevant ones
NARROW_ISSUES = 2  # a period this small was chosen on purpose: its best items count as evidence
STORY_ISSUES = 3  # a topic in this many issues is a story: its latest items lead


@dataclass(frozen=True)
class Query:
    """What selection needs to know of the question."""

    text: str
    tokens: list[str]  # content tokens
    entities: list[Entity]
    scope: DateScope | None
    vector: np.ndarray | None
    # the vector of each country entity's name: an item about France may only say "French"
    country_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # whether the question itself named the period (a thread's or a watch's issue is context, not a choice)
    period_named: bool = True

    @property
    def only_names(self) -> bool:
        """Whether the question is its entities and nothing else ("iran", "cinder oath")."""
        named = [token for entity in self.entities for token in entity.tokens]
        plain = tokenize(self.text, keep_stopwords=True) == self.tokens
        return plain and bool(named) and named == self.tokens

    @property
    def bare(self) -> bool:
        """A bare topic: a name or two, no question words, no period."""
        return self.scope is None and len(self.tokens) <= BARE_MAX_TOKENS and self.only_names


@dataclass(frozen=True)
class Selection:
    """The rows to show (used first, then related) and which are which."""

    used: list[int]
    related: list[int]
    newest_first: bool = False

    @property
    def rows(self) -> list[int]:
        """Every row shown."""
        return [*self.used, *self.related]


def select(
    snap: Snapshot, ranked: list[int], query: Query, k: int, policy: RelevancePolicy, evidence: set[int]
) -> Selection:
    """Choose from ``ranked`` (best first) the rows an answer uses; ``evidence``: rows with strong lexical
    evidence (rare question words, a named section)."""
    if any(not entity.known for entity in query.entities):
        return Selection([], [])
    naming = _naming(snap, ranked, query, policy)
    if query.entities:
        ranked = [row for row in ranked if row in naming] + [row for row in ranked if row not in naming]
    if query.period_named and _narrow(snap, query.scope):
        evidence = evidence | set(ranked)  # the user picked the issue: its best items are what they want
    window = ranked[: BARE_DEPTH if query.bare else k + MAX_RELATED]
    relevant = _relevant(snap, window, query.vector, policy, evidence, naming)
    if query.only_names:  # an item naming everything the question names is about it, however it is worded
        relevant = [row for row in window if row in naming or row in relevant]
    about = [row for row in relevant if not query.entities or row in naming]
    related = [row for row in relevant if row not in about][:MAX_RELATED]
    if query.bare and len({int(snap.ordinals[row]) for row in about}) >= STORY_ISSUES:
        newest = sorted(about, key=lambda row: (-int(snap.ordinals[row]), row))
        return Selection(newest[:k], related, newest_first=True)
    return Selection(about[:k], related)


def _naming(snap: Snapshot, rows: list[int], query: Query, policy: RelevancePolicy) -> set[int]:
    """The rows that name every entity of the question: by its name, or for a country by meaning (as
    close to the country's name as an item must be to a question)."""
    if not query.entities:
        return set()
    names = snap.names.names
    found = set(rows)
    for entity in query.entities:
        vector = query.country_vectors.get(entity.country or "")
        close = _close(snap, rows, vector, policy.threshold) if vector is not None else set()
        found &= {row for row in rows if row in close or entity.named_in(snap.item_tokens(row), names)}
    return found


def _close(snap: Snapshot, rows: list[int], vector: np.ndarray, threshold: float) -> set[int]:
    similarities = snap.item_similarity(rows, vector).tolist()
    return {row for row, sim in zip(rows, similarities, strict=True) if sim >= threshold}


def _relevant(
    snap: Snapshot,
    rows: list[int],
    vector: np.ndarray | None,
    policy: RelevancePolicy,
    evidence: set[int],
    named: set[int],
) -> list[int]:
    if vector is None:  # BM25 alone: the caller counts every row with a lexical match as evidence
        return [row for row in rows if row in evidence or row in named]
    return policy.relevant(rows, snap.item_similarity(rows, vector).tolist(), evidence, named)


def _narrow(snap: Snapshot, scope: DateScope | None) -> bool:
    """A period holding one or two issues ("the July 9 issue", "the last week of November 2024")."""
    if scope is None:
        return False
    lo, hi = snap.row_range(scope)
    return len(set(snap.ordinals[lo:hi].tolist())) <= NARROW_ISSUES
