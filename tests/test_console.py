"""The console chat: same commands and questions as the chat platforms, at a prompt."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digestbot.app import build_core
from digestbot.commands import HELP_TEXT
from digestbot.console import ConsoleChat, load_samples_if_empty
from digestbot.core import Digestbot
from digestbot.embed import HashingEmbedder
from digestbot.settings import load_settings


@pytest.fixture
def core(tmp_path: Path) -> Digestbot:
    return build_core(load_settings(data_dir=tmp_path), embedder=HashingEmbedder())


def chat(core: Digestbot, lines: str) -> str:
    out = io.StringIO()
    ConsoleChat(core, io.StringIO(lines), out, interactive=False).run()
    return out.getvalue()


def test_empty_archive_then_samples(core: Digestbot) -> None:
    assert "The archive is empty." in chat(core, "/digest latest\n")
    assert load_samples_if_empty(core) is True
    assert load_samples_if_empty(core) is False
    assert len(core.issues()) == 8


def test_commands_and_questions(core: Digestbot) -> None:
    load_samples_if_empty(core)
    out = chat(core, "/digest help\n/digest latest\nLeakyBucket2026\n/digest subscribe\nquit\nnever read\n")
    assert HELP_TEXT in out
    assert "Northwind Risk’s Weekly Security Digest — 13 January 2026 (8 items)" in out
    assert "  Veloria – Drassk Border: 1 item\n" in out
    assert "Weekly Security Digest, 13 Jan 2026 · Cyber / Defense Technology" in out
    assert "subscriptions are for chat channels" in out
    assert "never read" not in out


@pytest.mark.slow
def test_readme_run_command_answers_with_citations(tmp_path: Path) -> None:
    """`digestbot serve` with no chat credentials: a console chat over the bundled samples, real model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "digestbot", "--data-dir", str(tmp_path), "serve"],
        input="what happened in Iran's election?\n",
        capture_output=True,
        text=True,
        env={**env, "HF_HUB_OFFLINE": "1"},
        cwd=tmp_path,
        timeout=300,
        check=True,
    )
    assert "Kamran Delavari" in done.stdout
    assert "Weekly Security Digest, 13 Jan 2026 · International Affairs" in done.stdout
