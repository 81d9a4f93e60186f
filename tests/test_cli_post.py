"""`digestbot post [--issue DATE] [--dry-run]` against the Slack emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digestbot.cli import build_cli
from digestbot.core import Digestbot
from digestbot.edge import platforms
from digestbot.edge.console import samples_dir
from digestbot.settings import Settings
from digestbot.testing.slack_emulator import SlackEmulator
from tests.fakes import fake_core

CHANNELS = ["C0SEC0001", "slack:C0SEC0002"]


def fast_core(settings: Settings) -> Digestbot:
    """The production wiring on the hashing embedder, with Slack's pacing off."""
    publishers = platforms.publishers(settings)
    for publisher in publishers:
        publisher.interval = 0.0  # type: ignore[attr-defined]
    destinations = platforms.configured_destinations(settings)
    return fake_core(settings, publishers=publishers, destinations=destinations)


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        monkeypatch.setenv("DIGESTBOT_SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("DIGESTBOT_SLACK_API_URL", running.api_url)
        monkeypatch.setenv("DIGESTBOT_CHANNELS", json.dumps(CHANNELS))
        yield running


def run(data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_cli(fast_core), ["--data-dir", str(data), *args])
    return result.exit_code, result.stdout


def test_dry_run_then_post_then_nothing_more(emulator: SlackEmulator, tmp_path: Path) -> None:
    assert run(tmp_path, "ingest", str(samples_dir()))[0] == 0
    code, out = run(tmp_path, "post", "--dry-run")
    assert code == 0
    assert out.splitlines() == [
        "2026-01-13 -> slack:C0SEC0001",
        "2026-01-13 -> slack:C0SEC0002",
        "2 posts would be made",
    ]
    assert emulator.calls_to("chat.postMessage") == []
    code, out = run(tmp_path, "post")
    assert code == 0 and out.splitlines()[-1] == "2 posted, 0 found already posted, 0 failed"
    assert [len(emulator.messages(c)) for c in ("C0SEC0001", "C0SEC0002")] == [1, 1]
    code, out = run(tmp_path, "post")
    assert out.splitlines()[-1] == "0 posted, 0 found already posted, 0 failed"


def test_post_one_issue_by_hand(emulator: SlackEmulator, tmp_path: Path) -> None:
    run(tmp_path, "ingest", str(samples_dir()))
    code, out = run(tmp_path, "post", "--issue", "2025-03-04")
    assert code == 0 and "2025-03-04 -> slack:C0SEC0001" in out
    code, _ = run(tmp_path, "post", "--issue", "2031-01-01")
    assert code == 1
