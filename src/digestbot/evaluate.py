"""Retrieval evaluation: recall@1, recall@5 and MRR per search mode and per kind of question.

Questions file: JSON lines ``{"q", "date": "YYYY-MM-DD", "section", "must_contain", "kind"}``. A hit matches
when its issue date and section equal the expected ones and its text (not analysis) contains ``must_contain``
(all compared folded: case, quotes, dashes, spaces and accents do not matter).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digestbot.domain import Hit
from digestbot.errors import ParseError, SourceError
from digestbot.search import MODES, SearchEngine
from digestbot.search.text import fold_text

DEPTH = 10  # MRR is computed over the top 10
REQUIRED = ("q", "date", "section", "must_contain")


@dataclass(frozen=True)
class Question:
    """One evaluation question and the item that answers it."""

    q: str
    date: date
    section: str
    must_contain: str
    kind: str = "general"

    def matches(self, hit: Hit) -> bool:
        """Whether ``hit`` is the expected item."""
        if hit.date != self.date or fold_text(hit.section) != fold_text(self.section):
            return False
        return fold_text(self.must_contain) in fold_text(hit.text)


@dataclass(frozen=True)
class Metrics:
    """Scores of one mode on one kind of question ("all" for every question)."""

    mode: str
    kind: str
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float


@dataclass(frozen=True)
class EvalReport:
    """Metrics per (mode, kind), modes in order, "all" first within each mode."""

    rows: tuple[Metrics, ...]

    def get(self, mode: str, kind: str = "all") -> Metrics:
        """The metrics of that mode and kind."""
        return next(row for row in self.rows if (row.mode, row.kind) == (mode, kind))

    def format_report(self) -> str:
        """A fixed-width table, one line per mode and kind."""
        return format_report(self)


def format_report(report: EvalReport) -> str:
    """ "mode    kind        n   R@1   R@5   MRR" and one line per row."""
    width = max([len(row.kind) for row in report.rows] + [4])
    lines = [f"{'mode':<7} {'kind':<{width}} {'n':>4} {'R@1':>6} {'R@5':>6} {'MRR':>6}"]
    for row in report.rows:
        lines.append(
            f"{row.mode:<7} {row.kind:<{width}} {row.n:>4} {row.recall_at_1:>6.3f}"
            f" {row.recall_at_5:>6.3f} {row.mrr:>6.3f}"
        )
    return "\n".join(lines)


def load_questions(path: Path) -> list[Question]:
    """Parse the questions file; ParseError names file:line and the field at fault."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the questions file ({exc.__class__.__name__})") from None
    questions = [_question(line, path, number) for number, line in enumerate(lines, 1) if line.strip()]
    if not questions:
        raise ParseError("no questions in the file", source=str(path))
    return questions


def _question(line: str, path: Path, number: int) -> Question:
    def fail(message: str) -> ParseError:
        return ParseError(message, source=str(path), line=number)

    try:
        data = json.loads(line)
    except ValueError:
        raise fail("not a JSON object") from None
    if not isinstance(data, dict):
        raise fail("not a JSON object")
    for name in (*REQUIRED, "kind"):
        value = data.get(name, "general" if name == "kind" else None)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"field {name!r}: missing or not a non-empty string")
    try:
        day = date.fromisoformat(data["date"])
    except ValueError:
        raise fail(f"field 'date': {data['date']!r} is not a YYYY-MM-DD date") from None
    kind = str(data.get("kind", "general"))
    return Question(data["q"], day, data["section"], data["must_contain"], kind)


def evaluate(engine: SearchEngine, questions_path: Path, *, modes: Sequence[str] = MODES) -> EvalReport:
    """Run every question in every mode and score where the expected item ranks."""
    questions = load_questions(questions_path)
    rows: list[Metrics] = []
    for mode in modes:
        ranks = [_rank(engine, question, mode) for question in questions]
        kinds = ["all", *sorted({question.kind for question in questions})]
        for kind in kinds:
            chosen = [r for r, q in zip(ranks, questions, strict=True) if kind in ("all", q.kind)]
            rows.append(_metrics(mode, kind, chosen))
    return EvalReport(tuple(rows))


def _rank(engine: SearchEngine, question: Question, mode: str) -> int | None:
    """1-based rank of the expected item in the top ``DEPTH``, or None."""
    result = engine.search(question.q, k=DEPTH, mode=mode)
    return next((rank for rank, hit in enumerate(result.hits, 1) if question.matches(hit)), None)


def _metrics(mode: str, kind: str, ranks: list[int | None]) -> Metrics:
    n = len(ranks)
    if n == 0:
        return Metrics(mode, kind, 0, 0.0, 0.0, 0.0)
    at_1 = sum(1 for rank in ranks if rank == 1) / n
    at_5 = sum(1 for rank in ranks if rank is not None and rank <= 5) / n
    mrr = sum(1.0 / rank for rank in ranks if rank is not None) / n
    return Metrics(mode, kind, n, at_1, at_5, mrr)
