"""Issue 9's reproductions through the command line: hostile files, unusable paths, forged log lines."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digestbot.cli import build_cli
from tests.fakes import fake_core
from tests.http_support import rss

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")
ISSUE = "Weekly Security Digest - {when}\n\nCyber\n\n  \u2022 {item}\n"
ENTRY = "<h2>Cyber</h2><ul>" + "<li>Drassk customs seized forged Veloria export permits.</li>" * 40 + "</ul>"


app = build_cli(fake_core)  # the real command line over a core on the hashing embedder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def not_logged(err: str) -> list[str]:
    return [line for line in err.splitlines() if not LOG_LINE.match(line)]


def test_unlisted_suffixes_are_sniffed_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    files = tmp_path / "in"
    files.mkdir()
    (files / "a.txt").write_text(ISSUE.format(when="July 2, 2024", item="Orlek grid operator hit by wipers."))
    (files / "feed.xml").write_bytes(
        rss([("Weekly Security Digest - July 9, 2024", "https://n.test/9", ENTRY)])
    )
    (files / "2024-07-16").write_text(ISSUE.format(when="July 16, 2024", item="Kesmir port strike ends."))
    (files / "blob.rss").write_bytes(b"\x00\x01\x02" * 30)
    (files / "z.txt").write_text(ISSUE.format(when="July 23, 2024", item="Tallmark bank fined over leak."))
    names = ("a.txt", "feed.xml", "2024-07-16", "blob.rss", "z.txt")
    code, out, err = run("--data-dir", str(tmp_path / "d"), "ingest", *(str(files / n) for n in names))
    assert code == 1
    assert "4 issues read (4 added, 0 replaced, 0 unchanged); 1 failed" in out
    [error] = not_logged(err)
    assert error.startswith(f"digestbot: error: {files / 'blob.rss'}: unsupported file type: binary file")
    code, out, _ = run("--data-dir", str(tmp_path / "d"), "ask", "Tallmark bank fined", "--json")
    assert json.loads(out)["hits"][0]["date"] == "2024-07-23"  # the index was refreshed


def test_the_40k_item_issue_is_one_line_and_the_other_files_go_on(tmp_path: Path) -> None:
    huge = tmp_path / "i.txt"
    huge.write_text("Weekly Security Digest - July 30, 2024\n\nCyber\n\n" + "  \u2022 Same item.\n" * 40000)
    fine = tmp_path / "fine.txt"
    fine.write_text(ISSUE.format(when="July 2, 2024", item="Orlek grid operator hit by wipers."))
    code, out, err = run("--data-dir", str(tmp_path / "d"), "ingest", str(huge), str(fine))
    assert code == 1 and "1 issues read (1 added" in out
    assert not_logged(err) == [
        f"digestbot: error: {huge}: 40,000 items, over the limit of 5,000 items for one issue"
    ]


def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    code, _, err = run("--data-dir", str(tmp_path / "afile"), "issues")
    assert (code, err) == (
        1,
        f"digestbot: error: cannot create the data directory {tmp_path / 'afile'} (a file is in the way)\n",
    )
    code, _, err = run("--data-dir", str(tmp_path / "afile" / "sub"), "issues")
    assert code == 1 and err.endswith(f"data directory {tmp_path / 'afile' / 'sub'} (Not a directory)\n")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:////proc/x/y.db", "cannot create the data directory /proc/x (No such file or directory)"),
        ("sqlite:////proc/y.db", "cannot open the database /proc/y.db (unable to open database file)"),
    ],
)
def test_a_database_path_sqlite_cannot_use_is_one_line(
    monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)
    assert run("issues") == (1, "", f"digestbot: error: {message}\n")


def test_an_index_dir_that_cannot_be_written_is_one_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("DIGESTBOT_INDEX_DIR", str(tmp_path / "afile" / "index"))
    issue = tmp_path / "a.txt"
    issue.write_text(ISSUE.format(when="July 2, 2024", item="Orlek grid operator hit by wipers."))
    code, _, err = run("--data-dir", str(tmp_path / "d"), "ingest", str(issue))
    assert code == 0 and "Traceback" not in err
    [warning] = [line for line in err.splitlines() if "could not save the search index" in line]
    assert str(tmp_path / "afile" / "index") in warning


@pytest.mark.skipif(sys.platform == "win32", reason="newlines in file names")
def test_a_file_name_cannot_forge_log_lines(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    forged = "2024-07-02 09:00:00,000 INFO digestbot.core: FAKE ENTRY"
    (folder / f"x\n{forged}.txt").write_text(ISSUE.format(when="July 2, 2024", item="Kesmir port strike."))
    (folder / "bad\nFAKE ERROR.txt").write_bytes(b"\x00\x01")
    (folder / "esc\x1b[2J\u2028.txt").write_text(ISSUE.format(when="July 9, 2024", item="Orlek grid."))
    code, out, err = run("--data-dir", str(tmp_path / "d"), "-v", "ingest", str(folder))
    assert code == 1
    [ingested] = [line for line in err.splitlines() if "FAKE ENTRY" in line]
    assert LOG_LINE.match(ingested) and ingested.endswith(f"x\\n{forged}.txt: 2024-07-02 (added)")
    assert len([line for line in err.splitlines() if "esc\\x1b[2J\\u2028.txt: 2024-07-09" in line]) == 1
    assert not any(
        line.startswith(("FAKE", "2024-07-02 09:00")) for line in err.splitlines() + out.splitlines()
    )
    assert "digestbot: error: " + str(folder / "bad\\nFAKE ERROR.txt") in err
    assert "\x1b" not in err + out


def test_a_config_file_nested_too_deeply_is_one_line_naming_it(tmp_path: Path) -> None:
    """Issue 19 #12: `a = ` and 100,000 `[` made tomllib recurse into a 2,991-line RecursionError."""
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 100_000 + "\n")
    assert run("--config", str(config), "issues") == (
        1,
        "",
        f"digestbot: error: {config}: nested too deeply to read\n",
    )


def test_an_environment_value_nested_too_deeply_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_CHANNELS", "[" * 100_000)
    assert run("issues") == (
        1,
        "",
        "digestbot: error: a DIGESTBOT_* environment variable: nested too deeply to read\n",
    )
