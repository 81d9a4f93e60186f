"""Fixtures for the Slack surface: a fake Slack Web API, the real core (on the hashing embedder) over the
fictional test issues, the real ASGI app under uvicorn, and a driver that sends signed requests to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.app import build_conversations
from digestbot.asgi import ServerThread
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.store import Database
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core, fake_settings
from tests.slack.support import BOT_TOKEN, ISSUES, SIGNING_SECRET, SlackDriver


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


@pytest.fixture
def core(settings: Settings) -> Iterator[Digestbot]:
    """The real core (store, index, search, answers) with the fast deterministic embedder, over the
    fictional test issues in the settings' data directory."""
    core = fake_core(settings, ISSUES)
    yield core
    core.archive.db.close()


@pytest.fixture
def db(core: Digestbot) -> Database:
    """The core's database (to check what a request did or did not change)."""
    return core.archive.db


@pytest.fixture
def conversations(core: Digestbot) -> Conversations:
    return build_conversations(core)


@pytest.fixture
def settings(emulator: SlackEmulator, tmp_path: Path) -> Settings:
    return fake_settings(
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=emulator.api_url,
        data_dir=tmp_path,
    )


@pytest.fixture
def server(settings: Settings, conversations: Conversations) -> Iterator[ServerThread]:
    with ServerThread(build_asgi_app(settings, conversations)) as running:
        yield running


@pytest.fixture
def slack(server: ServerThread, emulator: SlackEmulator) -> Iterator[SlackDriver]:
    driver = SlackDriver(server.url, emulator)
    yield driver
    driver.close()
