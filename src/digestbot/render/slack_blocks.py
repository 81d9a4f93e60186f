"""Block Kit building blocks: escaping, clipping, links and the size limits of a Slack message.

This is the one place where Slack's size limits and escaping are enforced. Every piece of digest or user
text goes through ``escape`` so that ``<!channel>``, ``<@U123>`` or ``<https://x|y>`` inside it is shown,
never acted on, and a bidi override inside it cannot reorder what follows; every message carries a plain
``text`` fallback; no message exceeds Block Kit's limits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from digestbot.render.bidi import BIDI_CHARS, strip_bidi
from digestbot.render.words import citation

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_TOTAL_CHARS = 12_000
MAX_FALLBACK_CHARS = 3000
MAX_BUTTON_VALUE = 2000
CUT = " … (truncated)"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_SAFE_URL = re.compile(rf"^https?://[^\s<>|{BIDI_CHARS}]+$")


class SlackMessage(NamedTuple):
    """What chat.postMessage / respond() take: a plain-text fallback and Block Kit blocks."""

    text: str
    blocks: list[Block]


# -- text ---------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities: text is then shown, never parsed as a mention/link;
    bidirectional controls are dropped, so no digest text can turn the citation after it backwards."""
    return strip_bidi(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, note: str = CUT) -> str:
    """At most ``limit`` characters of escaped text, never cut inside an entity or a ``<link>``."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(note), 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    opening = cut.rfind("<")
    if opening != -1 and ">" not in cut[opening:]:
        cut = cut[:opening]
    return cut.rstrip() + note


def link(url: str | None, label_mrkdwn: str) -> str:
    """``<url|label>`` for an http(s) URL; the bare label for anything else."""
    if url is None or not _SAFE_URL.match(url):
        return label_mrkdwn
    return f"<{escape(url)}|{label_mrkdwn}>"


def mention(user: str) -> str:
    """``<@U123>`` for a real-looking user id; anything else is shown as text."""
    return f"<@{user}>" if _USER_ID.match(user) else escape(user)


def cite(title: str, day: dt.date, section: str, url: str | None) -> str:
    """The bold citation "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza", linked to the issue."""
    return f"*{link(url, escape(citation(title, day, section)))}*"


# -- blocks -------------------------------------------------------------------------------------------


def mrkdwn(text: str) -> dict[str, Any]:
    """A verbatim mrkdwn text object, clipped to 3,000 characters. Verbatim: Slack does not turn a bare
    "@channel", "#channel" or URL in the text into a mention or link; only our explicit ``<…>`` count."""
    return {"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS), "verbatim": True}


def section(text: str) -> Block:
    """A mrkdwn section block."""
    return {"type": "section", "text": mrkdwn(text)}


def header(plain: str) -> Block:
    """A header block (plain text, 150 characters at most)."""
    text = clip(escape(plain), MAX_HEADER_CHARS, "…")
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": False}}


def context(text: str) -> Block:
    """A small grey line."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def button(action_id: str, label: str, value: str) -> Block:
    """A button element; its value is clipped to what Slack allows."""
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value[:MAX_BUTTON_VALUE],
    }


def actions(*elements: Block) -> Block:
    """An actions block (a row of buttons)."""
    return {"type": "actions", "elements": list(elements)}


def text_length(block: Block) -> int:
    """The characters of text a block carries (what Slack's overall message limit counts)."""
    if "text" in block:
        return len(block["text"]["text"])
    return sum(
        len(element.get("text", "")) for element in block.get("elements", []) if element["type"] != "button"
    )


def pack_lines(lines: Iterable[str]) -> list[Block]:
    """Lines of mrkdwn in as few section blocks as fit 3,000 characters each."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > MAX_SECTION_CHARS:
            blocks.append(section(current))
            candidate = line
        current = candidate
    if current:
        blocks.append(section(current))
    return blocks


def fit(body: Sequence[Block], note: str, tail: Sequence[Block] = ()) -> list[Block]:
    """The body's leading blocks that fit 50 blocks and the overall text budget together with ``tail``;
    if any are dropped, a context line with ``note`` says so."""
    room_blocks = MAX_BLOCKS - len(tail) - 1
    room_chars = MAX_TOTAL_CHARS - sum(map(text_length, tail)) - len(note)
    kept: list[Block] = []
    for block in body:
        room_chars -= text_length(block)
        if len(kept) == room_blocks or room_chars < 0:
            return [*kept, context(note), *tail]
        kept.append(block)
    return [*kept, *tail]


def paginate(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks split into messages that each keep the block and overall text limits."""
    pages: list[list[Block]] = [[]]
    used = 0
    for block in blocks:
        size = text_length(block)
        if pages[-1] and (len(pages[-1]) == MAX_BLOCKS or used + size > MAX_TOTAL_CHARS):
            pages.append([])
            used = 0
        pages[-1].append(block)
        used += size
    return [page for page in pages if page]


def fallback(plain: str) -> str:
    """The notification / accessibility text of a message, escaped and clipped."""
    return clip(escape(plain), MAX_FALLBACK_CHARS)
