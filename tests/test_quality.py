"""The answer-quality gates, with the real model.

1. The held-out half of the Harbourline eval (tests/eval/heldout.jsonl over tests/eval/archive/issues): the
   half nobody tuned on. The bar is a few points under what it measured when the answer code was last
   tuned (see tests/eval/README.md), so a change that costs recall, precision or honesty fails here.
2. tests/eval/questions.jsonl over the two real seed issues and the bundled samples.
3. The precision cases the first round got wrong on the seeds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from digestbot.app import build_core
from digestbot.core import Digestbot
from digestbot.edge.console import samples_dir
from digestbot.evaluation import format_report
from digestbot.render.plain import answer_text
from digestbot.settings import load_settings

EVAL = Path(__file__).parent / "eval"
HELD_OUT_BAR = {
    "recall_at_1": 0.72,
    "recall_at_5": 0.94,
    "nothing_ok": 0.6,
    "scope": 0.9,
    "precision": 0.9,
}
PARAPHRASE_R5 = 0.82  # 0.88 (15 of 17) when last tuned: one more miss is allowed, two are not
MAX_FALSE_NOTHING = 0.02
# The strangers' paraphrases (heldout_blind.jsonl), written by someone who saw only the item: R@5 0.60 and
# 2% false "nothing found" when the answer code was last tuned (tests/eval/README.md).
BLIND_BAR = {"recall_at_5": 0.55}
BLIND_MAX_FALSE_NOTHING = 0.04
# Questions about real-world things the archive never mentions (heldout_nothing.jsonl): 0.33 then.
UNANSWERABLE_NOTHING_OK = 0.25
HARBOURLINE_SETS = (
    "tune.jsonl", "heldout.jsonl", "tune_blind.jsonl", "heldout_blind.jsonl", "tune_nothing.jsonl",
    "heldout_nothing.jsonl",
)  # fmt: skip
MAX_P95_CHARS = 1200


@pytest.fixture(scope="module")
def harbourline(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Digestbot:
    data = tmp_path_factory.mktemp("harbourline")
    core = build_core(load_settings(data_dir=data, model_cache_dir=model_cache))
    report = core.ingest([str(EVAL / "archive" / "issues")])
    assert not report.failed, report.failed[0].error
    return core


@pytest.fixture
def seeds_core(tmp_path: Path, seeds_dir: Path) -> Digestbot:
    core = build_core(load_settings(data_dir=tmp_path))
    report = core.ingest([str(seeds_dir), str(samples_dir())])
    assert not report.failed, report.failed[0].error
    return core


@pytest.mark.slow
def test_the_held_out_half_holds_the_bar(harbourline: Digestbot) -> None:
    report = harbourline.evaluate(EVAL / "heldout.jsonl")
    hybrid = report.get("hybrid")
    for figure, bar in HELD_OUT_BAR.items():
        assert (getattr(hybrid, figure) or 0.0) >= bar, f"{figure} under {bar}\n{format_report(report)}"
    assert (hybrid.false_nothing or 0.0) <= MAX_FALSE_NOTHING, format_report(report)
    assert (report.get("hybrid", "paraphrase").recall_at_5 or 0.0) >= PARAPHRASE_R5, format_report(report)
    assert hybrid.p95 <= MAX_P95_CHARS, format_report(report)
    assert (
        hybrid.recall_at_1 is not None and (hybrid.lead or 0.0) <= hybrid.recall_at_1
    )  # a lead quotes the best item (the closest items found have none)


@pytest.mark.slow
def test_the_strangers_paraphrases_hold_their_bar(harbourline: Digestbot) -> None:
    report = harbourline.evaluate(EVAL / "heldout_blind.jsonl")
    hybrid = report.get("hybrid")
    for figure, bar in BLIND_BAR.items():
        assert (getattr(hybrid, figure) or 0.0) >= bar, f"{figure} under {bar}\n{format_report(report)}"
    assert (hybrid.false_nothing or 0.0) <= BLIND_MAX_FALSE_NOTHING, format_report(report)


@pytest.mark.slow
def test_questions_the_archive_cannot_answer_often_get_an_honest_nothing(harbourline: Digestbot) -> None:
    report = harbourline.evaluate(EVAL / "heldout_nothing.jsonl")
    assert (report.get("hybrid").nothing_ok or 0.0) >= UNANSWERABLE_NOTHING_OK, format_report(report)


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in HARBOURLINE_SETS if "nothing" not in name])
def test_hybrid_recall_at_5_is_never_below_dense_only(harbourline: Digestbot, name: str) -> None:
    report = harbourline.evaluate(EVAL / name)
    hybrid, dense = report.get("hybrid"), report.get("dense")
    assert (hybrid.recall_at_5 or 0.0) >= (dense.recall_at_5 or 0.0), format_report(report)


@pytest.mark.slow
def test_hybrid_recall_at_5_is_never_below_dense_only_on_the_seeds(seeds_core: Digestbot) -> None:
    report = seeds_core.evaluate(EVAL / "questions.jsonl")
    hybrid, dense = report.get("hybrid"), report.get("dense")
    assert (hybrid.recall_at_5 or 0.0) >= (dense.recall_at_5 or 0.0), format_report(report)


@pytest.mark.slow
def test_the_seed_questions_hold_the_bar(seeds_core: Digestbot) -> None:
    report = seeds_core.evaluate(EVAL / "questions.jsonl")
    hybrid = report.get("hybrid")
    assert (hybrid.recall_at_5 or 0.0) >= 0.95, format_report(report)
    assert (hybrid.recall_at_1 or 0.0) >= 0.9, format_report(report)
    for kind in ("keyword", "paraphrase", "date", "entity"):
        assert report.get("hybrid", kind).n > 0, f"no {kind} questions in the eval set"


@pytest.mark.slow
def test_answers_use_only_items_about_what_was_asked(seeds_core: Digestbot) -> None:
    iran = answer_text(seeds_core.ask("what happened in Iran's election?"))
    assert "Pezeshkian" in iran and "French" not in iran.split("Related:")[0]
    french = seeds_core.ask("what did we say about the French elections?")
    assert french.found and all("Pezeshkian" not in hit.text for hit in french.hits)
    assert not seeds_core.ask("Lithuania cyberattack").found  # the seeds never mention Lithuania
    assert not seeds_core.ask("quantum computing breakthroughs in Antarctica").found


@pytest.mark.slow
def test_done_when_queries_over_the_seeds(seeds_core: Digestbot) -> None:
    rockyou = seeds_core.ask("RockYou2024 leak")
    assert (rockyou.hits[0].date.isoformat(), rockyou.hits[0].section) == (
        "2024-07-09",
        "Cyber / Defense Technology",
    )
    france = seeds_core.ask("what did the July 2 issue say about France?")
    assert france.hits and {hit.date.isoformat() for hit in france.hits} == {"2024-07-02"}
    assert "Weekly Security Digest, 2 Jul 2024 · International Affairs" in answer_text(france)
    latest = seeds_core.ask("iran")  # a bare topic: the newest item about it leads
    assert latest.newest_first and latest.hits[0].date.isoformat() == "2026-01-13"
