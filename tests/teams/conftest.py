"""Fixtures for the Teams surface: a fake Bot Connector (with the fake token issuer's keys), a real core
over fictional issues, and the Teams routes in local (loopback, unauthenticated) and secure (JWT) modes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from digestbot.core import Digestbot
from digestbot.settings import Settings
from tests.teams.connector import Connector, serve_connector
from tests.teams.identity import APP_ID, TENANT_ID, Identity, cloud_for, fixed_token
from tests.teams.support import ISSUE_MAR_4, ISSUE_MAR_11, build_world_core, teams_asgi

LOOPBACK = ("127.0.0.1", 51000)


@pytest.fixture(scope="session")
def identity() -> Identity:
    return Identity()


@pytest.fixture
def connector(identity: Identity) -> Iterator[Connector]:
    with serve_connector(identity) as running:
        yield running


@pytest.fixture
def core(tmp_path: Path) -> Iterator[Digestbot]:
    bot = build_world_core(tmp_path / "data", ISSUE_MAR_4, ISSUE_MAR_11)
    yield bot
    bot.chat.db.close()


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", teams_allow_unauthenticated=True)


@pytest.fixture
def secure_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", teams_client_id=APP_ID, teams_tenant_id=TENANT_ID)


@pytest.fixture
def local(local_settings: Settings, core: Digestbot) -> Iterator[TestClient]:
    """The Teams routes in local mode, called from a loopback client."""
    with TestClient(teams_asgi(local_settings, core), client=LOOPBACK) as client:
        yield client


@pytest.fixture
def secure(
    secure_settings: Settings, core: Digestbot, connector: Connector, identity: Identity
) -> Iterator[TestClient]:
    """The Teams routes with credentials: JWTs checked against the fake issuer's keys."""
    app = teams_asgi(secure_settings, core, cloud=cloud_for(connector.base_url), token=fixed_token(identity))
    with TestClient(app, client=("203.0.113.7", 443)) as client:
        yield client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The SDK warns about its own deprecated BotClient each time it builds an API client; not ours to fix."""
    here = Path(__file__).parent
    quiet = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(quiet)
