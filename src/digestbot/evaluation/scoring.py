"""Scoring one answer against its question: what a user would see, not only how the items ranked."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from digestbot.domain import Answer, Period
from digestbot.evaluation.questions import Question
from digestbot.render.plain import answer_text


@dataclass(frozen=True)
class Scored:
    """How one answer did.

    ``rank``: 1-based position of the expected item among the items the answer uses (None: not used).
    ``found``: whether the answer used anything. ``scope_ok``: whether its date filter covers the same
    issues as the question's scope (None: no scope to check). ``precise``: whether every used item keeps
    the question's constraints (None: none stated). ``lead_ok``: whether the lead is quoted from the
    expected item. ``chars``: length of the plain-text answer.
    """

    kind: str
    answerable: bool
    rank: int | None
    found: bool
    scope_ok: bool | None
    precise: bool | None
    lead_ok: bool
    chars: int

    @property
    def correct_nothing(self) -> bool:
        """For a question nothing should answer: whether the answer found nothing."""
        return not self.answerable and not self.found


def score(question: Question, answer: Answer, issues: Sequence[date]) -> Scored:
    """Score ``answer`` to ``question`` over an archive holding ``issues`` (sorted dates)."""
    hits = answer.hits
    expected = question.expected
    rank = None
    if expected is not None:
        rank = next((n for n, hit in enumerate(hits, 1) if expected.matches(hit)), None)
    lead_ok = expected is not None and answer.lead is not None and expected.matches(answer.lead.hit)
    return Scored(
        kind=question.kind,
        answerable=expected is not None,
        rank=rank,
        found=answer.found,
        scope_ok=_scope_ok(question.scope, answer.period, issues),
        precise=question.precise(hits) if question.constrained else None,
        lead_ok=lead_ok,
        chars=len(answer_text(answer)),
    )


def _scope_ok(scope: tuple[date, date] | None, period: Period | None, issues: Sequence[date]) -> bool | None:
    """Whether the answer searched exactly the issues the question's period holds."""
    if scope is None:
        return None
    if period is None:
        return False
    start, end = period.start or date.min, period.end or date.max
    return _covered(issues, start, end) == _covered(issues, *scope)


def _covered(issues: Sequence[date], start: date, end: date) -> tuple[date, ...]:
    return tuple(issues[bisect.bisect_left(issues, start) : bisect.bisect_right(issues, end)])
