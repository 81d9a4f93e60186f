"""Domain objects shared by every layer: parsed issues, search hits and answers.

They are plain frozen dataclasses, free of any platform or storage concern.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

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


@dataclass(frozen=True)
class Answer:
    """What ``ask()`` returns: the question, an answer text citing every item used, and the items."""

    query: str
    text: str
    hits: tuple[Hit, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def content_hash(*parts: str) -> str:
    """SHA-256 over the parts, separated so that ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def short_title(title: str) -> str:
    """The digest's name without a publisher's possessive byline.

    "Acme Corp’s Weekly Security Digest" -> "Weekly Security Digest". The byline is up to four capitalised
    words before a possessive; any other title is kept whole.
    """
    for mark in ("’s ", "‘s ", "'s "):
        head, sep, tail = title.partition(mark)
        words = head.split()
        if sep and tail.strip() and 0 < len(words) <= 4 and all(word[:1].isupper() for word in words):
            return tail.strip()
    return title.strip()


def citation(title: str, day: date, section: str) -> str:
    """How every item is cited: "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"."""
    return f"{short_title(title)}, {day.day} {day:%b %Y} · {section}"
