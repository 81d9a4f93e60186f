"""The Slack load benchmark end to end, small: the real ``digestbot serve`` (real model) under signed load."""

from __future__ import annotations

import pytest

from digestbot.benchmark import slack_load


class Rows:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, name: str, value: str, target: str = "", column: str = "") -> None:
        self.rows.append((name, value, target))


@pytest.mark.slow
def test_the_load_bench_gets_every_answer() -> None:
    report = Rows()
    result = slack_load.run(report, requests=10)
    assert len(result.answers) == 10
    assert max(result.acks) < 3.0
    assert [name for name, _, _ in report.rows] == [
        "slack: 10 concurrent /digest, ack p50 / p99",
        "slack: time to answer p50 / p99",
        "slack: answers received",
    ]
