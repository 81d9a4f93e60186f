"""Signals for operators: /readyz (database and index), /metrics (Prometheus) counted where things happen,
/healthz still liveness, over the real ASGI app."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from digestbot.app import build_conversations
from digestbot.conversation import Message
from digestbot.core import Digestbot, Readiness
from digestbot.domain import Destination
from digestbot.edge.asgi import ServerThread
from digestbot.edge.ops import ReadinessProbe, operator_routes
from digestbot.edge.server import build_asgi_app
from digestbot.settings import SourceConfig
from tests.conftest import FIXTURES
from tests.fake_publisher import MemoryPublisher
from tests.fakes import fake_core, fake_settings
from tests.postgres import PostgresServer
from tests.slack.support import ISSUES

CHANNEL = Destination("slack", "C0OPS0001")


def serve(core: Digestbot) -> ServerThread:
    """The ASGI app ``serve`` runs, with the operator routes ``run_chat`` adds."""
    settings = fake_settings(data_dir=core.engine.index_dir.parent)
    return ServerThread(
        build_asgi_app(settings, build_conversations(core), extra_routes=operator_routes(core))
    )


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Digestbot]:
    built = fake_core(
        fake_settings(data_dir=tmp_path), ISSUES, publishers=[MemoryPublisher()], destinations=[CHANNEL]
    )
    yield built
    built.archive.db.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_questions_deliveries_polls_and_index_items(core: Digestbot, tmp_path: Path) -> None:
    with serve(core) as server:
        conversations = build_conversations(core)
        for surface, text in [("slack", "ransomware"), ("slack", "ceasefire"), ("teams", "elections")]:
            conversations.handle(Message(surface, Destination(surface, "C1"), "U1", text))
        conversations.handle(Message("slack", Destination("slack", "C1"), "U1", "help"))  # not a question
        assert len(core.deliver_new().posted) == 1
        folder = tmp_path / "digests"
        folder.mkdir()
        shutil.copy(FIXTURES / "layout_2024_bullets.txt", folder / "2024-03-12-digest.txt")
        before = time.time()
        assert not core.poll([SourceConfig(location=str(folder))]).failed
        exposition = httpx.get(f"{server.url}/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["content-type"].startswith("text/plain; version=")
    found = samples(exposition.text)
    assert found[("digestbot_questions_total", (("surface", "slack"),))] == 2
    assert found[("digestbot_questions_total", (("surface", "teams"),))] == 1
    assert found[("digestbot_answer_seconds_count", (("surface", "slack"),))] == 2
    assert found[("digestbot_answer_seconds_bucket", (("le", "+Inf"), ("surface", "teams")))] == 1
    assert found[("digestbot_deliveries_total", (("outcome", "posted"),))] == 1
    items = sum(count for issue in core.issues() for _, count in issue.sections)
    assert len(core.issues()) == 3 and items > 4  # the polled issue is in the index too
    assert found[("digestbot_index_items", ())] == items == core.index_items()
    assert before <= found[("digestbot_last_successful_poll_timestamp_seconds", ())] <= time.time()


def test_a_poll_with_a_broken_source_is_not_a_successful_one(core: Digestbot, tmp_path: Path) -> None:
    with serve(core) as server:
        assert core.poll([SourceConfig(location=str(tmp_path / "missing"))]).failed
        found = samples(httpx.get(f"{server.url}/metrics").text)
    assert found[("digestbot_last_successful_poll_timestamp_seconds", ())] == 0


def test_readyz_waits_for_the_index_and_healthz_does_not(core: Digestbot, tmp_path: Path) -> None:
    fresh = fake_core(fake_settings(data_dir=tmp_path))  # a new process over the same archive
    with serve(fresh) as server:
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        waiting = httpx.get(f"{server.url}/readyz")
        assert waiting.status_code == 503
        assert waiting.json() == {"status": "unavailable", "reason": "the search index is not loaded yet"}
        fresh.warm_up()
        ready = httpx.get(f"{server.url}/readyz")
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    fresh.archive.db.close()


@pytest.mark.postgres
def test_readyz_says_when_the_database_is_gone(postgres: PostgresServer, tmp_path: Path) -> None:
    name = postgres.create_database()
    core = fake_core(fake_settings(data_dir=tmp_path, database_url=postgres.url(name)), ISSUES)
    core.warm_up()
    with serve(core) as server:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        postgres.drop_database(name)
        gone = httpx.get(f"{server.url}/readyz")
        assert httpx.get(f"{server.url}/healthz").status_code == 200  # alive, not ready
    assert gone.status_code == 503
    assert gone.json() == {"status": "unavailable", "reason": "database: unavailable"}  # no URL: public
    core.archive.db.close()


def test_a_database_that_hangs_is_probed_once_and_answered_in_time() -> None:
    calls, release = [], threading.Event()

    def hanging() -> Readiness:
        calls.append(1)
        release.wait(5)
        return Readiness(True)

    probe = ReadinessProbe(hanging, timeout=0.05)

    async def three_at_once() -> list[Readiness]:
        answers = await asyncio.gather(probe(), probe(), probe())
        release.set()  # the database answers at last
        return answers

    answers = asyncio.run(three_at_once())
    assert answers == [Readiness(False, "database: unavailable")] * 3
    assert calls == [1]
