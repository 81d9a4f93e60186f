"""What the core counts for operators, through a port: the core says what happened, a sink (the Prometheus
exporter of ``digestbot serve``) keeps count. Without a sink nothing is kept, and the core never imports a
metrics library."""

from __future__ import annotations

from typing import Protocol


class MetricsSink(Protocol):
    """Receives the core's events (``digestbot.edge.ops.PrometheusSink`` implements it)."""

    def question(self, surface: str, seconds: float) -> None:
        """A question was asked on a surface (slack, teams, console) and took ``seconds`` to answer."""
        ...

    def delivered(self, outcome: str, count: int) -> None:
        """``count`` deliveries ended with ``outcome`` (posted, reconciled, failed, skipped, busy)."""
        ...

    def polled(self, at: float) -> None:
        """Every configured source was read and every new document ingested, at ``at`` (Unix time)."""
        ...


class Metrics:
    """The core's side of the port: one shared object, so a sink attached after start-up (by ``serve``)
    hears every part that holds it."""

    def __init__(self, sink: MetricsSink | None = None) -> None:
        self.sink = sink

    def attach(self, sink: MetricsSink) -> None:
        """Send every later event to ``sink`` (replacing an earlier one)."""
        self.sink = sink

    def question(self, surface: str, seconds: float) -> None:
        """See ``MetricsSink.question``."""
        if self.sink is not None:
            self.sink.question(surface, seconds)

    def delivered(self, outcome: str, count: int) -> None:
        """See ``MetricsSink.delivered``."""
        if self.sink is not None and count:
            self.sink.delivered(outcome, count)

    def polled(self, at: float) -> None:
        """See ``MetricsSink.polled``."""
        if self.sink is not None:
            self.sink.polled(at)
