"""Parser drift (issue 10): each layout that real pages of 2021-2026 broke the parser with, as a fictional
fixture, with its exact sections, items and analysis."""

from __future__ import annotations

import datetime as dt

import pytest

from digestbot.errors import ParseError
from digestbot.parse import parse_document
from tests.parse_support import FIXTURES, GSM, Outline, outline, parse_fixture

MIDPAGE_URL = "https://harbourline.example/blog/weekly-security-digest-october-8-2024/"

DRIFT: dict[str, tuple[dt.date, str, Outline]] = {
    # A title block whose first lines have no year; a later line has the full date.
    "drift_title_yearless_first.txt": (
        dt.date(2021, 11, 2),
        "Harbourline – Weekly Security Matters Digest",
        [
            (
                GSM,
                None,
                [
                    ("The Drassk interior ministry", []),
                    ("Veloria’s coast guard seized", []),
                    ("The Ostmark Federation expelled", []),
                ],
            ),
            (
                "Covid-19 Updates",
                None,
                [("Veloria will require proof", []), ("Drassk reopened its land", [])],
            ),
        ],
    ),
    # A page flattened onto one line, starting mid-page in a table cell, "→" items, inline headings.
    "drift_flat_midpage_arrows.txt": (
        dt.date(2024, 10, 8),
        "Weekly Security Digest",
        [
            ("Middle East", None, [("Today marks one year", []), ("On Tuesday, the Emirate", [])]),
            (
                "International Affairs",
                None,
                [("On Monday, Veloria’s parliament", []), ("Ostmark’s foreign minister, Ilse", [])],
            ),
            ("Veloria – Drassk Border", None, [("Border guards reported three", [])]),
            (
                "Cyber / Defense Technology",
                None,
                [("Kestrel Dynamics disclosed that", []), ("The GreyMoth ransomware crew", [])],
            ),
        ],
    ),
    # (a) <p>• ...</p> bullets: analysis told by margins, indent classes and glyphs.
    "drift_html_p_bullets.html": (
        dt.date(2024, 6, 11),
        "Northgate Group’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [
                    ("The Republic of Veloria’s", ["Turnout in the flooded", "A postponement would have"]),
                    ("Drassk’s central bank froze", []),
                ],
            ),
            (
                "Veloria – Drassk",
                GSM,
                [
                    ("Negotiators in Lausanne agreed", ["Both delegations called the"]),
                    ("A Drassk patrol boat", ["The mine was of"]),
                ],
            ),
            (
                "Cyber / Defense Technology",
                GSM,
                [
                    ("Kestrel Dynamics warned customers", ["The forged update installs"]),
                    ("Police in Port Caldera", []),
                ],
            ),
        ],
    ),
    # (a) <p>• ...</p> bullets with no nesting left at all: commentary read from the text.
    "drift_html_p_bullets_flat.html": (
        dt.date(2024, 6, 18),
        "Northgate Group’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [
                    (
                        "The Ostmark Federation’s ruling",
                        ["The fact that the", "Moreover, the opposition leader,"],
                    ),
                    ("Veloria and Drassk exchanged", []),
                    ("Sahrim’s navy escorted two", ["We expect more escorts,"]),
                ],
            ),
            (
                "Cyber / Defense Technology",
                GSM,
                [("This week, researchers linked", []), ("A data broker in", ["It is unlikely that"])],
            ),
        ],
    ),
    # (b) every whitespace run collapsed: part and first section heading run together.
    "drift_flat_collapsed.txt": (
        dt.date(2024, 5, 14),
        "Kestrel Advisory’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [
                    ("The Republic of Veloria’s", ["Moreover, the move lets"]),
                    ("Drassk and the Ostmark", []),
                    ("Ostmark police arrested nine", []),
                ],
            ),
            ("Veloria – Drassk", GSM, [("Artillery exchanges resumed along", ["We expect both sides"])]),
            (
                "Cyber / Defense Technology",
                GSM,
                [("A phishing campaign impersonating", []), ("Kestrel Dynamics patched a", [])],
            ),
        ],
    ),
    # (c) an empty heading directly above a section heading is not a part.
    "drift_text_empty_heading.txt": (
        dt.date(2024, 2, 6),
        "Kestrel Advisory’s Weekly Security Digest",
        [
            (
                "Regional Affairs",
                GSM,
                [
                    ("Veloria’s supreme court struck", ["The ruling leaves the"]),
                    ("The Ostmark Federation announced", []),
                ],
            ),
            (
                "Cyber / Defense Technology",
                GSM,
                [("A wiper disguised as", []), ("Kestrel Dynamics said it", [])],
            ),
            ("Vaccination Drive", "Covid-19 Updates", [("Port Caldera opened two", [])]),
        ],
    ),
    # (d) paragraphs only, no bullets: each paragraph an item (commentary stays analysis).
    "drift_paragraphs_only.txt": (
        dt.date(2024, 3, 19),
        "Harbourline Weekly Security Digest",
        [
            (
                "Regional Affairs",
                GSM,
                [
                    ("The Republic of Veloria’s", []),
                    ("Drassk’s opposition leader, Anja", ["We expect Voss to"]),
                ],
            ),
            (
                "Cyber / Defense Technology",
                GSM,
                [("Kestrel Dynamics confirmed that", []), ("Police in Ostmark City", [])],
            ),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(DRIFT))
def test_drift_fixture_date_title_and_outline(name: str) -> None:
    day, title, expected = DRIFT[name]
    issue = parse_fixture(name, url=MIDPAGE_URL if "midpage" in name else None)
    assert (issue.date, issue.title) == (day, title)
    assert outline(issue) == expected


def test_paragraph_only_html_gives_the_same_issue_as_its_text() -> None:
    assert parse_fixture("drift_paragraphs_only.html") == parse_fixture("drift_paragraphs_only.txt")


def test_flattened_midpage_items_keep_their_whole_text_and_lose_the_table_bars() -> None:
    issue = parse_fixture("drift_flat_midpage_arrows.txt", url=MIDPAGE_URL)
    first = issue.sections[0].items[1]
    assert first.text.startswith("On Tuesday, the Emirate of Sahrim closed its airspace")
    assert first.text.endswith("relies on votes from the far right")
    assert issue.sections[-1].items[-1].text == (
        "The GreyMoth ransomware crew claimed an attack on the Port Caldera water utility."
    )
    assert not any("|" in item.text for _, item in issue.items)


def test_two_different_full_dates_in_the_title_block_are_an_error_naming_both() -> None:
    text = (
        "Kestrel Weekly Digest – July 9, 2024\n\nKestrel’s Weekly Digest – July 16, 2024\n\n"
        "Regional Affairs\n\n  • Veloria held talks with Ostmark.\n"
    )
    with pytest.raises(ParseError) as caught:
        parse_document(text, source="two-dates.txt")
    assert "'July 9, 2024'" in str(caught.value) and "'July 16, 2024'" in str(caught.value)
    assert caught.value.line == 3


def test_a_yearless_title_line_and_a_full_one_for_another_day_take_the_full_one() -> None:
    text = (
        "Kestrel Weekly Digest – Nov 1\n\nKestrel’s Weekly Digest – November 2, 2021\n\n"
        "Regional Affairs\n\n  • Veloria held talks with Ostmark.\n"
    )
    assert parse_document(text, source="digest.txt").date == dt.date(2021, 11, 2)


@pytest.mark.parametrize(
    ("title", "source", "url", "expected"),
    [
        (
            "Kestrel Weekly Digest – 07/09/2024",
            "digest.txt",
            "https://e.org/weekly-digest-july-9-2024/",
            dt.date(2024, 7, 9),
        ),
        ("Kestrel Weekly Digest – 07/09/2024", "2024-09-07.txt", None, dt.date(2024, 9, 7)),
        ("Kestrel Weekly Digest – 07/09/2024", "https://e.org/2024/07/09/digest/", None, dt.date(2024, 7, 9)),
        (
            "Kestrel Weekly Digest – July 9\nKestrel Digest 07/09/2024",
            "digest.txt",
            None,
            dt.date(2024, 7, 9),
        ),
        ("Kestrel Weekly Digest – Tuesday, 07/09/2024", "digest.txt", None, dt.date(2024, 7, 9)),
        ("Kestrel Weekly Digest – Saturday 07.09.2024", "digest.txt", None, dt.date(2024, 9, 7)),
        ("Kestrel Weekly Digest – 13/09/2024", "digest.txt", None, dt.date(2024, 9, 13)),
    ],
)
def test_a_two_way_numeric_date_is_settled_by_other_evidence(
    title: str, source: str, url: str | None, expected: dt.date
) -> None:
    text = f"{title}\n\nRegional Affairs\n\n  • Veloria held talks with Ostmark.\n"
    assert parse_document(text, source=source, url=url).date == expected


@pytest.mark.parametrize("source", ["digest.txt", "digest_07-09-2024.txt", "https://e.org/2024/digest/"])
def test_a_two_way_numeric_date_with_no_evidence_is_an_error_never_a_guess(source: str) -> None:
    text = "Kestrel Weekly Digest – 07/09/2024\n\nRegional Affairs\n\n  • Veloria held talks with Ostmark.\n"
    with pytest.raises(ParseError) as caught:
        parse_document(text, source=source)
    assert "'07/09/2024' reads as 9 July 2024 or 7 September 2024" in str(caught.value)
    assert "--date" in str(caught.value)
    assert parse_document(text, source=source, date=dt.date(2024, 7, 9)).date == dt.date(2024, 7, 9)


def test_a_numeric_date_against_a_different_title_date_is_an_error() -> None:
    text = "Kestrel Digest – July 2, 2024\nKestrel Digest 07/09/2024\n\nAffairs\n\n  • Veloria voted.\n"
    with pytest.raises(ParseError, match="two different dates"):
        parse_document(text, source="digest.txt")


CUT_OFF = [
    "layout_2024_bullets.txt",
    "layout_2025_arrow.txt",
    "drift_flat_midpage_arrows.txt",
    "drift_paragraphs_only.txt",
    "variant_wp_strong_headings.html",
    "variant_browser_text_dash.txt",
]


def cut_points(data: bytes, last_text: str) -> list[int]:
    """Byte offsets inside the last item's text: after its first words, then every few bytes to its end."""
    start = data.rindex(last_text[:30].encode())
    end = start + len(last_text.encode())
    return list(range(start + 24, end, 5))


@pytest.mark.parametrize("name", CUT_OFF)
def test_a_page_cut_off_mid_word_keeps_its_last_item(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    whole = parse_document(data, source=name, url=MIDPAGE_URL)
    last = whole.items[-1][1]
    for cut in cut_points(data, last.text):
        issue = parse_document(data[:cut], source=name, url=MIDPAGE_URL)
        assert len(issue.items) == len(whole.items), cut
        kept = issue.items[-1][1].text
        assert kept and last.text.startswith(kept), cut


def test_a_page_cut_off_mid_character_is_still_utf8() -> None:
    data = (FIXTURES / "layout_2024_bullets.txt").read_bytes()
    data = data[: data.index(b"did not affect") + 14] + " the Velgrad’s".encode()[:-2]  # mid-quote
    issue = parse_document(data, source="cut.txt")
    assert issue.title == "Kestrel Advisory’s Weekly Security Digest"
    assert issue.items[-1][1].text.endswith("did not affect the Velgrad")


@pytest.mark.parametrize(
    "name", ["layout_2025_arrow.txt", "variant_browser_text_nbsp_crlf.txt", "drift_text_empty_heading.txt"]
)
def test_a_page_flattened_onto_one_line_reads_like_its_multiline_version(name: str) -> None:
    """Lines joined with a space: an empty line between paragraphs leaves a double space, which is
    enough to tell a "→" item's own text from its analysis paragraphs."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    flat = parse_document(" ".join(text.splitlines()), source=name)
    assert outline(flat) == outline(parse_document(text, source=name))


@pytest.mark.parametrize(
    ("item", "other", "analysis"),
    [("• ", "◦ ", True), ("• ", "▪ ", True), ("• ", "– ", True), ("- ", "– ", False), ("• ", "● ", False)],
)
def test_a_bullet_in_another_glyph_is_analysis_unless_the_glyphs_are_one_family(
    item: str, other: str, analysis: bool
) -> None:
    text = (
        f"Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n{item}Veloria voted on a new budget.\n"
        f"{other}Turnout fell below half.\n{item}Ostmark reopened its schools.\n"
    )
    counts = [len(item.analysis) for _, item in parse_document(text, source="glyphs.txt").items]
    assert counts == ([1, 0] if analysis else [0, 0, 0])
