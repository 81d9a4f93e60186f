"""One contract, every ``Publisher``: Slack (local emulator), Teams (fake Bot Connector), the console, and
the in-memory fake the delivery tests use. What the deliverer relies on holds for each of them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.app import build_conversations
from digestbot.delivery.delivery import Post, PostError, Publisher
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.edge.console import PLACE, ConsoleChat, ConsolePublisher
from digestbot.settings import Settings
from digestbot.slack.publisher import SlackPublisher, build_web_client
from digestbot.teams import build_teams_publisher
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.fake_publisher import MemoryPublisher
from tests.fakes import fake_core, fake_settings
from tests.teams.connector import serve_connector
from tests.teams.identity import Identity, cloud_for, fixed_token

pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")

ISSUE = Issue(
    date=dt.date(2031, 5, 6),
    title="Northwind’s Weekly Security Digest",
    url="https://digest.example/2031-05-06",
    sections=(Section("Cyber / Defense Technology", (Item("A botnet named Tidecaller hijacked routers."),)),),
)


@dataclass
class Rig:
    """A publisher, a destination it can post to, and how to make its next post fail for certain."""

    publisher: Publisher
    dest: Destination
    refuse_next: Callable[[], None] | None  # None: this platform cannot fail a post
    finds_own_posts: bool  # whether the platform can list what was posted (Slack can; Teams cannot)


@contextmanager
def slack_rig(_tmp: Path) -> Iterator[Rig]:
    with SlackEmulator() as emulator:
        settings = Settings(slack_bot_token=SecretStr("xoxb-test"), slack_api_url=emulator.api_url)
        publisher = SlackPublisher(build_web_client(settings), interval=0.0)

        def refuse() -> None:
            emulator.fail(
                "chat.postMessage", Failure(status=200, error="channel_not_found", retry_after=None)
            )

        yield Rig(publisher, Destination("slack", "C0PUBLIC1"), refuse, finds_own_posts=True)


@contextmanager
def teams_rig(_tmp: Path) -> Iterator[Rig]:
    identity = Identity()
    with serve_connector(identity) as connector:
        settings = Settings(teams_client_id="00000000-0000-0000-0000-0000000000aa")
        publisher = build_teams_publisher(
            settings, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
        )
        dest = Destination("teams", "19:general@thread.tacv2", service_url=connector.base_url)

        def refuse() -> None:
            connector.failures.append((403, {}))

        yield Rig(publisher, dest, refuse, finds_own_posts=False)


@contextmanager
def console_rig(tmp: Path) -> Iterator[Rig]:
    core = fake_core(fake_settings(data_dir=tmp))
    chat = ConsoleChat(build_conversations(core), io.StringIO(), io.StringIO(), interactive=False)
    yield Rig(ConsolePublisher(chat), PLACE, None, finds_own_posts=False)
    core.archive.db.close()


@contextmanager
def memory_rig(_tmp: Path) -> Iterator[Rig]:
    publisher = MemoryPublisher()

    def refuse() -> None:
        publisher.fail_with = PostError("refused", certain=True)

    yield Rig(publisher, Destination("slack", "C0MEMORY1"), refuse, finds_own_posts=True)


RIGS = {"slack": slack_rig, "teams": teams_rig, "console": console_rig, "memory": memory_rig}


@pytest.fixture(params=sorted(RIGS))
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    with RIGS[request.param](tmp_path) as built:
        yield built


def test_it_serves_the_platform_of_its_destinations(rig: Rig) -> None:
    assert rig.publisher.platform == rig.dest.platform


def test_nothing_is_found_before_anything_is_posted(rig: Rig) -> None:
    assert rig.publisher.find(Post(rig.dest, ISSUE)) is None


def test_a_post_returns_a_reference_and_is_found_where_the_platform_can_look(rig: Rig) -> None:
    ref = rig.publisher.send(Post(rig.dest, ISSUE))
    assert isinstance(ref, str) and ref
    found = rig.publisher.find(Post(rig.dest, ISSUE))
    assert found == (ref if rig.finds_own_posts else None)


def test_a_refused_post_is_a_certain_post_error(rig: Rig) -> None:
    if rig.refuse_next is None:
        pytest.skip(f"{rig.publisher.platform}: posting cannot fail")
    rig.refuse_next()
    with pytest.raises(PostError) as refused:
        rig.publisher.send(Post(rig.dest, ISSUE))
    assert refused.value.certain
    assert rig.publisher.find(Post(rig.dest, ISSUE)) is None
