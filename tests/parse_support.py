"""Helpers for the parser's fixture tests: parse a fixture, and an issue's outline to compare exactly."""

from __future__ import annotations

from pathlib import Path

from digestbot.domain import Issue
from digestbot.parse import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GSM = "Global Security Matters"
WORDS = 4

Outline = list[tuple[str, str | None, list[tuple[str, list[str]]]]]


def parse_fixture(name: str, *, url: str | None = None) -> Issue:
    """Parse ``tests/fixtures/NAME`` from its bytes, with its name as the source."""
    return parse_document((FIXTURES / name).read_bytes(), source=name, url=url)


def opening(text: str) -> str:
    """The first few words of a line: enough to tell every item and analysis line of a fixture apart."""
    return " ".join(text.split()[:WORDS])


def outline(issue: Issue) -> Outline:
    """Each section with its part, and each item's opening with the openings of its analysis lines."""
    return [
        (
            s.name,
            s.part,
            [(opening(item.text), [opening(line) for line in item.analysis]) for item in s.items],
        )
        for s in issue.sections
    ]
