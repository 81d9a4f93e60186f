"""Date words in a question become filters relative to the newest issue, and leave the searched text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digestbot.domain import PeriodKind
from digestbot.render.words import describe_period
from digestbot.search import parse_query
from digestbot.search.dates import nearest_issue

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
            "issues from 3 Jul 2024 to 9 Jul 2024",
        ),
        ("Iran this week", "Iran", D(2024, 7, 3), NEWEST, "issues from 3 Jul 2024 to 9 Jul 2024"),
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
    assert (parsed.scope.start, parsed.scope.end, describe_period(parsed.scope.period)) == (start, end, label)


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
    scope = parse_query("Iran last week", None, today=D(2031, 1, 7)).scope
    assert scope is not None and (scope.start, scope.end) == (D(2031, 1, 1), D(2031, 1, 7))


# --- Date scopes as people write them, against a realistic archive ----------------------------------------
#
# Weekly Tuesday issues from 2 Mar 2021 to 30 Jun 2026, with no issue over each year-end break (after
# 20 December) and none in August 2021 (a summer break).


def _weekly_archive() -> list[date]:
    day, issues = date(2021, 3, 2), []
    while day <= date(2026, 6, 30):
        if not ((day.month, day.year) == (8, 2021) or (day.month == 12 and day.day > 20)):
            issues.append(day)
        day += timedelta(days=7)
    return issues


WEEKLY = _weekly_archive()
SMALL = ISSUES  # the five-issue archive above


def scope_row(
    question: str, start: str | None, end: str | None, text: str, archive: list[date] = WEEKLY
) -> object:
    """(question, archive, newest) -> (start, end, searched text); no start and no end: no scope at all."""
    return pytest.param(question, archive, start, end, text, id=question)


def no_scope(question: str) -> object:
    return scope_row(question, None, None, question)


SCOPES = [
    # relative to the newest issue (30 Jun 2026), as before
    scope_row("what happened last week in Iran", "2026-06-24", "2026-06-30", "what happened in Iran"),
    scope_row("Iran this week", "2026-06-24", "2026-06-30", "Iran"),
    scope_row("what was in the latest issue?", "2026-06-30", "2026-06-30", "what was?"),
    scope_row("the previous issue on Gaza", "2026-06-23", "2026-06-23", "on Gaza"),
    scope_row("cyber this month", "2026-06-01", "2026-06-30", "cyber"),
    scope_row("protests last month", "2026-05-01", "2026-05-31", "protests"),
    scope_row("Russia this year", "2026-01-01", "2026-12-31", "Russia"),
    scope_row("Russia last year", "2025-01-01", "2025-12-31", "Russia"),
    scope_row("botnets in the past 3 weeks", "2026-06-10", "2026-06-30", "botnets"),
    scope_row("Iran two weeks ago", "2026-06-17", "2026-06-23", "Iran"),
    scope_row("what did three issues ago say", "2026-06-09", "2026-06-09", "what did say"),
    scope_row("the issue before last", "2026-06-16", "2026-06-16", ""),
    scope_row("sanctions over the last two months", "2026-04-30", "2026-06-30", "sanctions"),
    scope_row("protests since last spring", "2026-03-01", None, "protests"),
    scope_row("Iran last March", "2026-03-01", "2026-03-31", "Iran"),
    scope_row("phishing last quarter", "2026-01-01", "2026-03-31", "phishing"),
    scope_row("phishing this quarter", "2026-04-01", "2026-06-30", "phishing"),
    scope_row("floods last summer", "2025-06-01", "2025-08-31", "floods"),
    # days
    scope_row(
        "what did the July 9 issue say about Iran", "2025-07-08", "2025-07-08", "what did say about Iran"
    ),
    scope_row("Iran on 9 July 2024", "2024-07-09", "2024-07-09", "Iran"),
    scope_row("Iran July 9th, 2024", "2024-07-09", "2024-07-09", "Iran"),
    scope_row("the 10 July 2024 issue", "2024-07-09", "2024-07-09", ""),
    scope_row("Iran 2024-07-02", "2024-07-02", "2024-07-02", "Iran"),
    scope_row("2024/07/09 leak", "2024-07-09", "2024-07-09", "leak"),
    scope_row("Veloria 13/7/2024", "2024-07-16", "2024-07-16", "Veloria"),  # a Saturday: the nearer issue
    scope_row("Veloria 7/13/2024", "2024-07-16", "2024-07-16", "Veloria"),
    scope_row("the 7/7/2024 issue", "2024-07-09", "2024-07-09", ""),  # both readings are 7 July
    scope_row("the week of 9 July 2024", "2024-07-08", "2024-07-14", ""),
    # months, quarters, halves, seasons, years
    scope_row("anything on Gaza in July 2024?", "2024-07-01", "2024-07-31", "anything on Gaza?"),
    scope_row("Gaza in July", "2025-07-01", "2025-07-31", "Gaza"),  # July 2026 has not begun
    scope_row("Iran in May", "2026-05-01", "2026-05-31", "Iran"),
    scope_row("ransomware since June", "2026-06-01", None, "ransomware"),
    scope_row("Sunday's march in March 2024", "2024-03-01", "2024-03-31", "Sunday's march"),
    scope_row("breaches in Q3 2024", "2024-07-01", "2024-09-30", "breaches"),
    scope_row("the third quarter of 2024", "2024-07-01", "2024-09-30", ""),
    scope_row("H1 2025 phishing", "2025-01-01", "2025-06-30", "phishing"),
    scope_row("spring 2025", "2025-03-01", "2025-05-31", ""),
    scope_row("autumn 2022", "2022-09-01", "2022-11-30", ""),
    scope_row("fall 2022 ransomware", "2022-09-01", "2022-11-30", "ransomware"),
    scope_row("floods in the summer of 2023", "2023-06-01", "2023-08-31", "floods"),
    scope_row("winter 2024", "2023-12-01", "2024-02-29", ""),  # the winter whose January is in 2024
    scope_row("winter 2024/25", "2024-12-01", "2025-02-28", ""),
    scope_row("elections in 2023", "2023-01-01", "2023-12-31", "elections"),
    scope_row("China since 2023", "2023-01-01", None, "China"),
    # parts of a period
    scope_row("ransomware in the last week of November 2024", "2024-11-24", "2024-11-30", "ransomware"),
    scope_row("the last issue of June 2022 on elections", "2022-06-28", "2022-06-28", "on elections"),
    scope_row("the first issue of June 2022", "2022-06-07", "2022-06-07", ""),
    scope_row("the first issue of 2023 on Drassk", "2023-01-03", "2023-01-03", "on Drassk"),
    scope_row("the last issue of 2025", "2025-12-16", "2025-12-16", ""),  # no issue after 20 December
    scope_row("Veloria early February 2023", "2023-02-01", "2023-02-10", "Veloria"),
    scope_row("mid-February 2023 protests", "2023-02-11", "2023-02-20", "protests"),
    scope_row("late February 2023", "2023-02-21", "2023-02-28", ""),
    scope_row("the second half of September 2024", "2024-09-16", "2024-09-30", ""),
    scope_row("the first half of 2023", "2023-01-01", "2023-06-30", ""),
    scope_row("the third week of May 2025", "2025-05-15", "2025-05-21", ""),
    scope_row("since the first issue of June 2022", "2022-06-07", None, ""),
    # ranges
    scope_row("elections between June and August 2022", "2022-06-01", "2022-08-31", "elections"),
    scope_row("Drassk from March to May", "2026-03-01", "2026-05-31", "Drassk"),
    scope_row("botnets March–May 2024", "2024-03-01", "2024-05-31", "botnets"),
    scope_row("strikes June through August", "2025-06-01", "2025-08-31", "strikes"),  # August 2026 is ahead
    scope_row("between November and February 2024", "2023-11-01", "2024-02-29", ""),
    scope_row("between 9 July 2024 and 20 August 2024", "2024-07-09", "2024-08-20", ""),
    # edges: a period with no issue, before or after the archive, leap years
    scope_row("the first issue of August 2021", "2021-08-01", "2021-08-31", ""),  # no issue that month
    scope_row("ransomware in 2020", "2020-01-01", "2020-12-31", "ransomware"),  # before the archive
    scope_row("Veloria in 2027", "2027-01-01", "2027-12-31", "Veloria"),
    scope_row("late December 2024", "2024-12-21", "2024-12-31", ""),  # the year-end break
    scope_row("29 February 2024", "2024-02-27", "2024-02-27", ""),
    scope_row("the last week of February 2024", "2024-02-23", "2024-02-29", ""),
    scope_row("the second half of February 2024", "2024-02-16", "2024-02-29", ""),
    scope_row("four issues ago", "2023-11-14", "2023-11-14", "", archive=SMALL),
    # words that only look like dates
    no_scope("May I ask about Iran?"),
    no_scope("the march on parliament"),
    no_scope("they may march on Sunday"),
    no_scope("at last may we see peace"),
    no_scope("the 3 may agree"),
    no_scope("Section 702 renewal"),
    no_scope("CVE-2024-3094 exploited"),
    no_scope("F-35 sale to Veloria"),
    no_scope("Route 66 closures"),
    no_scope("1990s-era malware"),
    no_scope("RockYou2024 leak"),
    no_scope("over 2000 homes flooded"),
    no_scope("Jan Novak interview"),
    no_scope("the fall of Drassk city"),
    no_scope("the Velorian Spring uprising"),
    no_scope("winter storms in Drassk"),
    no_scope("Q3 results"),
    no_scope("the third quarter of the match"),
    no_scope("what happened at the 7/9/2024 summit"),  # 7 September or July 9: never guessed
    no_scope("the 9.7.2024 breach"),
    no_scope("29 February 2023"),  # no such day
    scope_row("five issues ago", None, None, "five issues ago", archive=SMALL),  # there is no fifth
]


@pytest.mark.parametrize(("question", "archive", "start", "end", "text"), SCOPES)
def test_date_scopes_as_people_write_them(
    question: str, archive: list[date], start: str | None, end: str | None, text: str
) -> None:
    parsed = parse_query(question, archive[-1], archive)
    assert parsed.text == text
    if start is None and end is None:
        assert parsed.scope is None
        return
    assert parsed.scope is not None
    expected = (_day(start), _day(end))
    assert (parsed.scope.start, parsed.scope.end) == expected


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


@pytest.mark.parametrize(
    ("question", "nearest"),
    [
        ("the first issue of August 2021", date(2021, 7, 27)),
        ("ransomware in 2020", date(2021, 3, 2)),
        ("Veloria in 2027", date(2026, 6, 30)),
        ("late December 2024", date(2024, 12, 17)),
        ("the week of 25 December 2023", date(2024, 1, 2)),  # 2 days after it, 6 before
        ("the July 2024 issues", None),  # not empty: nothing to point to
    ],
)
def test_an_empty_scope_names_the_nearest_issue(question: str, nearest: date | None) -> None:
    scope = parse_query(question, WEEKLY[-1], WEEKLY).scope
    assert scope is not None
    assert nearest_issue(scope, WEEKLY) == nearest


@pytest.mark.parametrize(
    ("question", "kind", "label"),
    [
        ("the July 9 2024 issue", PeriodKind.ISSUE, "the 9 Jul 2024 issue"),
        ("the last issue of 2025", PeriodKind.ISSUE, "the 16 Dec 2025 issue"),
        ("the last week of November 2024", PeriodKind.WEEK, "issues from 24 Nov 2024 to 30 Nov 2024"),
        ("two weeks ago", PeriodKind.WEEK, "issues from 17 Jun 2026 to 23 Jun 2026"),
        ("in July 2024", PeriodKind.MONTH, "issues from July 2024"),
        ("Q3 2024", PeriodKind.QUARTER, "issues from Q3 2024"),
        ("H1 2025", PeriodKind.HALF_YEAR, "issues from H1 2025"),
        ("winter 2024", PeriodKind.SEASON, "issues from December 2023 to February 2024"),
        ("in 2023", PeriodKind.YEAR, "issues from 2023"),
        ("between June and August 2022", PeriodKind.SPAN, "issues from June to August 2022"),
        ("early February 2023", PeriodKind.SPAN, "issues from 1 Feb 2023 to 10 Feb 2023"),
        ("since last spring", PeriodKind.SINCE, "issues since March 2026"),
    ],
)
def test_a_scope_is_data_a_renderer_can_word(question: str, kind: PeriodKind, label: str) -> None:
    scope = parse_query(question, WEEKLY[-1], WEEKLY).scope
    assert scope is not None
    assert (scope.kind, describe_period(scope.period)) == (kind, label)


def test_a_scope_keeps_the_words_that_named_it() -> None:
    scope = parse_query("ransomware in the last week of November 2024", WEEKLY[-1], WEEKLY).scope
    assert scope is not None and scope.phrase == "the last week of November 2024"


_WORDS = (
    "in",
    "the",
    "last",
    "week",
    "of",
    "May",
    "may",
    "march",
    "March",
    "2024",
    "2022-23",
    "7/9/2024",
    "13/7/2024",
    "between",
    "and",
    "June",
    "to",
    "from",
    "since",
    "early",
    "mid-",
    "late",
    "Q3",
    "H1",
    "spring",
    "winter",
    "issue",
    "issues",
    "Iran",
    "two",
    "ago",
    "first",
    "second",
    "half",
    "29",
    "February",
    "–",
    ",",
)


@given(st.lists(st.sampled_from(_WORDS), max_size=12))
def test_any_mix_of_date_words_gives_a_sane_scope(words: list[str]) -> None:
    question = " ".join(words)
    parsed = parse_query(question, WEEKLY[-1], WEEKLY)
    assert all(token.strip(",?") in question for token in parsed.text.split())
    scope = parsed.scope
    if scope is not None:
        assert scope.start is not None
        assert scope.end is None or scope.start <= scope.end
        assert scope.phrase and scope.phrase in question
