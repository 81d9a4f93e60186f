"""Date words in a question become filters relative to the newest issue, and leave the searched text."""

from __future__ import annotations

from datetime import date

import pytest

from digestbot.search import parse_query

NEWEST = date(2024, 7, 9)
ISSUES = [date(2023, 11, 14), date(2024, 6, 4), date(2024, 6, 25), date(2024, 7, 2), NEWEST]
D = date


@pytest.mark.parametrize(
    ("question", "text", "start", "end", "label"),
    [
        (
            "what happened last week in Iran",
            "what happened in Iran",
            D(2024, 7, 3),
            NEWEST,
            "the latest issue (9 Jul 2024)",
        ),
        ("Iran this week", "Iran", D(2024, 7, 3), NEWEST, "the latest issue (9 Jul 2024)"),
        ("what was in the latest issue?", "what was?", NEWEST, NEWEST, "the 9 Jul 2024 issue"),
        ("the previous issue on Gaza", "on Gaza", D(2024, 7, 2), D(2024, 7, 2), "the 2 Jul 2024 issue"),
        ("cyber this month", "cyber", D(2024, 7, 1), D(2024, 7, 31), "issues from July 2024"),
        ("protests last month", "protests", D(2024, 6, 1), D(2024, 6, 30), "issues from June 2024"),
        (
            "anything on Gaza in July 2024?",
            "anything on Gaza?",
            D(2024, 7, 1),
            D(2024, 7, 31),
            "issues from July 2024",
        ),
        ("Gaza in July", "Gaza", D(2024, 7, 1), D(2024, 7, 31), "issues from July 2024"),
        ("Gaza in August", "Gaza", D(2023, 8, 1), D(2023, 8, 31), "issues from August 2023"),
        ("ransomware since June", "ransomware", D(2024, 6, 1), None, "issues since June 2024"),
        (
            "what did the July 9 issue say about Iran",
            "what did say about Iran",
            NEWEST,
            NEWEST,
            "the 9 Jul 2024 issue",
        ),
        (
            "the July 2 issue on elections",
            "on elections",
            D(2024, 7, 2),
            D(2024, 7, 2),
            "the 2 Jul 2024 issue",
        ),
        ("Iran on 9 July", "Iran", NEWEST, NEWEST, "the 9 Jul 2024 issue"),
        ("Iran July 9th, 2024", "Iran", NEWEST, NEWEST, "the 9 Jul 2024 issue"),
        ("Iran 2024-07-02", "Iran", D(2024, 7, 2), D(2024, 7, 2), "the 2 Jul 2024 issue"),
        ("the July 10 issue", "", NEWEST, NEWEST, "the 9 Jul 2024 issue"),  # snaps to the nearest issue
        ("elections in 2023", "elections", D(2023, 1, 1), D(2023, 12, 31), "issues from 2023"),
        ("China since 2023", "China", D(2023, 1, 1), None, "issues since 2023"),
        ("Russia this year", "Russia", D(2024, 1, 1), D(2024, 12, 31), "issues from 2024"),
        ("Russia last year", "Russia", D(2023, 1, 1), D(2023, 12, 31), "issues from 2023"),
        (
            "botnets in the past 3 weeks",
            "botnets",
            D(2024, 6, 19),
            NEWEST,
            "issues from 19 Jun 2024 to 9 Jul 2024",
        ),
        ("Iran in May", "Iran", D(2024, 5, 1), D(2024, 5, 31), "issues from May 2024"),
    ],
)
def test_date_expressions(question: str, text: str, start: date | None, end: date | None, label: str) -> None:
    parsed = parse_query(question, NEWEST, ISSUES)
    assert parsed.text == text
    assert parsed.scope is not None
    assert (parsed.scope.start, parsed.scope.end, parsed.scope.label) == (start, end, label)


@pytest.mark.parametrize(
    "question",
    [
        "Iran may strike back",
        "the protest march in Corvale",
        "RockYou2024 leak",
        "400 migrants",
        "what is new",
    ],
)
def test_words_that_only_look_like_dates_are_kept(question: str) -> None:
    parsed = parse_query(question, NEWEST, ISSUES)
    assert (parsed.text, parsed.scope) == (question, None)


def test_an_empty_archive_anchors_on_today() -> None:
    assert parse_query("Iran last week", None).scope is not None
