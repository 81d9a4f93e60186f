"""Evaluation: the whole answer pipeline scored per mode and kind, and one-line errors for malformed
question files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digestbot.answers import ask
from digestbot.errors import ParseError
from digestbot.evaluation import EvalReport, evaluate, format_report, load_questions
from digestbot.search import SearchEngine
from tests.search_support import new_engine

QUESTIONS = [
    {"q": "Glasswing ransomware", "date": "2024-07-02", "section": "Cyber / Defense Technology",
     "must_contain": "Glasswing", "kind": "rare"},
    {"q": "NightLantern2024", "date": "2024-07-09", "section": "cyber / defense technology",
     "must_contain": "nine billion", "kind": "rare"},
    {"q": "war-risk insurance for tankers", "date": "2024-07-09", "section": "International Affairs",
     "must_contain": "Strait of Kessar", "kind": "analysis"},
]  # fmt: skip


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(engine: SearchEngine, path: Path) -> EvalReport:
    return evaluate(lambda q, mode: ask(engine, q, mode=mode), engine.archive.issue_dates(), path)


def test_metrics_per_mode_and_kind(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(q) for q in QUESTIONS])
    report = run(new_engine(tmp_path), path)
    assert [(row.mode, row.kind) for row in report.rows][:3] == [
        ("hybrid", "all"),
        ("hybrid", "analysis"),
        ("hybrid", "rare"),
    ]
    hybrid = report.get("hybrid")
    assert hybrid.n == 3 and hybrid.recall_at_1 == 1.0 and hybrid.mrr == 1.0
    assert hybrid.false_nothing == 0.0 and hybrid.lead == 1.0
    assert hybrid.nothing_ok is None and hybrid.scope is None and hybrid.precision is None
    assert report.get("bm25", "rare").recall_at_5 == 1.0
    lines = format_report(report).splitlines()
    assert lines[0] == str(path)
    assert lines[1].split()[:6] == ["mode", "kind", "n", "R@1", "R@5", "MRR"]
    assert lines[2].split()[:6] == ["hybrid", "all", "3", "1.000", "1.000", "1.000"]
    assert len(lines) == 2 + 3 * 3


JULY = ["2024-07-01", "2024-07-31"]


def test_nothing_found_scope_and_precision_are_scored(tmp_path: Path) -> None:
    lines = [
        {"q": "asdfgh qwerty", "kind": "nothing"},
        {"q": "recipe for banana bread", "kind": "nothing"},
        {"q": "Glasswing ransomware in July 2024", "date": "2024-07-02", "kind": "temporal",
         "section": "Cyber / Defense Technology", "must_contain": "Glasswing", "scope": JULY,
         "every_hit_contains": ["Glasswing"], "no_hit_contains": ["NightLantern2024"]},
        {"q": "Glasswing ransomware in 2023", "date": "2024-07-02", "kind": "temporal",
         "section": "Cyber / Defense Technology", "must_contain": "Glasswing", "scope": JULY},
    ]  # fmt: skip
    report = run(new_engine(tmp_path), _write(tmp_path, [json.dumps(line) for line in lines]))
    assert report.get("hybrid", "nothing").nothing_ok == 1.0
    temporal = report.get("hybrid", "temporal")
    assert temporal.scope == 0.5  # "in 2023" is not July 2024
    # Nothing in 2023 is about Glasswing (the fake's cosines there are 0): "nothing found" for a question
    # with an expected item counts as a false one, and the scope column says the period was not the one meant.
    assert temporal.recall_at_1 == 0.5 and temporal.false_nothing == 0.5
    assert temporal.precision == 1.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "questions.jsonl:2: not a JSON object"),
        ("[1, 2]", "questions.jsonl:2: not a JSON object"),
        ('{"q": "x", "date": "2024-07-09", "section": "Cyber"}', "questions.jsonl:2: field 'must_contain'"),
        ('{"q": "x", "scope": ["2024-07-01"]}', "questions.jsonl:2: field 'scope'"),
        ('{"q": "x", "no_hit_contains": [3]}', "questions.jsonl:2: field 'no_hit_contains'"),
        (
            '{"q": "x", "date": "9 July", "section": "C", "must_contain": "x"}',
            "questions.jsonl:2: field 'date'",
        ),
        (
            '{"q": "", "date": "2024-07-09", "section": "C", "must_contain": "x"}',
            "questions.jsonl:2: field 'q'",
        ),
    ],
)
def test_a_malformed_line_names_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, [json.dumps(QUESTIONS[0]), line])
    with pytest.raises(ParseError) as raised:
        load_questions(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_blank_lines_are_skipped_and_kind_defaults(tmp_path: Path) -> None:
    line = json.dumps({"q": "x", "date": "2024-07-09", "section": "C", "must_contain": "x"})
    questions = load_questions(_write(tmp_path, ["", line, "  "]))
    assert [q.kind for q in questions] == ["general"]


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="no questions"):
        load_questions(_write(tmp_path, [""]))
