"""Answer evaluation: questions with the item that answers them, run through the whole answer pipeline.

Each question is asked as a user would (dates, relevance, lead and all) in each search mode, and the
answer is scored on what it shows: recall of the expected item among the items used, "nothing found"
when it should and should not, the date scope, precision against stated constraints, the lead, and length.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from digestbot.domain import Answer
from digestbot.evaluation.questions import Expected, Question, load_questions
from digestbot.evaluation.report import EvalReport, Metrics, format_report, metrics
from digestbot.evaluation.scoring import Scored, score

Ask = Callable[[str, str], Answer]  # (question, mode) -> answer
MODES = ("hybrid", "dense", "bm25")

__all__ = [
    "MODES", "EvalReport", "Expected", "Metrics", "Question", "Scored", "evaluate", "format_report",
    "load_questions", "score",
]  # fmt: skip


def evaluate(
    ask: Ask, issues: Sequence[date], questions_path: Path, *, modes: Sequence[str] = MODES
) -> EvalReport:
    """Ask every question in every mode; score each answer; aggregate per mode and kind."""
    questions = load_questions(questions_path)
    kinds = ["all", *sorted({question.kind for question in questions})]
    rows: list[Metrics] = []
    for mode in modes:
        scored = [score(question, ask(question.q, mode), issues) for question in questions]
        for kind in kinds:
            rows.append(metrics(mode, kind, [s for s in scored if kind in ("all", s.kind)]))
    return EvalReport(str(questions_path), tuple(rows))
