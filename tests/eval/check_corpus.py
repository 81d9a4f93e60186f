"""Check the eval archive and its questions against the intended structure.

    .venv/bin/python tests/eval/check_corpus.py            # parser vs expected/*.json, then the questions

1. Every file in ``archive/issues/`` is parsed with today's parser and compared with
   ``archive/expected/<stem>.json`` (date, section names and parts, item count, each item's first 60
   characters, analysis count). Files the parser refuses or reads differently are listed with the first
   differences; they are findings about the parser, not errors of the archive.
2. Every question in ``tune.jsonl`` and ``heldout.jsonl`` is checked: its fields, and, where the expected
   issue parses as intended, that ``must_contain`` occurs in exactly one item's text of that issue, in the
   expected section, and that the item satisfies ``no_hit_contains`` / ``every_hit_contains``. Questions
   whose issue does not parse as intended yet are counted, per kind.

Exit status 1 when a question is wrong (a parse mismatch alone is reported, not fatal).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digestbot.domain import Issue
from digestbot.errors import DigestbotError
from digestbot.parse import parse_document
from digestbot.search.text import fold_text

HERE = Path(__file__).resolve().parent
ISSUES = HERE / "archive" / "issues"
EXPECTED = HERE / "archive" / "expected"
QUESTION_FILES = (HERE / "tune.jsonl", HERE / "heldout.jsonl")
KINDS = {
    "keyword", "paraphrase", "entity", "date", "temporal", "compound", "precision", "bare", "nothing",
}  # fmt: skip
PREFIX = 60


@dataclass(frozen=True)
class Parsed:
    """One archive file: what was intended, and what the parser made of it (None when it refused)."""

    path: Path
    expected: dict[str, object]
    issue: Issue | None
    problems: list[str]


def parse_all() -> list[Parsed]:
    """Parse every archive file and compare it with its expected structure."""
    out = []
    for path in sorted(ISSUES.iterdir()):
        expected = json.loads((EXPECTED / f"{path.stem}.json").read_text(encoding="utf-8"))
        try:
            issue: Issue | None = parse_document(path.read_bytes(), source=str(path))
        except DigestbotError as error:
            out.append(Parsed(path, expected, None, [f"refused: {error}"]))
            continue
        out.append(Parsed(path, expected, issue, compare(expected, issue) if issue else []))
    return out


def compare(expected: dict[str, object], issue: Issue) -> list[str]:
    """The differences between the intended structure and the parsed issue, most telling first."""
    problems = []
    if issue.date.isoformat() != expected["date"]:
        problems.append(f"date {issue.date} (expected {expected['date']})")
    want = expected["sections"]
    assert isinstance(want, list)
    got = [(s.name, s.part, [(i.text, len(i.analysis)) for i in s.items]) for s in issue.sections]
    names = [(s["name"], s["part"]) for s in want]
    if [(n, p) for n, p, _ in got] != names:
        problems.append(f"sections {[(n, p) for n, p, _ in got]} (expected {names})")
    want_items = [(s["name"], i) for s in want for i in s["items"]]
    got_items = [(n, i) for n, _, items in got for i in items]
    if len(want_items) != len(got_items):
        problems.append(f"{len(got_items)} items (expected {len(want_items)})")
    for (wname, witem), (gname, (text, analysis)) in zip(want_items, got_items, strict=False):
        start = str(witem["text_start"])
        if fold_text(text[:PREFIX]) != fold_text(start) or analysis != witem["analysis_count"]:
            problems.append(
                f"item {text[:40]!r} in {gname!r} with {analysis} analysis "
                f"(expected {start[:40]!r} in {wname!r} with {witem['analysis_count']})"
            )
            break
    return problems


def check_questions(parsed: list[Parsed]) -> list[str]:
    """Problems with the questions, each naming file:line."""
    by_date = {str(p.expected["date"]): p for p in parsed}
    problems = []
    for path in QUESTION_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                where = f"{path.name}:{number}"
                problems += [f"{where}: {p}" for p in check_question(json.loads(line), by_date)]
    return problems


def check_question(q: dict[str, object], by_date: dict[str, Parsed]) -> list[str]:
    """Problems with one question (fields, and its expected item where the issue parses as intended)."""
    if q.get("kind") not in KINDS or not isinstance(q.get("q"), str):
        return [f"bad kind or q: {q}"]
    if "date" not in q:
        wrong = [f for f in ("section", "must_contain") if f in q]
        return [f"'nothing found' question with {wrong}"] if wrong else []
    day = str(q["date"])
    date.fromisoformat(day)
    for span in [q["scope"]] if "scope" in q else []:
        assert isinstance(span, list)
        if not str(span[0]) <= day <= str(span[1]):
            return [f"date {day} outside its scope {span}"]
    target = by_date.get(day)
    if target is None:
        return [f"no issue dated {day}"]
    if target.issue is None or target.problems:
        return []  # the parser cannot read this issue as intended yet; checked by construction instead
    return item_problems(q, target.issue)


def item_problems(q: dict[str, object], issue: Issue) -> list[str]:
    """``must_contain`` names one item of ``issue``, in the expected section, obeying the hit constraints."""
    needle = fold_text(str(q["must_contain"]))
    found = [(s.name, i) for s in issue.sections for i in s.items if needle in fold_text(i.text)]
    if len(found) != 1:
        return [f"must_contain {q['must_contain']!r} is in {len(found)} items of {issue.date}"]
    section, item = found[0]
    problems = []
    if fold_text(section) != fold_text(str(q["section"])):
        problems.append(f"item is in {section!r}, not {q['section']!r}")
    whole = fold_text(" ".join([item.text, *item.analysis]))
    for bad in q.get("no_hit_contains", []):  # type: ignore[attr-defined]
        if fold_text(bad) in whole:
            problems.append(f"expected item contains no_hit_contains {bad!r}")
    every = q.get("every_hit_contains", [])
    if every and not any(fold_text(s) in whole for s in every):  # type: ignore[attr-defined]
        problems.append(f"expected item has none of every_hit_contains {every}")
    return problems


def main() -> int:
    parsed = parse_all()
    bad = [p for p in parsed if p.problems]
    print(f"{len(parsed)} files, {len(parsed) - len(bad)} parsed as intended, {len(bad)} not:")
    for p in bad:
        print(f"  {p.path.name}: {'; '.join(p.problems)[:400]}")
    if not all(path.exists() for path in QUESTION_FILES):
        return 0
    problems = check_questions(parsed)
    for problem in problems:
        print(problem)
    print(f"questions whose issue does not parse as intended yet: {unreadable(parsed)}")
    return 1 if problems else 0


def unreadable(parsed: list[Parsed]) -> dict[str, str]:
    """Per kind, "n of total" questions whose expected issue today's parser refuses or misreads."""
    bad = {str(p.expected["date"]) for p in parsed if p.problems}
    counts: dict[str, list[int]] = {}
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            tally = counts.setdefault(q["kind"], [0, 0])
            tally[0] += q.get("date") in bad
            tally[1] += 1
    return {kind: f"{n} of {total}" for kind, (n, total) in sorted(counts.items())}


if __name__ == "__main__":
    sys.exit(main())
