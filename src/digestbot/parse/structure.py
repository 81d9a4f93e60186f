"""Blocks -> sections: part and section headings, items, and the analysis that belongs to each item.

Rules (see DESIGN.md, "What digests look like"):
- a heading directly followed by another heading is a *part* when it opens the issue or is a part's name
  ("Global Security Matters", "... Updates"); further down, an empty heading above a section is just empty.
  A part applies to the sections after it until the next part. With HTML/Markdown heading levels, a part is
  a heading followed by a deeper one, and a heading at the part's level or above ends the part (when every
  heading has the same level, levels are ignored).
- a heading with items directly under it is a *section*. When an issue has only part-level headings, each is a
  section of its own with ``part=None``.
- headings with no items under them are dropped; items before any heading go to ``UNSECTIONED``.
- a bullet indented deeper than the item above it, or drawn with another glyph ("◦", "–" under "•"), is
  analysis of that item; so is every plain paragraph after a ``→`` item up to the next item or heading,
  and the bullets of a list that such a paragraph opens ("... three scenarios:"). Plain paragraphs after a
  bullet item are its analysis too, unless they continue a hard-wrapped line; plain text before any item
  in a section (an introduction) is dropped.
- a page that lost its nesting (every bullet at one depth with one glyph) keeps bullets that read as
  commentary ("Moreover, ...", "We expect ...") as analysis of the item above.
- a page with no item markers at all: each paragraph under a heading is an item, unless it reads as
  commentary on the one above.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

from digestbot.domain import UNSECTIONED, Item, Section
from digestbot.parse.blocks import Block
from digestbot.parse.commentary import reads_as_commentary
from digestbot.parse.headings import looks_like_heading
from digestbot.parse.normalize import clean_spaces, tidy
from digestbot.parse.vocabulary import is_part_name

_WRAP_WIDTH = 60
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", ")")
MIN_PARAGRAPH_ITEM_CHARS = 40


@dataclass(frozen=True)
class Layout:
    """What the markers of a page say: ``flat`` when its bullets carry no nesting (one depth, one glyph),
    ``paragraphs`` when it has no item markers at all."""

    flat: bool = False
    paragraphs: bool = False

    @classmethod
    def of(cls, blocks: list[Block]) -> Layout:
        bullets = [block for block in blocks if block.kind == "bullet"]
        if not bullets and not any(block.kind == "arrow" for block in blocks):
            return cls(flat=True, paragraphs=True)
        depths = {block.depth for block in bullets}
        marks = {block.mark for block in bullets}
        return cls(flat=len(depths) == 1 and len(marks) == 1)


@dataclass
class _Item:
    text: str
    depth: int
    arrow: bool  # a "→" item: everything up to the next arrow or heading is its analysis
    mark: str | None = None
    analysis: list[str] = field(default_factory=list)
    listing: bool = False  # its analysis has opened a list ("... three scenarios:"), bullets continue it

    def freeze(self) -> Item:
        return Item(self.text, tuple(self.analysis))


@dataclass
class _Section:
    name: str
    part: str | None
    items: list[_Item] = field(default_factory=list)


@dataclass
class _Builder:
    layout: Layout
    last: Block | None = None  # the last non-blank block: a page cut off there keeps it whatever its size
    sections: list[_Section] = field(default_factory=list)
    pending: list[Block] = field(default_factory=list)
    part: Block | None = None
    previous: Block | None = None

    @property
    def item(self) -> _Item | None:
        if self.pending or not self.sections or not self.sections[-1].items:
            return None
        return self.sections[-1].items[-1]

    def feed(self, block: Block) -> None:
        if block.kind == "heading":
            self.pending.append(block)
        elif block.kind == "bullet":
            self._bullet(block)
        elif block.kind == "arrow":
            self._add_item(block)
        elif block.kind == "plain":
            self._plain(block)
        self.previous = block

    def _bullet(self, block: Block) -> None:
        item = self.item
        if item is not None and self._is_analysis(block, item):
            item.analysis.append(block.text)
            item.listing = item.arrow
        else:
            self._add_item(block)

    def _is_analysis(self, block: Block, item: _Item) -> bool:
        if block.depth > item.depth or item.listing:
            return True
        if block.mark is not None and item.mark is not None and block.mark != item.mark:
            return block.depth >= item.depth
        return self.layout.flat and reads_as_commentary(block.text)

    def _plain(self, block: Block) -> None:
        item = self.item
        follows = self.previous is not None and self.previous.kind != "blank"
        if item is not None and follows and (block.in_list or (block.depth > 0 and not item.arrow)):
            self._continue(item, block.text)
        elif not block.in_list and looks_like_heading(block.text):
            self.pending.append(block)
        elif item is not None and follows and _looks_wrapped(self._last_text(item)):
            self._continue(item, block.text)
        elif self.layout.paragraphs:
            self._paragraph(block, item)
        elif item is not None:
            item.analysis.append(block.text)
            item.listing = item.arrow and _opens_list(block.text)

    def _paragraph(self, block: Block, item: _Item | None) -> None:
        """A paragraph of a page with no item markers: an item under its heading, or commentary."""
        if item is not None and reads_as_commentary(block.text):
            item.analysis.append(block.text)
        elif (self.pending or self.sections) and (
            len(block.text) >= MIN_PARAGRAPH_ITEM_CHARS or block is self.last
        ):
            self._add_item(dataclasses.replace(block, kind="bullet", depth=0))

    def _add_item(self, block: Block) -> None:
        if self.pending or not self.sections:
            self._open_section()
        arrow = block.kind == "arrow"
        item = _Item(block.text, block.depth, arrow, block.mark, listing=arrow and _opens_list(block.text))
        self.sections[-1].items.append(item)

    def _open_section(self) -> None:
        heads, self.pending = self.pending, []
        if not heads:
            self.sections.append(_Section(UNSECTIONED, None))
            return
        parts = [head for head, after in itertools.pairwise(heads) if self._is_part(head, after)]
        if parts:
            self.part = parts[-1]
        elif self.part is not None and _ends_part(heads[-1], self.part):
            self.part = None
        part_name = clean_spaces(self.part.text) if self.part is not None else None
        self.sections.append(_Section(clean_spaces(heads[-1].text), part_name))

    def _is_part(self, head: Block, after: Block) -> bool:
        if head.level is not None and after.level is not None:
            return head.level < after.level
        return not self.sections or is_part_name(head.text)

    @staticmethod
    def _continue(item: _Item, text: str) -> None:
        if item.analysis:
            item.analysis[-1] = f"{item.analysis[-1]} {text}"
        else:
            item.text = f"{item.text} {text}"

    @staticmethod
    def _last_text(item: _Item) -> str:
        return item.analysis[-1] if item.analysis else item.text


def _opens_list(text: str) -> bool:
    """A paragraph that introduces a list ("... leaves three scenarios:")."""
    return text.rstrip().endswith(":")


def _ends_part(head: Block, part: Block) -> bool:
    """A heading at the part's level or above, or a part's name with items right under it, ends the part."""
    if head.level is not None and part.level is not None:
        return head.level <= part.level
    return is_part_name(head.text)


def _meaningful_levels(blocks: list[Block]) -> list[Block]:
    """The blocks, without heading levels when every heading has the same one: a page that renders part
    and section headings alike says nothing by its levels, so the plain-text rules decide."""
    levels = {block.level for block in blocks if block.kind == "heading" and block.level is not None}
    if len(levels) > 1:
        return blocks
    return [dataclasses.replace(block, level=None) if block.level is not None else block for block in blocks]


def _looks_wrapped(text: str) -> bool:
    """A long line stopping mid-sentence: hard-wrapped text whose next line continues it."""
    text = tidy(text)
    return len(text) >= _WRAP_WIDTH and not text.endswith(_SENTENCE_END)


def build_sections(blocks: list[Block]) -> tuple[Section, ...]:
    """Read the sections of an issue from its body blocks (title block already removed)."""
    blocks = _meaningful_levels(blocks)
    builder = _Builder(Layout.of(blocks), next((b for b in reversed(blocks) if b.kind != "blank"), None))
    for block in blocks:
        builder.feed(block)
    return tuple(
        Section(section.name, tuple(item.freeze() for item in section.items), section.part)
        for section in builder.sections
        if section.items
    )
