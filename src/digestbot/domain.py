"""Domain objects shared by every layer: parsed issues, search hits and answers.

They are plain frozen dataclasses, free of any platform or storage concern.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

UNSECTIONED = "Unsectioned"


@dataclass(frozen=True)
class Item:
    """One digest item: the unit of search and citation. Analysis lines travel with their item."""

    text: str
    analysis: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        """A stable hash of what the item says (text and analysis), used to key stored vectors."""
        return content_hash(self.text, *self.analysis)


@dataclass(frozen=True)
class Section:
    """A heading and its items. ``part`` is the part-level heading above it, when the issue has one."""

    name: str
    items: tuple[Item, ...] = ()
    part: str | None = None


@dataclass(frozen=True)
class Issue:
    """One parsed issue of the digest."""

    date: date
    title: str
    sections: tuple[Section, ...] = ()
    url: str | None = None

    @property
    def items(self) -> list[tuple[Section, Item]]:
        """Every item with its section, in reading order."""
        return [(section, item) for section in self.sections for item in section.items]

    @property
    def content_hash(self) -> str:
        """A hash of the whole issue's content, to tell an unchanged re-ingest from a correction."""
        parts: list[str] = [self.title, self.url or ""]
        for section in self.sections:
            parts += [f"§{section.part or ''}§{section.name}"]
            parts += [item.content_hash for item in section.items]
        return content_hash(*parts)


@dataclass(frozen=True)
class IssueSummary:
    """An issue as listed: its identity and the shape of its sections."""

    date: date
    title: str
    url: str | None
    sections: tuple[tuple[str, int], ...]  # (section name, item count)


@dataclass(frozen=True)
class Destination:
    """Where weekly issues go: a Slack channel, or a Teams conversation with its reference.

    ``workspace`` is the Slack workspace (team id) the channel belongs to, whose bot token posts there when
    the app is installed in many workspaces; None where one bot token serves (or for Teams).
    """

    platform: str
    channel_id: str
    service_url: str | None = None
    tenant_id: str | None = None
    workspace: str | None = None


@dataclass(frozen=True)
class Recipient:
    """Someone the bot can message directly: a user of one platform, and what is known of where to reach
    them. ``tenant_id`` is the Slack workspace or the Teams tenant; ``conversation_id`` and ``service_url``
    are a 1:1 conversation with the bot (Teams can message a user only there; Slack opens one itself)."""

    platform: str
    user_id: str
    tenant_id: str | None = None
    conversation_id: str | None = None
    service_url: str | None = None


@dataclass(frozen=True)
class Watch:
    """A topic a user follows: a direct message when a new issue has items about it. ``since`` is the
    newest issue when the watch began (None: the archive was empty); only later issues are matched."""

    id: int
    recipient: Recipient
    topic: str
    since: date | None = None


@dataclass(frozen=True)
class Hit:
    """A search result: one item with where it came from and how well it matched."""

    item_id: int
    date: date
    title: str
    section: str
    text: str
    analysis: tuple[str, ...]
    score: float
    url: str | None = None
    part: str | None = None


class PeriodKind(StrEnum):
    """What sort of period a date filter is, so that a renderer can word it from its start and end."""

    ISSUE = "issue"  # one issue: start == end == its date
    WEEK = "week"  # seven days ("the week of 9 July", "the third week of May", "two weeks ago")
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    SEASON = "season"  # meteorological, northern hemisphere: whole months
    YEAR = "year"
    SPAN = "span"  # any other inclusive range ("between June and August", "early February", "past 3 weeks")
    SINCE = "since"  # from start on: end is None


@dataclass(frozen=True)
class Period:
    """An inclusive range of issue dates (either end open): the date filter a question named."""

    start: date | None
    end: date | None
    kind: PeriodKind = PeriodKind.SPAN

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the range."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Lead:
    """The sentence(s) of one item that best answer the question, quoted as written, and that item."""

    text: str
    hit: Hit


@dataclass(frozen=True)
class AnswerItem:
    """An item an answer uses, with the one short line that stands for it."""

    hit: Hit
    line: str
    # In an answer whose lead quotes this item: what the line says beyond the lead (the lead is never
    # shown twice). Timelines and watch notices, which show no lead, use ``line``.
    after_lead: str | None = None

    @property
    def answer_line(self) -> str:
        """The line an answer shows for the item."""
        return self.line if self.after_lead is None else self.after_lead


@dataclass(frozen=True)
class Answer:
    """What ``ask()`` returns: structured, so each surface words and lays it out its own way.

    ``lead`` answers the question in a sentence or two from the best item; ``items`` are every item used
    (the lead's first), one line each; ``related`` are items near the question but not about what it names,
    offered apart from the answer. ``period`` is the date filter the question named; ``nearest`` the issue
    closest to it when it held none; ``widened_from`` the thread's issue when it had nothing relevant and
    every issue was searched; ``shortened_to`` the length a too-long question was cut to; ``newest_first``
    whether the items are in date order (the latest on a topic) rather than by relevance; ``closest`` that
    the archive may not answer the question and the items are only the closest found (no lead then).
    """

    query: str
    lead: Lead | None = None
    items: tuple[AnswerItem, ...] = ()
    related: tuple[Hit, ...] = ()
    period: Period | None = None
    nearest: date | None = None
    widened_from: date | None = None
    shortened_to: int | None = None
    newest_first: bool = False
    closest: bool = False  # below the confident level: the items are offered as the closest found

    @property
    def hits(self) -> tuple[Hit, ...]:
        """The items used, in the order shown."""
        return tuple(item.hit for item in self.items)

    @property
    def found(self) -> bool:
        """Whether anything in the archive answers the question."""
        return bool(self.items)

    @property
    def issue_date(self) -> date | None:
        """The issue every used item comes from, when there is exactly one."""
        dates = {item.hit.date for item in self.items}
        return dates.pop() if len(dates) == 1 else None


def content_hash(*parts: str) -> str:
    """SHA-256 over the parts, separated so that ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()
