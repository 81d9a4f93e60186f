"""The answer-quality gate: tests/eval/questions.jsonl over the seeds and the bundled samples, real model.

Hybrid ranking must find the expected item in its top five for at least 95% of the questions, and put it
first more often than either dense-only or BM25-only ranking.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digestbot.app import build_core
from digestbot.console import samples_dir
from digestbot.evaluation import format_report
from digestbot.render.plain import answer_text
from digestbot.settings import load_settings

QUESTIONS = Path(__file__).parent / "eval" / "questions.jsonl"


@pytest.mark.slow
def test_hybrid_reaches_the_bar_and_beats_both_single_rankers(tmp_path: Path, seeds_dir: Path) -> None:
    core = build_core(load_settings(data_dir=tmp_path))
    report_ingest = core.ingest([str(seeds_dir), str(samples_dir())])
    assert not report_ingest.failed, report_ingest.failed[0].error
    report = core.evaluate(QUESTIONS)
    hybrid, dense, bm25 = (report.get(mode) for mode in ("hybrid", "dense", "bm25"))
    assert hybrid.n >= 40
    assert hybrid.recall_at_5 >= 0.95, format_report(report)
    assert hybrid.recall_at_1 > dense.recall_at_1, format_report(report)
    assert hybrid.recall_at_1 > bm25.recall_at_1, format_report(report)
    for kind in ("keyword", "paraphrase", "date", "entity"):
        assert report.get("hybrid", kind).n > 0, f"no {kind} questions in the eval set"


@pytest.mark.slow
def test_done_when_queries_over_the_seeds(tmp_path: Path, seeds_dir: Path) -> None:
    core = build_core(load_settings(data_dir=tmp_path))
    core.ingest([str(seeds_dir), str(samples_dir())])
    rockyou = core.ask("RockYou2024 leak")
    assert (rockyou.hits[0].date.isoformat(), rockyou.hits[0].section) == (
        "2024-07-09",
        "Cyber / Defense Technology",
    )
    france = core.ask("what did the July 2 issue say about France?")
    assert france.hits and {hit.date.isoformat() for hit in france.hits} == {"2024-07-02"}
    assert "Weekly Security Digest, 2 Jul 2024 · International Affairs" in answer_text(france)
