"""Timelines: how a story developed across issues — every item about a topic, oldest first.

The items are exactly those an answer to the topic would use (the search engine's relevance policy, and
whatever precision the answer path adds), so a timeline never lists an item an answer would leave out;
only their order differs: by issue date, then reading order within an issue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from digestbot.domain import Answer, AnswerItem, Period


@dataclass(frozen=True)
class Story:
    """Every item about ``topic`` (as the user named it), oldest first; ``period`` is a date filter the
    topic named ("iran in 2024"), ``shortened_to`` the length a too-long topic was cut to."""

    topic: str
    items: tuple[AnswerItem, ...] = ()
    period: Period | None = None
    shortened_to: int | None = None

    @property
    def found(self) -> bool:
        """Whether anything in the archive is about the topic."""
        return bool(self.items)

    @property
    def first(self) -> dt.date | None:
        """The date of the oldest item."""
        return self.items[0].hit.date if self.items else None

    @property
    def last(self) -> dt.date | None:
        """The date of the newest item."""
        return self.items[-1].hit.date if self.items else None

    def page(self, number: int, size: int) -> tuple[AnswerItem, ...]:
        """Items ``(number - 1) * size`` up to ``number * size`` (pages count from 1)."""
        start = (max(number, 1) - 1) * size
        return self.items[start : start + size]

    def pages(self, size: int) -> int:
        """How many pages of ``size`` items the story takes (at least one)."""
        return max(1, -(-len(self.items) // max(size, 1)))


def story_of(topic: str, answer: Answer) -> Story:
    """The items an answer about ``topic`` used, as a story: by issue date, then in reading order (item
    ids follow the order items were stored in, which is the issue's reading order)."""
    items = sorted(answer.items, key=lambda item: (item.hit.date, item.hit.item_id))
    return Story(topic=topic, items=tuple(items), period=answer.period, shortened_to=answer.shortened_to)
