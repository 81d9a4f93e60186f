"""Issue 19: a database outage no longer floods the log. A real PostgreSQL server is shut down under a
running bot (the real ASGI server: Slack over HTTP, Teams with JWTs) and started again on the same port
and data directory.

While it is down, archive syncs and chat messages each fail quietly: the whole outage is one log line,
a reminder every ten minutes at most, no traceback; Slack's signed events and Teams' activities get 503
with Retry-After (the senders retry), the body a plain "service unavailable". When it answers again,
that is said once, and the same requests are answered as before.

The outage's clock is a fake one the test moves (the store probes a known-down database every 5 s and
reminds every 10 min): no test waits for real time to pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from digestbot.app import build_conversations
from digestbot.conversation import Conversations, Failed, Message
from digestbot.conversation.conversations import UNAVAILABLE
from digestbot.core import Digestbot
from digestbot.domain import Destination
from digestbot.edge.asgi import ServerThread
from digestbot.edge.scheduler import sync_index
from digestbot.edge.server import SLACK_PATH, TEAMS_PATH, build_asgi_app
from digestbot.store.outage import REMIND_SECONDS, RETRY_SECONDS, Outage
from digestbot.teams import build_teams_routes
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core, fake_settings
from tests.postgres import PostgresServer, start_postgres
from tests.slack.actions_support import tracebacks, wait_until
from tests.slack.support import BOT_TOKEN, ISSUES, SIGNING_SECRET, mention
from tests.teams import activities as act
from tests.teams.connector import Connector, serve_connector
from tests.teams.identity import APP_ID, TENANT_ID, Identity, cloud_for, fixed_token

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning"),
]
OUTAGE_LOGGER = "digestbot.store.outage"


class Clock:
    """The outage's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Bot:
    """The running bot and the peers it talks to."""

    core: Digestbot
    conversations: Conversations
    url: str
    http: httpx.Client
    emulator: SlackEmulator
    connector: Connector
    identity: Identity
    clock: Clock

    def slack_event(self, text: str, event_id: str) -> httpx.Response:
        """A signed ``app_mention`` (the Events API), as Slack posts it."""
        body = slack_requests.event_callback(mention(text, f"1700000{event_id[-3:]}.000100"), event_id)
        headers = slack_requests.signed_headers(body, "application/json", secret=SIGNING_SECRET)
        return self.http.post(f"{self.url}{SLACK_PATH}", content=body, headers=headers)

    def teams_mention(self, text: str) -> httpx.Response:
        """An @mention in a channel, with a token from the (fake) Bot Framework issuer."""
        activity = act.channel_mention(self.connector.base_url, text)
        token = self.identity.token(self.connector.base_url)
        return self.http.post(
            f"{self.url}{TEAMS_PATH}", json=activity, headers={"Authorization": f"Bearer {token}"}
        )


@pytest.fixture
def server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own: it is shut down and started again."""
    running = start_postgres()
    yield running
    running.stop()


@pytest.fixture
def bot(server: PostgresServer, tmp_path: Path) -> Iterator[Bot]:
    """The bot on that server, serving Slack (HTTP mode) and Teams (JWTs) on a loopback port."""
    identity, clock = Identity(), Clock()
    with SlackEmulator() as emulator, serve_connector(identity) as connector:
        settings = fake_settings(
            data_dir=tmp_path,
            database_url=server.url(server.create_database()),
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=emulator.api_url,
            teams_client_id=APP_ID,
            teams_tenant_id=TENANT_ID,
        )
        core = fake_core(settings, ISSUES)
        db = core.archive.db
        db.outage = Outage(db.outage.where, clock=clock)
        conversations = build_conversations(core)
        teams = build_teams_routes(
            settings, conversations, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
        )
        app = build_asgi_app(settings, conversations, extra_routes=teams)
        with ServerThread(app) as running, httpx.Client(timeout=10) as http:
            yield Bot(core, conversations, running.url, http, emulator, connector, identity, clock)
        db.close()


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record at INFO or above, uvicorn's too (it does not propagate to the root logger)."""
    uvicorn = logging.getLogger("uvicorn.error")
    uvicorn.addHandler(caplog.handler)
    with caplog.at_level(logging.INFO):
        yield caplog
    uvicorn.removeHandler(caplog.handler)


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == OUTAGE_LOGGER]


def console_message(text: str) -> Message:
    place = Destination(platform="console", channel_id="console")
    return Message(surface="console", place=place, user="operator", text=text, addressed=True)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["Retry-After"] == "30"
    assert "service unavailable" in response.text
    assert "Traceback" not in response.text and "postgresql" not in response.text.lower()


def test_an_outage_is_logged_once_answered_503_and_its_end_logged_once(
    server: PostgresServer, bot: Bot, logged: pytest.LogCaptureFixture
) -> None:
    assert bot.slack_event("latest", "Ev0BEFORE001").status_code == 200
    assert bot.teams_mention("latest").status_code == 200
    wait_until(lambda: len(bot.emulator.calls_to("chat.postMessage")) == 1)
    replies = len(bot.connector.posts)
    assert replies == 1

    server.halt()
    sync_index(bot.core)  # the next archive sync finds the database gone (no request knows before)
    for n in range(6):  # archive syncs every few seconds, chat in between
        bot.clock.advance(RETRY_SECONDS)
        assert_unavailable(bot.slack_event("latest", f"Ev0DURING{n:03d}"))  # probes the database
        assert_unavailable(bot.teams_mention("latest"))  # told at once: the probe just failed
        sync_index(bot.core)
        assert bot.conversations.handle(console_message("latest")) == Failed(UNAVAILABLE)
    [down] = outage_lines(logged)
    assert down.startswith(f"database unavailable: postgresql+psycopg://postgres@127.0.0.1:{server.port}/")

    bot.clock.advance(REMIND_SECONDS)
    sync_index(bot.core)
    sync_index(bot.core)
    assert len(outage_lines(logged)) == 2
    assert outage_lines(logged)[1].startswith("database still unavailable after ")

    server.resume()
    bot.clock.advance(RETRY_SECONDS)
    assert bot.teams_mention("latest").status_code == 200  # the first request probes, and finds it back
    assert bot.slack_event("latest", "Ev0AFTER0001").status_code == 200
    sync_index(bot.core)
    assert bot.conversations.handle(console_message("latest")) != Failed(UNAVAILABLE)
    wait_until(lambda: len(bot.emulator.calls_to("chat.postMessage")) == 2)
    assert len(bot.connector.posts) == replies + 1

    assert outage_lines(logged)[2:] == [outage_lines(logged)[2]]
    assert outage_lines(logged)[2].startswith("database available again after ")
    assert not tracebacks(logged)
    assert not [r for r in logged.records if "Traceback" in r.getMessage()]
    assert not [r for r in logged.records if r.levelno >= logging.WARNING and r.name != OUTAGE_LOGGER]
