"""The console chat: same commands and questions as the chat platforms, at a prompt."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digestbot.app import build_conversations
from digestbot.cli import build_cli
from digestbot.core import Digestbot
from digestbot.domain import Destination
from digestbot.edge.console import ConsoleChat, load_samples_if_empty
from digestbot.render.plain import help_text
from digestbot.settings import load_settings
from digestbot.telemetry.logs import configure_logging
from tests.fakes import fake_core


@pytest.fixture
def core(tmp_path: Path) -> Digestbot:
    return fake_core(load_settings(data_dir=tmp_path))


def chat(core: Digestbot, lines: str) -> str:
    out = io.StringIO()
    ConsoleChat(build_conversations(core), io.StringIO(lines), out, interactive=False).run()
    return out.getvalue()


def test_empty_archive_then_samples(core: Digestbot) -> None:
    assert "The archive is empty: no issue has been ingested yet." in chat(core, "/digest latest\n")
    assert load_samples_if_empty(core) is True
    assert load_samples_if_empty(core) is False
    assert len(core.issues()) == 8


def test_commands_and_questions(core: Digestbot) -> None:
    load_samples_if_empty(core)
    script = [
        "/digest help", "/digest latest", "LeakyBucket2026", "more 1", "more 9",
        "/digest subscribe", "status", "quit", "never read",
    ]  # fmt: skip
    out = chat(core, "\n".join(script) + "\n")
    assert help_text() in out
    assert "Northwind Risk’s Weekly Security Digest — 13 January 2026 (8 items)" in out
    assert "  Veloria – Drassk Border: 1 item\n" in out
    assert "1. " in out and "Weekly Security Digest, 13 Jan 2026 · Cyber / Defense Technology" in out
    assert "The last answer has 1 item: more 1 to more 1." in out
    assert "Subscribed: new issues of the digest will be posted in this console." in out
    assert "This console is subscribed" in out
    assert core.chat.destinations("console") == [Destination("console", "console")]
    assert "never read" not in out


def test_more_shows_the_item_in_full_with_its_analysis(core: Digestbot) -> None:
    load_samples_if_empty(core)
    answer = core.ask("LeakyBucket2026")
    [hit] = answer.hits
    out = chat(core, "LeakyBucket2026\nmore 1\n")
    assert hit.analysis and all(line in out for line in hit.analysis)
    assert "more 1" in chat(core, "more 1\n")  # no answer yet: says how to use it


@pytest.mark.slow
def test_readme_run_command_answers_with_citations(tmp_path: Path) -> None:
    """`digestbot serve` with no chat credentials: a console chat over the bundled samples, real model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    done = _serve(tmp_path, tmp_path, "what happened in Iran's election?\n", env)
    assert "Kamran Delavari" in done.stdout
    assert "Weekly Security Digest, 13 Jan 2026 · International Affairs" in done.stdout


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    configure_logging()  # the console's log file and quiet screen stay with the test that made them


def serve_console(data: Path, *options: str, stdin: str = "ransomware\n") -> tuple[str, str]:
    """``digestbot [options] serve`` with no chat credentials, over a core on the hashing embedder."""
    app = build_cli(fake_core)
    result = CliRunner().invoke(app, ["--data-dir", str(data), *options], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def info_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if " INFO " in line]


@pytest.mark.usefixtures("restore_logging")
def test_console_logs_go_to_the_file_its_first_line_names(tmp_path: Path) -> None:
    out, err = serve_console(tmp_path, "serve")
    log_file = tmp_path / "console.log"
    assert f"Log: {log_file}." in out.splitlines()[0]
    assert "Weekly Security Digest" in out  # the answer
    assert info_lines(out) == info_lines(err) == []
    assert any("loading the bundled sample digests" in line for line in info_lines(log_file.read_text()))


@pytest.mark.usefixtures("restore_logging")
def test_console_verbose_logs_on_the_screen_too(tmp_path: Path) -> None:
    for options in (["serve", "--verbose"], ["--verbose", "serve"]):
        data = tmp_path / options[0]
        _, err = serve_console(data, *options)
        assert any("loading the bundled sample digests" in line for line in info_lines(err))
        assert info_lines((data / "console.log").read_text())


@pytest.mark.slow
def test_real_console_screen_is_the_chat(tmp_path: Path) -> None:
    """The real ``digestbot serve`` process on the real model: no INFO line on the screen, all in the file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    env["DIGESTBOT_MODEL_CACHE_DIR"] = os.environ["DIGESTBOT_MODEL_CACHE_DIR"]  # the session's export
    done = _serve(tmp_path / "data", tmp_path, "ransomware\n/digest latest\n", env)
    log_file = tmp_path / "data" / "console.log"
    assert done.stdout.splitlines()[0].startswith("digestbot console — 8 issues in the archive.")
    assert f"Log: {log_file}." in done.stdout.splitlines()[0]
    assert "BlueMarrow" in done.stdout
    assert info_lines(done.stdout) == info_lines(done.stderr) == []
    logged = "\n".join(info_lines(log_file.read_text()))
    assert "ingested" in logged and "index loaded" in logged


def _serve(data_dir: Path, cwd: Path, typed: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A real ``digestbot serve`` console with ``typed`` at its prompt, offline, to its end."""
    return subprocess.run(
        [sys.executable, "-m", "digestbot", "--data-dir", str(data_dir), "serve"],
        input=typed,
        capture_output=True,
        text=True,
        env={**env, "HF_HUB_OFFLINE": "1"},
        cwd=cwd,
        timeout=300,
        check=True,
    )
