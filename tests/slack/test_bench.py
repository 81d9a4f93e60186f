"""bench/slack_load.py end to end, small: the real ``digestbot serve`` (real model) under signed load."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "slack_load.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("slack_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


class Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, name: str, value: str, target: str = "") -> None:
        self.rows.append((name, value, target))


@pytest.mark.slow
def test_the_load_bench_gets_every_answer() -> None:
    report = Rows()
    result = load_bench().run(report, requests=10)
    assert len(result.answers) == 10
    assert max(result.acks) < 3.0
    assert [name for name, _, _ in report.rows] == [
        "slack: 10 concurrent /digest, ack p50 / p99",
        "slack: time to answer p50 / p99",
        "slack: answers received",
    ]
