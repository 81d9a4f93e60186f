"""The command line contract (DESIGN.md): output shapes, exit statuses, one-line errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from digestbot.cli import build_cli
from digestbot.edge.console import samples_dir
from tests.fakes import fake_core

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")  # logging's own lines
SEED_SECTIONS = {
    "2024-07-02": ["International Affairs", "Israel – Gaza", "Cyber / Defense Technology"],
    "2024-07-09": [
        "International Affairs",
        "Israel – Gaza",
        "Cyber / Defense Technology",
        "Atmosphere of Protest",
    ],
}


app = build_cli(fake_core)  # the real command line over a core on the hashing embedder


def run(*args: str, data: Path, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data), *args], input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_ingest_seeds_then_issues_and_show(seeds_dir: Path, tmp_path: Path) -> None:
    code, out, _ = run("ingest", str(seeds_dir), data=tmp_path)
    assert code == 0, out
    assert "2 issues read (2 added, 0 replaced, 0 unchanged); 0 failed" in out
    code, out, _ = run("issues", "--json", data=tmp_path)
    listed = json.loads(out)
    assert [issue["date"] for issue in listed] == ["2024-07-02", "2024-07-09"]
    for issue in listed:
        assert [section["name"] for section in issue["sections"]] == SEED_SECTIONS[issue["date"]]
        assert all(section["items"] > 0 for section in issue["sections"])
    code, out, _ = run("show", "2024-07-09", "--json", data=tmp_path)
    shown = json.loads(out)
    assert {section["part"] for section in shown["sections"]} == {"Global Security Matters"}
    [pezeshkian] = [
        item for s in shown["sections"] for item in s["items"] if item["text"].startswith("Reformist")
    ]
    assert len(pezeshkian["analysis"]) == 4


def test_ingest_twice_is_idempotent(seeds_dir: Path, tmp_path: Path) -> None:
    run("ingest", str(seeds_dir), data=tmp_path)
    code, out, _ = run("ingest", str(seeds_dir), "--json", data=tmp_path)
    assert code == 0
    assert [r["outcome"] for r in json.loads(out)] == ["unchanged", "unchanged"]


def test_bad_files_are_reported_and_the_rest_go_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(samples_dir(), folder)
    (folder / "2031-01-07-empty.txt").write_bytes(b"")
    (folder / "2031-01-14-binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    code, out, err = run("ingest", str(folder), data=tmp_path / "d")
    assert code == 1
    assert "8 issues read (8 added, 0 replaced, 0 unchanged); 2 failed" in out
    errors = [line for line in err.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(errors) == 2 and all(line.startswith("digestbot: error: ") for line in errors)
    assert "2031-01-07-empty.txt" in errors[0] and "2031-01-14-binary.txt" in errors[1]


def test_date_flag_beats_the_title(tmp_path: Path) -> None:
    sample = samples_dir() / "2025-03-04-weekly-security-digest.txt"
    code, out, _ = run("ingest", str(sample), "--date", "2025-03-05", "--json", data=tmp_path)
    assert code == 0 and json.loads(out)[0]["date"] == "2025-03-05"


def test_show_errors(tmp_path: Path) -> None:
    run("ingest", str(samples_dir()), data=tmp_path)
    code, _, err = run("show", "2031-13-01", data=tmp_path)
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run("show", "2031-01-01", data=tmp_path)
    assert code == 1
    assert (
        err.strip() == "digestbot: error: no issue dated 2031-01-01 in the archive"
        " (closest: 2025-03-11, 2025-05-27, 2026-01-13)"
    )


def test_ask_json_and_json_lines(tmp_path: Path) -> None:
    run("ingest", str(samples_dir()), data=tmp_path)
    code, out, _ = run("ask", "BlueMarrow ransomware", "-k", "3", "--json", data=tmp_path)
    answer = json.loads(out)
    assert code == 0 and set(answer) >= {"query", "answer", "hits"}
    assert answer["hits"] and set(answer["hits"][0]) >= {
        "date",
        "section",
        "text",
        "analysis",
        "score",
        "url",
    }
    assert len(answer["hits"]) <= 3
    code, out, _ = run("ask", "-", "--json", data=tmp_path, stdin="BlueMarrow\n\nLeakyBucket2026\n")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["BlueMarrow", "LeakyBucket2026"]


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("default_k = 0\n")
    result = CliRunner().invoke(app, ["--config", str(config), "issues"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "digestbot: error: invalid setting default_k: Input should be greater than or equal to 1"
    )
    result = CliRunner().invoke(app, ["--config", str(tmp_path / "missing.toml"), "issues"])
    assert result.exit_code == 1 and "missing.toml: config file not found" in result.stderr


def test_eval_prints_every_ranker(tmp_path: Path, seeds_dir: Path) -> None:
    run("ingest", str(samples_dir()), str(seeds_dir), data=tmp_path)
    questions = Path(__file__).parent / "eval" / "questions.jsonl"
    code, out, _ = run("eval", str(questions), data=tmp_path)
    assert code == 0
    for ranker in ("hybrid", "dense", "bm25"):
        assert ranker in out
