"""The two real issues in ../shared/seeds parse exactly. They are read at test time: their text never
enters the repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digestbot.domain import Issue
from digestbot.parse import fold, parse_document

GSM = "Global Security Matters"
JULY_9 = ["International Affairs", "Israel – Gaza", "Cyber / Defense Technology", "Atmosphere of Protest"]
JULY_2 = ["International Affairs", "Israel – Gaza", "Cyber / Defense Technology"]


def seed(seeds_dir: Path, day: dt.date) -> tuple[str, str]:
    """(file name, text) of the seed whose first line carries ``day``."""
    stamp = f"{day:%B} {day.day}, {day.year}"
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if stamp in text.splitlines()[0]:
            return path.name, text
    pytest.skip(f"no seed digest dated {stamp} in {seeds_dir}")


def parse_seed(seeds_dir: Path, day: dt.date) -> Issue:
    name, text = seed(seeds_dir, day)
    return parse_document(text.encode("utf-8"), source=name)


@pytest.mark.parametrize(("day", "sections"), [(dt.date(2024, 7, 9), JULY_9), (dt.date(2024, 7, 2), JULY_2)])
def test_seed_date_sections_and_part(seeds_dir: Path, day: dt.date, sections: list[str]) -> None:
    issue = parse_seed(seeds_dir, day)
    assert issue.date == day
    assert [s.name for s in issue.sections] == sections
    assert {s.part for s in issue.sections} == {GSM}
    assert fold(issue.title) == "interfor international's weekly security digest"


def test_july_9_pezeshkian_item_has_four_analysis_bullets(seeds_dir: Path) -> None:
    issue = parse_seed(seeds_dir, dt.date(2024, 7, 9))
    matches = [item for _, item in issue.items if "Pezeshkian has won" in item.text]
    assert len(matches) == 1
    assert len(matches[0].analysis) == 4
    assert all("Khamenei" in line or "Pezeshkian" in line for line in matches[0].analysis)


def test_july_9_rockyou_item_is_in_cyber(seeds_dir: Path) -> None:
    issue = parse_seed(seeds_dir, dt.date(2024, 7, 9))
    sections = [section.name for section, item in issue.items if "RockYou2024" in item.text]
    assert sections == ["Cyber / Defense Technology"]


def test_july_9_item_body_date_is_not_the_issue_date_and_title_lines_are_not_items(seeds_dir: Path) -> None:
    issue = parse_seed(seeds_dir, dt.date(2024, 7, 9))
    assert issue.sections[-1].items[0].text.startswith("Today, July 9th")
    assert not any("Weekly" in item.text and "Digest" in item.text for _, item in issue.items)


def test_seed_items_keep_original_characters(seeds_dir: Path) -> None:
    issue = parse_seed(seeds_dir, dt.date(2024, 7, 9))
    first = issue.sections[0].items[0]
    assert "Mélenchon" in first.text and "\u2019" in first.text
    assert first.text == first.text.strip()


@pytest.mark.parametrize("day", [dt.date(2024, 7, 9), dt.date(2024, 7, 2)])
def test_seed_flattened_to_one_line_gives_same_sections_and_items(seeds_dir: Path, day: dt.date) -> None:
    name, text = seed(seeds_dir, day)
    expected = parse_document(text, source=name)
    flat = parse_document(" ".join(text.splitlines()), source=name)
    assert flat.date == expected.date
    assert [(s.name, s.part) for s in flat.sections] == [(s.name, s.part) for s in expected.sections]
    assert [len(s.items) for s in flat.sections] == [len(s.items) for s in expected.sections]
    assert [len(i.analysis) for _, i in flat.items] == [len(i.analysis) for _, i in expected.items]


@pytest.mark.parametrize("day", [dt.date(2024, 7, 9), dt.date(2024, 7, 2)])
def test_seed_collapsed_to_single_spaces_keeps_sections_part_and_every_line(
    seeds_dir: Path, day: dt.date
) -> None:
    """With every space collapsed, the part and first section headings run together and are split apart
    again; sub-bullets can no longer be told by indentation, so only those that read as commentary stay
    analysis, the others become items. No line is lost either way."""
    name, text = seed(seeds_dir, day)
    expected = parse_document(text, source=name)
    flat = parse_document(" ".join(text.split()), source=name)
    assert [(s.name, s.part) for s in flat.sections] == [(s.name, s.part) for s in expected.sections]
    assert lines(flat) == lines(expected)


def test_july_9_collapsed_keeps_the_pezeshkian_commentary_as_analysis(seeds_dir: Path) -> None:
    name, text = seed(seeds_dir, dt.date(2024, 7, 9))
    flat = parse_document(" ".join(text.split()), source=name)
    matches = [item for _, item in flat.items if "Pezeshkian has won" in item.text]
    assert [len(item.analysis) for item in matches] == [4]


def lines(issue: Issue) -> set[str]:
    """Every item and analysis line of an issue, spaces collapsed."""
    return {" ".join(line.split()) for _, item in issue.items for line in (item.text, *item.analysis)}
