"""What the conversation needs of the archive: the port ``digestbot.core.Digestbot`` implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from digestbot.delivery.stories import Story
from digestbot.domain import Answer, Destination, Hit, Issue


class Library(Protocol):
    """What the conversation needs of the archive (``digestbot.core.Digestbot`` implements it)."""

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer:
        """Answer a question, scoped first to ``issue_date`` when given."""
        ...

    def latest(self) -> Issue | None:
        """The newest issue, or None for an empty archive."""
        ...

    def newest_date(self) -> dt.date | None:
        """The newest issue's date (cheap), or None for an empty archive."""
        ...

    def hits(self, item_ids: Sequence[int]) -> list[Hit]:
        """Stored items by id, as hits (unknown ids are left out)."""
        ...

    def story(self, topic: str) -> Story:
        """Every item about a topic across issues, oldest first."""
        ...

    def posts(self, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        """Where that issue was posted on that platform: (channel id, post reference) pairs."""
        ...

    def channels(self, platform: str) -> list[Destination]:
        """The destinations of that platform that receive each new issue."""
        ...
