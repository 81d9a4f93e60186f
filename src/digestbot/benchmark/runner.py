"""The archive benchmark: ingest, reindex, a new issue, warm latency against its floor, start-up, memory."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from digestbot.app import build_core
from digestbot.benchmark import large_issue
from digestbot.benchmark.stats import percentile, run_child, self_peak_rss_mb
from digestbot.benchmark.synthetic import FIRST_WEEK, new_issue_text, write_archive
from digestbot.benchmark.vector_cache import VectorCache
from digestbot.console import samples_dir
from digestbot.core import Digestbot
from digestbot.settings import Settings

QUESTIONS = (
    "ransomware attack on a hospital group",
    "what happened in the election?",
    "ceasefire talks at the border",
    "protests against fuel prices",
    "data leak of customer records",
    "defense pact between neighbours",
    "pipeline sabotage investigation",
    "who was arrested for the bombing plot?",
    "sanctions on the shipping firm",
    "cyber espionage campaign against ministries",
    "IMF loan negotiations",
    "drone strikes near the port",
)


@dataclass
class Report:
    """Figures in order, printed as a table."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, name: str, value: str, target: str = "") -> None:
        self.rows.append((name, value, target))
        print(f"  {name:<44} {value:<28} {target}", flush=True)


def run_benchmarks(
    settings: Settings, *, quick: bool = False, extra: list[Callable[[Report], None]] | None = None
) -> Report:
    """Build the synthetic archive in a temporary data dir and print every figure."""
    weeks = 60 if quick else 520
    logging.getLogger("digestbot").setLevel(logging.WARNING)  # the figures, not 520 "ingested" lines
    cache = VectorCache(Path("bench/.cache"))
    report = Report()
    print(f"digestbot bench — {weeks} weekly issues, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="digestbot-bench-") as tmp:
        root = Path(tmp)
        items = write_archive(root / "archive", samples_dir(), weeks)
        core = build_core(
            settings.model_copy(update={"data_dir": root / "data", "database_url": None, "index_dir": None})
        )
        _ingest(core, root, items, cache, report)
        _reindex(core, report)
        _new_issue(core, root, weeks, report)
        _latency(core, report)
        _startup(root, report)
        report.add("peak RSS, benchmark process", f"{self_peak_rss_mb():.0f} MB")
        large_issue.run(report, root)
    for run in extra or []:
        run(report)
    return report


def _ingest(core: Digestbot, root: Path, items: int, cache: VectorCache, report: Report) -> None:
    model = core.engine.embedder.name
    preloaded = cache.preload(core.archive, model)
    start = time.perf_counter()
    result = core.ingest([str(root / "archive")])
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed[0].error
    passages = set(core.engine.snapshot().vectors.hashes)
    how = f"{len(passages & preloaded):,} of {len(passages):,} passage vectors cached"
    report.add(
        "whole-archive ingest", f"{items / seconds:,.0f} items/s", f"{items:,} items, {seconds:.1f} s; {how}"
    )
    cache.save(core.archive, model, core.engine.snapshot().vectors.hashes)


def _reindex(core: Digestbot, report: Report) -> None:
    start = time.perf_counter()
    core.engine.reindex()
    report.add("reindex from stored vectors", f"{time.perf_counter() - start:.2f} s", "target < 5 s")


def _new_issue(core: Digestbot, root: Path, weeks: int, report: Report) -> None:
    core.engine.embedder.encode(["warm up"])  # a running bot loaded its model at start-up
    day = FIRST_WEEK + dt.timedelta(weeks=weeks)
    path = root / f"{day.isoformat()}.txt"
    path.write_text(new_issue_text(day, "Zentrovax Collective"), encoding="utf-8")
    start = time.perf_counter()
    core.ingest([str(path)])
    answer = core.ask("Zentrovax Collective")
    seconds = time.perf_counter() - start
    found = bool(answer.hits) and answer.hits[0].date == day
    report.add("new issue ingested and searchable", f"{seconds:.2f} s", f"target < 3 s; found first: {found}")


def _latency(core: Digestbot, report: Report) -> None:
    questions = list(QUESTIONS) * 10
    for question in questions[:20]:
        core.ask(question)
    asks = _timed(lambda q: core.ask(q), questions)
    snapshot = core.engine.snapshot()
    floors = _timed(lambda q: snapshot.vectors.index.search(core.engine.embedder.encode([q]), 50), questions)
    p50, floor50 = percentile(asks, 50), percentile(floors, 50)
    report.add("warm ask latency p50 / p99", f"{p50 * 1000:.1f} / {percentile(asks, 99) * 1000:.1f} ms")
    report.add(
        "floor (encode + FAISS) p50 / p99", f"{floor50 * 1000:.1f} / {percentile(floors, 99) * 1000:.1f} ms"
    )
    report.add("ratio p50 ask / floor", f"{p50 / floor50:.2f}x", "target <= 1.3x")


def _timed(call: Callable[[str], object], questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        start = time.perf_counter()
        call(question)
        times.append(time.perf_counter() - start)
    return times


def _startup(root: Path, report: Report) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    argv = [
        sys.executable,
        "-m",
        "digestbot",
        "--data-dir",
        str(root / "data"),
        "ask",
        "ransomware",
        "--json",
    ]
    seconds, rss, status, _ = run_child(argv, env)
    report.add("start-up to first answer (new process)", f"{seconds:.2f} s", f"exit {status}")
    report.add("peak RSS, new process answering one question", f"{rss:.0f} MB", "target < 800 MB")
