"""Activities POSTed to /api/messages (local mode, loopback client): questions, commands, install and
uninstall, and everything that must be ignored or refused without touching any state."""

from __future__ import annotations

import threading

import httpx
import pytest
from starlette.testclient import TestClient

from digestbot.core import Digestbot
from digestbot.delivery.delivery import issue_key
from digestbot.domain import Destination
from digestbot.edge.asgi import ServerThread
from digestbot.settings import Settings
from tests.teams import activities as act
from tests.teams.cards import texts
from tests.teams.connector import Connector
from tests.teams.identity import TENANT_ID
from tests.teams.support import ISSUE_MAR_11, teams_asgi

CITED = "[Weekly Security Digest, 4 Mar 2031 · Cyber / Defense Technology](https://digest.example/2031-03-04)"


def post(client: TestClient, activity: object) -> int:
    return client.post("/api/messages", json=activity).status_code


def test_a_channel_mention_is_answered_in_its_thread_with_cited_items(
    local: TestClient, connector: Connector
) -> None:
    assert post(local, act.channel_mention(connector.base_url, "ransomware water utility")) == 200
    [reply] = connector.posts
    assert reply.conversation == f"{act.CHANNEL};messageid=1700000000999"
    assert reply.reply_to is None
    lines = texts(reply.card)
    assert lines[0] == "ransomware water utility"  # the mention is stripped from the question
    assert any("Eastport water utility" in line for line in lines)
    assert CITED in lines
    assert reply.activity["type"] == "message"
    assert reply.activity["from"]["id"] == act.BOT["id"]


def test_any_message_in_a_personal_chat_is_answered(local: TestClient, connector: Connector) -> None:
    activity = act.message(connector.base_url, act.personal(), "ransomware water utility", mention=False)
    assert post(local, activity) == 200
    [reply] = connector.posts
    assert reply.conversation == act.PERSONAL
    assert CITED in texts(reply.card)


def test_a_group_chat_answers_mentions_only(local: TestClient, connector: Connector) -> None:
    chatter = act.message(connector.base_url, act.group_chat(), "ransomware water utility", mention=False)
    assert post(local, chatter) == 200
    assert connector.posts == []
    assert post(local, act.message(connector.base_url, act.group_chat(), "ransomware", mention=True)) == 200
    assert [reply.conversation for reply in connector.posts] == [act.GROUP_CHAT]


def test_a_redelivered_message_is_answered_once(local: TestClient, connector: Connector) -> None:
    activity = act.message(connector.base_url, act.personal(), "ransomware", mention=False)
    assert post(local, activity) == 200
    assert post(local, activity) == 200
    assert len(connector.posts) == 1


def test_channel_messages_without_a_mention_are_ignored(local: TestClient, connector: Connector) -> None:
    activity = act.message(
        connector.base_url, act.channel(thread="17"), "ransomware water utility", mention=False
    )
    assert post(local, activity) == 200
    assert connector.posts == []


def test_help_and_latest(local: TestClient, connector: Connector) -> None:
    post(local, act.channel_mention(connector.base_url, "help"))
    post(local, act.message(connector.base_url, act.personal(), "Latest?", mention=False))
    help_card, latest = (reply.card for reply in connector.posts)
    assert any("@digestbot latest" in line for line in texts(help_card))
    assert latest["body"][0]["id"] == issue_key(ISSUE_MAR_11.date)
    assert connector.posts[1].activity["channelData"] == {"digestbotIssueKey": issue_key(ISSUE_MAR_11.date)}


def test_subscribe_status_unsubscribe_in_a_channel_thread(
    local: TestClient, connector: Connector, core: Digestbot
) -> None:
    for command in ("status", "subscribe", "subscribe", "status", "unsubscribe", "unsubscribe"):
        assert post(local, act.channel_mention(connector.base_url, command)) == 200
        if command == "subscribe":
            assert core.chat.destinations("teams") == [
                Destination("teams", act.CHANNEL, service_url=connector.base_url, tenant_id=TENANT_ID)
            ]
    replies = [texts(reply.card)[0] for reply in connector.posts]
    assert replies == [
        "This conversation is not subscribed. Send “@digestbot subscribe” to get new issues here.",
        "Subscribed: new issues of the digest will be posted in this conversation.",
        "This conversation is already subscribed to the digest.",
        "This conversation is subscribed: new issues of the digest are posted here.",
        "Unsubscribed: new issues will no longer be posted in this conversation.",
        "This conversation was not subscribed.",
    ]
    assert core.chat.destinations("teams") == []


@pytest.mark.parametrize(
    "conversation", [act.channel(), act.group_chat(), act.personal()], ids=lambda c: c["id"]
)
def test_install_subscribes_and_uninstall_unsubscribes(
    local: TestClient, connector: Connector, core: Digestbot, conversation: dict[str, object]
) -> None:
    assert post(local, act.installation(connector.base_url, conversation, "add")) == 200
    expected = Destination(
        "teams", str(conversation["id"]), service_url=connector.base_url, tenant_id=TENANT_ID
    )
    assert core.chat.destinations("teams") == [expected]
    assert post(local, act.installation(connector.base_url, conversation, "remove")) == 200
    assert core.chat.destinations("teams") == []
    assert connector.posts == []


def test_the_bot_added_to_or_removed_from_a_team(
    local: TestClient, connector: Connector, core: Digestbot
) -> None:
    assert post(local, act.members(connector.base_url, act.channel(), added=True)) == 200
    assert [dest.channel_id for dest in core.chat.destinations("teams")] == [act.CHANNEL]
    someone_else = act.members(connector.base_url, act.channel(), added=False)
    someone_else["membersRemoved"] = [act.USER]
    assert post(local, someone_else) == 200
    assert [dest.channel_id for dest in core.chat.destinations("teams")] == [act.CHANNEL]
    assert post(local, act.members(connector.base_url, act.channel(), added=False)) == 200
    assert core.chat.destinations("teams") == []


def test_later_activity_refreshes_the_service_url(
    local: TestClient, connector: Connector, core: Digestbot
) -> None:
    post(local, act.installation("https://smba.trafficmanager.net/emea/", act.channel(), "add"))
    post(local, act.message(connector.base_url, act.channel(thread="42"), "hello", mention=False))
    [dest] = core.chat.destinations("teams")
    assert dest.service_url == connector.base_url
    assert connector.posts == []  # refreshed, not answered


def test_an_unknown_activity_type_is_ignored(
    local: TestClient, connector: Connector, core: Digestbot
) -> None:
    activity = act.installation(connector.base_url, act.channel(), "add")
    activity["type"] = "contactRelationUpdate"
    assert post(local, activity) == 200
    assert core.chat.destinations("teams") == []
    assert connector.posts == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'"text"',
        b'{"type": "installationUpdate", "action": "add"}',
        b'{"text": "no type"}',
    ],
)
def test_malformed_requests_get_400_and_change_nothing(
    local: TestClient, connector: Connector, core: Digestbot, body: bytes
) -> None:
    response = local.post("/api/messages", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert core.chat.destinations("teams") == []
    assert connector.posts == []


def test_an_oversized_body_gets_413(local: TestClient, core: Digestbot) -> None:
    response = local.post(
        "/api/messages", content=b" " * 1_000_001, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize("rounds", [3])
def test_install_events_that_arrive_together_converge_on_one_subscription(
    local_settings: Settings, core: Digestbot, connector: Connector, rounds: int
) -> None:
    """Teams (and the Agents Playground) send installationUpdate and conversationUpdate together on
    install, and retry: every request gets a 2xx and one subscription row results."""
    conversation = act.channel()
    activities = [
        act.installation(connector.base_url, conversation, "add"),
        act.members(connector.base_url, conversation, added=True),
    ] * rounds
    statuses: list[int] = []
    with ServerThread(teams_asgi(local_settings, core)) as server, httpx.Client(timeout=10) as http:
        start = threading.Barrier(len(activities))

        def send(activity: dict[str, object]) -> None:
            start.wait()
            statuses.append(http.post(f"{server.url}/api/messages", json=activity).status_code)

        threads = [threading.Thread(target=send, args=(activity,)) for activity in activities]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert statuses == [200] * len(activities)
    assert [dest.channel_id for dest in core.chat.destinations("teams")] == [act.CHANNEL]
