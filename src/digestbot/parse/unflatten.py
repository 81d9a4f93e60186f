"""A whole page flattened onto one line: split it back into title lines, headings and items.

Items are split on bullet and arrow markers, written with a space after them or attached to the next word
("→Today"). Between the last sentence of one item and the next marker may sit a heading ("... into third
place. Israel – Gaza • Late last week ..."): ``inline_headings`` recovers it, using the headings found
elsewhere on the page as known names. Runs of two or more spaces (left where lines were joined) separate
lines; a deeper run of spaces before a marker than before most others marks an analysis bullet. Table-cell
bars ("| Middle East →...") left by a page saved from a table are dropped. The text after the last marker
is the last item whole: nothing follows it, so its tail cannot be a heading (a page cut off mid-sentence).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

from digestbot.parse.blocks import BLANK, Block, classify
from digestbot.parse.dates import find_possible_date
from digestbot.parse.inline_headings import (
    heading_keys,
    is_labelled_heading,
    split_known_end,
    split_labelled,
    split_tail,
)
from digestbot.parse.noise import is_closing_promotion
from digestbot.parse.normalize import tidy
from digestbot.parse.vocabulary import key

MIN_FLAT_CHARS = 200
MIN_FLAT_MARKERS = 3
_MARKS = "•◦▪●○■‣→➔➜➤►▶⟶"
_ARROWS = "→➔➜➤►▶⟶"
# A bullet glyph counts after a space (or a table bar); an arrow also when glued to the word before it
# ("... Maduro Captured→ On Saturday"), as pages saved from paragraphs of "→" items often leave it.
_MARKER = re.compile(rf"(?:(?:(?<=[\s|])|^)[{_MARKS}]|(?<=\S)[{_ARROWS}])(?=\s*\S)")
_LINE_BREAK = re.compile(r"\s{2,}")
_DEEPER = 2
_MAX_NAME_CHARS = 120
_SENTENCE_STARTS = re.compile(r"(?:(?<=[.!?…\"”’)])\s+|\s{2,})(?=[\"“‘(]?[A-Z])")
_FIRST_SENTENCE = re.compile(r".*?(?:[.!?…](?=\s)|$)", re.DOTALL)
# A double space after a sentence end and before a capital: where two paragraphs were joined.
_PARAGRAPH_BREAK = re.compile(r"(?<=[.!?…\"”’)])\s{2,}(?=[\"“‘(]?[A-Z])")


def is_flattened(block: Block) -> bool:
    """True for a long line carrying several bullet markers in its middle."""
    if block.kind not in ("plain", "bullet", "arrow") or len(block.text) < MIN_FLAT_CHARS:
        return False
    return len(_MARKER.findall(block.text)) >= MIN_FLAT_MARKERS


def unflatten(block: Block) -> list[Block]:
    """The blocks a flattened line stands for."""
    text = block.text
    markers = list(_MARKER.finditer(text))
    ends = [marker.start() for marker in markers[1:]] + [len(text)]
    segments = [_unbar(text[: markers[0].start()])]
    segments += [_unbar(text[marker.end() : end]) for marker, end in zip(markers, ends, strict=True)]
    tails = _Tails.of(segments, lead_is_item=block.kind != "plain")
    if block.kind == "plain":
        out = _lead(segments[0], tails.seen)
    else:  # the line's own marker opened the first item
        out, _ = _item(tails.split(0, segments[0]), dataclasses.replace(block, text=""))
    runs = [_space_run(text, marker.start()) for marker in markers]
    shallow = min(runs)
    opens_section = True  # the first item after a heading is never analysis, whatever spaces precede it
    for index, (marker, run) in enumerate(zip(markers, runs, strict=True), start=1):
        depth = _DEEPER if run >= shallow + _DEEPER and not opens_section else 0
        marked = _marker_block(marker.group(), depth)
        body = segments[index]
        parts = _without_closing(body) if index == len(markers) else tails.split(index, body)
        blocks, opens_section = _item(parts, marked)
        out += blocks
    return [dataclasses.replace(b, lineno=block.lineno) for b in out if b.kind == "blank" or b.text]


@dataclass(frozen=True)
class _Tails:
    """Each item's text and trailing headings, found once without the page's own headings (``seen``, the
    names found that way) and again only for an item that one of them may close."""

    found: dict[int, tuple[str, list[str]]]
    seen: frozenset[str]

    @classmethod
    def of(cls, segments: list[str], *, lead_is_item: bool) -> _Tails:
        items = range(0 if lead_is_item else 1, len(segments) - 1)  # never the last: nothing follows it
        found = {index: split_tail(segments[index], frozenset()) for index in items}
        return cls(found, heading_keys([head for _, heads in found.values() for head in heads]))

    def split(self, index: int, text: str) -> tuple[str, list[str]]:
        body, heads = self.found[index]
        if heads or not _may_end_with(text, self.seen):
            return body, heads
        return split_tail(text, self.seen)


def _may_end_with(text: str, names: frozenset[str]) -> bool:
    tail = key(text[-_MAX_NAME_CHARS:])
    return any(tail.endswith(name) for name in names)


@functools.lru_cache(maxsize=64)
def _marker_block(mark: str, depth: int) -> Block:
    """The (empty) item a marker opens: ``◦`` is one level deeper, ``→`` an arrow item."""
    probe = classify(mark + " x", depth=depth)
    return Block(probe.kind, "", probe.depth, mark=probe.mark)


def _space_run(text: str, end: int) -> int:
    start = end
    while start > 0 and text[start - 1].isspace():  # NBSP indents count too
        start -= 1
    return end - start


def _lead(text: str, seen: frozenset[str]) -> list[Block]:
    """Text before the first marker: title lines (split after each date) and headings."""
    out: list[Block] = []
    for piece in _LINE_BREAK.split(text):
        for line in _split_after_dates(_unbar(piece)):
            names = _lead_names(line, seen) if find_possible_date(line) is None else [line]
            out += [_heading(name) if name is not line else Block("plain", name) for name in names]
        out.append(BLANK)
    return out


def _lead_names(line: str, seen: frozenset[str]) -> list[str]:
    """A lead line as headings: a run of names, the last of them perhaps a labelled heading."""
    labelled = split_labelled(line, seen, after_heading=True)
    if labelled is None:
        return split_known_end(line, seen)
    before, heads = labelled
    return [*(split_known_end(before, seen) if before else []), *heads]


def _heading(name: str) -> Block:
    """A recovered heading: plain, for the structure to judge, unless it is a labelled heading
    ("Kalvaria: President Orsk Captured"), which no plain line can be."""
    return Block("heading" if is_labelled_heading(name) else "plain", name)


def _unbar(text: str) -> str:
    return tidy(tidy(text).strip("|"))


def _split_after_dates(piece: str) -> list[str]:
    lines: list[str] = []
    while (found := find_possible_date(piece)) is not None and tidy(piece[found.end :]):
        lines.append(tidy(piece[: found.end]))
        piece = piece[found.end :]
    return [*lines, tidy(piece)]


def _item(parts: tuple[str, list[str]], marker: Block) -> tuple[list[Block], bool]:
    """One item's blocks (its text, a ``→`` item's paragraphs, the headings after it), and whether it
    ends with a heading."""
    body, heads = parts
    first, *paragraphs = _paragraphs(body) if marker.kind == "arrow" else [body]
    item = dataclasses.replace(marker, text=first)
    after = [Block("plain", paragraph) for paragraph in paragraphs]
    trailing = [_heading(head) for head in heads]
    return [item, *after, BLANK, *trailing, *([BLANK] if heads else [])], bool(heads)


def _without_closing(text: str) -> tuple[str, list[str]]:
    """The last item, and the publisher's closing blurb run onto it ("... bucket  Kestrel is a global risk
    firm. ... contact us."), which cleanup then drops."""
    for cut in _SENTENCE_STARTS.finditer(text):
        rest = text[cut.end() :]
        sentence = _FIRST_SENTENCE.match(rest)
        if cut.start() and is_closing_promotion(sentence.group() if sentence else rest):
            return tidy(text[: cut.start()]), [tidy(rest)]
    return text, []


def _paragraphs(text: str) -> list[str]:
    """A ``→`` item's paragraphs, where an empty line became a double space: its text, then analysis."""
    pieces = [tidy(piece) for piece in _PARAGRAPH_BREAK.split(text)]
    return [piece for piece in pieces if piece] or [text]
