"""Fixtures for the Slack surface: a fake Slack Web API, the real core (on the hashing embedder) over the
fictional test issues, the real ASGI app under uvicorn, and a driver that sends signed requests to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from digestbot.app import build_conversations
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.edge import platforms
from digestbot.edge.asgi import ServerThread
from digestbot.edge.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.slack.messenger import SlackMessenger
from digestbot.slack.publisher import SlackPublisher, build_web_client
from digestbot.slack.tokens import installation_engine, installed_tokens
from digestbot.store import Database
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core, fake_settings
from tests.slack.oauth_support import NORTH, SOUTH, Rig, oauth_settings
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


@pytest.fixture
def rig(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Rig]:
    """The bot in OAuth mode with two emulated workspaces (``tests.slack.oauth_support``). Parametrized
    indirectly with a number (bot tokens rotate, living that many seconds) or a dict of settings."""
    param = getattr(request, "param", None)
    lifetime = param if isinstance(param, int) else None
    extra = param if isinstance(param, dict) else {}
    with SlackEmulator(token_lifetime=lifetime) as emulator:
        emulator.add_workspace(NORTH, "Northwind Risk")
        emulator.add_workspace(SOUTH, "Southmere Ports")
        settings = oauth_settings(emulator, database_url, tmp_path, **extra)
        client = build_web_client(settings)
        tokens = installed_tokens(settings, client)
        publisher = SlackPublisher(client, tokens=tokens, interval=0.0)
        messenger = SlackMessenger(client, tokens=tokens)
        destinations = platforms.configured_destinations(settings)
        core = fake_core(
            settings, ISSUES, publishers=[publisher], destinations=destinations, messengers=[messenger]
        )
        conversations = build_conversations(core, settings)
        with ServerThread(build_asgi_app(settings, conversations)) as server:
            emulator.redirect_uri = f"{server.url}/slack/oauth_redirect"  # as in the app's settings
            store = SQLAlchemyInstallationStore(
                client_id=emulator.client_id, engine=installation_engine(settings)
            )
            with httpx.Client(timeout=10) as http:
                yield Rig(emulator, settings, core, conversations, server.url, http, store)
            store.engine.dispose()
        core.archive.db.close()
