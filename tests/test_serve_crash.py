"""SIGKILL `digestbot serve` in the middle of sending a new issue's posts, its watch notices or its home
refreshes; start it again: as the Slack emulator's log shows, every channel ends up with the issue exactly
once, every watcher with its notice exactly once (Slack can look for both, so a send in doubt is found,
not repeated), and every home viewer's home published at least once, showing the issue (the guarantee of
home refreshes: Slack cannot look for a home, and publishing it again only replaces it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digestbot.delivery.delivery import issue_key
from digestbot.delivery.outbox import notice_key
from digestbot.edge.console import samples_dir
from digestbot.parse import parse_document
from digestbot.settings import Settings
from digestbot.testing.slack_emulator import SlackEmulator
from tests.outbox_support import Audience, home_publishes, notice_keys, seed_audience

CHANNELS = ["C0SEC0001", "C0SEC0002", "C0SEC0003"]
NEWEST = dt.date(2026, 1, 13)
NEWEST_FILE = samples_dir() / "2026-01-13-weekly-security-digest.md"
WATCHED_SINCE = dt.date(2025, 5, 27)  # the sample before it: the watches began then
WATCHERS = {"U0WATCH01": "Calder Star crew", "U0WATCH02": "Kesmir Pass", "U0WATCH03": "Pennick Insurance"}
VIEWERS = ("U0VIEW001", "U0VIEW002", "U0VIEW003")
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        running.delays["chat.postMessage"] = 0.2
        running.delays["views.publish"] = 0.3
        yield running


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples ingested once (the model embeds them); each test gets a copy."""
    data = tmp_path_factory.mktemp("archive") / "data"
    base = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    subprocess.run(
        [sys.executable, "-m", "digestbot", "ingest", str(samples_dir())],
        env={**base, "HF_HUB_OFFLINE": "1", "DIGESTBOT_DATA_DIR": str(data)},
        cwd=data.parent,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return data


def env_for(emulator: SlackEmulator, data: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    return {
        **base,
        "HF_HUB_OFFLINE": "1",
        "DIGESTBOT_DATA_DIR": str(data),
        "DIGESTBOT_SLACK_BOT_TOKEN": "xoxb-emulated",
        "DIGESTBOT_SLACK_SIGNING_SECRET": "emulated-secret",
        "DIGESTBOT_SLACK_API_URL": emulator.api_url,
        "DIGESTBOT_PORT": str(free_port()),
        "DIGESTBOT_CHANNELS": json.dumps(CHANNELS),
        "DIGESTBOT_SCHEDULE": "0 9 1 1 *",  # far away: only the start-up catch-up cycle runs
        # The restart takes over the dead process's claims once their lease ran out.
        "DIGESTBOT_DELIVERY_LEASE_SECONDS": "3",
    }


def start(env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "digestbot", "serve"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def sections_of_newest() -> int:
    return len(parse_document(NEWEST_FILE.read_bytes(), source=str(NEWEST_FILE)).sections)


def progress(emulator: SlackEmulator, kind: str) -> int:
    """How far the sending of one kind got: its calls that reached Slack."""
    if kind == "home-refresh":
        return sum(home_publishes(emulator, user) for user in VIEWERS)
    posted = [call.body.get("channel") for call in emulator.calls_to("chat.postMessage")]
    wanted = CHANNELS if kind == "issue-post" else [emulator.dm_channel(user) for user in WATCHERS]
    return len([channel for channel in posted if channel in wanted])


# Kill when this many calls of the kind reached Slack (of how many it takes in all).
KILL_AT = {
    "issue-post": (3, lambda: len(CHANNELS) * (1 + sections_of_newest())),
    "watch-notice": (1, lambda: len(WATCHERS)),
    "home-refresh": (1, lambda: len(VIEWERS)),
}


def complete(emulator: SlackEmulator, audience: Audience) -> bool:
    """Every channel has the whole issue, every watcher a notice, every viewer a home showing it."""
    replies = 1 + sections_of_newest()
    return (
        all(
            len(emulator.messages(c)) == 1 and len(emulator.messages(c, top_level=False)) == replies
            for c in CHANNELS
        )
        and all(notice_keys(emulator, watch.recipient.user_id) for watch in audience.watches)
        and all("13 Jan 2026" in str(emulator.views.get(user)) for user in audience.viewers)
    )


@pytest.mark.parametrize("kind", sorted(KILL_AT))
def test_sigkill_mid_sending_then_restart_sends_each_kind_once(
    emulator: SlackEmulator, archive: Path, tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(archive, data)
    env = env_for(emulator, data)
    audience = seed_audience(Settings(data_dir=data).resolved_database_url, WATCHERS, WATCHED_SINCE, VIEWERS)
    assert len(audience.watches) == len(WATCHERS)
    at, total = KILL_AT[kind]
    first = start(env, tmp_path)
    try:
        wait_until(lambda: progress(emulator, kind) >= at, 180, f"the {kind}s to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
    assert progress(emulator, kind) < total(), "killed too late to test anything"

    second = start(env, tmp_path)
    try:
        wait_until(lambda: complete(emulator, audience), 180, "every channel, watcher and home to have it")
        time.sleep(2)  # nothing more may arrive
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    for channel in CHANNELS:  # exactly once
        tops = emulator.messages(channel)
        assert [m["metadata"]["event_payload"]["issue"] for m in tops] == [issue_key(NEWEST)]
        places = [
            m["metadata"]["event_payload"]["place"]
            for m in emulator.messages(channel, top_level=False)
            if "thread_ts" in m
        ]
        assert sorted(places) == sorted(f"s{n}p0" for n in range(sections_of_newest()))
    for watch in audience.watches:  # exactly once
        assert notice_keys(emulator, watch.recipient.user_id) == [notice_key(watch.id, NEWEST)]
    for user in audience.viewers:  # at least once (the last one shows the issue: see complete())
        assert home_publishes(emulator, user) >= 1
    looked = {call.body.get("channel") for call in emulator.calls_to("conversations.history")}
    if kind == "issue-post":
        assert looked & set(CHANNELS), "the restart looked in the channels before posting again"
    if kind == "watch-notice":
        dms = {emulator.dm_channel(user) for user in WATCHERS}
        assert looked & dms, "the restart looked in the direct messages before sending again"
