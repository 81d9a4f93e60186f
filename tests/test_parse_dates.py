"""Issue dates: the many ways a title writes them, where they may come from, and never a guess."""

from __future__ import annotations

import datetime as dt

import pytest

from digestbot.errors import ParseError
from digestbot.parse import parse_document
from digestbot.parse.dates import date_from_hint, find_date

BODY = "\n\nRegional Affairs\n\n  • The Republic of Veloria held talks with Ostmark.\n"
JULY_9 = dt.date(2024, 7, 9)


def digest(title: str) -> str:
    return title + BODY


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kestrel Weekly Digest – July 9, 2024", JULY_9),
        ("Kestrel Weekly Digest - July 9 2024", JULY_9),
        ("Kestrel Weekly Digest — October 29th, 2024", dt.date(2024, 10, 29)),
        ("Kestrel Weekly Digest – August 30,2023", dt.date(2023, 8, 30)),
        ("Kestrel Weekly Digest – Sept. 3, 2024", dt.date(2024, 9, 3)),
        ("Kestrel Weekly Digest – Sep 3, 2024", dt.date(2024, 9, 3)),
        ("Kestrel Weekly Digest – 9 July 2024", JULY_9),
        ("Kestrel Weekly Digest – 9th of July, 2024", JULY_9),
        ("Kestrel Weekly Digest – 2024-07-09", JULY_9),
        ("Kestrel Weekly Digest – 07/19/2024", dt.date(2024, 7, 19)),
        ("Kestrel Weekly Digest – 19/07/2024", dt.date(2024, 7, 19)),
        ("Kestrel Weekly Digest – 19.07.2024", dt.date(2024, 7, 19)),
        ("Kestrel Weekly Digest – 09/09/2024", dt.date(2024, 9, 9)),
        ("Kestrel Weekly Digest – April 20-2021", dt.date(2021, 4, 20)),
        ("Kestrel’s Weekly Digest | Global Risk Insights– May 27, 2025", dt.date(2025, 5, 27)),
        ("Kestrel Weekly Digest – Tuesday, July\u00a09,\u00a02024\u00a0", JULY_9),
        ("KESTREL WEEKLY DIGEST – JULY 9, 2024", JULY_9),
        ("Kestrel Weekly Digest – Feb 29, 2024", dt.date(2024, 2, 29)),
    ],
)
def test_title_date_formats(title: str, expected: dt.date) -> None:
    assert parse_document(digest(title), source="digest.txt").date == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("https://example.org/blog/weekly-security-digest-july-9-2024/", JULY_9),
        ("https://example.org/blog/weekly-digest-9-july-2024", JULY_9),
        ("archive/2024-07-09.txt", JULY_9),
        ("https://example.org/2024/07/09/weekly-digest/", JULY_9),
        ("digest_07-19-2024.html", dt.date(2024, 7, 19)),
        ("digest_07-09-2024.html", None),  # month-first or day-first: no answer on its own
        ("digest%20July%209%2C%202024.txt", JULY_9),
        ("001_3ca488d82e5e7de3.txt", None),
        ("digest-2024-02-30.txt", None),
    ],
)
def test_dates_in_urls_and_file_names(hint: str, expected: dt.date | None) -> None:
    assert date_from_hint(hint) == expected


def test_explicit_date_beats_title_and_url() -> None:
    issue = parse_document(
        digest("Kestrel Weekly Digest – July 9, 2024"),
        source="2023-01-01.txt",
        url="https://example.org/digest-march-5-2022/",
        date=dt.date(2020, 2, 2),
    )
    assert issue.date == dt.date(2020, 2, 2)


def test_title_date_beats_url_and_file_name() -> None:
    issue = parse_document(
        digest("Kestrel Weekly Digest – July 9, 2024"),
        source="2023-01-01.txt",
        url="https://example.org/digest-march-5-2022/",
    )
    assert issue.date == JULY_9
    assert issue.url == "https://example.org/digest-march-5-2022/"


def test_url_beats_file_name_when_title_has_no_date() -> None:
    issue = parse_document(
        digest("Kestrel Weekly Digest"),
        source="2023-01-01.txt",
        url="https://example.org/digest-march-5-2022/",
    )
    assert issue.date == dt.date(2022, 3, 5)


def test_file_name_date_when_title_has_none() -> None:
    assert parse_document(digest("Kestrel Weekly Digest"), source="in/2024-07-09.txt").date == JULY_9


def test_title_without_year_takes_the_year_from_the_url() -> None:
    issue = parse_document(
        digest("Kestrel Weekly Digest – July 9"), source="x.txt", url="https://e.org/2024/digest/"
    )
    assert issue.date == JULY_9


def test_title_without_year_and_no_year_anywhere_is_an_error() -> None:
    with pytest.raises(ParseError, match=r"no year.*--date"):
        parse_document(digest("Kestrel Weekly Digest – July 9"), source="digest.txt")


def test_no_date_anywhere_is_an_error_suggesting_date_flag() -> None:
    with pytest.raises(ParseError) as caught:
        parse_document(digest("Kestrel Weekly Digest"), source="digest.txt")
    assert str(caught.value) == (
        "digest.txt: no date found in the title block, URL or file name; pass --date YYYY-MM-DD"
    )


@pytest.mark.parametrize(
    "title", ["Kestrel Weekly Digest – February 30, 2024", "Kestrel Weekly Digest – 2023-02-29"]
)
def test_impossible_date_is_an_error(title: str) -> None:
    with pytest.raises(ParseError, match="invalid date") as caught:
        parse_document(digest(title), source="digest.txt")
    assert caught.value.line == 1


def test_date_in_an_item_body_is_not_the_issue_date() -> None:
    text = "Kestrel Weekly Digest\n\nRegional Affairs\n\n  • Today, July 9th, 2024, Veloria voted.\n"
    with pytest.raises(ParseError, match="no date found"):
        parse_document(text, source="digest.txt")


def test_html_page_title_is_a_date_hint_after_the_title_block() -> None:
    html = (
        "<html><head><title>Weekly Digest – July 9, 2024 | Kestrel</title></head><body>"
        "<h2>Regional Affairs</h2><ul><li>Veloria held talks with Ostmark.</li></ul></body></html>"
    )
    issue = parse_document(html, source="https://example.org/digest")
    assert issue.date == JULY_9
    assert issue.title == "Weekly Digest"


def test_find_date_positions_point_into_the_original_text() -> None:
    text = "Kestrel’s Digest\u00a0– Sept.\u00a03,\u00a02024 (special)"
    found = find_date(text)
    assert found is not None
    assert text[found.start : found.end] == "Sept.\u00a03,\u00a02024"
