"""Retrieval quality per backend and agreement between backends, over the seed issues and the bundled samples
with the eval questions (tests/eval/questions.jsonl): recall@1/@5 and MRR, how far the cosines of every
question-item pair move between backends, and how many relevance decisions flip."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digestbot.answers import ask
from digestbot.app import build_core, build_embedder, relevance_policy
from digestbot.benchmark.lanes import BACKENDS, label, lane_settings
from digestbot.benchmark.report import Report
from digestbot.edge.console import samples_dir
from digestbot.evaluation import evaluate, load_questions
from digestbot.search import SearchEngine, parse_query
from digestbot.search.relevance import ITEM_FLOOR
from digestbot.settings import Settings

QUESTIONS = Path("tests/eval/questions.jsonl")
MODES = ("hybrid", "dense")


@dataclass(frozen=True)
class Agreement:
    """How two backends' cosines differ over every (question, item) pair, and what that changes."""

    pairs: int
    mean_abs_diff: float
    max_abs_diff: float
    flipped_pairs: int  # best-passage cosine on different sides of the item floor
    questions: int
    flipped_answers: int  # "something relevant was found" differs
    changed_top_hits: int


def run(settings: Settings, root: Path, seeds: Path, report: Report) -> None:
    """Both backends over one archive (seeds + samples); their eval figures and their agreement."""
    engines = _engines(settings, root / "quality", seeds)
    for name, engine in engines.items():
        result = evaluate(
            lambda q, mode, engine=engine: ask(engine, q, mode=mode),  # type: ignore[misc]
            engine.archive.issue_dates(),
            QUESTIONS,
            modes=MODES,
        )
        for mode in MODES:
            row = result.get(mode)
            figures = f"{row.recall_at_1 or 0:.3f} / {row.recall_at_5 or 0:.3f} / {row.mrr or 0:.3f}"
            report.add(f"eval {mode} (n={row.n}): R@1 / R@5 / MRR", figures, "within 0.01 of torch", name)
    first, second = engines.values()
    found = compare(first, second)
    report.add(
        "cosine |difference| per question-item pair, mean / max",
        f"{found.mean_abs_diff:.4f} / {found.max_abs_diff:.4f}",
        f"{found.pairs:,} pairs",
    )
    report.add(
        f"item-use decisions flipped (cosine vs the floor {ITEM_FLOOR})",
        f"{found.flipped_pairs} of {found.pairs:,} pairs",
    )
    report.add(
        "answers flipped relevant / top hit changed",
        f"{found.flipped_answers} / {found.changed_top_hits} of {found.questions} questions",
    )


def _engines(base: Settings, data: Path, seeds: Path) -> dict[str, SearchEngine]:
    engines: dict[str, SearchEngine] = {}
    for backend, quantization in BACKENDS:
        name = label(backend, quantization)
        settings = lane_settings(base, backend, quantization, data, data / "models")
        settings = settings.model_copy(update={"index_dir": data / f"index-{name}", "query_cache_size": 0})
        if not engines:  # one archive: the first backend ingests it, the others index the same items
            core = build_core(settings)
            core.ingest([str(seeds), str(samples_dir())])
            engines[name] = core.engine
            continue
        archive = next(iter(engines.values())).archive
        embedder = build_embedder(settings)
        engines[name] = SearchEngine(
            archive, embedder, settings.resolved_index_dir, relevance_policy(settings)
        )
        engines[name].ensure_index()
    return engines


def compare(first: SearchEngine, second: SearchEngine) -> Agreement:
    """Cosines of every eval question with every item's best passage, and the answers, under both engines."""
    diffs: list[np.ndarray] = []
    flipped = answers = tops = 0
    questions = load_questions(QUESTIONS)
    for question in questions:
        sims = [_similarities(engine, question.q) for engine in (first, second)]
        diffs.append(np.abs(sims[0] - sims[1]))
        flipped += int(np.sum((sims[0] >= ITEM_FLOOR) != (sims[1] >= ITEM_FLOOR)))
        results = [engine.search(question.q, k=5) for engine in (first, second)]
        answers += results[0].relevant != results[1].relevant
        top = [result.hits[0].item_id if result.hits else None for result in results]
        tops += top[0] != top[1]
    every = np.concatenate(diffs)
    return Agreement(
        len(every), float(every.mean()), float(every.max()), flipped, len(questions), answers, tops
    )


def _similarities(engine: SearchEngine, question: str) -> np.ndarray:
    snap = engine.snapshot()
    text = parse_query(question, snap.newest, snap.issue_dates).text
    return snap.item_similarity(range(len(snap.items)), engine.embedder.encode([text])[0])
