"""Size limits of one issue, far above any real digest, so hostile input costs bounded time and memory.

A real issue has tens to a few hundred items of a few hundred characters. The 20 MB document cap alone
still let a file of 240,000 bullets through (a minute to parse, 2 GB of memory, and every later load of
that issue slow), so the parser also refuses:

- text and Markdown of more than ``MAX_LINES`` lines, counted before any line is split or classified;
- HTML of more than ``MAX_ELEMENTS`` start tags (counted with the nesting check, before the tree is built);
- an issue of more than ``MAX_ITEMS_PER_ISSUE`` items, or an item (text plus analysis) longer than
  ``MAX_ITEM_CHARS`` characters.
"""

from __future__ import annotations

import itertools
import re

from digestbot.domain import Section
from digestbot.errors import ParseError

MAX_ITEMS_PER_ISSUE = 5_000
MAX_ITEM_CHARS = 20_000
MAX_LINES = 60_000
MAX_ELEMENTS = 100_000

# The line breaks ``blocks.split_lines`` splits on.
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


def check_lines(text: str, *, source: str) -> None:
    """Refuse text with more than ``MAX_LINES`` lines; counting stops at the limit, so this is cheap."""
    breaks = sum(1 for _ in itertools.islice(_LINE_BREAK.finditer(text), MAX_LINES))
    if breaks >= MAX_LINES:
        raise ParseError(f"more than {MAX_LINES:,} lines, over the limit for one issue", source=source)


def check_elements(count: int, *, source: str) -> None:
    """Refuse HTML once more than ``MAX_ELEMENTS`` start tags were counted."""
    if count > MAX_ELEMENTS:
        raise ParseError(
            f"more than {MAX_ELEMENTS:,} HTML elements, over the limit for one issue", source=source
        )


def check_items(sections: tuple[Section, ...], *, source: str) -> None:
    """Refuse an issue with too many items, or with an item too long to be one."""
    count = sum(len(section.items) for section in sections)
    if count > MAX_ITEMS_PER_ISSUE:
        raise ParseError(
            f"{count:,} items, over the limit of {MAX_ITEMS_PER_ISSUE:,} items for one issue", source=source
        )
    for section in sections:
        for number, item in enumerate(section.items, start=1):
            chars = len(item.text) + sum(len(line) for line in item.analysis)
            if chars > MAX_ITEM_CHARS:
                raise ParseError(
                    f"item {number} of section '{section.name[:60]}' is {chars:,} characters long, "
                    f"over the limit of {MAX_ITEM_CHARS:,}",
                    source=source,
                )
