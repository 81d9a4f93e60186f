"""Blocks: the layout-neutral lines every format is turned into before the structure is read.

Text lines are classified here by their markers (``•``, ``-``, ``→``) and indentation; HTML and Markdown
produce blocks directly, with heading levels and list depths taken from the markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from digestbot.parse.normalize import tidy

Kind = Literal["heading", "bullet", "arrow", "plain", "blank"]

# \uf0b7, \uf0a7, \uf0d8: Symbol/Wingdings bullets left by copying from Word; "o" is Word's second level.
BULLET_MARKS = "•◦▪▫●○■□‣∙·⁃*-–\uf0b7\uf0a7\uf0d8"
SUB_BULLET_MARKS = "◦○▫□o\uf0a7"
ARROW_MARKS = ("→", "->", "⇒", "➔", "➜", "➝", "➞", "➤", "►", "▶", "⟶")
_BULLET = re.compile(
    rf"^(?:[{re.escape(BULLET_MARKS)}]|\d{{1,2}}[.)]|o(?=\s+[\"“‘'A-Z]))(?:\s+|(?=[\"“‘'A-Z]))(?=\S)"
)
# Glyphs a writer uses interchangeably for one level: an en dash item among hyphen items is no sub-bullet.
_SAME_MARK = {"–": "-", "—": "-", "‐": "-", "●": "•", "∙": "•", "·": "•", "\uf0b7": "•"}
_ARROW = re.compile(rf"^(?:{'|'.join(re.escape(mark) for mark in ARROW_MARKS)})\s*(?=\S)")


@dataclass(frozen=True)
class Block:
    """One line of a document, classified.

    ``depth`` is the indentation (spaces, or list nesting times two for HTML); ``level`` is an HTML/Markdown
    heading level when the markup gave one; ``in_list`` marks text inside a list item, never a heading;
    ``mark`` is a bullet's glyph ("•", "◦", "–"; "#" for a number), None when the markup drew it.
    """

    kind: Kind
    text: str
    depth: int = 0
    level: int | None = None
    lineno: int | None = None
    in_list: bool = False
    mark: str | None = None


BLANK = Block("blank", "")


def classify(text: str, *, depth: int = 0, lineno: int | None = None, in_list: bool = False) -> Block:
    """Classify one line's text (already stripped of its indentation) by its leading marker."""
    text = tidy(text)
    if not text:
        return replace(BLANK, lineno=lineno)
    if arrow := _ARROW.match(text):
        return Block("arrow", tidy(text[arrow.end() :]), depth, lineno=lineno)
    if bullet := _BULLET.match(text):
        extra = 2 if text[0] in SUB_BULLET_MARKS else 0
        mark = "#" if text[0].isdigit() else _SAME_MARK.get(text[0], text[0])
        return Block("bullet", tidy(text[bullet.end() :]), depth + extra, lineno=lineno, mark=mark)
    return Block("plain", text, depth, lineno=lineno, in_list=in_list)


def text_to_blocks(text: str) -> list[Block]:
    """Split plain text into classified blocks, one per line, keeping 1-based line numbers."""
    return [_text_line(line, number) for number, line in enumerate(split_lines(text), start=1)]


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` whatever the line endings (CRLF, CR, Unicode separators)."""
    return re.split(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]", text)


def _text_line(line: str, number: int) -> Block:
    line = line.replace("\t", "    ")
    body = line.lstrip()
    return classify(body, depth=len(line) - len(body), lineno=number)
