"""What every surface's timeline and watch notice share: items grouped by issue, and the page's extent.

Pure functions; each renderer lays the groups out and escapes them its own way. Under a group's heading
(which names the issue) an entry names its section only; an entry standing alone (a watch notice, an
answer) keeps its whole citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from digestbot.conversation import Timeline
from digestbot.domain import AnswerItem
from digestbot.render import words


@dataclass(frozen=True)
class IssueGroup:
    """The items of one issue, in the order given."""

    date: dt.date
    title: str
    url: str | None
    items: tuple[AnswerItem, ...]

    @property
    def label(self) -> str:
        """The group's heading: "Weekly Security Digest, 9 Jul 2024"."""
        return f"{words.short_title(self.title)}, {words.short_date(self.date)}"


def entry_section(item: AnswerItem) -> str:
    """What an entry under its issue's heading is cited by: its section ("Israel – Gaza")."""
    return item.hit.section


def by_issue(items: Iterable[AnswerItem]) -> list[IssueGroup]:
    """Consecutive items of one issue make one group (a timeline's items are in date order)."""
    groups: list[IssueGroup] = []
    for item in items:
        hit = item.hit
        if groups and groups[-1].date == hit.date:
            last = groups[-1]
            groups[-1] = IssueGroup(last.date, last.title, last.url, (*last.items, item))
        else:
            groups.append(IssueGroup(hit.date, hit.title, hit.url, (item,)))
    return groups


def page_note(timeline: Timeline) -> str | None:
    """ "Items 11–20 of 25." when the story takes more than one page; None otherwise."""
    if timeline.pages <= 1:
        return None
    first = timeline.offset + 1
    return words.timeline_range(first, timeline.offset + len(timeline.shown), len(timeline.story.items))


def next_page(timeline: Timeline) -> str | None:
    """The command text of the next page, when there is one."""
    if timeline.page >= timeline.pages:
        return None
    return words.timeline_command(timeline.story.topic, timeline.page + 1)
