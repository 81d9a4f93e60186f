"""Many workspaces: installs through the real OAuth flow (the bot's HTTP server, the emulator's approval
page and oauth.v2.access), each workspace answered and delivered to with its own token, uninstalls and
revocations that forget one workspace, and token rotation. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from digestbot.app import build_conversations
from digestbot.domain import Destination
from digestbot.edge import platforms
from digestbot.edge.server import build_asgi_app
from digestbot.slack.publisher import build_web_client
from digestbot.slack.tokens import installed_tokens
from digestbot.store.models import slack_oauth_states
from digestbot.testing import slack_requests as testing
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core
from tests.slack.oauth_support import CHANNELS, NORTH, SOUTH, Rig, oauth_settings
from tests.slack.support import ALICE

JSON = "application/json"

# slack_sdk's async client sends the app's credentials with aiohttp's BasicAuth, deprecated in aiohttp 4.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


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


JUL_16 = """Weekly Security Digest - July 16, 2024

Global Security Matters

Cyber / Defense Technology

  • Ransomware hit the booking system of the port of Tirel, halting its cranes for two days.
"""
WATCHERS = {NORTH: "U0NORTHW1", SOUTH: "U0SOUTHW1"}


def watch_and_open_home(rig: Rig, team: str) -> None:
    rig.command("watch ransomware", team, user=WATCHERS[team])
    published = len(rig.emulator.calls_to("views.publish"))
    rig.post(testing.event_callback(testing.home_opened(WATCHERS[team]), f"EvHome{team}", team=team), JSON)
    rig.emulator.wait_for("views.publish", published + 1)


def test_uninstalling_forgets_the_workspaces_watches_and_home_viewers_alone(rig: Rig, tmp_path: Path) -> None:
    assert rig.core.watches is not None
    for team in (NORTH, SOUTH):
        rig.install(team)
        watch_and_open_home(rig, team)
    rig.emulator.uninstall(NORTH)
    rig.event("app_uninstalled", NORTH, "EvGone2")
    deadline = time.monotonic() + 10
    while rig.core.chat.home_viewers("slack") != [(WATCHERS[SOUTH], SOUTH)]:
        assert time.monotonic() < deadline, "the north's home viewers were never forgotten"
        time.sleep(0.02)
    assert rig.core.watches.of("slack", WATCHERS[NORTH]) == []
    assert rig.core.watches.recipient("slack", WATCHERS[NORTH]) is None
    assert [watch.topic for watch in rig.core.watches.of("slack", WATCHERS[SOUTH])] == ["ransomware"]

    rig.emulator.reset()
    (tmp_path / "2024-07-16.txt").write_text(JUL_16, encoding="utf-8")
    assert not rig.core.ingest([str(tmp_path / "2024-07-16.txt")]).failed
    notices = rig.core.notify_watches()
    assert [notice.watch.recipient.user_id for notice in notices.sent] == [WATCHERS[SOUTH]]
    assert notices.failed == [] and notices.unreachable == []
    [board] = platforms.home_boards(rig.settings, rig.core, rig.conversations)
    assert board.refresh().published == [WATCHERS[SOUTH]]
    revoked = set(rig.emulator.installs.tokens(NORTH))
    assert not [call.method for call in rig.emulator.calls if call.token in revoked]  # nothing tried there


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
