"""One contract, every ``DirectMessenger``: Slack (local emulator), Teams (fake Bot Connector), the console,
and the in-memory fake the notifier tests use. What the watch notifier relies on holds for each of them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from digestbot.app import build_conversations
from digestbot.delivery.delivery import PostError
from digestbot.delivery.watching import DirectMessenger, Notice, Unreachable
from digestbot.domain import AnswerItem, Hit, Recipient, Watch
from digestbot.edge.console import ConsoleChat, ConsoleMessenger
from digestbot.settings import Settings
from digestbot.slack.messenger import SlackMessenger
from digestbot.slack.publisher import build_web_client
from digestbot.teams import TeamsMessenger, build_teams_publisher
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.fake_messenger import MemoryMessenger
from tests.fakes import fake_core, fake_settings
from tests.teams.connector import serve_connector
from tests.teams.identity import Identity, cloud_for, fixed_token

pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")

HIT = Hit(
    item_id=7,
    date=dt.date(2031, 5, 6),
    title="Northwind’s Weekly Security Digest",
    section="Cyber / Defense Technology",
    text="A ransomware crew named Tidecaller encrypted a Westmark port's billing servers.",
    analysis=(),
    score=0.5,
    url="https://digest.example/2031-05-06",
)


def notice(recipient: Recipient) -> Notice:
    watch = Watch(id=3, recipient=recipient, topic="ransomware", since=dt.date(2031, 4, 29))
    return Notice(watch, HIT.date, (AnswerItem(HIT, HIT.text),))


@dataclass
class Rig:
    """A messenger, a user it can message, how to make its next send fail for certain, and a user it
    cannot reach (None: it can reach anyone, opening a direct message itself)."""

    messenger: DirectMessenger
    user: Recipient
    refuse_next: Callable[[], None] | None  # None: this platform cannot fail a send
    stranger: Recipient | None


@contextmanager
def slack_rig(_tmp: Path) -> Iterator[Rig]:
    with SlackEmulator() as emulator:
        messenger = SlackMessenger(
            build_web_client(Settings(slack_bot_token=SecretStr("xoxb-test"), slack_api_url=emulator.api_url))
        )

        def refuse() -> None:
            emulator.fail(
                "chat.postMessage", Failure(status=200, error="channel_not_found", retry_after=None)
            )

        yield Rig(messenger, Recipient("slack", "U0ALICE01"), refuse, None)


@contextmanager
def teams_rig(_tmp: Path) -> Iterator[Rig]:
    identity = Identity()
    with serve_connector(identity) as connector:
        settings = Settings(teams_client_id="00000000-0000-0000-0000-0000000000aa")
        publisher = build_teams_publisher(
            settings, cloud=cloud_for(connector.base_url), token=fixed_token(identity)
        )
        dana = Recipient("teams", "29:dana", "tenant-1", "a:1personal-chat-with-dana", connector.base_url)

        def refuse() -> None:
            connector.failures.append((403, {}))

        yield Rig(
            TeamsMessenger(publisher), dana, refuse, replace(dana, conversation_id=None, service_url=None)
        )


@contextmanager
def console_rig(tmp: Path) -> Iterator[Rig]:
    core = fake_core(fake_settings(data_dir=tmp))
    chat = ConsoleChat(build_conversations(core), io.StringIO(), io.StringIO(), interactive=False)
    yield Rig(ConsoleMessenger(chat), Recipient("console", "console"), None, None)
    core.archive.db.close()


@contextmanager
def memory_rig(_tmp: Path) -> Iterator[Rig]:
    messenger = MemoryMessenger()
    messenger.unreachable.add("U0STRANGE")

    def refuse() -> None:
        messenger.fail_with = PostError("refused", certain=True)

    yield Rig(messenger, Recipient("slack", "U0ALICE01"), refuse, Recipient("slack", "U0STRANGE"))


RIGS = {"slack": slack_rig, "teams": teams_rig, "console": console_rig, "memory": memory_rig}


@pytest.fixture(params=sorted(RIGS))
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    with RIGS[request.param](tmp_path) as built:
        yield built


def test_it_serves_the_platform_of_its_users(rig: Rig) -> None:
    assert rig.messenger.platform == rig.user.platform


def test_nothing_is_found_before_anything_is_sent(rig: Rig) -> None:
    assert rig.messenger.find(notice(rig.user)) is None


def test_a_send_returns_a_reference_and_is_found_where_the_platform_can_look(rig: Rig) -> None:
    ref = rig.messenger.send(notice(rig.user))
    assert isinstance(ref, str) and ref
    assert rig.messenger.find(notice(rig.user)) == (ref if rig.messenger.can_look else None)
    other = replace(notice(rig.user), issue_date=dt.date(2031, 5, 13))
    assert rig.messenger.find(other) is None  # each notice is told apart from the others


def test_a_refused_send_is_a_certain_post_error(rig: Rig) -> None:
    if rig.refuse_next is None:
        pytest.skip(f"{rig.messenger.platform}: sending cannot fail")
    rig.refuse_next()
    with pytest.raises(PostError) as refused:
        rig.messenger.send(notice(rig.user))
    assert refused.value.certain


def test_a_user_out_of_reach_is_unreachable_and_certain(rig: Rig) -> None:
    if rig.stranger is None:
        pytest.skip(f"{rig.messenger.platform}: every user can be messaged")
    with pytest.raises(Unreachable) as unreachable:
        rig.messenger.send(notice(rig.stranger))
    assert unreachable.value.certain
