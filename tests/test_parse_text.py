"""fold(), format detection, web-page noise, heading detection and html_to_text."""

from __future__ import annotations

from pathlib import Path

import pytest

from digestbot.parse import fold, html_to_text, parse_document
from digestbot.parse.document import detect_format
from digestbot.parse.headings import looks_like_heading
from digestbot.parse.noise import is_noise

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Israel\u00a0– Gaza", "israel - gaza"),
        ("Brell’s “red lines”", 'brell\'s "red lines"'),
        ("  A\u202fB \t\n C—D−E  ", "a b c-d-e"),
        ("STRASSE Straße", "strasse strasse"),
        ("Mélenchon", "mélenchon"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        ("a.html", "plain words", "html"),
        ("https://example.org/post.htm?x=1", "plain words", "html"),
        ("a.txt", "<!DOCTYPE html><p>x</p>", "html"),
        ("feed-item", "Title\n<p>Para</p>", "html"),
        ("a.md", "plain words", "markdown"),
        ("a.markdown", "plain words", "markdown"),
        ("a.txt", "# Kestrel Digest\n\n- item", "markdown"),
        ("a.txt", "Kestrel Digest\n\n• item", "text"),
        ("a.txt", "Costs rose 5% <br> the next week", "text"),
    ],
)
def test_detect_format(source: str, text: str, expected: str) -> None:
    assert detect_format(text, source=source) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Blog",
        "Home > Blog > Weekly Digest",
        "Blog » Insights » Weekly Digest",
        "Search",
        "All 389 Media (59) Articles (12) Reports (3) No Results Found",
        "5 min read",
        "Share this article",
        "Share on LinkedIn",
        "Posted by Editorial Team",
        "Published on July 9, 2024",
        "By Jane Doe",
        "© 2024 Kestrel Advisory. All rights reserved.",
        "Copyright 2024 Kestrel Advisory",
        "We use cookies to improve your experience. Accept all?",
        "Subscribe to our newsletter",
        "Kestrel Advisory is a global security consulting firm. Learn more about our services: contact us.",
        "Total Deaths: 1,234",
        "Confirmed Cases: 98,765",
        "Total Deaths: 1,234 (+56)",
        "Tags: Veloria, Ostmark",
        "Next post",
    ],
)
def test_noise_lines(line: str) -> None:
    assert is_noise(line)


@pytest.mark.parametrize(
    "line",
    [
        "Share prices in Veloria fell 5% after the vote.",
        "By Tuesday, officials in Ostmark had reopened two crossings.",
        "Kestrel Dynamics is a defense firm that supplies US forces.",
        "Regulators fined Kestrel over its cookie consent banner in Veloria.",
        "Global Security Matters",
        "Cyber / Defense Technology",
        "Israel – Gaza",
        "Posted guards were doubled at the Port Caldera border crossing.",
        "Home-grown militias in Veloria grew in number.",
        "All 40 passengers were rescued off Port Caldera.",
    ],
)
def test_not_noise(line: str) -> None:
    assert not is_noise(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Global Security Matters", True),
        ("Israel\u00a0– Gaza", True),
        ("Cyber / Defense Technology", True),
        ("Atmosphere of Protest", True),
        ("Covid-19 Updates", True),
        ("Middle East and North Africa", True),
        ("The meeting was postponed", False),
        ("Officials said the talks would resume.", False),
        ("July 9, 2024", False),
        ("a lowercase start", False),
        ("A" * 91, False),
    ],
)
def test_looks_like_heading(line: str, expected: bool) -> None:
    assert looks_like_heading(line) is expected


def test_html_to_text_keeps_article_and_drops_furniture() -> None:
    text = html_to_text((FIXTURES / "article.html").read_text(encoding="utf-8"), source="article.html")
    assert text.splitlines()[0] == "Harbourline’s Weekly Security Digest – July 16 2024"
    assert "  • Ostmark Federation police detained 60 people" in text
    assert "    • The deal gives the smaller Green List party" in text
    for furniture in ("Popular", "Related Posts", "Leave a comment", "Share on", "cookies", "Contact", "©",
                      "No Results", "Posted by", "min read", "contact us"):  # fmt: skip
        assert furniture not in text


def test_html_to_text_reparses_to_the_same_issue() -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    again = parse_document(html_to_text(html, source="article.html"), source="article.txt")
    assert again == parse_document(html, source="article.html")


def test_html_paragraph_items_with_markers_and_br() -> None:
    html = (
        "<article><p>Kestrel Weekly Digest – June 4, 2024</p><p><strong>Regional Affairs</strong></p>"
        "<p>→ Veloria held talks.</p><p>Analysts expect more rounds.</p>"
        "<p>• Ostmark reopened schools.<br>• Port Caldera closed its port.</p></article>"
    )
    issue = parse_document(html, source="page.html")
    items = issue.sections[0].items
    assert [item.text for item in items] == [
        "Veloria held talks.", "Ostmark reopened schools.", "Port Caldera closed its port.",
    ]  # fmt: skip
    assert items[0].analysis == ("Analysts expect more rounds.",)


def test_a_url_source_is_the_issue_url_and_a_date_hint() -> None:
    html = "<h2>Regional Affairs</h2><ul><li>Veloria held talks with Ostmark.</li></ul>"
    source = "https://example.org/blog/weekly-digest-july-9-2024/"
    issue = parse_document(html, source=source)
    assert issue.url == source
    assert str(issue.date) == "2024-07-09"
    assert issue.title == "Weekly Security Digest"


def test_explicit_format_wins_over_the_suffix() -> None:
    html = "<h1>Kestrel Weekly Digest – July 9, 2024</h1><h2>Affairs</h2><ul><li>Veloria voted.</li></ul>"
    issue = parse_document(html.encode(), source="saved-page.txt", fmt="html")
    assert [(s.name, len(s.items)) for s in issue.sections] == [("Affairs", 1)]


def test_page_builder_widgets_are_content_but_sidebar_widgets_are_not() -> None:
    html = (
        "<body class='no-sidebar'><div class='widget-area'><ul><li>Top risks of the year</li></ul></div>"
        "<div class='content no-sidebar'><div class='elementor-widget-container'>"
        "<h1>Kestrel Weekly Digest – June 4, 2024</h1><h2>Regional Affairs</h2>"
        "<ul><li>Veloria held talks with Ostmark over the Lenn river crossings.</li>"
        "<li>Ostmark reopened schools in the border districts after the floods.</li></ul>"
        "</div></div><div id='jp-relatedposts'><ul><li>Another digest</li></ul></div></body>"
    )
    issue = parse_document(html, source="page.html")
    assert [item.text.split()[0] for _, item in issue.items] == ["Veloria", "Ostmark"]


def test_a_text_digest_quoting_a_few_tags_stays_text() -> None:
    text = (
        "Northwind Risk’s Weekly Security Digest - March 4, 2031\n\nCyber / Defense Technology\n\n"
        "  • A phishing kit hid its form inside an <article> element behind a fake <div> overlay.\n"
        "  • Dockworkers in Tirel walked out over a new shift system.\n"
    )
    issue = parse_document(text.encode(), source="2031-03-04.txt")
    assert [len(section.items) for section in issue.sections] == [2]
    assert "<article>" in issue.sections[0].items[0].text
