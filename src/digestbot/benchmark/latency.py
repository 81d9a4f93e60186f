"""Warm latency of every lane, measured question by question in turn so that the noise of a shared machine
falls on every backend alike: ``ask`` and its floor (query encoding + FAISS) with the query cache cleared
before each call, ``ask`` of a repeated question (cache on), and encoding a burst one by one or as a batch.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from digestbot.benchmark.lanes import Lane
from digestbot.benchmark.report import Report
from digestbot.benchmark.stats import percentile

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
ROUNDS = 10
WARM_UP = 20
BURST = 8


def measure_latency(lanes: Sequence[Lane], report: Report) -> None:
    """Every latency figure of every lane, with ratios to the first lane's floor (torch)."""
    questions = list(QUESTIONS) * ROUNDS
    for lane in lanes:
        for question in questions[:WARM_UP]:
            lane.core.ask(question)
    asks, floors, cached = _series(lanes, questions)
    reference = percentile(floors[lanes[0].label], 50)
    for lane in lanes:
        name = lane.label
        ask50, floor50 = percentile(asks[name], 50), percentile(floors[name], 50)
        report.add("warm ask p50 / p99 (query cache off)", _ms(asks[name]), column=name)
        report.add("floor: query encoding + FAISS, p50 / p99", _ms(floors[name]), column=name)
        report.add("ratio ask p50 / own floor p50", f"{ask50 / floor50:.2f}x", "<= 1.3x (torch)", column=name)
        report.add("ratio floor p50 / torch floor p50", f"{floor50 / reference:.2f}x", column=name)
        report.add("ratio ask p50 / torch floor p50", f"{ask50 / reference:.2f}x", "<= 0.5x", column=name)
        report.add("warm ask p50 / p99, repeated question (cache on)", _ms(cached[name]), column=name)
    for lane in lanes:
        one, batch = _burst(lane)
        report.add(
            f"encode {BURST} questions: one by one / one batch",
            f"{one:.1f} / {batch:.1f} ms",
            column=lane.label,
        )


def _series(
    lanes: Sequence[Lane], questions: list[str]
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    asks: dict[str, list[float]] = {lane.label: [] for lane in lanes}
    floors: dict[str, list[float]] = {lane.label: [] for lane in lanes}
    cached: dict[str, list[float]] = {lane.label: [] for lane in lanes}
    for question in questions:
        for lane in lanes:
            asks[lane.label].append(_ask(lane, question, cached=False))
            floors[lane.label].append(_floor(lane, question))
    for question in questions:
        for lane in lanes:
            cached[lane.label].append(_ask(lane, question, cached=True))
    return asks, floors, cached


def _ask(lane: Lane, question: str, *, cached: bool) -> float:
    if not cached:
        lane.cache.clear()
    start = time.perf_counter()
    lane.core.ask(question)
    return time.perf_counter() - start


def _floor(lane: Lane, question: str) -> float:
    """Encoding the question and the FAISS search, nothing else (as ``ask`` does it, uncached)."""
    snapshot, embedder = lane.core.engine.snapshot(), lane.core.engine.embedder
    lane.cache.clear()
    start = time.perf_counter()
    snapshot.vectors.index.search(embedder.encode([question]), 50)
    return time.perf_counter() - start


def _burst(lane: Lane) -> tuple[float, float]:
    """Median ms to encode ``BURST`` distinct questions one call each, and in one call."""
    embedder, texts = lane.core.engine.embedder, list(QUESTIONS[:BURST])
    singly, together = [], []
    for _ in range(ROUNDS):
        lane.cache.clear()
        start = time.perf_counter()
        for text in texts:
            embedder.encode([text])
        singly.append(time.perf_counter() - start)
        start = time.perf_counter()
        embedder.encode(texts)
        together.append(time.perf_counter() - start)
    return percentile(singly, 50) * 1000, percentile(together, 50) * 1000


def _ms(values: list[float]) -> str:
    return f"{percentile(values, 50) * 1000:.1f} / {percentile(values, 99) * 1000:.1f} ms"
