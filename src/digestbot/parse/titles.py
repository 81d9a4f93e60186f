"""The title block: the leading lines that name the digest and its date, often repeated.

Saved pages put furniture around it: a search widget or breadcrumb above, a category label ("Safety")
between two copies of the title. Lines above the first title line and one short label between title lines
belong to the block and are dropped with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digestbot.errors import ParseError
from digestbot.parse.blocks import Block
from digestbot.parse.dates import DateMatch, find_date
from digestbot.parse.issue_date import Found
from digestbot.parse.normalize import fold, tidy

DEFAULT_TITLE = "Weekly Security Digest"
TITLE_BLOCK_LINES = 12
_MAX_TITLE_CHARS = 200
_MAX_LABEL_CHARS = 60
_MAX_DATED_REST_CHARS = 120
_KEYWORDS = re.compile(r"\b(?:digest|newsletter|briefing|bulletin|weekly|roundup|round-up|updates?)\b")
_SEPARATORS = " \t\u00a0\u202f-–—|:·•,/"
_WEEKDAY_END = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)[\s,]*$", re.IGNORECASE
)
_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+\S.*[.!?]|[.!?;:]$")


@dataclass(frozen=True)
class TitleBlock:
    """What the title block gave: the title (None when absent), its dates in order, and the other blocks."""

    title: str | None
    dates: list[Found]
    rest: list[Block]


def split_title_block(blocks: list[Block], *, source: str) -> TitleBlock:
    """Take the title lines (a date, or a digest keyword before any other line) off the top of ``blocks``."""
    leading = _leading(blocks)
    taken = _title_lines(blocks, leading, source=source)
    named = _named_above_date_line(blocks, leading, taken)
    if taken:
        taken |= {index: None for index in leading if index < min(taken)}
    taken = dict(sorted(taken.items()))
    rest = [block for index, block in enumerate(blocks) if index not in taken]
    named_lines = [leading[0]] if named else []
    named_lines += [index for index, found in taken.items() if found or _is_keyword_line(blocks[index].text)]
    titles = [title for index in named_lines if (title := title_from_line(blocks[index].text, taken[index]))]
    dates = [Found(found, blocks[index].lineno) for index, found in taken.items() if found is not None]
    return TitleBlock(titles[0] if titles else None, dates, rest)


def _title_lines(blocks: list[Block], leading: list[int], *, source: str) -> dict[int, DateMatch | None]:
    """The title lines among ``leading`` with their dates, and a short label between two of them."""
    taken: dict[int, DateMatch | None] = {}
    gap: list[int] = []
    for position, index in enumerate(leading):
        text = blocks[index].text
        found = _date_in(blocks[index], source=source)
        if _is_title_line(text, found, first=position == 0 or (bool(taken) and not gap)):
            if gap and not _is_keyword_line(text):
                break  # only a repeat of the title closes a sandwich: the label may be a heading
            taken |= dict.fromkeys(gap) | {index: found}
            gap = []
        elif taken and (gap or len(text) > _MAX_LABEL_CHARS):
            break
        elif taken:
            gap.append(index)
    return taken


def _is_title_line(text: str, found: DateMatch | None, *, first: bool) -> bool:
    """A dated line that reads like a title (not a sentence), or a digest-named line at the top."""
    if len(text) > _MAX_TITLE_CHARS:
        return False
    if found is None:
        return first and _is_keyword_line(text)
    if _is_keyword_line(text):
        return True
    rest = f"{text[: found.start]} {text[found.end :]}"
    return len(tidy(rest)) <= _MAX_DATED_REST_CHARS and not _SENTENCE.search(tidy(text))


def _is_keyword_line(text: str) -> bool:
    return _KEYWORDS.search(fold(text)) is not None


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
    before = tidy(_WEEKDAY_END.sub("", text[: found.start]).rstrip(_SEPARATORS))
    after = tidy(text[found.end :].strip(_SEPARATORS))
    return before or after or None
