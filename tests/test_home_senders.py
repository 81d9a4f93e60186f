"""One contract, every ``HomeSender``: Slack's App Home (local emulator) and the in-memory fake the
refresher tests use. What the home refresher relies on holds for each of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from digestbot.conversation import Home
from digestbot.delivery.delivery import PostError
from digestbot.delivery.homes import HomeRefresh, HomeSender
from digestbot.domain import IssueSummary
from digestbot.settings import Settings
from digestbot.slack.home import SlackHomeSender
from digestbot.slack.publisher import build_web_client
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.fake_home import MemoryHomeSender

DAY = dt.date(2031, 6, 3)
HOME = Home(
    latest=IssueSummary(DAY, "Weekly Security Digest", None, (("Cyber / Defense Technology", 1),)),
    post=("C0SEC0001", "1700000000.000001"),
    watches=(),
    limit=10,
    channels=("C0SEC0001",),
)
REFRESH = HomeRefresh("U0ALICE01", None, DAY, HOME)


@dataclass
class Rig:
    """A home sender, what it published to a user last (None: nothing), and how to refuse its next send."""

    sender: HomeSender
    published: Callable[[str], object | None]
    refuse_next: Callable[[], None]


@contextmanager
def slack_rig() -> Iterator[Rig]:
    with SlackEmulator() as emulator:
        client = build_web_client(
            Settings(slack_bot_token=SecretStr("xoxb-test"), slack_api_url=emulator.api_url)
        )

        def refuse() -> None:
            emulator.fail("views.publish", Failure(status=200, error="not_enabled", retry_after=None))

        yield Rig(SlackHomeSender(client), emulator.views.get, refuse)


@contextmanager
def memory_rig() -> Iterator[Rig]:
    sender = MemoryHomeSender()

    def refuse() -> None:
        sender.fail_with = PostError("refused", certain=True)

    yield Rig(sender, lambda user: (sender.homes.get(user) or [None])[-1], refuse)


RIGS = {"slack": slack_rig, "memory": memory_rig}


@pytest.fixture(params=sorted(RIGS))
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with RIGS[request.param]() as built:
        yield built


def test_it_publishes_a_users_home_and_cannot_look_for_it(rig: Rig) -> None:
    assert rig.sender.platform == "slack" and rig.sender.can_look is False
    ref = rig.sender.send(REFRESH)
    assert isinstance(ref, str) and ref
    assert rig.published(REFRESH.user) is not None
    assert rig.sender.find(REFRESH) is None  # a refresh in doubt follows the kind's guarantee


def test_a_refused_publish_is_a_certain_post_error(rig: Rig) -> None:
    rig.refuse_next()
    with pytest.raises(PostError) as refused:
        rig.sender.send(REFRESH)
    assert refused.value.certain
    assert rig.published(REFRESH.user) is None
