"""Weekly delivery to Teams: installed conversations get each new issue exactly once, as a cited card,
posted proactively to the fake connector with the bot token; failures are reported honestly."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from digestbot.core import Digestbot
from digestbot.delivery.delivery import Deliverer, Post, PostError, issue_key
from digestbot.domain import Destination
from digestbot.settings import Settings
from digestbot.store.outbox import Outbox
from digestbot.teams import TeamsPublisher, build_teams_publisher
from tests.teams import activities as act
from tests.teams.cards import texts
from tests.teams.connector import Connector
from tests.teams.identity import TENANT_ID, Identity, cloud_for, fixed_token
from tests.teams.support import ISSUE_MAR_4, ISSUE_MAR_11


@pytest.fixture
def publisher(secure_settings: Settings, connector: Connector, identity: Identity) -> TeamsPublisher:
    built = build_teams_publisher(
        secure_settings, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
    )
    built.sleep = lambda _seconds: None
    return built


def deliverer(core: Digestbot, publisher: TeamsPublisher) -> Deliverer:
    return Deliverer(core.archive, core.chat, Outbox(core.chat.db), publishers=[publisher])


def test_each_installed_conversation_gets_the_new_issue_exactly_once(
    local: TestClient, connector: Connector, core: Digestbot, publisher: TeamsPublisher, identity: Identity
) -> None:
    local.post("/api/messages", json=act.installation(connector.base_url, act.channel(), "add"))
    local.post("/api/messages", json=act.installation(connector.base_url, act.personal(), "add"))
    first = deliverer(core, publisher).deliver()
    second = deliverer(core, publisher).deliver()
    assert len(first.posted) == 2 and first.failed == []
    assert second.posted == [] and second.failed == []
    assert sorted(post.conversation for post in connector.posts) == sorted([act.CHANNEL, act.PERSONAL])
    for post in connector.posts:
        assert post.reply_to is None
        assert post.authorization == f"Bearer {identity.outbound()}"
        assert post.activity["channelData"] == {"digestbotIssueKey": issue_key(ISSUE_MAR_11.date)}
        lines = texts(post.card)
        assert lines[0] == "Northwind’s Weekly Security Digest"
        assert lines[1].startswith("11 Mar 2031")
        assert "• - Observers reported calm voting in the Lakeshore regional election." in lines
        assert "Weekly Security Digest, 11 Mar 2031 · Elections" in lines


def test_a_later_issue_is_delivered_with_every_item_cited(
    connector: Connector, core: Digestbot, publisher: TeamsPublisher
) -> None:
    core.chat.subscribe(
        Destination("teams", act.CHANNEL, service_url=connector.base_url, tenant_id=TENANT_ID)
    )
    deliverer(core, publisher).deliver(ISSUE_MAR_4.date)
    [post] = connector.posts
    lines = texts(post.card)
    for section, item in ISSUE_MAR_4.items:
        index = next(n for n, line in enumerate(lines) if line.startswith("• ") and item.text[:20] in line)
        cited = f"[Weekly Security Digest, 4 Mar 2031 · {section.name}](https://digest.example/2031-03-04)"
        assert cited in lines[index + 1 : index + 1 + len(item.analysis) + 1]


def test_rate_limits_are_waited_out(connector: Connector, publisher: TeamsPublisher) -> None:
    waits: list[float] = []
    publisher.sleep = waits.append
    connector.failures = [(429, {"Retry-After": "2"}), (429, {})]
    dest = Destination("teams", act.CHANNEL, service_url=connector.base_url)
    assert publisher.send(Post(dest, ISSUE_MAR_4)) == connector.posts[0].id
    assert waits == [2.0, 1.0]


@pytest.mark.parametrize(("status", "certain"), [(400, True), (403, True), (500, False), (502, False)])
def test_refusals_are_post_errors(
    connector: Connector, publisher: TeamsPublisher, status: int, certain: bool
) -> None:
    connector.failures = [(status, {})]
    with pytest.raises(PostError) as raised:
        publisher.send(Post(Destination("teams", act.CHANNEL, service_url=connector.base_url), ISSUE_MAR_4))
    assert raised.value.certain is certain
    assert str(status) in str(raised.value)


def test_an_unreachable_connector_or_unknown_service_url_is_a_certain_failure(
    publisher: TeamsPublisher,
) -> None:
    for dest in (
        Destination("teams", act.CHANNEL),
        Destination("teams", act.CHANNEL, service_url="http://127.0.0.1:9"),
    ):
        with pytest.raises(PostError) as raised:
            publisher.send(Post(dest, ISSUE_MAR_4))
        assert raised.value.certain


def test_find_post_cannot_list_past_posts(publisher: TeamsPublisher) -> None:
    dest = Destination("teams", act.CHANNEL, service_url="http://127.0.0.1:9")
    assert publisher.find(Post(dest, ISSUE_MAR_4)) is None


def test_post_issue_works_from_inside_an_event_loop(connector: Connector, publisher: TeamsPublisher) -> None:
    import asyncio

    async def from_a_coroutine() -> str:
        dest = Destination("teams", act.PERSONAL, service_url=connector.base_url)
        return publisher.send(Post(dest, ISSUE_MAR_4))

    assert asyncio.run(from_a_coroutine()) == connector.posts[0].id


def test_local_mode_without_credentials_posts_without_a_token(
    local_settings: Settings, connector: Connector
) -> None:
    publisher = build_teams_publisher(local_settings)
    publisher.send(Post(Destination("teams", act.PERSONAL, service_url=connector.base_url), ISSUE_MAR_4))
    assert connector.posts[0].authorization is None


def test_the_publisher_serves_the_teams_platform() -> None:
    assert TeamsPublisher.platform == "teams"
