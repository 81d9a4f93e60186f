"""Hostile sizes (issue 9): an issue of tens of thousands of items loaded, and a huge file refused.

Loading an issue used to be quadratic in its items (40k items: 7 s for ``show``). The parser now refuses
more than 5,000 items per issue, so the large issues are stored directly through the archive, as an
older version of digestbot or a database restored from elsewhere could hold them. Then the issue's own
reproductions are ingested in a child process: the 40k-item file, and a 12 MB file of 240k bullets (it
took 64 s and 1.9 GB before), each refused with one line.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Protocol

from digestbot.benchmark.stats import run_child
from digestbot.domain import Issue, Item, Section
from digestbot.render.data import issue_dict
from digestbot.store import Archive, Database

SIZES = (10_000, 20_000, 40_000)
FIRST = dt.date(2024, 7, 30)
TITLE_BLOCK = "Weekly Security Digest - July 30, 2024\n\nCyber\n\n"


class Figures(Protocol):
    """Where figures go (``runner.Report``)."""

    def add(self, name: str, value: str, target: str = "") -> None: ...


def run(report: Figures, root: Path) -> None:
    """Time ``show`` on stored issues of 10k, 20k and 40k items (best of three), the issue list, and the
    refused ingests (child processes: their time includes start-up)."""
    db = Database(f"sqlite:///{root / 'large.sqlite3'}")
    try:
        archive = Archive(db)
        times = [_show_seconds(archive, size, FIRST + dt.timedelta(weeks=n)) for n, size in enumerate(SIZES)]
        per_10k = ", ".join(
            f"{seconds / (size / 10_000):.2f}" for seconds, size in zip(times, SIZES, strict=True)
        )
        shown = " / ".join(f"{seconds:.2f}" for seconds in times)
        report.add("show, 10k / 20k / 40k-item issue", f"{shown} s", f"linear: {per_10k} s per 10k items")
        start = time.perf_counter()
        archive.list_issues()
        report.add("issues, listing 70k stored items", f"{time.perf_counter() - start:.3f} s")
    finally:
        db.close()
    _refused_ingest(report, root, "40k-item issue (issue 9's reproduction)", "  \u2022 Same item.\n" * 40_000)
    _refused_ingest(
        report, root, "240k-bullet 12 MB file", "  \u2022 Same item number seventy-seven.\n" * 240_000
    )


def _show_seconds(archive: Archive, size: int, day: dt.date) -> float:
    items = tuple(Item(f"Same item {n}.", (f"Why item {n} matters.",)) for n in range(size))
    half = size // 2
    sections = (Section("Cyber", items[:half], "Global Security Matters"), Section("Europe", items[half:]))
    archive.save_issue(Issue(day, "Weekly Security Digest", sections), source="bench")
    return min(_timed_show(archive, day) for _ in range(3))  # best of three: the machine is shared


def _timed_show(archive: Archive, day: dt.date) -> float:
    start = time.perf_counter()
    issue = archive.get_issue(day)
    assert issue is not None
    issue_dict(issue)  # what ``digestbot show --json`` renders
    return time.perf_counter() - start


def _refused_ingest(report: Figures, root: Path, name: str, bullets: str) -> None:
    path = root / "hostile.txt"
    path.write_text(TITLE_BLOCK + bullets, encoding="utf-8")
    argv = [sys.executable, "-m", "digestbot", "--data-dir", str(root / "hostile"), "ingest", str(path)]
    seconds, rss, status, _ = run_child(argv, {**os.environ, "HF_HUB_OFFLINE": "1"})
    report.add(f"ingest of a {name}", f"{seconds:.2f} s, {rss:.0f} MB peak", f"refused: exit {status}")
