"""Fit the answerability model of digestbot.search.relevance on the TUNE questions, and print it.

    HF_HUB_OFFLINE=1 python tests/eval/fit_relevance.py DATA_DIR QUESTIONS.jsonl... [--seeds DATA_DIR2 Q...]

Each DATA_DIR is an ingested archive (``digestbot --data-dir DIR ingest ...``); the question files after
it are asked over it. Every question is searched once (hybrid); its ``Evidence`` is the model's input and
"does an item answer it" (a question with an expected item) its label. The model is an L2-regularised
logistic regression (Newton's method, numpy only), penalised on standardised features. ``answer_from`` is
the highest probability cut that answers every answerable question of every file (no false "nothing found"
in any: a wrong "nothing" is the worse defect, and a cut at the tune files' 2% lands near 2% on held-out
questions only on average, 6% on the strangers' held-out half once); ``confident_from``
the lowest cut above which at least 90% of the questions answered (the unanswerable ones included) have
their expected item among the five used.
Never pass held-out files: the held-out halves measure, they do not fit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from digestbot.app import build_core
from digestbot.evaluation import load_questions
from digestbot.search.relevance import FEATURES, RelevancePolicy
from digestbot.settings import load_settings

L2 = 0.3
FALSE_NOTHING = 0.0
CONFIDENT_RIGHT = 0.9


Row = tuple[tuple[float, ...], bool, bool, str]


def collect(data_dir: Path, files: list[Path]) -> list[Row]:
    """(features, answerable, expected item among the five used, file) per question."""
    core = build_core(load_settings(data_dir=data_dir))
    core.engine.ensure_index()
    rows = []
    for path in files:
        for question in load_questions(path):
            result = core.engine.search(question.q, k=5)
            if result.evidence is None:
                continue
            used = [hit for hit in result.hits if hit.item_id in result.relevant_ids]
            right = question.expected is not None and any(question.expected.matches(hit) for hit in used)
            rows.append((result.evidence.vector(), question.expected is not None, right, path.name))
    return rows


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, on the raw features' scale.

    The penalty applies to standardised features: a feature with a narrow range (a cosine spans 0.1 to 0.7)
    is not shrunk more than a count for it."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    w = _fit((x - mean) / scale, y)
    weights = w[:-1] / scale
    return np.append(weights, w[-1] - float(weights @ mean))


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = L2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        w -= np.linalg.solve(hessian, gradient)
    return w


def _cut(answerable: np.ndarray) -> float:
    """The highest cut leaving at most FALSE_NOTHING of these answerable questions below it."""
    ranked = np.sort(answerable)
    allowed = math.floor(FALSE_NOTHING * len(ranked))  # this many may fall below the cut
    return math.floor(float(ranked[allowed]) * 1000) / 1000


def main(argv: list[str]) -> None:
    rows: list[Row] = []
    groups: list[list[str]] = []
    for arg in argv:
        if Path(arg).is_dir():
            groups.append([arg])
        else:
            groups[-1].append(arg)
    for data_dir, *files in groups:
        rows += collect(Path(data_dir), [Path(f) for f in files])
    x = np.array([r[0] for r in rows])
    y = np.array([1.0 if r[1] else 0.0 for r in rows])
    w = fit(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ w[:-1] + w[-1])))
    answerable = p[y == 1]
    names = np.array([r[3] for r in rows])
    answer_from = min(_cut(p[(y == 1) & (names == name)]) for name in set(names[y == 1]))
    right = np.array([r[2] for r in rows])
    confident_from = answer_from
    for cut in sorted(set(np.round(p, 3))):
        chosen = p >= cut  # negatives count as wrong: a confident answer to them is a wrong answer
        if chosen.sum() and right[chosen].mean() >= CONFIDENT_RIGHT:
            confident_from = max(float(cut), answer_from)
            break
    print(f"{len(rows)} questions ({int(y.sum())} answerable); features {FEATURES}")
    print("WEIGHTS =", tuple(round(float(v), 3) for v in w[:-1]))
    print("BIAS =", round(float(w[-1]), 3))
    print("ANSWER_FROM =", answer_from, " CONFIDENT_FROM =", round(confident_from, 3))
    false_nothing = float((answerable < answer_from).mean()) if len(answerable) else 0.0
    honest = float((p[y == 0] < answer_from).mean()) if (y == 0).any() else float("nan")
    print(f"tune: false nothing {false_nothing:.3f}, right nothing {honest:.3f}")
    RelevancePolicy(tuple(float(v) for v in w[:-1]), float(w[-1]), answer_from, confident_from)


if __name__ == "__main__":
    main(sys.argv[1:])
