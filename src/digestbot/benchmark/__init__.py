"""``digestbot bench``: the performance report (see bench/README.md for targets and recorded figures)."""

from digestbot.benchmark.runner import run_benchmarks

__all__ = ["run_benchmarks"]
