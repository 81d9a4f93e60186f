"""Splitting items into passages that fit the model's window, each embedded on its own.

An item is its text plus analysis paragraphs. all-MiniLM-L6-v2 reads 256 word-pieces and silently drops
the rest, so a fact in the fourth analysis paragraph of a long item would be invisible if the item were one
vector. Instead the item's segments (text sentences, analysis paragraphs) are packed in reading order into
passages of at most ``words_per_chunk`` words. Every passage starts with the item's date and section, and
passages after the first repeat the item's lead sentence for context. An item scores as its best passage.

Measured with all-MiniLM-L6-v2 on a 372-token test item (tests/test_search_real.py): for a question about a
fact only in its fourth analysis paragraph, one vector for the whole item scores cosine 0.24 and the passage
holding the fact 0.51 ("who will pay more for heating oil": 0.05 against 0.33). On the seeds and samples
archive 70 items make 81 passages, so the extra embedding cost is about 15%.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from digestbot.domain import content_hash

SEPARATOR = " · "
LEAD_WORDS = 25
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[A-Z0-9])")


@dataclass(frozen=True)
class Chunk:
    """One passage of one item: the exact text embedded, and its hash (the key of its stored vector)."""

    item_id: int
    text: str
    body_start: int = 0  # where the passage's own words start, after the date, section and lead
    text_hash: str = field(init=False)  # content_hash(text), computed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "text_hash", content_hash(self.text))


def words_per_chunk(max_tokens: int) -> int:
    """Passage size in words: half the token window leaves room for the header, lead and word pieces."""
    return max(32, max_tokens // 2)


def header(day: date, section: str) -> str:
    """ "9 July 2024 · Israel – Gaza": what every passage starts with."""
    return f"{day.day} {day:%B %Y}{SEPARATOR}{section}"


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a light split on ., ! and ? before a capital or digit)."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def lead(text: str, words: int = LEAD_WORDS) -> str:
    """The first sentence of ``text``, cut to ``words`` words."""
    sentences = split_sentences(text)
    first = (sentences[0] if sentences else text).split()
    return " ".join(first[:words]) + (" …" if len(first) > words else "")


def chunk_item(
    item_id: int, day: date, section: str, text: str, analysis: Sequence[str], *, budget: int
) -> list[Chunk]:
    """The item's passages, in reading order; a short item is a single passage."""
    head = header(day, section)
    segments = _segments(text, budget) + [seg for para in analysis for seg in _segments(para, budget)]
    groups = _pack(segments, budget) or [""]
    context = lead(text)
    chunks = []
    for index, group in enumerate(groups):
        prefix = f"{head if index == 0 or not context else f'{head}{SEPARATOR}{context}'}{SEPARATOR}"
        chunks.append(Chunk(item_id, f"{prefix}{group}".rstrip(" ·"), body_start=len(prefix)))
    return chunks


def _segments(paragraph: str, budget: int) -> list[str]:
    """A paragraph as one segment, or as sentences (and word windows) when it is over budget."""
    paragraph = " ".join(paragraph.split())
    if not paragraph:
        return []
    if len(paragraph.split()) <= budget:
        return [paragraph]
    pieces: list[str] = []
    for sentence in split_sentences(paragraph):
        words = sentence.split()
        pieces += [" ".join(words[i : i + budget]) for i in range(0, len(words), budget)]
    return pieces


def _pack(segments: list[str], budget: int) -> list[str]:
    """Greedy packing of consecutive segments into groups of at most ``budget`` words."""
    groups: list[list[str]] = []
    size = budget + 1
    for segment in segments:
        length = len(segment.split())
        if size + length > budget:
            groups.append([])
            size = 0
        groups[-1].append(segment)
        size += length
    return [" ".join(group) for group in groups]
