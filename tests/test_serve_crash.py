"""SIGKILL `digestbot serve` in the middle of a weekly delivery, start it again: every channel ends up
with the issue exactly once, as the Slack emulator's log shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from digestbot.delivery.delivery import issue_key
from digestbot.edge.console import samples_dir
from digestbot.parse import parse_document
from digestbot.testing.slack_emulator import SlackEmulator

CHANNELS = ["C0SEC0001", "C0SEC0002", "C0SEC0003"]
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
        yield running


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


def test_sigkill_mid_delivery_then_restart_posts_each_issue_once(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    env = env_for(emulator, tmp_path / "data")
    subprocess.run(
        [sys.executable, "-m", "digestbot", "ingest", str(samples_dir())],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    newest = samples_dir() / "2026-01-13-weekly-security-digest.md"
    latest_sections = len(parse_document(newest.read_bytes(), source=str(newest)).sections)  # one reply each
    first = start(env, tmp_path)
    try:
        wait_until(lambda: len(emulator.calls_to("chat.postMessage")) >= 3, 180, "the delivery to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
    posted_before = len(emulator.calls_to("chat.postMessage"))
    assert posted_before < len(CHANNELS) * (1 + latest_sections), "killed too late to test anything"

    second = start(env, tmp_path)
    try:

        def complete() -> bool:
            return all(
                len(emulator.messages(c)) == 1
                and len(emulator.messages(c, top_level=False)) == 1 + latest_sections
                for c in CHANNELS
            )

        wait_until(complete, 180, "every channel to have the whole issue")
        time.sleep(2)  # nothing more may arrive
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    for channel in CHANNELS:
        tops = emulator.messages(channel)
        assert [m["metadata"]["event_payload"]["issue"] for m in tops] == [issue_key(dt.date(2026, 1, 13))]
        places = [
            m["metadata"]["event_payload"]["place"]
            for m in emulator.messages(channel, top_level=False)
            if "thread_ts" in m
        ]
        assert sorted(places) == sorted(f"s{n}p0" for n in range(latest_sections))
    assert emulator.calls_to("conversations.history"), (
        "the restart looked in the channel before posting again"
    )
