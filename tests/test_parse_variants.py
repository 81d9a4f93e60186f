"""Variations real pages show over the years, each as a fictional fixture with its exact outline: HTML
saved from WordPress-like blogs (entry-content, <strong> headings, <br> bullets, nested lists, &nbsp;,
share rows, related posts, cookie banners, comments, newsletter sign-up, page-builder widgets, tables)
and text saved from a browser (search widgets, category labels, reading time, NBSP indents, CRLF)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.parse_support import GSM, Outline, outline, parse_fixture

GSM_CAPS = "GLOBAL SECURITY MATTERS"

VARIANTS: dict[str, tuple[dt.date, str, Outline]] = {
    # WordPress: <p><strong> headings with &nbsp;, nested <ul> analysis, "Related posts" inside the
    # content, share buttons, newsletter box, comments, cookie bar, sidebar.
    "variant_wp_strong_headings.html": (
        dt.date(2024, 8, 13),
        "Kestrel Advisory’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [
                    ("The Republic of Veloria’s", ["Expect the cut to"]),
                    ("Drassk’s defence ministry confirmed", []),
                ],
            ),
            ("Veloria – Drassk", GSM, [("Monitors from the Lausanne", [])]),
            (
                "Cyber / Defense Technology",
                GSM,
                [("Kestrel Dynamics said a", ["The kit was sold", "Staff with hardware keys"])],
            ),
        ],
    ),
    # <br>-separated bullets inside <p>, &nbsp; indentation before a "◦" sub-bullet, bold title.
    "variant_wp_br_bullets.html": (
        dt.date(2024, 9, 24),
        "Harbourline’s Weekly Security Digest",
        [
            (
                "Regional Affairs",
                GSM,
                [
                    ("The Ostmark Federation closed", ["The closures cut the"]),
                    ("Veloria’s president named a", []),
                    ("Protesters in Velgrad marked", []),
                ],
            ),
            (
                "Cyber / Defense Technology",
                GSM,
                [("Researchers found that the", []), ("Kestrel Dynamics won a", [])],
            ),
        ],
    ),
    # Page builder: search widget tabs above the title, a category label between two title copies,
    # reading time, an upper-case part with trailing &nbsp;, "→" paragraphs, a <ul> that an analysis
    # paragraph introduces, an arrow attached to its text.
    "variant_wp_arrow_paragraphs.html": (
        dt.date(2025, 4, 15),
        "Northgate Group’s Weekly Security Digest",
        [
            (
                "Middle East",
                GSM_CAPS,
                [
                    (
                        "On Monday, the Emirate",
                        [
                            "Sahrim likely announced the",
                            "All of this leaves",
                            "A joint survey of",
                            "A collapse of the",
                        ],
                    ),
                    ("A car bomb killed", []),
                ],
            ),
            (
                "International Affairs",
                GSM_CAPS,
                [("Veloria’s new coalition government", ["We expect the coalition"])],
            ),
            ("Cyber and Technology", GSM_CAPS, [("Kestrel Dynamics reported that", [])]),
        ],
    ),
    # h2 part and h3 sections with doubled and trailing spaces, <ol> items of <p>, an empty h3,
    # breadcrumbs, "Posted on" meta, "Print Friendly" row, post navigation.
    "variant_html_nested_lists.html": (
        dt.date(2024, 10, 1),
        "Kestrel Advisory’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [
                    ("The Republic of Veloria’s", ["Quist owes her election"]),
                    ("Drassk’s foreign minister visited", []),
                ],
            ),
            (
                "Israel – Gaza",
                GSM,
                [("Negotiators met in Cairo", ["Both delegations left without", "Mediators expect a fifth"])],
            ),
            ("Cyber / Defense Technology", GSM, [("Kestrel Dynamics said attackers", [])]),
        ],
    ),
    # An e-mail-style table layout: a weekday before the date, &bull; paragraphs, statistics, a footer.
    "variant_html_table_layout.html": (
        dt.date(2022, 6, 14),
        "Harbourline Weekly Security Digest",
        [
            (
                GSM,
                None,
                [("Ostmark Federation troops completed", []), ("Veloria’s interior ministry raised", [])],
            ),
            ("Covid-19 Updates", None, [("Drassk dropped its last", [])]),
        ],
    ),
    # Text saved from a browser, 2025 layout: widget tabs, category label, reading time, headings with
    # trailing spaces, analysis paragraphs indented by a space or NBSP-only lines, an analysis list.
    "variant_browser_text_arrows.txt": (
        dt.date(2025, 11, 4),
        "Northgate Group‘s Weekly Security Digest",
        [
            (
                "Middle East",
                None,
                [
                    ("Drassk’s president met the", ["The accord matters less", "It also isolates the"]),
                    ("The Ashen Hand claimed", []),
                ],
            ),
            (
                "International Affairs",
                None,
                [
                    (
                        "On Thursday, Veloria’s foreign",
                        [
                            "All of this leaves",
                            "Ostmark apologises and dismisses",
                            "Ostmark denies the list,",
                            "Both sides let the",
                        ],
                    ),
                    ("Port Caldera’s mayor resigned", []),
                ],
            ),
            ("Cyber and Technology", None, [("A wiper hit the", [])]),
        ],
    ),
    # Text saved from a browser, 2023 layout: "Blog" crumb, "- " items with no blank lines, "&" heading.
    "variant_browser_text_dash.txt": (
        dt.date(2023, 5, 16),
        "Harbourline’s Weekly Digest | Global Security and Policy Insights",
        [
            (
                "Military & Defense",
                GSM,
                [
                    ("The Ostmark Federation test-fired", []),
                    ("Drassk’s army began recruiting", ["The call-up suggests that"]),
                ],
            ),
            (
                "International Affairs",
                GSM,
                [("On Monday, Veloria’s foreign", []), ("Sahrim’s central bank lifted", [])],
            ),
            ("National Security", GSM, [("Police in Port Caldera", [])]),
        ],
    ),
    # NBSP indentation before the bullets, NBSP in and after headings, CRLF line endings.
    "variant_browser_text_nbsp_crlf.txt": (
        dt.date(2024, 12, 3),
        "Kestrel Advisory’s Weekly Security Digest",
        [
            (
                "International Affairs",
                GSM,
                [("Veloria’s president survived an", ["The price of the"]), ("Drassk’s navy seized a", [])],
            ),
            ("Israel – Gaza", GSM, [("Aid convoys entered northern", [])]),
            ("Cyber / Defense Technology", GSM, [("The Port Caldera port", [])]),
        ],
    ),
    # 2021 health update: three title lines (two without a year), statistics with a glued number.
    "variant_covid_update_text.txt": (
        dt.date(2021, 3, 9),
        "Harbourline - Public Health Update",
        [
            ("Veloria", None, [("Veloria’s health ministry approved", []), ("Schools in Velgrad will", [])]),
            ("International", None, [("Drassk extended its night", []), ("The Ostmark Federation will", [])]),
        ],
    ),
}


FURNITURE = (
    "Share", "Related", "Leave a", "Reply", "cookies", "newsletter", "Digest –", "min read", "©", "Copyright",
    "Unsubscribe", "Print Friendly", "No Results", "Posted", "contact us", "Media (", "Geopolitics.",
)  # fmt: skip


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_date_title_and_outline(name: str) -> None:
    day, title, expected = VARIANTS[name]
    issue = parse_fixture(name)
    assert (issue.date, issue.title) == (day, title)
    assert outline(issue) == expected


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_keeps_no_page_furniture(name: str) -> None:
    issue = parse_fixture(name)
    lines = [line for _, item in issue.items for line in (item.text, *item.analysis)]
    for furniture in FURNITURE:
        assert not any(furniture in line for line in lines), furniture
    assert all(line == line.strip() and "\u00a0\u00a0" not in line for line in lines)


def test_nbsp_inside_names_is_kept_and_section_names_have_single_spaces() -> None:
    issue = parse_fixture("variant_wp_strong_headings.html")
    assert [s.name for s in issue.sections][1] == "Veloria – Drassk"
    assert issue.sections[2].name == "Cyber / Defense Technology"
    assert issue.sections[0].items[0].text.endswith("by a third.")
