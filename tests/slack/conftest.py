"""Fixtures for the Slack surface: a fake Slack Web API, a fake core over a real chat-state database,
the real ASGI app under uvicorn, and a driver that sends signed requests to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.app import build_core
from digestbot.asgi import ServerThread
from digestbot.core import Digestbot
from digestbot.embed import HashingEmbedder
from digestbot.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.slack.emulator import SlackEmulator
from digestbot.store import ChatState, Database
from tests.slack.support import BOT_TOKEN, ISSUES, SIGNING_SECRET, FakeCore, SlackDriver


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    yield database
    database.close()


@pytest.fixture
def core(db: Database) -> FakeCore:
    return FakeCore(ChatState(db))


@pytest.fixture
def real_core(settings: Settings) -> Iterator[Digestbot]:
    """The real core (store, index, search, answers) with the fast deterministic embedder, over the
    fictional test issues in the settings' data directory."""
    core = build_core(settings, embedder=HashingEmbedder())
    for issue in ISSUES:
        core.archive.save_issue(issue, source="test")
    core.engine.refresh()
    yield core
    core.archive.db.close()


@pytest.fixture
def settings(emulator: SlackEmulator, tmp_path: Path) -> Settings:
    return Settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=emulator.api_url,
        data_dir=tmp_path,
    )


@pytest.fixture
def server(settings: Settings, core: FakeCore) -> Iterator[ServerThread]:
    with ServerThread(build_asgi_app(settings, core)) as running:
        yield running


@pytest.fixture
def slack(server: ServerThread, emulator: SlackEmulator) -> Iterator[SlackDriver]:
    driver = SlackDriver(server.url, emulator)
    yield driver
    driver.close()
