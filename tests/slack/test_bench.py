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
        "slack: answers before the last ack",
    ]


def test_answers_before_the_last_ack_are_counted_without_failed_acks() -> None:
    result = slack_load.LoadResult(4, acks=[0.1, 0.3, float("inf"), 0.2], answers=[0.25, 0.35, 0.9])
    assert slack_load.answered_before_last_ack(result) == 1
    report = Rows()
    slack_load.add_figures(report, result)
    assert report.rows[-1] == ("slack: answers before the last ack", "1 / 3", "0 (acks first)")
