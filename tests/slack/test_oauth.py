"""Many workspaces: installs through the real OAuth flow (the bot's HTTP server, the emulator's approval
page and oauth.v2.access), each workspace answered and delivered to with its own token, uninstalls and
revocations that forget one workspace, and token rotation. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import func, select

from digestbot.app import build_conversations
from digestbot.asgi import ServerThread
from digestbot.core import Digestbot
from digestbot.domain import Destination
from digestbot.server import build_asgi_app
from digestbot.settings import Settings
from digestbot.slack.publisher import SlackPublisher, build_web_client
from digestbot.slack.tokens import installation_engine, installed_tokens
from digestbot.store.models import slack_oauth_states
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.fakes import fake_core, fake_settings
from tests.slack.support import ALICE, FORM, ISSUES, SIGNING_SECRET

# slack_sdk's async client sends the app's credentials with aiohttp's BasicAuth, deprecated in aiohttp 4.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

NORTH, SOUTH = "T0NORTH01", "T0SOUTH02"
CHANNELS = {NORTH: "C0NORTH01", SOUTH: "C0SOUTH01"}


@dataclass
class Rig:
    """The bot in OAuth mode (server, core, publisher) over one database, and the emulated Slack."""

    emulator: SlackEmulator
    settings: Settings
    core: Digestbot
    url: str
    http: httpx.Client
    store: SQLAlchemyInstallationStore  # slack_sdk's own view of the installations

    def install(self, team: str, *, cookie: bool = True) -> httpx.Response:
        """/slack/install -> Slack's approval page -> /slack/oauth_redirect, as a browser would."""
        start = self.http.get(f"{self.url}/slack/install", params={"team": team})
        assert start.status_code == 302, start.text
        state_cookie = start.headers["set-cookie"].split(";")[0]
        approved = self.http.get(start.headers["location"])
        assert approved.status_code == 302
        headers = {"Cookie": state_cookie} if cookie else {}
        return self.http.get(approved.headers["location"], headers=headers)

    def command(self, text: str, team: str) -> None:
        """``/digest text`` in the workspace's channel; waits for the private reply."""
        replies = len(self.emulator.calls_to(RESPONSE_URL))
        url = self.emulator.response_url(f"{team}-{replies}")
        body = slack_requests.slash_command(text, url, channel=CHANNELS[team], user=ALICE, team=team)
        self.post(body, FORM)
        self.emulator.wait_for(RESPONSE_URL, replies + 1)

    def post(self, body: bytes, content_type: str) -> httpx.Response:
        headers = slack_requests.signed_headers(body, content_type, secret=SIGNING_SECRET)
        response = self.http.post(f"{self.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return response

    def event(self, event_type: str, team: str, event_id: str, **fields: object) -> None:
        """An event from a workspace; Bolt acks at once and handles it after (see ``until_forgotten``)."""
        body = slack_requests.event_callback({"type": event_type, **fields}, event_id, team=team)
        self.post(body, "application/json")

    def until_forgotten(self, team: str) -> None:
        """Wait until the workspace's installation is gone (its event is handled after the ack)."""
        deadline = time.monotonic() + 10
        while self.store.find_installation(enterprise_id=None, team_id=team) is not None:
            assert time.monotonic() < deadline, f"{team} was never forgotten"
            time.sleep(0.02)

    def posts(self, channel: str) -> set[str | None]:
        """The tokens every chat.postMessage to a channel was made with."""
        return {c.token for c in self.emulator.calls_to("chat.postMessage") if c.body["channel"] == channel}


def oauth_settings(emulator: SlackEmulator, database_url: str, data_dir: Path, **extra: object) -> Settings:
    return fake_settings(
        slack_client_id=emulator.client_id,
        slack_client_secret=SecretStr(emulator.client_secret),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=emulator.api_url,
        database_url=database_url,
        data_dir=data_dir,
        **extra,
    )


@pytest.fixture
def rig(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Rig]:
    lifetime = getattr(request, "param", None)  # token rotation on, tokens living this many seconds
    with SlackEmulator(token_lifetime=lifetime) as emulator:
        emulator.add_workspace(NORTH, "Northwind Risk")
        emulator.add_workspace(SOUTH, "Southmere Ports")
        settings = oauth_settings(emulator, database_url, tmp_path)
        client = build_web_client(settings)
        publisher = SlackPublisher(client, tokens=installed_tokens(settings, client), interval=0.0)
        core = fake_core(settings, ISSUES, publishers=[publisher])
        with ServerThread(build_asgi_app(settings, build_conversations(core))) as server:
            emulator.redirect_uri = f"{server.url}/slack/oauth_redirect"  # as in the app's settings
            store = SQLAlchemyInstallationStore(
                client_id=emulator.client_id, engine=installation_engine(settings)
            )
            with httpx.Client(timeout=10) as http:
                yield Rig(emulator, settings, core, server.url, http, store)
            store.engine.dispose()
        core.archive.db.close()


def test_two_workspaces_installed_through_oauth_each_get_the_issue_with_their_own_token(rig: Rig) -> None:
    for team in (NORTH, SOUTH):
        done = rig.install(team)
        assert done.status_code == 200 and "Thank you!" in done.text
    assert len(rig.emulator.calls_to("oauth.v2.access")) == 2
    tokens = {team: rig.emulator.installs.tokens(team) for team in (NORTH, SOUTH)}
    assert all(len(issued) == 1 for issued in tokens.values())
    for team in (NORTH, SOUTH):
        found = rig.store.find_installation(enterprise_id=None, team_id=team)
        assert found is not None and found.bot_token == tokens[team][0]
    with rig.core.archive.db.transaction() as session:  # each state was used once, and is gone
        assert session.scalar(select(func.count()).select_from(slack_oauth_states)) == 0

    for team in (NORTH, SOUTH):  # Bolt's authorize finds each workspace's installation
        rig.command("subscribe", team)
    assert rig.core.chat.destinations("slack") == [
        Destination("slack", CHANNELS[team], workspace=team) for team in (NORTH, SOUTH)
    ]
    report = rig.core.deliver_new()
    assert sorted(post.dest.channel_id for post in report.posted) == sorted(CHANNELS.values())
    for team in (NORTH, SOUTH):
        assert len(rig.emulator.messages(CHANNELS[team])) == 1
        assert rig.posts(CHANNELS[team]) == {tokens[team][0]}


def test_a_mention_is_answered_with_its_workspaces_token(rig: Rig) -> None:
    rig.install(NORTH)
    rig.install(SOUTH)
    bot = rig.emulator.installs.workspaces[SOUTH].bot_user_id
    rig.event("app_mention", SOUTH, "EvSouth1", channel=CHANNELS[SOUTH], user=ALICE,
              text=f"<@{bot}> ceasefire", ts="1700000000.000200")  # fmt: skip
    (answer,) = rig.emulator.wait_for("chat.postMessage")
    assert answer.token == rig.emulator.installs.tokens(SOUTH)[0]
    assert [call.token for call in rig.emulator.calls_to("reactions.add")] == [answer.token]


def test_an_install_without_its_state_cookie_or_replayed_is_refused(rig: Rig) -> None:
    assert rig.install(NORTH, cookie=False).status_code == 400  # not the browser that started it
    done = rig.install(NORTH)
    assert done.status_code == 200
    replay = rig.http.get(done.request.url, headers={"Cookie": done.request.headers["cookie"]})
    assert replay.status_code == 401  # the state was used
    assert len(rig.emulator.installs.tokens(NORTH)) == 1
    assert rig.store.find_installation(enterprise_id=None, team_id=SOUTH) is None
    cancelled = rig.http.get(f"{rig.url}/slack/oauth_redirect", params={"error": "<script>x()</script>"})
    assert "<script>" not in cancelled.text and "lt;script" in cancelled.text  # shown, escaped


def subscribe_both(rig: Rig) -> None:
    for team in (NORTH, SOUTH):
        rig.install(team)
        rig.command("subscribe", team)
    rig.core.chat.subscribe(Destination("slack", "C0SINGLE1"))  # made with a single bot token once


def test_uninstalling_forgets_that_workspace_alone(rig: Rig) -> None:
    subscribe_both(rig)
    rig.emulator.uninstall(NORTH)
    rig.event("app_uninstalled", NORTH, "EvGone1")
    rig.until_forgotten(NORTH)
    assert rig.store.find_bot(enterprise_id=None, team_id=NORTH) is None
    assert rig.store.find_installation(enterprise_id=None, team_id=SOUTH) is not None
    assert [d.channel_id for d in rig.core.chat.destinations()] == [CHANNELS[SOUTH], "C0SINGLE1"]
    report = rig.core.deliver_new()
    assert [post.dest.channel_id for post in report.posted] == [CHANNELS[SOUTH]]
    assert [post.dest.channel_id for post, _ in report.failed] == ["C0SINGLE1"]  # no workspace, no token
    assert rig.emulator.messages(CHANNELS[NORTH]) == []


def test_a_revoked_bot_token_forgets_the_workspace_a_revoked_user_token_does_not(rig: Rig) -> None:
    subscribe_both(rig)
    rig.event("tokens_revoked", NORTH, "EvUsers1", tokens={"oauth": ["U0SOMEONE"]})
    bot = rig.emulator.installs.workspaces[SOUTH].bot_user_id
    rig.event("tokens_revoked", SOUTH, "EvBot1", tokens={"bot": [bot]})
    rig.until_forgotten(SOUTH)
    time.sleep(0.2)  # the first event's handler started earlier and has less to do: it is done too
    assert rig.store.find_installation(enterprise_id=None, team_id=NORTH) is not None
    assert [d.channel_id for d in rig.core.chat.destinations()] == [CHANNELS[NORTH], "C0SINGLE1"]


@pytest.mark.parametrize("rig", [3600], indirect=True)
def test_rotating_tokens_are_refreshed_before_they_expire(rig: Rig) -> None:
    """Tokens live an hour and are refreshed two hours before expiry: every use refreshes first."""
    rig.install(NORTH)
    (installed,) = rig.emulator.installs.tokens(NORTH)
    rig.command("subscribe", NORTH)  # Bolt's authorize refreshes, stores, and answers with the new token
    refreshes = [c for c in rig.emulator.calls_to("oauth.v2.access") if c.body.get("grant_type")]
    assert len(refreshes) == 1
    by_bolt = rig.emulator.installs.tokens(NORTH)[-1]
    assert by_bolt != installed
    assert rig.store.find_installation(enterprise_id=None, team_id=NORTH).bot_token == by_bolt  # type: ignore[union-attr]

    rig.core.deliver_new()  # the publisher refreshes too, with the refresh token Bolt stored
    newest = rig.emulator.installs.tokens(NORTH)[-1]
    assert newest not in (installed, by_bolt)
    assert rig.posts(CHANNELS[NORTH]) == {newest}
    stored = rig.store.find_installation(enterprise_id=None, team_id=NORTH)
    assert stored is not None and stored.bot_token == newest
    assert stored.bot_token_expires_at is not None
    assert stored.bot_token_expires_at > dt.datetime.now().timestamp() + 3000


@pytest.mark.parametrize("rig", [3600], indirect=True)
def test_a_token_refreshed_by_another_replica_is_picked_up(rig: Rig) -> None:
    rig.install(NORTH)
    client = build_web_client(rig.settings)
    replica_a, replica_b = installed_tokens(rig.settings, client), installed_tokens(rig.settings, client)
    stale = rig.store.find_installation(enterprise_id=None, team_id=NORTH)
    assert stale is not None
    fresh = replica_a.token_for(Destination("slack", CHANNELS[NORTH], workspace=NORTH))
    # Replica B read the installation before A refreshed it: its refresh token was used up meanwhile.
    assert replica_b._fresh(stale).bot_token == fresh


def test_socket_mode_serves_the_install_pages_but_not_events(tmp_path: Path) -> None:
    from digestbot.slack.app import build_slack_app

    with SlackEmulator() as emulator:
        settings = oauth_settings(
            emulator, f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, slack_app_token=SecretStr("xapp-1")
        )
        core = fake_core(settings)
        conversations = build_conversations(core)
        app = build_slack_app(settings, conversations)
        asgi = build_asgi_app(settings, conversations, app, slack_events=False)
        paths = {getattr(route, "path", None) for route in asgi.routes}
        assert {"/slack/install", "/slack/oauth_redirect"} <= paths and "/slack/events" not in paths
        core.archive.db.close()
