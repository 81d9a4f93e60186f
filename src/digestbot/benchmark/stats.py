"""Small timing helpers: percentiles, a stopwatch, peak memory of a child process."""

from __future__ import annotations

import re
import resource
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path


def percentile(values: Sequence[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def self_peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run a command; return (wall seconds, its peak RSS in MB, exit status, stdout).

    The peak is the child's own VmHWM, polled from /proc: its ru_maxrss would include the parent's memory,
    which Linux carries into a child across fork and exec.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.DEVNULL)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _vm_hwm_mb(process.pid))
            time.sleep(0.02)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return time.perf_counter() - start, peak, process.returncode, text


def _vm_hwm_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0
