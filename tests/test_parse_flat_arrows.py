"""Flattened one-line "→" pages (issue 17): an ALL-CAPS part and inline region headings, labelled inline
headings ("Kalvaria: ... Captured→"), arrows glued to the word before them, and a page with no title whose
date comes from its URL. Fictional fixtures, exact outlines."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digestbot.cli import build_cli
from digestbot.errors import ParseError
from digestbot.parse import parse_document
from digestbot.parse.inline_headings import is_labelled_heading, split_tail
from tests.fakes import fake_core
from tests.parse_support import FIXTURES, Outline, outline, parse_fixture

SLUG_URL = "https://harbourline.example/blog/harbourline-weekly-security-digest-august-26-2025"
CAPS = "GLOBAL SECURITY MATTERS"

FLAT: dict[str, tuple[str | None, dt.date, str, Outline]] = {
    # (a) an ALL-CAPS part, then "Region →" headings; one after an item with no full stop, one in capitals.
    "drift_flat_caps_part.txt": (
        "https://harbourline.example/2025/03/weekly-security-digest-mar-4-2025/",
        dt.date(2025, 3, 4),
        "Weekly Security Digest",
        [
            (
                "Middle East",
                CAPS,
                [
                    ("Veloria’s security cabinet approved", ["The army will move"]),
                    ("Sahrim’s emir pardoned 120", []),
                    ("The Drassk navy seized", []),
                ],
            ),
            (
                "Europe",
                CAPS,
                [("Ostmark’s governing coalition collapsed", []), ("Police in Velgrad arrested", [])],
            ),
            ("Asia", CAPS, [("The Republic of Kanto", [])]),
            (
                "Russia – Ukraine",
                CAPS,
                [("Drassk artillery struck a", []), ("Mirava’s mayor asked Lausanne", [])],
            ),
            (
                "CYBER AND TECHNOLOGY",
                CAPS,
                [("The GreyMoth ransomware crew", []), ("Kestrel Dynamics patched a", [])],
            ),
        ],
    ),
    # (b) labelled headings run into the text: "Name: Headline→", a bare "Name: →", arrows with no space.
    "drift_flat_labelled_headings.txt": (
        None,
        dt.date(2026, 1, 6),
        "Harbourline Weekly Security Digest",
        [
            (
                "Kalvaria: U.S.-Style Night Raid on Velgrad, President Orsk Captured",
                CAPS,
                [
                    ("Ostmark special forces seized", []),
                    ("Kalvaria’s army chief, General", []),
                    ("Orsk was flown to", []),
                ],
            ),
            ("Middle East", CAPS, [("Sahrim’s emir dissolved the", []), ("The Drassk navy seized", [])]),
            ("Veloria", CAPS, [("The Velorian coast guard", []), ("Veloria’s central bank raised", [])]),
            # "Latin America" directly above is an empty heading, not a part (structure.py's rule).
            ("Tessaro: Election Rerun Ordered", CAPS, [("Tessaro’s electoral court annulled", [])]),
            ("Cyber", CAPS, [("The GreyMoth ransomware crew", [])]),
        ],
    ),
    # (c) no title, no date in the text: it starts with "Middle East →"; the date is the URL slug's.
    "drift_flat_untitled.txt": (
        SLUG_URL,
        dt.date(2025, 8, 26),
        "Weekly Security Digest",
        [
            (
                "Middle East",
                None,
                [
                    ("Veloria’s security cabinet voted", []),
                    ("Sahrim’s foreign ministry summoned", []),
                    ("Protests over bread prices", []),
                ],
            ),
            ("Europe", None, [("Ostmark’s chancellor survived a", []), ("Police in Tirel dismantled", [])]),
            ("Israel – Gaza", None, [("Aid convoys resumed through", [])]),
            ("Africa", None, [("Gunmen attacked a gold", [])]),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(FLAT))
def test_flat_arrow_fixture_date_title_and_outline(name: str) -> None:
    url, day, title, expected = FLAT[name]
    issue = parse_fixture(name, url=url)
    assert (issue.date, issue.title) == (day, title)
    assert outline(issue) == expected


def test_items_keep_their_whole_text_without_the_headings_run_into_them() -> None:
    issue = parse_fixture("drift_flat_labelled_headings.txt")
    texts = [item.text for _, item in issue.items]
    assert texts[1].endswith("closed the borders with Drassk and Sahrim.")
    assert texts[4] == "The Drassk navy seized a tanker carrying Ostmark fuel in the Gulf of Tarn."
    assert not any("Captured" in text or "Ordered" in text or "→" in text for text in texts)
    caps = parse_fixture("drift_flat_caps_part.txt", url=SLUG_URL)
    assert caps.sections[1].items[1].text.endswith("a synagogue in the old town")


@pytest.mark.parametrize(
    "url",
    [
        SLUG_URL,
        "https://harbourline.example/blog/weekly-security-digest-aug-26-2025/",
        "https://harbourline.example/blog/2025-08-26-weekly-security-digest",
    ],
)
def test_an_untitled_page_takes_its_date_from_the_url_slug(url: str) -> None:
    assert parse_fixture("drift_flat_untitled.txt", url=url).date == dt.date(2025, 8, 26)


def test_an_untitled_page_with_no_date_anywhere_asks_for_one() -> None:
    with pytest.raises(ParseError, match="pass --date"):
        parse_fixture("drift_flat_untitled.txt")


def test_ingest_with_a_url_dates_an_untitled_flat_page(tmp_path: Path) -> None:
    page = tmp_path / "untitled.txt"
    page.write_bytes((FIXTURES / "drift_flat_untitled.txt").read_bytes())
    data = ["--data-dir", str(tmp_path / "data")]
    app = build_cli(fake_core)
    ingested = CliRunner().invoke(app, [*data, "ingest", str(page), "--url", SLUG_URL, "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)[0]["date"] == "2025-08-26"
    shown = json.loads(CliRunner().invoke(app, [*data, "show", "2025-08-26", "--json"]).stdout)
    assert [s["name"] for s in shown["sections"]] == ["Middle East", "Europe", "Israel – Gaza", "Africa"]


def test_a_flat_page_reads_like_its_multiline_version() -> None:
    text = (FIXTURES / "drift_flat_untitled.txt").read_text(encoding="utf-8")
    lines = text.replace("→", "\n→")
    for heading in ("Middle East", "Europe", "Israel – Gaza", "Africa"):
        lines = re.sub(rf" ?{heading} ?\n", f"\n\n{heading}\n\n", lines)
    flat = parse_document(text, source="f.txt", url=SLUG_URL)
    multiline = parse_document(lines, source="m.txt", url=SLUG_URL)
    assert multiline.sections == flat.sections


@pytest.mark.parametrize(
    ("text", "item", "heads"),
    [
        ("his rule. Kalvaria: Orsk Captured", "his rule.", ["Kalvaria: Orsk Captured"]),
        ("his rule. Latin America Tessaro: Rerun Ordered", "his rule.",
         ["Latin America", "Tessaro: Rerun Ordered"]),
        ("in the Gulf of Tarn. Veloria:", "in the Gulf of Tarn.", ["Veloria"]),
        ("the truce MIDDLE EAST", "the truce", ["MIDDLE EAST"]),
        # Not headings: a label before a sentence, a label mid-sentence, a single capitalised acronym.
        ("he said. Background: the talks began in 2019", "he said. Background: the talks began in 2019", []),
        ("a deal Veloria: Talks Resume", "a deal Veloria: Talks Resume", []),
        ("a statement from NATO", "a statement from NATO", []),
    ],
)  # fmt: skip
def test_split_tail_labelled_and_capitals(text: str, item: str, heads: list[str]) -> None:
    assert split_tail(text, frozenset()) == (item, heads)


@pytest.mark.parametrize(
    ("text", "labelled"),
    [
        ("Kalvaria: Orsk Captured", True),
        ("Israel – Gaza:", True),
        ("Background: the talks began", False),
        ("Kalvaria: Orsk Captured: Again", False),
        ("Orsk Captured", False),
    ],
)
def test_is_labelled_heading(text: str, labelled: bool) -> None:
    assert is_labelled_heading(text) is labelled
