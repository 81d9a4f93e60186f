"""The relevance policy: whether the archive answers a question at all, and how sure the answer is.

Answerability is one calibrated decision, not a chain of thresholds: a logistic model over a few features
one can explain (``Evidence``), fitted on the tune half of the eval questions by
``tests/eval/fit_relevance.py``. Its operating point, ``answer_from``, was chosen so that at most 2% of
the answerable tune questions get "nothing found"; below ``confident_from`` an answer is offered plainly
as the closest items found. Precision never deletes a candidate: which items lead, and how they are
labelled, is ``select``'s business.

One explicit value, built from settings at the entry point and passed to the search engine, so the real
model and the test fakes run the same code (with values calibrated for each).
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields

# Fitted by tests/eval/fit_relevance.py (L2-regularised logistic regression, all-MiniLM-L6-v2 int8 ONNX) on
# tests/eval/tune.jsonl, tune_blind.jsonl, tune_nothing.jsonl and questions.jsonl; see tests/eval/README.md.
# ANSWER_FROM answers every answerable tune question; the settings relevance_answer_from and
# relevance_confident_from, when set, replace the two operating points (never the weights).
WEIGHTS = (12.998, 3.455, -1.247, -3.686, 1.614, -6.016)
BIAS = -3.738
ANSWER_FROM = 0.12
CONFIDENT_FROM = 0.621
# An item is used when its cosine is within ITEM_MARGIN of the best item's (and at least ITEM_FLOOR), or it
# has strong lexical evidence: an answer lists the items about the question, not every near one.
ITEM_MARGIN = 0.15
ITEM_FLOOR = 0.15
# Named entities lead the answer when an item naming them is about as close as the closest item: a name
# used as a description ("a gulf monarchy") names no item that close, and then meaning ranks alone.
ENTITY_SLACK = 0.12


@dataclass(frozen=True)
class Evidence:
    """What the answerability model reads of a question and its best candidates."""

    cosine: float  # best-passage cosine of the closest candidate among the first few
    coverage: float  # the largest share of the question's word weight (IDF) one of those candidates has
    rare: float  # 1 when one of them has a rare question word (a name, a tool), else 0
    unknown: float  # question words the archive never uses and no dictionary knows (capped at 2)
    agreement: float  # 1 the named entities lead the answer, 0 none named, -1 named but no close item
    missing: float  # 1 when the question names a country or name the archive never mentions

    def vector(self) -> tuple[float, ...]:
        """The features in the order of the policy's weights."""
        return tuple(float(value) for value in astuple(self))


FEATURES = tuple(field.name for field in fields(Evidence))


@dataclass(frozen=True)
class RelevancePolicy:
    """The fitted answerability model, its two operating points, and how near an item must be to be used."""

    weights: tuple[float, ...] = WEIGHTS
    bias: float = BIAS
    answer_from: float = ANSWER_FROM
    confident_from: float = CONFIDENT_FROM
    item_margin: float = ITEM_MARGIN
    item_floor: float = ITEM_FLOOR
    entity_slack: float = ENTITY_SLACK

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"relevance: {len(self.weights)} weights for {len(FEATURES)} features")
        if not 0.0 <= self.answer_from <= self.confident_from <= 1.0:
            raise ValueError(
                f"relevance: need 0 <= answer_from ({self.answer_from})"
                f" <= confident_from ({self.confident_from}) <= 1"
            )
        if self.item_margin < 0 or self.entity_slack < 0:
            raise ValueError("relevance: item_margin and entity_slack must not be negative")

    def probability(self, evidence: Evidence) -> float:
        """How likely the archive answers the question, given the evidence."""
        score = self.bias + sum(w * x for w, x in zip(self.weights, evidence.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    def answerable(self, evidence: Evidence) -> bool:
        """Whether to answer at all ("nothing found" otherwise)."""
        return self.probability(evidence) >= self.answer_from

    def confident(self, evidence: Evidence) -> bool:
        """Whether the answer is confident, or offered as the closest items found."""
        return self.probability(evidence) >= self.confident_from

    def near(self, cosine: float, best: float) -> bool:
        """Whether an item at ``cosine`` is near enough to the best one (at ``best``) to be used."""
        return cosine >= self.item_floor and cosine >= best - self.item_margin
