"""Issue 19, items 10 and 11 on Teams: forged card button data, and the "More" of a long topic.

Real JWTs from the fake token issuer (secure mode) or local mode, the fake Bot Connector catching the
replies. Refused button data gets one log line and a one-line card back; never a traceback, never a
5xx, never a change to any table.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from starlette.testclient import TestClient

from digestbot.app import build_conversations
from digestbot.core import Digestbot
from digestbot.domain import Issue, Item, Section
from digestbot.render import words
from digestbot.render.teams_story import COMMAND_FIELD, TIMELINE_FIELD
from digestbot.settings import Settings
from tests.fakes import fake_settings
from tests.slack.actions_support import all_rows, tracebacks, warnings_of
from tests.teams import activities as act
from tests.teams.cards import texts
from tests.teams.connector import Connector
from tests.teams.identity import Identity
from tests.teams.support import TITLE, teams_asgi

MAR_18 = Issue(
    date=dt.date(2031, 3, 18),
    title=TITLE,
    sections=(Section("Cyber", (Item("A ransomware crew leaked Westmark's tax records."),)),),
)
FORGED: list[dict[str, Any]] = [
    {TIMELINE_FIELD: {"topic": "ransomware", "page": "2"}},
    {TIMELINE_FIELD: {"topic": "ransomware", "page": 10**23}},
    {TIMELINE_FIELD: {"topic": "ransomware", "page": True}},
    {TIMELINE_FIELD: {"topic": "ransomware"}},
    {TIMELINE_FIELD: {"topic": " ", "page": 2}},
    {TIMELINE_FIELD: "timeline ransomware page 2"},
    {TIMELINE_FIELD: {"topic": "ransomware", "page": 2, "extra\n": 1}},
    {COMMAND_FIELD: "subscribe"},
    {COMMAND_FIELD: "watch ransomware"},
    {COMMAND_FIELD: 7},
    {COMMAND_FIELD: ["timeline ransomware page 2"]},
]


def click(connector: Connector, value: Any, *, thread: str = "1700000000555") -> dict[str, Any]:
    """What Teams sends for an Action.Submit (messageBack) of a card in a channel thread."""
    activity = act.message(connector.base_url, act.channel(thread=thread), "", mention=False)
    activity["value"] = value
    return activity


@pytest.mark.parametrize("value", FORGED, ids=repr)
def test_forged_button_data_is_refused_in_one_line(
    value: dict[str, Any], secure: TestClient, connector: Connector, identity: Identity, core: Digestbot,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    before = all_rows(core.chat.db)
    token = identity.token(connector.base_url)
    with caplog.at_level(logging.INFO):
        response = secure.post(
            "/api/messages", json=click(connector, value), headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    [reply] = connector.posts
    assert texts(reply.card) == [words.INVALID_ACTION]
    [line] = warnings_of(caplog)
    assert line.startswith("Teams: refused a card button's data (") and "\n" not in line
    assert not tracebacks(caplog)
    assert all_rows(core.chat.db) == before


def test_more_keeps_its_page_for_a_long_topic(
    local_settings: Settings, connector: Connector, core: Digestbot
) -> None:
    """The page is a field of its own in the card's data: no length of topic can push it out."""
    core.archive.save_issue(MAR_18, source="2031-03-18.txt")
    core.engine.refresh()
    conversations = build_conversations(core, fake_settings(timeline_page_items=1))
    topic = " ".join(["ransomware"] * 200)  # 2,199 characters
    with TestClient(teams_asgi(local_settings, conversations), client=("127.0.0.1", 51000)) as client:
        ask = act.message(connector.base_url, act.channel(), f"timeline {topic}", mention=True)
        assert client.post("/api/messages", json=ask).status_code == 200
        [button] = [e for e in connector.posts[-1].card["body"] if e["type"] == "ActionSet"]
        data = button["actions"][0]["data"]
        assert data[TIMELINE_FIELD]["page"] == 2
        assert client.post("/api/messages", json=click(connector, data)).status_code == 200
        second = texts(connector.posts[-1].card)
    assert any("Items 2–2 of 2." in line for line in second)


def test_a_legacy_more_button_still_works(local: TestClient, connector: Connector) -> None:
    """Cards posted before the page had its own field carry the command; a timeline's is still read."""
    value = {COMMAND_FIELD: "timeline ransomware page 1"}
    assert local.post("/api/messages", json=click(connector, value)).status_code == 200
    assert texts(connector.posts[-1].card)[0].startswith("Ransomware:")
