"""Each digest layout, from a fictional fixture: date, title, sections in order with their part, items per
section, and which lines became analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digestbot.domain import UNSECTIONED, Issue
from digestbot.parse import parse_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GSM = "Global Security Matters"

Shape = list[tuple[str, str | None, list[int]]]  # (section, part, analysis count of each item)


def shape(issue: Issue) -> Shape:
    return [(s.name, s.part, [len(item.analysis) for item in s.items]) for s in issue.sections]


def parse_fixture(name: str) -> Issue:
    return parse_document((FIXTURES / name).read_bytes(), source=name)


LAYOUTS = {
    "layout_2024_bullets.txt": (
        dt.date(2024, 3, 12),
        "Kestrel Advisory’s Weekly Security Digest",
        [("Regional Affairs", GSM, [2, 0, 0]), ("Veloria – Ostmark", GSM, [1]),
         ("Cyber / Defense Technology", GSM, [0, 0])],
    ),
    "layout_blog_dash.txt": (
        dt.date(2024, 10, 29),
        "Northgate Group’s Weekly Security Digest",
        [("International Affairs", GSM, [1, 0, 0]), ("Veloria – Ostmark", GSM, [0, 0]),
         ("Cyber / Defense Technology", GSM, [0])],
    ),
    "layout_2025_arrow.txt": (
        dt.date(2025, 5, 27),
        "Northgate Group’s Weekly Digest | Global Risk and Policy Insights",
        [("Europe and Eurasia", GSM, [2, 1]), ("Middle East – North Africa", GSM, [0]),
         ("Cyber and Technology", GSM, [0, 0])],
    ),
    "layout_flat.txt": (
        dt.date(2024, 9, 3),
        "Harbourline Weekly Security Digest",
        [("Regional Affairs", None, [1, 0]), ("Veloria – Ostmark", None, [0, 0]),
         ("Cyber / Defense Technology", None, [0, 0])],
    ),
    "layout_old_parts.txt": (
        dt.date(2023, 8, 30),
        "Harbourline Weekly Security Digest",
        [(GSM, None, [0, 1]), ("Covid-19 Updates", None, [0, 0])],
    ),
    "article.txt": (
        dt.date(2024, 7, 16),
        "Harbourline’s Weekly Security Digest",
        [("Regional Affairs", GSM, [2, 0]), ("Veloria – Ostmark", GSM, [0]),
         ("Cyber / Defense Technology", GSM, [0, 0])],
    ),
    "article.html": (
        dt.date(2024, 7, 16),
        "Harbourline’s Weekly Security Digest",
        [("Regional Affairs", GSM, [2, 0]), ("Veloria – Ostmark", GSM, [0]),
         ("Cyber / Defense Technology", GSM, [0, 0])],
    ),
    "digest.md": (
        dt.date(2024, 9, 3),
        "Harbourline Weekly Security Digest",
        [("Regional Affairs", GSM, [2, 0]), ("Veloria – Ostmark", GSM, [0]), ("Covid-19 Updates", None, [0])],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_date_title_sections_and_analysis(name: str) -> None:
    day, title, expected = LAYOUTS[name]
    issue = parse_fixture(name)
    assert issue.date == day
    assert issue.title == title
    assert shape(issue) == expected


def test_bullets_analysis_lines_and_original_characters() -> None:
    issue = parse_fixture("layout_2024_bullets.txt")
    first = issue.sections[0].items[0]
    assert first.text.startswith("The Republic of Veloria held a snap election")
    assert "Amélie Varga" in first.text and first.text.endswith("since 2011.")
    assert first.analysis[0].startswith("Coalition talks") and "“caretaker”" in first.analysis[0]
    assert first.analysis[1].startswith("Expect opposition leader Tomas Brell")
    talks = issue.sections[1].items[0]
    assert "Monday – the first round" in talks.text
    assert talks.analysis == (
        "Both delegations described the meeting as “constructive”, a word neither side used last year.",
    )


def test_bullets_final_item_cut_off_is_kept_and_empty_heading_dropped() -> None:
    issue = parse_fixture("layout_2024_bullets.txt")
    last = issue.sections[-1].items[-1]
    assert last.text.endswith("contained within hours and did not affect")
    assert "Atmosphere of Protest" not in [s.name for s in issue.sections]
    assert all("©" not in item.text for _, item in issue.items)


def test_blog_noise_is_dropped_and_dash_sub_bullet_is_analysis() -> None:
    issue = parse_fixture("layout_blog_dash.txt")
    item = issue.sections[0].items[0]
    assert item.analysis == (
        "The drills rehearse a river crossing, which Veloria reads as a message about the disputed Lenn"
        " valley.",
    )
    texts = [item.text for _, item in issue.items]
    assert not any(
        word in text for text in texts for word in ("Share", "Subscribe", "contact us", "min read")
    )
    assert issue.sections[-1].items[0].text.startswith("A phishing campaign")


def test_arrow_paragraphs_are_analysis_until_next_arrow_and_promo_is_dropped() -> None:
    issue = parse_fixture("layout_2025_arrow.txt")
    law, rates = issue.sections[0].items
    assert law.text.startswith("The Ostmark Federation parliament") and law.text.endswith(
        "“external agents”."
    )
    assert [line.split()[0] for line in law.analysis] == ["The", "Expect"]
    assert rates.analysis == (
        "Higher borrowing costs will squeeze the construction sector, a major employer in Port Caldera.",
    )
    broker = issue.sections[-1].items[-1]
    assert broker.text.endswith("misconfigured storage bucket") and broker.analysis == ()


def test_flattened_line_recovers_headings_and_sub_bullet() -> None:
    issue = parse_fixture("layout_flat.txt")
    first = issue.sections[0].items[0]
    assert (
        first.text == "The Republic of Veloria reopened its embassy in Ostmark City after a two-year closure."
    )
    assert first.analysis[0].startswith("The move follows quiet mediation")
    assert issue.sections[-1].items[-1].text.endswith("though the group has")


def test_old_layout_part_is_the_section_and_statistics_are_dropped() -> None:
    issue = parse_fixture("layout_old_parts.txt")
    covid = issue.sections[1]
    assert [item.text.split()[0] for item in covid.items] == ["Veloria", "Hospitals"]
    assert all("Total Deaths" not in line for item in covid.items for line in (item.text, *item.analysis))


def test_html_article_gives_the_same_issue_as_its_text_version() -> None:
    assert parse_fixture("article.html") == parse_fixture("article.txt")


def test_html_heading_levels_decide_part_and_section() -> None:
    html = (
        "<h1>Kestrel Weekly Digest – June 4, 2024</h1><h2>Global Security Matters</h2><h3>Empty One</h3>"
        "<h3>Regional Affairs</h3><ul><li>Veloria held talks.</li></ul>"
        "<h2>Covid-19 Updates</h2><ul><li>Ostmark reopened schools.</li></ul>"
    )
    issue = parse_document(html, source="page.html")
    assert shape(issue) == [("Regional Affairs", GSM, [0]), ("Covid-19 Updates", None, [0])]


def test_markdown_sub_bullets_are_analysis() -> None:
    issue = parse_fixture("digest.md")
    chief = issue.sections[0].items[0]
    assert chief.analysis[1] == "Expect a review of the agency's surveillance powers within her first year."


def test_items_before_any_heading_are_unsectioned() -> None:
    text = "Kestrel Weekly Digest – June 4, 2024\n\n• Veloria held talks.\n• Ostmark reopened schools.\n"
    issue = parse_document(text, source="x.txt")
    assert shape(issue) == [(UNSECTIONED, None, [0, 0])]


def test_part_applies_until_the_next_part() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\n\nGlobal Security Matters\n\nRegional Affairs\n\n• One.\n\n"
        "Cyber Matters\n\n• Two.\n\nCovid-19 Updates\n\nCase Numbers\n\n• Three.\n"
    )
    issue = parse_document(text, source="x.txt")
    assert shape(issue) == [
        ("Regional Affairs", GSM, [0]),
        ("Cyber Matters", GSM, [0]),
        ("Case Numbers", "Covid-19 Updates", [0]),
    ]  # fmt: skip


def test_latin1_file_parses_with_accents_intact() -> None:
    text = "Kestrel Weekly Digest - June 4, 2024\n\nRegional Affairs\n\n- Amélie Varga visited Zürich.\n"
    issue = parse_document(text.encode("latin-1"), source="latin1.txt")
    assert issue.sections[0].items[0].text == "Amélie Varga visited Zürich."


def test_windows_1252_curly_quotes_and_dashes_decode() -> None:
    text = "Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n• Café “Nord” – reopened.\n"
    issue = parse_document(text.encode("cp1252"), source="cp1252.txt")
    assert issue.sections[0].items[0].text == "Café “Nord” – reopened."


def test_utf8_bom_and_crlf() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\r\n\r\nRegional Affairs\r\n\r\n"
        "  • One item.\r\n    • Its analysis.\r\n"
    )
    issue = parse_document(text.encode("utf-8-sig"), source="bom.txt")
    assert shape(issue) == [("Regional Affairs", None, [1])]
    assert issue.title == "Kestrel Weekly Digest"


@pytest.mark.parametrize(
    ("item", "sub"),
    [
        ("  • ", "    • "),
        ("• ", "◦ "),
        ("\uf0b7 ", "o "),
        ("- ", "  - "),
        ("* ", "    * "),
        ("\t• ", "\t\t• "),
    ],
)
def test_bullet_styles_and_their_analysis_markers(item: str, sub: str) -> None:
    text = (
        f"Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n{item}Veloria voted.\n"
        f"{sub}The result was close.\n{item}Ostmark reopened schools.\n"
    )
    issue = parse_document(text, source="styles.txt")
    assert shape(issue) == [("Regional Affairs", None, [1, 0])]
    assert issue.sections[0].items[0].analysis == ("The result was close.",)


def test_arrow_item_takes_indented_paragraphs_and_deeper_bullets_as_analysis() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n→ Veloria voted.\n"
        "    The result was close.\n  • Turnout fell.\n→ Ostmark reopened schools.\n"
    )
    issue = parse_document(text, source="arrows.txt")
    assert [item.analysis for item in issue.sections[0].items] == [
        ("The result was close.", "Turnout fell."),
        (),
    ]


def test_hard_wrapped_bullet_lines_are_joined() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n"
        "  • The Republic of Veloria held a snap election on Sunday, and the ruling\n"
        "    party lost its majority.\n"
        "    • Coalition talks will take weeks, and the caretaker cabinet cannot pass\n"
        "      a budget.\n"
    )
    item = parse_document(text, source="wrapped.txt").sections[0].items[0]
    assert item.text.endswith("the ruling party lost its majority.")
    assert item.analysis == (
        "Coalition talks will take weeks, and the caretaker cabinet cannot pass a budget.",
    )


def test_closing_blurb_after_the_last_item_is_dropped_but_not_inside_the_digest() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\n\nRegional Affairs\n\n→ Veloria voted.\n\n"
        "Ostmark Arms is a defense company owned by the state.\n\n→ Ostmark reopened schools.\n\n"
        "Kestrel Advisory is a global risk consultancy with offices in twelve countries.\n\n"
        "Write to desk@kestrel.example to receive it every week.\n"
    )
    items = parse_document(text, source="blurb.txt").sections[0].items
    assert [item.analysis for item in items] == [
        ("Ostmark Arms is a defense company owned by the state.",),
        (),
    ]


def test_html_with_every_heading_at_one_level_keeps_the_part() -> None:
    page = (
        "<html><body><main><h3>Northwind Risk’s Weekly Security Digest - March 4, 2031</h3>"
        "<h3>Global Security Matters</h3><h3>International Affairs</h3>"
        "<ul><li>Veloria recalled its ambassador.<ul><li>Expect a trade dispute.</li></ul></li></ul>"
        "<h3>Cyber / Defense Technology</h3><ul><li>Kestrel Dynamics was breached.</li></ul>"
        "</main></body></html>"
    )
    issue = parse_document(page.encode(), source="2031-03-04.html")
    assert [(s.name, s.part, len(s.items)) for s in issue.sections] == [
        ("International Affairs", "Global Security Matters", 1),
        ("Cyber / Defense Technology", "Global Security Matters", 1),
    ]
    assert issue.sections[0].items[0].analysis == ("Expect a trade dispute.",)
