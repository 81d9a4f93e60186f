"""A whole page flattened onto one line: split it back into title lines, headings and items.

Items are split on bullet markers. Between the last sentence of one item and the next marker may sit a
heading ("... into third place. Israel – Gaza • Late last week ..."): it is recovered when it reads like one.
Runs of two or more spaces (left where lines were joined) separate lines; a deeper run of spaces before a
marker than before most others marks an analysis bullet.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from digestbot.parse.blocks import BLANK, Block, classify
from digestbot.parse.dates import find_possible_date
from digestbot.parse.headings import looks_like_heading
from digestbot.parse.normalize import tidy

MIN_FLAT_CHARS = 200
MIN_FLAT_MARKERS = 3
_MARKER = re.compile(r"(?<=\s)[•◦▪●○■‣→](?=\s)")
_LINE_BREAK = re.compile(r"\s{2,}")
_LAST_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_DEEPER = 2


def is_flattened(block: Block) -> bool:
    """True for a long line carrying several bullet markers in its middle."""
    if block.kind not in ("plain", "bullet") or len(block.text) < MIN_FLAT_CHARS:
        return False
    return len(_MARKER.findall(block.text)) >= MIN_FLAT_MARKERS


def unflatten(block: Block) -> list[Block]:
    """The blocks a flattened line stands for."""
    text = block.text
    markers = list(_MARKER.finditer(text))
    runs = [_space_run(text, marker.start()) for marker in markers]
    shallow = min(runs)
    if block.kind == "bullet":
        out = _item_and_headings(text[: markers[0].start()], block)
    else:
        out = _lead(text[: markers[0].start()])
    ends = [marker.start() for marker in markers[1:]] + [len(text)]
    for marker, run, end in zip(markers, runs, ends, strict=True):
        depth = _DEEPER if run >= shallow + _DEEPER else 0
        out += _item_and_headings(text[marker.end() : end], _marker_block(marker.group(), depth))
    return [dataclasses.replace(b, lineno=block.lineno) for b in out if b.kind == "blank" or b.text]


@functools.lru_cache(maxsize=64)
def _marker_block(mark: str, depth: int) -> Block:
    """The (empty) item a marker opens: ``◦`` is one level deeper, ``→`` an arrow item."""
    probe = classify(mark + " x", depth=depth)
    return Block(probe.kind, "", probe.depth)


def _space_run(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return end - start


def _lead(text: str) -> list[Block]:
    """Text before the first marker: title lines (split after each date) and headings."""
    out: list[Block] = []
    for piece in _LINE_BREAK.split(text):
        out += [Block("plain", line) for line in _split_after_dates(piece)]
        out.append(BLANK)
    return out


def _split_after_dates(piece: str) -> list[str]:
    lines: list[str] = []
    while (found := find_possible_date(piece)) is not None and tidy(piece[found.end :]):
        lines.append(tidy(piece[: found.end]))
        piece = piece[found.end :]
    return [*lines, tidy(piece)]


def _item_and_headings(text: str, marker: Block) -> list[Block]:
    """One item's text, and the headings trailing after its last sentence."""
    ends = list(_LAST_SENTENCE_END.finditer(text))
    cut = ends[-1].end() if ends else 0
    heads = [tidy(piece) for piece in _LINE_BREAK.split(text[cut:]) if tidy(piece)]
    if cut and heads and all(looks_like_heading(head) for head in heads):
        item = Block(marker.kind, tidy(text[:cut]), marker.depth)
        return [item, BLANK, *(Block("plain", head) for head in heads), BLANK]
    return [Block(marker.kind, tidy(text), marker.depth), BLANK]
