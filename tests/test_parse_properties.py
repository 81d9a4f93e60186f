"""Property: whatever it is fed, parse_document returns a well-formed Issue or raises ParseError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digestbot.domain import Issue
from digestbot.errors import ParseError
from digestbot.parse import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NAMES = sorted(path.name for path in FIXTURES.iterdir() if path.is_file())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from(
    ["•", "  • ", "    • ", "→ ", "- ", "\u00a0", "–", "\n", "\n\n", "<li>", "</ul>", "<h2>", "# ",
     "July 9, 2024", "February 30, 2024", "Global Security Matters", "Total Deaths: 3", "\x00", "\r",
     "\ufeff", "é", "“"]
)  # fmt: skip


def check(data: bytes | str, source: str) -> None:
    try:
        issue = parse_document(data, source=source)
    except ParseError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(issue, Issue)
    assert issue.sections and issue.title
    for section in issue.sections:
        assert section.items and section.name == section.name.strip()
        for item in section.items:
            assert item.text and item.text == item.text.strip()
            assert all(line and line == line.strip() for line in item.analysis)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, str]:
    name = draw(st.sampled_from(NAMES))
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["drop", "duplicate", "insert", "truncate", "swap"]))
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "insert":
            noise = draw(st.lists(PIECES | st.text(max_size=20), max_size=5))
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + "".join(noise) + lines[at][cut:]
        elif op == "truncate":
            lines = [*lines[:at], lines[at][: draw(st.integers(0, len(lines[at])))]]
        else:
            lines[at], lines[-1] = lines[-1], lines[at]
    data = "".join(lines).encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data, name


@SETTINGS
@given(st.text())
def test_random_text(text: str) -> None:
    check(text, "random.txt")


@SETTINGS
@given(st.binary())
def test_random_bytes(data: bytes) -> None:
    check(data, "random.bin")


@SETTINGS
@given(st.lists(PIECES | st.text(max_size=30), max_size=40), st.sampled_from(["a.txt", "a.html", "a.md"]))
def test_digest_like_pieces(pieces: list[str], source: str) -> None:
    check("".join(pieces), source)


@SETTINGS
@given(mutated())
def test_mutated_fixtures(case: tuple[bytes, str]) -> None:
    data, name = case
    check(data, name)


@SETTINGS
@given(mutated())
def test_mutated_fixtures_flattened(case: tuple[bytes, str]) -> None:
    data, name = case
    check(b" ".join(data.splitlines()), name)
