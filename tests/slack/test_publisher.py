"""Weekly delivery to Slack through the emulator: exactly once, threads completed after a failure,
429s waited out, link unfurling off, metadata on every message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from digestbot.delivery.delivery import Deliverer, Post, issue_key
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.settings import Settings
from digestbot.slack.publisher import SlackPublisher, build_web_client
from digestbot.store import Archive, ChatState, Database
from digestbot.store.models import SendState, utcnow
from digestbot.store.outbox import DEFAULT_LEASE, Outbox
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.outbox_support import post_to

CHANNELS = ("C0SEC0001", "C0SEC0002", "C0SEC0003")
DAY = dt.date(2031, 3, 4)


def issue(day: dt.date = DAY) -> Issue:
    sections = tuple(
        Section(
            name=name,
            part="Global Security Matters",
            items=(Item(f"{name} news of {day}.", ("Why it matters.",)),),
        )
        for name in ("International Affairs", "Cyber / Defense Technology", "Atmosphere of Protest")
    )
    return Issue(date=day, title="Northwind Risk’s Weekly Security Digest", sections=sections)


class Rig:
    def __init__(self, emulator: SlackEmulator, path: Path) -> None:
        self.emulator = emulator
        self.db = Database(f"sqlite:///{path / 'db.sqlite3'}")
        self.archive, self.chat = Archive(self.db), ChatState(self.db)
        for channel in CHANNELS:
            self.chat.subscribe(Destination("slack", channel))
        settings = Settings(slack_bot_token=SecretStr("xoxb-test"), slack_api_url=emulator.api_url)
        self.publisher = SlackPublisher(build_web_client(settings), interval=0.0)

    def deliver(self, clock: Callable[[], dt.datetime] = utcnow) -> None:
        Deliverer(self.archive, self.chat, Outbox(self.db, clock=clock), [self.publisher]).deliver()

    def top_level(self, channel: str) -> list[str]:
        return [m["metadata"]["event_payload"]["issue"] for m in self.emulator.messages(channel)]

    def thread(self, channel: str) -> list[str]:
        replies = self.emulator.messages(channel, top_level=False)
        return sorted(m["metadata"]["event_payload"]["place"] for m in replies if "thread_ts" in m)


@pytest.fixture
def rig(emulator: SlackEmulator, tmp_path: Path) -> Iterator[Rig]:
    built = Rig(emulator, tmp_path)
    yield built
    built.db.close()


def test_new_issue_posted_once_to_three_channels(rig: Rig) -> None:
    rig.archive.save_issue(issue(), source="test")
    rig.deliver()
    rig.deliver()
    rig.archive.save_issue(issue(), source="test")  # the same issue again
    rig.deliver()
    for channel in CHANNELS:
        assert rig.top_level(channel) == [issue_key(DAY)]
        assert rig.thread(channel) == ["s0p0", "s1p0", "s2p0"]
        assert rig.chat.thread("slack", channel, rig.emulator.messages(channel)[0]["ts"]) is not None
    posts = rig.emulator.calls_to("chat.postMessage")
    assert len(posts) == 12
    assert all(call.body["unfurl_links"] is False and call.body["unfurl_media"] is False for call in posts)
    assert not any(call.body.get("reply_broadcast") for call in posts)


def test_a_failure_mid_thread_is_completed_not_reposted(rig: Rig) -> None:
    rig.archive.save_issue(issue(), source="test")
    rig.emulator.failures["chat.postMessage"] = Failure(
        status=200, retry_after=None, error="fatal_error", times=1
    )
    rig.emulator.calls.clear()
    # The first post (C1's top level) fails outright: certain failures are released and retried.
    rig.deliver()
    rig.deliver()
    for channel in CHANNELS:
        assert rig.top_level(channel) == [issue_key(DAY)]
        assert rig.thread(channel) == ["s0p0", "s1p0", "s2p0"]


class Killed(BaseException):
    """The process dying (SIGKILL): nothing after it runs."""


class DyingPublisher(SlackPublisher):
    """Dies right after its n-th successful post."""

    def __init__(self, *args: Any, posts_before_death: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.left = posts_before_death

    def _post(self, *args: Any, **kwargs: Any) -> str:
        ts = super()._post(*args, **kwargs)
        self.left -= 1
        if self.left == 0:
            raise Killed
        return ts


@pytest.mark.parametrize("posts_before_death", [1, 2, 4, 5])
def test_killed_mid_delivery_then_restarted_leaves_each_channel_with_the_issue_once(
    rig: Rig, posts_before_death: int
) -> None:
    rig.archive.save_issue(issue(), source="test")
    dying = DyingPublisher(rig.publisher.client, interval=0.0, posts_before_death=posts_before_death)
    with pytest.raises(Killed):
        Deliverer(rig.archive, rig.chat, Outbox(rig.db), [dying]).deliver()
    rig.deliver(clock=lambda: utcnow() + DEFAULT_LEASE)  # the restart, once the dead claims expired
    for channel in CHANNELS:
        assert rig.top_level(channel) == [issue_key(DAY)], channel
        assert rig.thread(channel) == ["s0p0", "s1p0", "s2p0"], channel
        assert Outbox(rig.db).state(post_to(DAY, "slack", channel)) is SendState.SENT


def test_a_429_storm_delays_but_loses_nothing(rig: Rig) -> None:
    rig.archive.save_issue(issue(), source="test")
    rig.emulator.failures["chat.postMessage"] = Failure(status=429, retry_after=1, times=3)
    rig.deliver()
    for channel in CHANNELS:
        assert rig.top_level(channel) == [issue_key(DAY)]
        assert len(rig.thread(channel)) == 3
    assert sum(1 for call in rig.emulator.calls_to("chat.postMessage")) == 12 + 3


def test_pacing_keeps_about_one_message_per_second_per_channel(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    clock = FakeClock()
    settings = Settings(slack_bot_token=SecretStr("xoxb-test"), slack_api_url=emulator.api_url)
    publisher = SlackPublisher(
        build_web_client(settings),
        sleep=clock.sleep,
        clock=clock.now,
    )
    publisher.send(Post(Destination("slack", "C1"), issue()))
    assert clock.waits == [1.0, 1.0, 1.0]


class FakeClock:
    """Time that only moves when slept."""

    def __init__(self) -> None:
        self.time = 0.0
        self.waits: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.time += seconds
