"""Hybrid search over the archive: dense passages (FAISS) + BM25, date filters, relevance."""

from digestbot.search.dates import DateScope, ParsedQuery, PeriodKind, parse_query
from digestbot.search.engine import MODES, SearchEngine, SearchError, SearchResult

__all__ = [
    "MODES",
    "DateScope",
    "ParsedQuery",
    "PeriodKind",
    "SearchEngine",
    "SearchError",
    "SearchResult",
    "parse_query",
]
