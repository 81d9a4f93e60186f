"""Shared fixtures. Every test runs hermetically: no DIGESTBOT_* variables, no config file, no .env."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http_support import StaticSite, serve_site

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Clear digestbot's environment and run from an empty folder, so no config/digestbot.toml or .env
    of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("DIGESTBOT_"):
            monkeypatch.delenv(name)
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
