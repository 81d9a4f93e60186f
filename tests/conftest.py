"""Shared fixtures. Every test runs hermetically: no DIGESTBOT_* variables, no config file, no .env."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from digestbot.store import Database
from tests.http_support import StaticSite, serve_site
from tests.postgres import PostgresServer, start_postgres

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One exported ONNX model for the whole session, as a deployment keeps one across restarts (each
    export takes 10-20 s); the export itself is tested with folders of its own."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def hermetic(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, model_cache: Path
) -> Iterator[None]:
    """Clear digestbot's environment and run from an empty folder, so no config/digestbot.toml or .env
    of the developer's leaks into a test; share the session's exported model."""
    for name in list(os.environ):
        if name.startswith("DIGESTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DIGESTBOT_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    yield


@pytest.fixture
def seeds_dir() -> Path:
    """The two real digest issues in ../shared/seeds (read-only; their text never enters the project)."""
    if not SEEDS.is_dir():
        pytest.skip(f"real seed digests not available at {SEEDS} (they live beside the repo in shared/)")
    return SEEDS


@pytest.fixture
def site() -> Iterator[StaticSite]:
    """A static site (pages and feeds) on a free loopback port, stopped after the test."""
    with serve_site(StaticSite()) as running:
        yield running


# -- databases: every store test runs on SQLite and on a real PostgreSQL ----------------------------------

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (see ``start_postgres``)."""
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'digestbot.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The store on that database, at the current schema."""
    database = Database(database_url)
    yield database
    database.close()
