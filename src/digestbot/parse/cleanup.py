"""Page cleanup before the structure is read: flattened lines split back into lines, web-page noise
dropped, the page cut where the article ends ("Related posts", "Leave a reply") and the publisher's
closing blurb removed."""

from __future__ import annotations

from digestbot.parse.blocks import Block
from digestbot.parse.noise import is_closing_promotion, is_end_of_article, is_noise
from digestbot.parse.structure import MIN_PARAGRAPH_ITEM_CHARS
from digestbot.parse.unflatten import is_flattened, unflatten

# A list of share links or tags is short; an item longer than this is news whatever words it uses.
_MAX_NOISY_ITEM = 100


def clean_blocks(blocks: list[Block]) -> list[Block]:
    """Flattened lines split back into lines; web-page noise and the closing promotion dropped."""
    out: list[Block] = []
    for block in blocks:
        out += unflatten(block) if is_flattened(block) else [block]
    out = _until_end_of_article(out)
    out = [block for block in out if not _is_furniture(block)]
    last_item = max((i for i, block in enumerate(out) if block.kind in ("bullet", "arrow")), default=-1)
    if last_item < 0:  # paragraphs only: just the closing paragraphs can be the publisher's blurb
        return _without_closing_promotion(out)
    tail = [block for block in out[last_item + 1 :] if not is_closing_promotion(block.text)]
    return out[: last_item + 1] + tail


def _is_furniture(block: Block) -> bool:
    """Web-page noise; a long item is news even when it says "get in touch" or "all rights reserved"."""
    if block.kind == "blank" or (block.kind in ("bullet", "arrow") and len(block.text) > _MAX_NOISY_ITEM):
        return False
    return is_noise(block.text)


def _until_end_of_article(blocks: list[Block]) -> list[Block]:
    """The blocks before a "Related posts" or "Leave a reply" heading that follows the digest's content
    (an item, or on a page without markers a paragraph under a marked-up heading)."""
    started = under_heading = False
    for index, block in enumerate(blocks):
        under_heading = under_heading or block.kind == "heading"
        started = started or block.kind in ("bullet", "arrow") or (under_heading and _is_paragraph(block))
        if started and block.kind in ("heading", "plain") and is_end_of_article(block.text):
            return blocks[:index]
    return blocks


def _is_paragraph(block: Block) -> bool:
    return block.kind == "plain" and len(block.text) >= MIN_PARAGRAPH_ITEM_CHARS


def _without_closing_promotion(blocks: list[Block]) -> list[Block]:
    end = len(blocks)
    while end and (blocks[end - 1].kind == "blank" or is_closing_promotion(blocks[end - 1].text)):
        end -= 1
    return blocks[:end]
