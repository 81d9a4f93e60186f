"""Adaptive Card building blocks for Microsoft Teams: escaping, clipping, links, elements, cards and size.

This is the one place where Teams' limits and escaping are enforced (``digestbot.render.teams`` and
``teams_story`` lay messages out with these). Cards use schema 1.5; a whole activity stays under Teams'
28 KB message limit because a card is cut to ``MAX_CARD_BYTES`` with a note saying so. Every piece of digest
or user text goes through ``escape`` so that ``*``, ``_``, ``[x](y)``, ``#``, backticks or ``<at>`` inside
it are shown, never formatted or linked, and a bidi override inside it cannot reorder what follows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

from digestbot.domain import Hit, Issue, Section
from digestbot.render import words
from digestbot.render.bidi import BIDI_CHARS, strip_bidi

Element = dict[str, Any]
Activity = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
MAX_ACTIVITY_BYTES = 28 * 1024
MAX_CARD_BYTES = 26_000  # leaves room for the activity envelope Teams counts in its 28 KB
MAX_TEXT_CHARS = 2_000
CUT = " … (truncated)"
ISSUE_KEY_FIELD = "digestbotIssueKey"

_MARKDOWN = re.compile(r"([\\`*_\[\]<>#~|{}])")
_LIST_MARKER = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)", re.MULTILINE)
_SAFE_URL = re.compile(rf"^https?://[^\s()<>\[\]\\{BIDI_CHARS}]+$")


# -- text -----------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Teams' markdown characters backslash-escaped, list markers at a line start neutralised, and
    bidirectional controls dropped (so no digest text can turn the citation after it backwards)."""
    escaped = _MARKDOWN.sub(r"\\\1", strip_bidi(text))
    return _LIST_MARKER.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", escaped)


def clip(text: str, limit: int = MAX_TEXT_CHARS, note: str = CUT) -> str:
    """At most ``limit`` characters of raw text (clip before escaping, so no escape is cut in half)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(note), 0)].rstrip() + note


def link(url: str | None, label_markdown: str) -> str:
    """``[label](url)`` for a plain http(s) URL; the bare label for anything else."""
    if url is None or not _SAFE_URL.match(url):
        return label_markdown
    return f"[{label_markdown}]({url})"


def cite(title: str, day: dt.date, section: str, url: str | None) -> str:
    """The citation "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza", linked to the issue."""
    return link(url, escape(words.citation(title, day, section)))


def hit_cite(hit: Hit) -> str:
    """The citation of a hit, linked to its issue."""
    return cite(hit.title, hit.date, hit.section, hit.url)


# -- elements -------------------------------------------------------------------------------------------


def text_block(markdown: str, **style: Any) -> Element:
    """A wrapping TextBlock of already-escaped markdown."""
    return {"type": "TextBlock", "text": markdown, "wrap": True, **style}


def plain_block(text: str, **style: Any) -> Element:
    """A wrapping TextBlock of raw text, clipped then escaped."""
    return text_block(escape(clip(text)), **style)


def item_elements(item_text: str, analysis: Sequence[str], cited: str) -> list[Element]:
    """An item: its text, its analysis lines, and the citation under it."""
    elements = [plain_block(f"• {item_text}")]
    elements += [plain_block(f"→ {line}", isSubtle=True, spacing="None") for line in analysis]
    elements.append(text_block(cited, size="Small", isSubtle=True, spacing="None"))
    return elements


def hit_container(hit: Hit) -> Element:
    """One cited search hit."""
    cited = cite(hit.title, hit.date, hit.section, hit.url)
    return {"type": "Container", "separator": True, "items": item_elements(hit.text, hit.analysis, cited)}


def section_elements(issue: Issue, part: Section) -> list[Element]:
    """A section of an issue: its name, then one container per item with the item's citation
    (separate elements, so a card that must be cut loses whole items, not whole sections)."""
    cited = cite(issue.title, issue.date, part.name, issue.url)
    elements = [plain_block(part.name, weight="Bolder", size="Medium", separator=True)]
    for item in part.items:
        elements.append({"type": "Container", "items": item_elements(item.text, item.analysis, cited)})
    if not part.items:
        elements.append(plain_block("No items in this section.", isSubtle=True, spacing="None"))
    return elements


# -- cards and size -------------------------------------------------------------------------------------


def card(body: Sequence[Element]) -> Element:
    """An Adaptive Card (schema 1.5, full width in Teams)."""
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": list(body),
    }


def size(value: Any) -> int:
    """Bytes of the compact UTF-8 JSON Teams receives."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def fit(head: Sequence[Element], body: Sequence[Element], note: str) -> Element:
    """A card of ``head`` and the leading ``body`` elements that fit ``MAX_CARD_BYTES``; if any are
    dropped, a closing line of ``note`` (markdown) says so. Never fails: the note always fits."""
    closing = text_block(note, isSubtle=True, separator=True)
    budget = MAX_CARD_BYTES - size(card([*head, closing]))
    kept: list[Element] = []
    for element in body:
        budget -= size(element) + 1
        if budget < 0:
            return card([*head, *kept, closing])
        kept.append(element)
    return card([*head, *kept])


def message(content: Element, *, channel_data: dict[str, Any] | None = None) -> Activity:
    """The message activity carrying one card (what the Bot Connector's ``/activities`` takes)."""
    activity: Activity = {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
    }
    if channel_data:
        activity["channelData"] = channel_data
    return activity
