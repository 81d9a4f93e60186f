"""Signals for operators: ``/readyz`` (can this replica serve?) and ``/metrics`` (Prometheus).

``/healthz`` (in ``server``) stays liveness: the process answers. ``/readyz`` answers 200 only while the
database answers and the search index is loaded, else 503 with the reason (never a database URL or an
error's text: anyone may call it; the details go to the log), so a load balancer sends no
traffic to a replica that cannot answer. The metrics are kept by ``PrometheusSink``, the core's
``MetricsSink``, in a registry of its own (no global state, several in one process for the tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from digestbot.core import DATABASE_UNAVAILABLE, Digestbot, Readiness
from digestbot.edge.asgi import Throttled

READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
PROBE_SECONDS = 5.0  # a database that has not answered by then is not ready
# Answers take tens of milliseconds on a warm index; seconds mean a cold model or a busy machine.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class PrometheusSink:
    """Counts what the core reports, and reads the index size when scraped."""

    def __init__(self, *, index_items: Callable[[], int], registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.questions = Counter(
            "digestbot_questions", "Questions asked, by chat surface.", ["surface"], registry=self.registry
        )
        self.latency = Histogram(
            "digestbot_answer_seconds",
            "Time to answer a question, by chat surface.",
            ["surface"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "digestbot_deliveries",
            "Weekly deliveries of an issue to a destination, by outcome"
            " (posted, reconciled, failed, skipped, busy).",
            ["outcome"],
            registry=self.registry,
        )
        self.last_poll = Gauge(
            "digestbot_last_successful_poll_timestamp_seconds",
            "When every source was last read and every new document ingested (Unix time).",
            registry=self.registry,
        )
        items = Gauge(
            "digestbot_index_items", "Items in this replica's search index.", registry=self.registry
        )
        items.set_function(lambda: float(index_items()))

    def question(self, surface: str, seconds: float) -> None:
        """Count a question and its answer time."""
        self.questions.labels(surface=surface).inc()
        self.latency.labels(surface=surface).observe(seconds)

    def delivered(self, outcome: str, count: int) -> None:
        """Count deliveries that ended with ``outcome``."""
        self.deliveries.labels(outcome=outcome).inc(count)

    def polled(self, at: float) -> None:
        """Record a successful poll."""
        self.last_poll.set(at)

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The metrics and their content type, in the format the scraper accepts (Prometheus' text
        format, or OpenMetrics)."""
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type


class ReadinessProbe:
    """Runs the (blocking) readiness check off the event loop, one at a time: while a check is under way,
    every request waits for that one, so a database that hangs cannot pile up threads."""

    def __init__(self, check: Callable[[], Readiness], *, timeout: float = PROBE_SECONDS) -> None:
        self.check = check
        self.timeout = timeout
        self._running: asyncio.Future[Readiness] | None = None
        self.slow = Throttled(f"readyz: the database did not answer within {timeout:g} s (%d time(s))")

    async def __call__(self) -> Readiness:
        """The check's result, or not ready when it did not finish within ``timeout`` seconds."""
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(asyncio.to_thread(self.check))
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), self.timeout)
        except TimeoutError:
            self.slow.note()
            return Readiness(False, DATABASE_UNAVAILABLE)


def ops_routes(check: Callable[[], Readiness], sink: PrometheusSink) -> list[BaseRoute]:
    """``GET /readyz`` over ``check`` (the core's ``ready``) and ``GET /metrics`` over ``sink``."""
    probe = ReadinessProbe(check)

    async def readyz(_request: Request) -> Response:
        """200 ``{"status": "ready"}``, or 503 ``{"status": "unavailable", "reason": ...}``."""
        found = await probe()
        if found.ready:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "reason": found.reason}, status_code=503)

    async def metrics(request: Request) -> Response:
        """The exposition a Prometheus scrape asks for."""
        body, content_type = sink.exposition(request.headers.get("accept"))
        return Response(body, headers={"Content-Type": content_type})

    return [Route(READY_PATH, readyz, methods=["GET"]), Route(METRICS_PATH, metrics, methods=["GET"])]


def operator_routes(core: Digestbot) -> list[BaseRoute]:
    """``/readyz`` and ``/metrics`` for a core, which counts into the new sink from now on."""
    sink = PrometheusSink(index_items=core.index_items)
    core.observe(sink)
    return ops_routes(core.ready, sink)
