"""Which ranked items an answer uses, which lead, and whether to answer at all.

- Precision never deletes a candidate the ranking found: entities decide what *leads*. When the question
  names entities (a country in any form, a person, a group) and an item naming all of them is about as close
  as the closest item, the items naming them are the answer and the nearest others are offered apart, as
  related. When no such item is close ("a gulf monarchy", "american spy agencies": descriptions, not
  names), meaning alone ranks.
- Whether the archive answers at all is one calibrated decision (``RelevancePolicy``) over ``Evidence``;
  below its confident level the answer is offered as the closest items found.
- The items used are the leading ones near the best (``RelevancePolicy.near``), or with strong lexical
  evidence (a rare question word, a section the question names, an issue it picked).
- A bare topic ("iran", "cinder oath") asks for the latest on it: its items, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from digestbot.search.dates import DateScope
from digestbot.search.entities import Entity
from digestbot.search.relevance import Evidence, RelevancePolicy
from digestbot.search.snapshot import Snapshot
from digestbot.search.text import tokenize

MAX_RELATED = 2
BARE_MAX_TOKENS = 3
BARE_DEPTH = 40  # how many ranked items a bare topic looks through for its newest ones
WINDOW = 30  # how many ranked items selection looks through otherwise (more when more are asked for)
EVIDENCE_DEPTH = 5  # the candidates the answerability evidence is read from
NARROW_ISSUES = 2  # a period this small was chosen on purpose: its best items count as evidence
STORY_ISSUES = 3  # a topic in this many issues is a story: its latest items lead
COUNTRY_MEANING = 0.4  # an item this close to a country's name is about it, however it names it
TOPIC_MAX_WORDS = 2  # a period and this many topic words make a short question whose words all count
TOPIC_MARGIN = 0.1  # an item about a topic word is within this of the closest item to the word alone


@dataclass(frozen=True)
class Query:
    """What selection needs to know of the question."""

    text: str
    tokens: list[str]  # content tokens
    entities: list[Entity]
    scope: DateScope | None
    vector: np.ndarray
    # the vector of each country entity's name: an item may be about a country it names no way the table knows
    country_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # whether the question itself named the period (a thread's or a watch's issue is context, not a choice)
    period_named: bool = True
    unknown: int = 0  # question words that look like names the archive never saw
    # A short question about a period ("ransomware in March 2025"): its topic words, each a requirement
    # judged by meaning, with the vector of each.
    topics: dict[str, np.ndarray] = field(default_factory=dict)

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


def build_query(
    snap: Snapshot,
    text: str,
    tokens: list[str],
    scope: DateScope | None,
    vector: np.ndarray,
    period_named: bool,
    encode: Callable[[str], np.ndarray],
) -> Query:
    """What selection needs of a question: its entities (with each country's vector), the words that look
    like names the archive never saw, and for a short question about a period its topic words."""
    entities = snap.names.entities(tokens, snap.named_countries, text)
    countries = {e.country: encode(e.country) for e in entities if e.country is not None and e.known}
    unknown = len(snap.vocabulary.unknown(tokens))
    named = {token for entity in entities for token in entity.tokens}
    words = [token for token in dict.fromkeys(tokens) if token not in named]
    topics = {}
    if scope is not None and period_named and 0 < len(words) <= TOPIC_MAX_WORDS:
        topics = {word: encode(word) for word in words}
    return Query(text, tokens, entities, scope, vector, countries, period_named, unknown, topics)


@dataclass(frozen=True)
class Selection:
    """The rows to show (used first, then related), which are which, and how sure the answer is."""

    used: list[int]
    related: list[int]
    newest_first: bool = False
    probability: float = 0.0
    confident: bool = False
    evidence: Evidence | None = None

    @property
    def rows(self) -> list[int]:
        """Every row shown."""
        return [*self.used, *self.related]


@dataclass(frozen=True)
class Candidates:
    """The ranked rows selection reads, with their best-passage cosines and lexical evidence."""

    rows: list[int]
    cosines: dict[int, float]
    strong: set[int]  # rows with strong lexical evidence
    coverage: dict[int, float]  # row -> share of the question's words it contains


def candidates(
    snap: Snapshot, ranked: Sequence[int], query: Query, k: int, strong: set[int], coverage: dict[int, float]
) -> Candidates:
    """The window of ``ranked`` that selection reads for ``k`` items."""
    window = list(ranked[: max(WINDOW, k + MAX_RELATED, BARE_DEPTH if query.bare else 0)])
    cosines = dict(zip(window, snap.item_similarity(window, query.vector).tolist(), strict=True))
    if query.period_named and _narrow(snap, query.scope):
        strong = strong | set(window)  # the user picked the issue: its best items are what they want
    return Candidates(window, cosines, strong, coverage)


def select(snap: Snapshot, found: Candidates, query: Query, k: int, policy: RelevancePolicy) -> Selection:
    """Choose the rows an answer uses, or none when the archive does not answer the question."""
    if not found.rows:
        return Selection([], [])
    naming = _naming(snap, found, query)
    best = max(found.cosines.values())
    leads = bool(naming) and max(found.cosines[row] for row in naming) >= best - policy.entity_slack
    topical = _topical(snap, found, query) & (naming if leads else set(found.rows))
    if topical:
        naming, leads = topical, True
    ordered = [row for row in found.rows if row in naming] if leads else found.rows
    evidence = _evidence(found, ordered, query, leads)
    probability = policy.probability(evidence)
    if probability < policy.answer_from:
        return Selection([], [], probability=probability, evidence=evidence)
    top = max(found.cosines[row] for row in ordered[: max(k, 1)])
    used = [
        row
        for number, row in enumerate(ordered)
        if number == 0
        or policy.near(found.cosines[row], top)
        or (row in found.strong and found.cosines[row] >= policy.item_floor)
        or (leads and query.only_names)  # an item naming all the question names is about it
    ]
    related = [
        row for row in found.rows if leads and row not in naming and policy.near(found.cosines[row], top)
    ]
    confident = policy.confident(evidence)
    if query.bare and len({int(snap.ordinals[row]) for row in used}) >= STORY_ISSUES:
        newest = sorted(used, key=lambda row: (-int(snap.ordinals[row]), row))
        return Selection(newest[:k], related[:MAX_RELATED], True, probability, confident, evidence)
    return Selection(used[:k], related[:MAX_RELATED], False, probability, confident, evidence)


def _evidence(found: Candidates, ordered: list[int], query: Query, leads: bool) -> Evidence:
    head = ordered[:EVIDENCE_DEPTH]
    return Evidence(
        cosine=max(found.cosines[row] for row in head),
        coverage=max((found.coverage.get(row, 0.0) for row in head), default=0.0),
        rare=float(any(row in found.strong for row in head)),
        unknown=float(min(query.unknown, 2)),
        agreement=1.0 if leads else (-1.0 if query.entities else 0.0),
        missing=float(any(not entity.known for entity in query.entities)),
    )


def _naming(snap: Snapshot, found: Candidates, query: Query) -> set[int]:
    """The rows that name every entity of the question: by its name, or a country in any form or by
    meaning."""
    if not query.entities:
        return set()
    names = snap.names.names
    rows = set(found.rows)
    for entity in query.entities:
        if entity.country is not None:
            close = _close(snap, found.rows, query.country_vectors.get(entity.country))
            rows &= {row for row in rows if entity.country in snap.item_countries(row) or row in close}
        else:
            rows &= {row for row in rows if entity.named_in(snap.item_tokens(row), names)}
    return rows


def _topical(snap: Snapshot, found: Candidates, query: Query) -> set[int]:
    """The rows about every topic word of a short question about a period: the word among their tokens,
    or about as close to the word alone as the closest row is (the espionage item is not about
    "ransomware" because it shares a month with the ransomware item)."""
    if not query.topics:
        return set()
    rows = set(found.rows)
    for word, vector in query.topics.items():
        similarities = snap.item_similarity(found.rows, vector).tolist()
        best = max(similarities)
        close = {row for row, sim in zip(found.rows, similarities, strict=True) if sim >= best - TOPIC_MARGIN}
        rows &= {row for row in rows if row in close or word in snap.item_tokens(row)}
    return rows


def _close(snap: Snapshot, rows: list[int], vector: np.ndarray | None) -> set[int]:
    if vector is None:
        return set()
    similarities = snap.item_similarity(rows, vector).tolist()
    return {row for row, sim in zip(rows, similarities, strict=True) if sim >= COUNTRY_MEANING}


def _narrow(snap: Snapshot, scope: DateScope | None) -> bool:
    """A period holding one or two issues ("the July 9 issue", "the last week of November 2024")."""
    if scope is None:
        return False
    lo, hi = snap.row_range(scope)
    return len(set(snap.ordinals[lo:hi].tolist())) <= NARROW_ISSUES
