"""Watches and timelines in Teams (local mode, the fake Bot Connector): a watch made in a channel says
plainly that notices need a 1:1 chat; a personal message or a personal install provides one; a new issue
about the topic is then posted proactively into that chat, once; a timeline's "More" button shows the
next page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.testclient import TestClient

from digestbot.app import build_conversations
from digestbot.core import Digestbot
from digestbot.domain import Issue, Item, Section
from digestbot.render import words
from digestbot.render.teams_story import TIMELINE_FIELD
from digestbot.settings import Settings
from digestbot.teams import TeamsMessenger, TeamsPublisher, build_teams_publisher
from tests.fakes import fake_settings
from tests.teams import activities as act
from tests.teams.cards import texts
from tests.teams.connector import Connector
from tests.teams.identity import Identity, cloud_for, fixed_token
from tests.teams.support import TITLE, teams_asgi

MAR_18 = Issue(
    date=dt.date(2031, 3, 18),
    title=TITLE,
    url="https://digest.example/2031-03-18",
    sections=(
        Section("Cyber / Defense Technology", (Item("A ransomware crew leaked Westmark's tax records."),)),
    ),
)


def say(client: TestClient, connector: Connector, conversation: dict[str, Any], text: str) -> list[str]:
    """Post a message (a mention outside 1:1 chats) and return the lines of the bot's reply card."""
    before = len(connector.posts)
    mention = conversation["conversationType"] != "personal"
    assert (
        client.post(
            "/api/messages", json=act.message(connector.base_url, conversation, text, mention=mention)
        ).status_code
        == 200
    )
    [reply] = connector.posts[before:]
    return texts(reply.card)


@pytest.fixture
def messenger(
    secure_settings: Settings, connector: Connector, identity: Identity, core: Digestbot
) -> TeamsPublisher:
    publisher = build_teams_publisher(
        secure_settings, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
    )
    publisher.sleep = lambda _seconds: None
    core.attach_messenger(TeamsMessenger(publisher))
    return publisher


def new_issue(core: Digestbot) -> None:
    core.archive.save_issue(MAR_18, source="2031-03-18.txt")


def test_a_watch_made_in_a_channel_waits_for_a_1_1_chat_and_then_arrives_there_once(
    local: TestClient, connector: Connector, core: Digestbot, messenger: TeamsPublisher
) -> None:
    lines = say(local, connector, act.channel(), "watch ransomware")
    assert lines[0].startswith("Watching “ransomware”") and words.NO_DIRECT_CHAT in lines
    new_issue(core)
    assert len(core.notify_watches().unreachable) == 1 and connector.to(act.PERSONAL) == []
    assert words.NO_DIRECT_CHAT not in say(
        local, connector, act.personal(), "watches"
    )  # now a 1:1 chat is known
    newer = Issue(
        dt.date(2031, 3, 25), TITLE, (Section("Cyber", (Item("Ransomware hit Eastport's ferries."),)),)
    )
    core.archive.save_issue(newer, source="2031-03-25.txt")
    report = core.notify_watches()
    assert [notice.issue_date for notice in report.sent] == [newer.date]
    [card] = [post.card for post in connector.to(act.PERSONAL) if "New in the" in texts(post.card)[0]]
    assert texts(card)[0] == "New in the 25 Mar 2031 issue about “ransomware”: 1 item"
    assert "Weekly Security Digest, 25 Mar 2031 · Cyber" in texts(card)
    assert core.notify_watches().sent == []


def test_a_personal_install_is_where_notices_go(
    local: TestClient, connector: Connector, core: Digestbot, messenger: TeamsPublisher
) -> None:
    assert (
        local.post(
            "/api/messages", json=act.installation(connector.base_url, act.personal(), "add")
        ).status_code
        == 200
    )
    lines = say(local, connector, act.channel(), "watch ransomware")
    assert words.NO_DIRECT_CHAT not in lines
    new_issue(core)
    assert len(core.notify_watches().sent) == 1
    [notice] = [post for post in connector.to(act.PERSONAL) if "New in the" in texts(post.card)[0]]
    assert notice.reply_to is None and "A ransomware crew leaked Westmark's tax records." in " ".join(
        texts(notice.card)
    )


def test_more_on_a_timeline_card_sends_its_next_page(
    local_settings: Settings, connector: Connector, core: Digestbot
) -> None:
    new_issue(core)
    core.engine.refresh()
    conversations = build_conversations(core, fake_settings(timeline_page_items=1))
    with TestClient(teams_asgi(local_settings, conversations), client=("127.0.0.1", 51000)) as client:
        first = say(client, connector, act.channel(), "timeline ransomware")
        assert first[0] == "Ransomware: 2 items, 4 Mar 2031 – 18 Mar 2031"
        [button] = [e for e in connector.posts[-1].card["body"] if e["type"] == "ActionSet"]
        data = button["actions"][0]["data"]
        click = act.message(connector.base_url, act.channel(thread="1700000000555"), "", mention=False)
        click["value"] = data  # what Teams sends back for an Action.Submit (messageBack) in a channel
        assert client.post("/api/messages", json=click).status_code == 200
        second = texts(connector.posts[-1].card)
    assert data[TIMELINE_FIELD] == {"topic": "ransomware", "page": 2}
    assert any("Westmark's tax records" in line for line in second)
    assert not any("Eastport water utility" in line for line in second)
