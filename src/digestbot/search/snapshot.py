"""Everything a query needs, in memory: items, passage vectors, BM25, dates and sections.

A snapshot is immutable once built; a refresh builds a new one and swaps it in, so queries running at the
same time see either the old archive or the new one, never a mixture. Items are kept in the archive's order
(issue date, then position), so an issue or a date range is a contiguous run of rows and of passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from digestbot.errors import DigestbotError
from digestbot.index import VectorIndex
from digestbot.index.builder import ChunkCache, chunk_key
from digestbot.search.countries import country_table
from digestbot.search.dates import DateScope
from digestbot.search.entities import NameIndex
from digestbot.search.lexical import LexicalIndex
from digestbot.search.lexicon import Vocabulary
from digestbot.search.text import content_tokens, tokenize
from digestbot.store import StoredItem


class SnapshotMismatch(DigestbotError):
    """The passage index does not line up with the archive's items."""


@dataclass(frozen=True)
class Snapshot:
    """The searchable archive as of one fingerprint."""

    items: Sequence[StoredItem]
    vectors: VectorIndex
    lexical: LexicalIndex
    fingerprint: str
    ordinals: np.ndarray  # item row -> issue date ordinal (ascending)
    chunk_rows: np.ndarray  # passage -> item row
    chunk_start: np.ndarray  # item row -> first passage; one extra entry for the end
    section_words: dict[str, frozenset[str]]  # section-name token -> section names
    issue_dates: list[date]
    tokens: dict[str, list[str]]  # item content hash and section -> BM25 tokens, reused by the next refresh
    chunk_cache: ChunkCache  # item key -> passages, reused by the next refresh
    names: NameIndex  # the archive's names, for the entities a question names
    countries: dict[str, frozenset[str]]  # item key -> the countries it names (any form), reused by refresh
    named_countries: frozenset[str]  # every country some item names

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The archive's words, for telling names it never saw from words it does not happen to use."""
        return Vocabulary.of(self.lexical.vocabulary)

    @property
    def newest(self) -> date | None:
        """The newest issue's date."""
        return self.issue_dates[-1] if self.issue_dates else None

    def row_range(self, scope: DateScope | None) -> tuple[int, int]:
        """Item rows ``[lo, hi)`` inside the scope (all rows without one)."""
        if scope is None:
            return 0, len(self.items)
        lo = (
            0 if scope.start is None else int(np.searchsorted(self.ordinals, scope.start.toordinal(), "left"))
        )
        end = (
            len(self.items)
            if scope.end is None
            else np.searchsorted(self.ordinals, scope.end.toordinal(), "right")
        )
        return lo, int(end)

    def item_tokens(self, row: int) -> list[str]:
        """The BM25 tokens of the item at ``row``."""
        item = self.items[row]
        return self.tokens[f"{item.content_hash}:{item.section}"]

    @cached_property
    def token_sets(self) -> list[frozenset[str]]:
        """Each row's distinct BM25 tokens, built once per snapshot: every query's coverage reads them."""
        return [frozenset(self.item_tokens(row)) for row in range(len(self.items))]

    def item_countries(self, row: int) -> frozenset[str]:
        """The countries the item at ``row`` names, by name, demonym, capital or code (section included)."""
        item = self.items[row]
        return self.countries[f"{item.content_hash}:{item.section}"]

    def best_passage(self, row: int, query: np.ndarray) -> int:
        """Which of the row's passages is closest to the query (0: the one opening the item)."""
        passages = self.vectors.vectors[self.chunk_start[row] : self.chunk_start[row + 1]]
        return int(np.argmax(passages @ query))

    def passage_body(self, row: int, index: int) -> str:
        """The words of the row's ``index``-th passage, without its date, section and lead."""
        chunk = self.chunk_cache[chunk_key(self.items[row])][index]
        return chunk.text[chunk.body_start :]

    def item_similarity(self, rows: Sequence[int], query: np.ndarray) -> np.ndarray:
        """Each row's best passage cosine with the (normalised) query vector."""
        picked = np.asarray(rows, dtype=np.int64)
        if not len(picked):
            return np.zeros(0, dtype=np.float32)
        starts, lengths = self.chunk_start[picked], np.diff(self.chunk_start)[picked]
        offsets = np.cumsum(lengths) - lengths  # where each row's passages begin among those gathered
        passages = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        # One product over every gathered passage, then each row's maximum (every row has a passage).
        sims = self.vectors.vectors[passages] @ query
        return np.maximum.reduceat(sims, offsets).astype(np.float32)


def build_snapshot(
    items: Sequence[StoredItem],
    vectors: VectorIndex,
    fingerprint: str,
    chunk_cache: ChunkCache,
    previous: Snapshot | None = None,
) -> Snapshot:
    """Derive the per-row arrays and the BM25 index; SnapshotMismatch if passages and items disagree."""
    row_of = {item.id: row for row, item in enumerate(items)}
    try:
        chunk_rows = np.fromiter(
            (row_of[int(i)] for i in vectors.item_ids), dtype=np.int64, count=len(vectors.item_ids)
        )
    except KeyError as exc:
        raise SnapshotMismatch(f"passage of unknown item {exc}") from None
    counts = np.bincount(chunk_rows, minlength=len(items))
    tokens = _tokens(items, previous.tokens if previous is not None else {})
    countries = _countries(items, tokens, previous.countries if previous is not None else {})
    if len(chunk_rows) and (np.any(np.diff(chunk_rows) < 0) or np.any(counts == 0)):
        raise SnapshotMismatch("passages out of item order")
    return Snapshot(
        items=items,
        vectors=vectors,
        lexical=LexicalIndex([tokens[f"{item.content_hash}:{item.section}"] for item in items]),
        fingerprint=fingerprint,
        ordinals=np.array([item.date.toordinal() for item in items], dtype=np.int64),
        chunk_rows=chunk_rows,
        chunk_start=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        section_words=_section_words(items),
        issue_dates=sorted({item.date for item in items}),
        tokens=tokens,
        chunk_cache=chunk_cache,
        names=NameIndex.build(text for item in items for text in (item.text, *item.analysis)),
        countries=countries,
        named_countries=frozenset().union(*countries.values()),
    )


def _tokens(items: Sequence[StoredItem], known: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each item's BM25 tokens (section, text and analysis), tokenising only items not seen before."""
    tokens: dict[str, list[str]] = {}
    for item in items:
        key = f"{item.content_hash}:{item.section}"
        found = known.get(key)
        tokens[key] = (
            found if found is not None else tokenize(" ".join((item.section, item.text, *item.analysis)))
        )
    return tokens


def _countries(
    items: Sequence[StoredItem], tokens: dict[str, list[str]], known: dict[str, frozenset[str]]
) -> dict[str, frozenset[str]]:
    """Each item's countries, reading only items not seen before."""
    table = country_table()
    found: dict[str, frozenset[str]] = {}
    for item in items:
        key = f"{item.content_hash}:{item.section}"
        if key not in found:
            seen = known.get(key)
            raw = " ".join((item.section, item.text, *item.analysis))
            found[key] = seen if seen is not None else table.in_text(tokens[key], raw)
    return found


def _section_words(items: Sequence[StoredItem]) -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = {}
    for section in {item.section for item in items}:
        for token in content_tokens(section):
            names.setdefault(token, set()).add(section)
    return {token: frozenset(sections) for token, sections in names.items()}
