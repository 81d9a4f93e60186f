"""Evaluation questions: one JSON object per line, read into typed values with one-line errors.

``{"q", "kind", "date", "section", "must_contain"}`` names the expected item (its issue date, section, and a
substring of its text); with no ``date`` the right answer is "nothing found". Optional: ``scope``
(``[start, end]``, the period the question means), ``no_hit_contains`` (strings no used item may contain)
and ``every_hit_contains`` (each used item must contain one of them, in its text or analysis).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from digestbot.domain import Hit
from digestbot.errors import ParseError, SourceError
from digestbot.search.text import fold_text

EXPECTED = ("date", "section", "must_contain")


@dataclass(frozen=True)
class Expected:
    """The item that answers a question."""

    date: date
    section: str
    must_contain: str

    def matches(self, hit: Hit) -> bool:
        """Whether ``hit`` is this item (compared folded: case, quotes, dashes, spaces, accents)."""
        if hit.date != self.date or fold_text(hit.section) != fold_text(self.section):
            return False
        return fold_text(self.must_contain) in fold_text(hit.text)


@dataclass(frozen=True)
class Question:
    """One evaluation question, what answers it (None: nothing should be found), and its constraints."""

    q: str
    kind: str
    expected: Expected | None
    scope: tuple[date, date] | None = None
    no_hit_contains: tuple[str, ...] = ()
    every_hit_contains: tuple[str, ...] = ()

    def precise(self, hits: tuple[Hit, ...]) -> bool:
        """Whether every used item keeps the question's constraints."""
        return all(_keeps(hit, self.no_hit_contains, self.every_hit_contains) for hit in hits)

    @property
    def constrained(self) -> bool:
        """Whether the question states what the items it may use must (not) contain."""
        return bool(self.no_hit_contains or self.every_hit_contains)


def _keeps(hit: Hit, banned: tuple[str, ...], required: tuple[str, ...]) -> bool:
    whole = fold_text(" ".join((hit.text, *hit.analysis)))
    if any(fold_text(word) in whole for word in banned):
        return False
    return not required or any(fold_text(word) in whole for word in required)


def load_questions(path: Path) -> list[Question]:
    """Parse the questions file; ParseError names file:line and the field at fault."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the questions file ({exc.__class__.__name__})") from None
    questions = [_question(line, path, number) for number, line in enumerate(lines, 1) if line.strip()]
    if not questions:
        raise ParseError("no questions in the file", source=str(path))
    return questions


def _question(line: str, path: Path, number: int) -> Question:
    def fail(message: str) -> ParseError:
        return ParseError(message, source=str(path), line=number)

    try:
        data = json.loads(line)
    except ValueError:
        raise fail("not a JSON object") from None
    if not isinstance(data, dict):
        raise fail("not a JSON object")
    question, kind = _text(data, "q", fail), str(data.get("kind") or "general")
    expected = _expected(data, fail) if any(name in data for name in EXPECTED) else None
    return Question(
        question, kind, expected, _scope(data, fail),
        _strings(data, "no_hit_contains", fail), _strings(data, "every_hit_contains", fail),
    )  # fmt: skip


Fail = Callable[[str], ParseError]


def _text(data: dict[str, Any], name: str, fail: Fail) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"field {name!r}: missing or not a non-empty string")
    return value


def _day(value: Any, name: str, fail: Fail) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise fail(f"field {name!r}: {value!r} is not a YYYY-MM-DD date") from None


def _expected(data: dict[str, Any], fail: Fail) -> Expected:
    texts = [_text(data, name, fail) for name in EXPECTED]
    return Expected(_day(texts[0], "date", fail), texts[1], texts[2])


def _scope(data: dict[str, Any], fail: Fail) -> tuple[date, date] | None:
    value = data.get("scope")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise fail("field 'scope': not a [start, end] pair of dates")
    start, end = (_day(day, "scope", fail) for day in value)
    return start, end


def _strings(data: dict[str, Any], name: str, fail: Fail) -> tuple[str, ...]:
    value = data.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise fail(f"field {name!r}: not a list of strings")
    return tuple(value)
