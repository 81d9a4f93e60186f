"""Issue 19, item 1: with the app installed in two workspaces over one database, each App Home shows only
its own workspace: its channels, the newest issue's post in one of them, and that post's permalink asked
with its own token (on opening, and when every home is refreshed after a new issue). On SQLite and
PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.domain import Destination
from digestbot.edge import platforms
from digestbot.edge.scheduler import run_cycle
from digestbot.testing import slack_requests as testing
from tests.slack.oauth_support import CHANNELS, NORTH, SOUTH, Rig
from tests.slack.support import BOT_TOKEN

pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
VIEWERS = {NORTH: "U0NORTHV1", SOUTH: "U0SOUTHV1"}
LEGACY = "C0SINGLE1"  # subscribed back when the app had one bot token: its workspace is unknown
JUL_16 = """Weekly Security Digest - July 16, 2024

Global Security Matters

Atmosphere of Protest

  • Dockworkers in the port of Tirel walked out over a new shift system.
"""


def open_home(rig: Rig, team: str, event_id: str) -> None:
    published = len(rig.emulator.calls_to("views.publish"))
    body = testing.event_callback(testing.home_opened(VIEWERS[team]), event_id, team=team)
    rig.post(body, "application/json")
    rig.emulator.wait_for("views.publish", published + 1)


def permalinks_asked_in_their_own_workspace(rig: Rig) -> set[tuple[str, str]]:
    """Every chat.getPermalink call as (token's workspace, channel's workspace)."""
    team_of = {channel: team for team, channel in CHANNELS.items()}
    asked = set()
    for call in rig.emulator.calls_to("chat.getPermalink"):
        workspace = rig.emulator.installs.workspace_of(call.token)
        asked.add((workspace.team_id if workspace else "?", team_of.get(call.body["channel"], "?")))
    return asked


def test_each_home_shows_its_own_workspace_alone(rig: Rig, tmp_path: Path) -> None:
    for team in (NORTH, SOUTH):
        rig.install(team)
        rig.command("subscribe", team)
    rig.core.chat.subscribe(Destination("slack", LEGACY))
    rig.core.deliver_new()  # posted in the north first, then in the south

    open_home(rig, SOUTH, "EvHomeS1")
    south = str(rig.emulator.views[VIEWERS[SOUTH]])
    assert f"<#{CHANNELS[SOUTH]}>" in south and f"/archives/{CHANNELS[SOUTH]}/" in south
    assert CHANNELS[NORTH] not in south and LEGACY not in south
    open_home(rig, NORTH, "EvHomeN1")
    north = str(rig.emulator.views[VIEWERS[NORTH]])
    assert f"<#{CHANNELS[NORTH]}>" in north and CHANNELS[SOUTH] not in north and LEGACY not in north
    assert permalinks_asked_in_their_own_workspace(rig) == {(SOUTH, SOUTH), (NORTH, NORTH)}

    rig.emulator.reset()
    (tmp_path / "2024-07-16.txt").write_text(JUL_16, encoding="utf-8")
    assert not rig.core.ingest([str(tmp_path / "2024-07-16.txt")]).failed
    run_cycle(rig.core, rig.settings, platforms.home_boards(rig.settings, rig.core, rig.conversations))
    assert len(rig.emulator.calls_to("views.publish")) == 2  # both homes refreshed, once each
    for team, other in ((NORTH, SOUTH), (SOUTH, NORTH)):
        home = str(rig.emulator.views[VIEWERS[team]])
        assert "16 Jul 2024" in home and f"/archives/{CHANNELS[team]}/" in home
        assert CHANNELS[other] not in home and LEGACY not in home
    assert permalinks_asked_in_their_own_workspace(rig) == {(SOUTH, SOUTH), (NORTH, NORTH)}
    publishes = {call.body["user_id"]: call.token for call in rig.emulator.calls_to("views.publish")}
    assert publishes == {VIEWERS[team]: rig.emulator.installs.tokens(team)[0] for team in (NORTH, SOUTH)}


LOST = "C0LOST001"  # listed without its workspace


@pytest.mark.parametrize("rig", [{"channels": [LOST, f"slack:{NORTH}/{CHANNELS[NORTH]}"]}], indirect=True)
def test_a_configured_channel_without_a_workspace_is_named_once_and_never_tried(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        kept = platforms.configured_destinations(rig.settings)  # what the process does as it starts
    assert kept == [Destination("slack", CHANNELS[NORTH], workspace=NORTH)]
    [line] = [record.getMessage() for record in caplog.records]
    assert LOST in line and "no bot token" in line and CHANNELS[NORTH] not in line
    for team in (NORTH, SOUTH):
        rig.install(team)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            report = rig.core.deliver_new()
            assert report.failed == []
    assert not caplog.records and rig.emulator.messages(LOST) == []
    for team, event in ((NORTH, "EvHomeN2"), (SOUTH, "EvHomeS2")):
        open_home(rig, team, event)
        assert LOST not in str(rig.emulator.views[VIEWERS[team]])
    assert f"<#{CHANNELS[NORTH]}>" in str(rig.emulator.views[VIEWERS[NORTH]])
    assert CHANNELS[NORTH] not in str(rig.emulator.views[VIEWERS[SOUTH]])


@pytest.mark.parametrize(
    "rig", [{"channels": [LOST], "slack_bot_token": SecretStr(BOT_TOKEN)}], indirect=True
)
def test_with_a_bot_token_to_fall_back_on_it_is_served_but_in_no_workspaces_home(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert platforms.configured_destinations(rig.settings) == [Destination("slack", LOST)]
    assert not caplog.records
    rig.install(SOUTH)
    assert [post.dest.channel_id for post in rig.core.deliver_new().posted] == [LOST]
    assert {call.token for call in rig.emulator.calls_to("chat.postMessage")} == {BOT_TOKEN}
    open_home(rig, SOUTH, "EvHomeS3")
    assert LOST not in str(rig.emulator.views[VIEWERS[SOUTH]])  # its workspace is not known to be this one
