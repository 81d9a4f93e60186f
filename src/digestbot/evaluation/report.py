"""Aggregating scored answers per search mode and question kind, and the table ``digestbot eval`` prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digestbot.evaluation.scoring import Scored


@dataclass(frozen=True)
class Metrics:
    """The figures of one mode on one kind of question ("all" for every question).

    Recall and MRR are over the questions an item answers, counting only the items the answer uses;
    ``false_nothing`` is the share of those answered "nothing found"; ``nothing_ok`` the share of the
    questions nothing answers that got "nothing found"; ``scope`` and ``precision`` the share of the
    questions with a scope / with constraints that kept them; ``lead`` the share of answerable questions
    whose lead quotes the expected item; ``p50`` and ``p95`` the plain-text answer length in characters.
    None where no question of the row has the property.
    """

    mode: str
    kind: str
    n: int
    recall_at_1: float | None
    recall_at_5: float | None
    mrr: float | None
    false_nothing: float | None
    nothing_ok: float | None
    scope: float | None
    precision: float | None
    lead: float | None
    p50: int
    p95: int


def metrics(mode: str, kind: str, scored: Sequence[Scored]) -> Metrics:
    """The row for ``scored`` (all of one mode, of ``kind`` or any kind)."""
    answerable = [s for s in scored if s.answerable]
    ranks = [s.rank for s in answerable]
    lengths = sorted(s.chars for s in scored)
    return Metrics(
        mode=mode,
        kind=kind,
        n=len(scored),
        recall_at_1=_share([rank == 1 for rank in ranks]),
        recall_at_5=_share([rank is not None and rank <= 5 for rank in ranks]),
        mrr=sum(1.0 / rank for rank in ranks if rank is not None) / len(ranks) if ranks else None,
        false_nothing=_share([not s.found for s in answerable]),
        nothing_ok=_share([s.correct_nothing for s in scored if not s.answerable]),
        scope=_share([s.scope_ok for s in scored if s.scope_ok is not None]),
        precision=_share([s.precise for s in scored if s.precise is not None]),
        lead=_share([s.lead_ok for s in answerable]),
        p50=_percentile(lengths, 0.5),
        p95=_percentile(lengths, 0.95),
    )


def _share(flags: Sequence[bool | None]) -> float | None:
    return sum(1 for flag in flags if flag) / len(flags) if flags else None


def _percentile(values: Sequence[int], fraction: float) -> int:
    if not values:
        return 0
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


@dataclass(frozen=True)
class EvalReport:
    """Metrics per (mode, kind): modes in order, "all" first within each mode."""

    source: str
    rows: tuple[Metrics, ...]

    def get(self, mode: str, kind: str = "all") -> Metrics:
        """The metrics of that mode and kind."""
        return next(row for row in self.rows if (row.mode, row.kind) == (mode, kind))


COLUMNS = (
    ("R@1", "recall_at_1"), ("R@5", "recall_at_5"), ("MRR", "mrr"), ("noneF", "false_nothing"),
    ("noneOK", "nothing_ok"), ("scope", "scope"), ("prec", "precision"), ("lead", "lead"),
)  # fmt: skip


def format_report(report: EvalReport) -> str:
    """A fixed-width table, one line per mode and kind (``-`` where a figure does not apply)."""
    width = max([len(row.kind) for row in report.rows] + [4])
    head = " ".join(f"{name:>6}" for name, _ in COLUMNS)
    lines = [report.source, f"{'mode':<7} {'kind':<{width}} {'n':>4} {head} {'p50':>5} {'p95':>5}"]
    for row in report.rows:
        cells = " ".join(_cell(getattr(row, field)) for _, field in COLUMNS)
        lines.append(f"{row.mode:<7} {row.kind:<{width}} {row.n:>4} {cells} {row.p50:>5} {row.p95:>5}")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return f"{'-':>6}" if value is None else f"{value:>6.3f}"
