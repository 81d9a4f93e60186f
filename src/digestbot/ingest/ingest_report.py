"""What an ingest did: each document's result, in the order they were read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from digestbot.store import SaveOutcome


@dataclass(frozen=True)
class IngestResult:
    """What happened to one document: its issue date and outcome, or the error that stopped it."""

    source: str
    date: dt.date | None = None
    outcome: SaveOutcome | None = None
    error: str | None = None


@dataclass
class IngestReport:
    """Every document's result, in the order they were read."""

    results: list[IngestResult] = field(default_factory=list)

    @property
    def failed(self) -> list[IngestResult]:
        """The documents that could not be ingested."""
        return [result for result in self.results if result.error is not None]

    @property
    def changed(self) -> bool:
        """Whether any issue was added or replaced."""
        return any(r.outcome in (SaveOutcome.ADDED, SaveOutcome.REPLACED) for r in self.results)


Progress = Callable[[IngestResult], None]
