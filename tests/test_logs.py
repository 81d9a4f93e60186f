"""Log lines outside text cannot forge: control characters escaped, tracebacks kept whole."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digestbot.app import build_conversations
from digestbot.cli import build_cli
from digestbot.edge.asgi import Throttled
from digestbot.edge.serve import chat_server
from digestbot.settings import Settings
from digestbot.telemetry.logs import JsonFormatter, SafeFormatter, escape_controls
from tests.fakes import fake_core, fake_settings


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("digestbot.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_every_line_breaking_or_control_character_is_escaped() -> None:
    hostile = "a\nb\rc\x1b[31md\x85e\u2028f\u2029g\x00h\x7fi\u202ej\tk"
    assert escape_controls(hostile) == "a\\nb\\rc\\x1b[31md\\x85e\\u2028f\\u2029g\\x00h\\x7fi\\u202ej\tk"
    assert escape_controls("Veloria – Drassk · “quoted” é") == "Veloria – Drassk · “quoted” é"


def test_the_message_is_one_line_and_the_traceback_follows_intact() -> None:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        caught = exc
    text = SafeFormatter().format(record("ingested %s: %s", "x\nFAKE ENTRY.txt", "ok", exc=caught))
    first, *traceback = text.splitlines()
    assert first.endswith("WARNING digestbot.test: ingested x\\nFAKE ENTRY.txt: ok")
    assert traceback[0] == "Traceback (most recent call last):" and traceback[-1] == "ValueError: boom"


def test_serve_escapes_uvicorns_lines_too(tmp_path: Path) -> None:
    core = fake_core(fake_settings(data_dir=tmp_path))
    chat_server(Settings(data_dir=tmp_path, port=0), build_conversations(core))
    for name in ("uvicorn", "uvicorn.access"):
        [handler] = logging.getLogger(name).handlers
        assert isinstance(handler.formatter, SafeFormatter)
    line = logging.getLogger("uvicorn").handlers[0].format(record("Invalid HTTP request: %s", "x\ny"))
    assert line.endswith("Invalid HTTP request: x\\ny") and "\n" not in line


def test_a_throttled_warning_logs_once_per_interval_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    throttled = Throttled("refused %d request(s)", interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="digestbot.edge.asgi"):
        for second in (0, 1, 2, 59, 60, 61, 200):
            now[0] = second
            throttled.note()
    assert [record.getMessage() for record in caplog.records] == [
        "refused 1 request(s)",
        "refused 4 request(s)",  # 1, 2, 59 and 60
        "refused 2 request(s)",  # 61 and 200
    ]


def test_a_json_line_is_one_line_whatever_the_message_and_the_traceback() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError as exc:
        caught = exc
    hostile = "x\nFAKE ENTRY\u2028\x1b[31m\u202e.txt"
    line = JsonFormatter().format(record("ingested %s", hostile, exc=caught))
    assert "\n" not in line and line.isascii()
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "WARNING",
        "digestbot.test",
        f"ingested {hostile}",
    )
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: boom\nsecond line")  # whole, inside the one line
    assert entry["time"].endswith("+00:00")


def test_log_format_json_turns_the_clis_lines_into_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGESTBOT_LOG_FORMAT", "json")
    text = tmp_path / "2031-03-04 digest\nFAKE.txt"
    text.write_text(
        "Weekly Security Digest – March 4, 2031\n\nCyber\n\n  • Drassk's grid operator was hit.\n"
    )
    result = CliRunner().invoke(
        build_cli(fake_core), ["-v", "--data-dir", str(tmp_path), "ingest", str(text)]
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is a JSON object
    assert any(entry["message"].startswith(f"ingested {text}") for entry in entries)


def test_serve_writes_uvicorns_lines_as_json_too(tmp_path: Path) -> None:
    core = fake_core(fake_settings(data_dir=tmp_path))
    chat_server(Settings(data_dir=tmp_path, port=0, log_format="json"), build_conversations(core))
    for name in ("uvicorn", "uvicorn.access"):
        [handler] = logging.getLogger(name).handlers
        assert isinstance(handler.formatter, JsonFormatter)
    line = logging.getLogger("uvicorn").handlers[0].format(record("Invalid HTTP request: %s", "x\ny"))
    assert json.loads(line)["message"] == "Invalid HTTP request: x\ny"
