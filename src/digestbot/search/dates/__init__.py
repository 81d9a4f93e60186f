"""Dates in a question become a filter, read against the archive (its newest issue), not the wall clock.

"ransomware in the last week of November 2024" searches "ransomware" in 24-30 Nov 2024. What is understood
(``newest`` is the newest issue's date; the rules of each family are in its module):
- days: "the July 9 issue", "9 July", "July 9th, 2024", "2024-07-09", "13/7/2024" (a numeric date only when
  it cannot be misread: "7/9/2024" stays text); a day with no issue snaps to the nearest within 3 days.
- periods: "in July 2024", "in July" (without a year: the latest such period that has issues), "in 2023",
  "Q3 2024" / "the third quarter of 2024", "H1 2025", "spring 2025" / "autumn 2022" / "summer of 2023" /
  "winter 2024/25", "the week of 9 July 2024" (``absolute``, ``periods``).
- parts of one: "the first/last issue of June 2022", "the last week of November 2024", "the third week of
  May 2025", "early/mid/late February 2023", "the second half of September 2024", "the first half of
  2023"; "since June", "since last spring" (``compose``, ``periods``).
- ranges: "between June and August 2022", "from March to May", "March–May 2024", "June through August".
- relative to ``newest``: "last week", "this month", "last year", "the previous issue", "the latest issue",
  "two weeks ago", "three issues ago", "the past 3 weeks", "over the last two months" (``relative``).
The most specific reading wins ("last week" inside "the last week of November 2024" is not the relative
"last week"); "may", "march" and bare years count only with a preposition, a modifier or in a range
("May I ask", "the march on parliament" have no date). Of separate periods, the first named counts. Its
words are removed from the text that is searched.

dateparser was evaluated for "the date itself" and not adopted: its ``search_dates`` reproduces the very
misreadings this package fixes ("the last week of November 2024" -> "in the last week" and "November
2024"; "May I ask" -> May; "the march on" -> March; "between June and August 2022" -> three dates), and once
a rule has found a fragment such as "9 July 2024" the fragment's day, month and year are already its regex
groups. For numeric dates it silently picks an order (DATE_ORDER) where we must refuse to guess, and it
costs four dependencies (regex, pytz, tzlocal, dateutil), ~50 ms to import and ~80 ms on the first parse.
"""

from digestbot.domain import PeriodKind
from digestbot.search.dates.model import DateScope, ParsedQuery
from digestbot.search.dates.parser import parse_query
from digestbot.search.dates.periods import nearest_issue

__all__ = ["DateScope", "ParsedQuery", "PeriodKind", "nearest_issue", "parse_query"]
