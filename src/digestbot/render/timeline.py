"""What every surface's timeline and watch notice share: items grouped by issue, the page's extent, and
the page a "More" button asks for.

Pure functions; each renderer lays the groups out and escapes them its own way. Under a group's heading
(which names the issue) an entry names its section only; an entry standing alone (a watch notice, an
answer) keeps its whole citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from digestbot.conversation import Timeline
from digestbot.domain import AnswerItem
from digestbot.render import words

MAX_PAGE = 9999  # the commands' "page N" takes up to four digits
MAX_TOPIC_CHARS = 10_000  # the longest question settings allow


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


class PageRef(BaseModel):
    """The page of a timeline a "More" button asks for. The page is a field of its own, never part of
    a text that may be clipped, so a button that must shorten a long topic still asks for the right
    page. Strict: a forged button's ``"2"``, ``2.0`` or ``true`` is refused, not coerced."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    topic: str = Field(min_length=1, max_length=MAX_TOPIC_CHARS, pattern=r"\S")
    page: int = Field(ge=2, le=MAX_PAGE)

    def command(self) -> str:
        """The command this page stands for (what the user could type instead)."""
        return words.timeline_command(self.topic, self.page)

    def fitted(self, limit: int) -> str:
        """This reference as compact JSON of at most ``limit`` characters: the topic is shortened until
        it fits (the page never is). Search reads only the start of a long topic anyway."""
        ref = self
        while len(value := ref.model_dump_json()) > limit:
            keep = max(len(ref.topic) - (len(value) - limit), 1)
            ref = PageRef(topic=ref.topic[:keep].rstrip() or ref.topic[:1], page=ref.page)
        return value


def next_ref(timeline: Timeline) -> PageRef | None:
    """The next page of the timeline, as a button carries it, when there is one."""
    if timeline.page >= min(timeline.pages, MAX_PAGE):
        return None
    return PageRef(topic=timeline.story.topic[:MAX_TOPIC_CHARS], page=timeline.page + 1)
