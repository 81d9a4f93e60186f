"""Evaluation: metrics per mode and kind, and one-line errors for malformed question files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digestbot.errors import ParseError
from digestbot.evaluate import evaluate, load_questions
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


def test_metrics_per_mode_and_kind(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(q) for q in QUESTIONS])
    report = evaluate(new_engine(tmp_path), path)
    assert [(row.mode, row.kind) for row in report.rows][:3] == [
        ("hybrid", "all"),
        ("hybrid", "analysis"),
        ("hybrid", "rare"),
    ]
    hybrid = report.get("hybrid")
    assert hybrid.n == 3 and hybrid.recall_at_1 == 1.0 and hybrid.mrr == 1.0
    assert report.get("bm25", "rare").recall_at_5 == 1.0
    table = report.format_report().splitlines()
    assert table[0].split() == ["mode", "kind", "n", "R@1", "R@5", "MRR"]
    assert table[1].split() == ["hybrid", "all", "3", "1.000", "1.000", "1.000"]
    assert len(table) == 1 + 3 * 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "questions.jsonl:2: not a JSON object"),
        ("[1, 2]", "questions.jsonl:2: not a JSON object"),
        ('{"q": "x", "date": "2024-07-09", "section": "Cyber"}', "questions.jsonl:2: field 'must_contain'"),
        (
            '{"q": "x", "date": "9 July", "section": "C", "must_contain": "x"}',
            "questions.jsonl:2: field 'date'",
        ),
        (
            '{"q": "", "date": "2024-07-09", "section": "C", "must_contain": "x"}',
            "questions.jsonl:2: field 'q'",
        ),
        ('{"q": "x", "date": "2024-07-09", "section": "C", "must_contain": "x", "kind": 3}', "field 'kind'"),
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
