"""``digestbot bench``: every backend side by side in one run — model preparation, first-run and cached
ingest, reindex, a new issue, warm latency against the torch floor, start-up, memory, the Slack burst, and
(given the seed issues) retrieval quality and agreement between the backends."""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from digestbot.app import build_core
from digestbot.benchmark import agreement, large_issue, slack_load
from digestbot.benchmark.lanes import BACKENDS, Lane, open_lane, prepare_model
from digestbot.benchmark.latency import measure_latency
from digestbot.benchmark.report import Report
from digestbot.benchmark.stats import run_child, self_peak_rss_mb
from digestbot.benchmark.synthetic import FIRST_WEEK, new_issue_text, write_archive
from digestbot.benchmark.vector_cache import VectorCache
from digestbot.edge.console import samples_dir
from digestbot.settings import Settings

STARTS = 3  # new processes per lane; the median is reported


def run_benchmarks(settings: Settings, *, quick: bool = False, seeds: Path | None = None) -> Report:
    """Build the synthetic archive in a temporary folder, measure every lane, print the side-by-side table."""
    weeks, first_weeks, requests = (60, 15, 20) if quick else (520, 130, 200)
    logging.getLogger("digestbot").setLevel(logging.WARNING)  # the figures, not 520 "ingested" lines
    report = Report()
    print(f"digestbot bench — {weeks} weekly issues, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="digestbot-bench-") as tmp:
        root = Path(tmp)
        items = write_archive(root / "archive", samples_dir(), weeks)
        first = write_archive(root / "first", samples_dir(), first_weeks, seed=11)
        lanes = [open_lane(settings, backend, quantization, root) for backend, quantization in BACKENDS]
        for lane in lanes:
            _archive_figures(lane, root, items, first, weeks, report)
        measure_latency(lanes, report)
        _startup(lanes, report)
        report.add("peak RSS, the benchmark process (every lane)", f"{self_peak_rss_mb():.0f} MB")
        _slack(lanes, requests, report)
        large_issue.run(report, root)
        if seeds is not None:
            agreement.run(settings, root, seeds, report)
    print("\n" + report.table())
    return report


def _archive_figures(lane: Lane, root: Path, items: int, first: int, weeks: int, report: Report) -> None:
    ready = prepare_model(lane)
    report.add("model ready (ONNX export on a first run; load)", f"{ready:.1f} s", column=lane.label)
    _first_run(lane, root, first, report)
    _ingest(lane, root, items, report)
    start = time.perf_counter()
    lane.core.engine.reindex()
    report.add("reindex from stored vectors", f"{time.perf_counter() - start:.2f} s", "< 5 s", lane.label)
    _new_issue(lane, root, weeks, report)


def _first_run(lane: Lane, root: Path, items: int, report: Report) -> None:
    """Ingest into an empty data dir, embedding every passage (the model is already loaded)."""
    update = {"data_dir": root / f"first-{lane.label}"}
    core = build_core(lane.settings.model_copy(update=update), embedder=lane.core.engine.embedder)
    start = time.perf_counter()
    result = core.ingest([str(root / "first")])
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed[0].error
    passages = len(core.engine.snapshot().vectors.hashes)
    report.add(
        "first-run ingest (embedding every passage)",
        f"{items / seconds:,.0f} items/s",
        f">= 150 items/s; {items:,} items, {passages:,} passages, {seconds:.0f} s",
        lane.label,
    )


def _ingest(lane: Lane, root: Path, items: int, report: Report) -> None:
    core, cache = lane.core, VectorCache(Path("bench/.cache"))
    model = core.engine.embedder.name
    preloaded = cache.preload(core.archive, model)
    start = time.perf_counter()
    result = core.ingest([str(root / "archive")])
    seconds = time.perf_counter() - start
    assert not result.failed, result.failed[0].error
    passages = set(core.engine.snapshot().vectors.hashes)
    how = (
        f"{items:,} items, {seconds:.1f} s; {len(passages & preloaded):,} of {len(passages):,} vectors cached"
    )
    report.add("whole-archive ingest", f"{items / seconds:,.0f} items/s", how, lane.label)
    cache.save(core.archive, model, core.engine.snapshot().vectors.hashes)


def _new_issue(lane: Lane, root: Path, weeks: int, report: Report) -> None:
    day = FIRST_WEEK + dt.timedelta(weeks=weeks)
    path = root / f"new-{lane.label}" / f"{day.isoformat()}.txt"
    path.parent.mkdir()
    path.write_text(new_issue_text(day, "Zentrovax Collective"), encoding="utf-8")
    start = time.perf_counter()
    lane.core.ingest([str(path)])
    answer = lane.core.ask("Zentrovax Collective")
    seconds = time.perf_counter() - start
    found = bool(answer.hits) and answer.hits[0].date == day
    report.add("new issue ingested and searchable", f"{seconds:.2f} s", f"< 3 s; found: {found}", lane.label)


def _startup(lanes: list[Lane], report: Report) -> None:
    """New processes answering one question, lanes in turn; median time, highest peak memory."""
    times: dict[str, list[float]] = {lane.label: [] for lane in lanes}
    peaks: dict[str, list[float]] = {lane.label: [] for lane in lanes}
    for _ in range(STARTS):
        for lane in lanes:
            argv = [sys.executable, "-m", "digestbot", "--data-dir", str(lane.settings.data_dir)]
            env = {**slack_load.bench_env(lane.env()), "HF_HUB_OFFLINE": "1"}
            seconds, rss, status, _ = run_child([*argv, "ask", "ransomware", "--json"], env)
            assert status == 0, f"{lane.label}: digestbot ask exited {status}"
            times[lane.label].append(seconds)
            peaks[lane.label].append(rss)
    for lane in lanes:
        seconds = statistics.median(times[lane.label])
        report.add(
            "start-up to first answer (new process)", f"{seconds:.2f} s", f"median of {STARTS}", lane.label
        )
        report.add(
            "peak RSS, new process answering one question",
            f"{max(peaks[lane.label]):.0f} MB",
            "<= 500 MB",
            lane.label,
        )


def _slack(lanes: list[Lane], requests: int, report: Report) -> None:
    for cache in (True, False):
        note = "" if cache else ", query cache off"
        for lane in lanes:
            slack_load.run(
                report, requests=requests, env=lane.env(query_cache=cache), column=lane.label, note=note
            )
