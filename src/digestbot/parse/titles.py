"""The title block: the leading lines that name the digest and its date, often repeated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from digestbot.errors import ParseError
from digestbot.parse.blocks import Block
from digestbot.parse.dates import DateMatch, find_date
from digestbot.parse.normalize import fold, tidy

DEFAULT_TITLE = "Weekly Security Digest"
TITLE_BLOCK_LINES = 8
_MAX_TITLE_CHARS = 200
_KEYWORDS = re.compile(r"\b(?:digest|newsletter|briefing|bulletin|weekly|roundup|round-up)\b")
_SEPARATORS = " \t\u00a0\u202f-–—|:·•,/"


@dataclass(frozen=True)
class TitleBlock:
    """What the title block gave: the title (None when absent), its date match, and the remaining blocks."""

    title: str | None
    found: DateMatch | None
    rest: list[Block]


def split_title_block(blocks: list[Block], *, source: str) -> TitleBlock:
    """Take the title lines (a date, or a digest keyword before any other line) off the top of ``blocks``."""
    taken: dict[int, DateMatch | None] = {}
    only_titles = True
    leading = _leading(blocks)
    for index in leading:
        block = blocks[index]
        found = _date_in(block, source=source)
        keyword = only_titles and _KEYWORDS.search(fold(block.text)) is not None
        if len(block.text) <= _MAX_TITLE_CHARS and (found is not None or keyword):
            taken[index] = found
        else:
            only_titles = False
    if _named_above_date_line(blocks, leading, taken):
        taken[leading[0]] = None
    taken = dict(sorted(taken.items()))
    rest = [block for index, block in enumerate(blocks) if index not in taken]
    titles = [
        title for index, found in taken.items() if (title := title_from_line(blocks[index].text, found))
    ]
    dates = [found for found in taken.values() if found is not None]
    return TitleBlock(titles[0] if titles else None, dates[0] if dates else None, rest)


def _leading(blocks: list[Block]) -> list[int]:
    """Indexes of the first non-blank blocks, up to the first item."""
    indexes: list[int] = []
    for index, block in enumerate(blocks):
        if block.kind in ("bullet", "arrow") or len(indexes) >= TITLE_BLOCK_LINES:
            break
        if block.kind != "blank":
            indexes.append(index)
    return indexes


def _named_above_date_line(
    blocks: list[Block], leading: list[int], taken: dict[int, DateMatch | None]
) -> bool:
    """A document opening with a name line, then a line holding only the date: the name is the title."""
    if len(leading) < 2 or leading[0] in taken or leading[1] not in taken:
        return False
    first, second = blocks[leading[0]], blocks[leading[1]]
    return len(first.text) <= _MAX_TITLE_CHARS and title_from_line(second.text, taken[leading[1]]) is None


def _date_in(block: Block, *, source: str) -> DateMatch | None:
    if block.kind == "blank":
        return None
    try:
        return find_date(block.text)
    except ValueError as error:
        raise ParseError(str(error), source=source, line=block.lineno) from None


def title_from_line(text: str, found: DateMatch | None) -> str | None:
    """The title a line gives: the line without its date and the separators around it, or None."""
    if found is None:
        return tidy(text) or None
    before = tidy(text[: found.start].rstrip(_SEPARATORS))
    after = tidy(text[found.end :].strip(_SEPARATORS))
    return before or after or None
