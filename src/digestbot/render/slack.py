"""Slack Block Kit renderers: pure functions from domain objects to ``SlackMessage(text, blocks)``.

This is the one place where Slack's size limits and escaping are enforced. Every piece of digest or user
text goes through ``escape`` so that ``<!channel>``, ``<@U123>`` or ``<https://x|y>`` inside it is shown,
never acted on; every message carries a plain ``text`` fallback; no message exceeds Block Kit's limits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from digestbot.commands import HELP_TEXT
from digestbot.domain import Answer, Hit, Issue, Section, citation

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_TOTAL_CHARS = 12_000
MAX_FALLBACK_CHARS = 3000
MAX_BUTTON_VALUE = 2000
SHARE_ACTION = "digest_share"
CUT = " … (truncated)"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_SAFE_URL = re.compile(r"^https?://[^\s<>|]+$")


class SlackMessage(NamedTuple):
    """What chat.postMessage / respond() take: a plain-text fallback and Block Kit blocks."""

    text: str
    blocks: list[Block]


# -- text ---------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities: text is then shown, never parsed as a mention/link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


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


def share_button(value: str) -> Block:
    """The "Share in channel" button; its value (the question) is clipped to what Slack allows."""
    button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": {"type": "plain_text", "text": "Share in channel"},
        "value": value[:MAX_BUTTON_VALUE],
    }
    return {"type": "actions", "elements": [button]}


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


# -- items --------------------------------------------------------------------------------------------


def item_lines(text: str, analysis: Sequence[str]) -> list[str]:
    """An item as a bullet with its analysis indented under it."""
    return [f"• {escape(text)}", *(f"      ◦ {escape(line)}" for line in analysis)]


def hit_block(hit: Hit) -> Block:
    """One cited search hit: citation (linked to the issue) over the item and its analysis."""
    lines = [cite(hit.title, hit.date, hit.section, hit.url), *item_lines(hit.text, hit.analysis)]
    return section("\n".join(lines))


def section_blocks(issue: Issue, part: Section) -> list[Block]:
    """A section of an issue: its cited name, then its items packed into section blocks."""
    name = cite(issue.title, issue.date, part.name, issue.url)
    lines = [line for item in part.items for line in item_lines(item.text, item.analysis)]
    return pack_lines([name, *(lines or ["_No items in this section._"])])


def item_count(issue: Issue) -> int:
    """How many items the issue has."""
    return sum(len(part.items) for part in issue.sections)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _overview(issue: Issue) -> str:
    sections = _plural(len(issue.sections), "section")
    return f"*{link(issue.url, _day(issue.date))}* · {_plural(item_count(issue), 'item')} in {sections}"


# -- messages -----------------------------------------------------------------------------------------


def answer_message(answer: Answer, *, share: bool = False, shared_by: str | None = None) -> SlackMessage:
    """An answer: the question, each cited item, any notes; with ``share``, a "Share in channel" button
    carrying the question; with ``shared_by``, the line "Shared by @user"."""
    head = [section(f"*{escape(answer.query)}*")]
    if shared_by is not None:
        head.append(context(f"Shared by {mention(shared_by)}"))
    body = [hit_block(hit) for hit in answer.hits] or [section(escape(answer.text))]
    body += [context(escape(note)) for note in answer.notes]
    tail = [share_button(answer.query)] if share else []
    note = "More items matched than fit in one message; ask a narrower question to see them."
    return SlackMessage(fallback(answer.text), fit([*head, *body], note, tail))


def issue_message(issue: Issue) -> SlackMessage:
    """A whole issue (``/digest latest``): title, overview, then every section with its items."""
    body = [header(issue.title), section(_overview(issue))]
    body += [block for part in issue.sections for block in section_blocks(issue, part)]
    note = f"This issue is longer than one message: {link(issue.url, 'read it all')} or ask about a topic."
    text = f"{issue.title} — {_day(issue.date)}: {_plural(item_count(issue), 'item')}"
    return SlackMessage(fallback(text), fit(body, note))


def issue_post(issue: Issue) -> SlackMessage:
    """The short top-level post of a weekly delivery: title, date, sections with item counts."""
    names = [f"• {escape(part.name)} ({len(part.items)})" for part in issue.sections]
    body = [header(issue.title), section(_overview(issue)), *pack_lines(names)]
    tail = [context("The items follow in this thread. Reply here to ask about this issue.")]
    text = f"{issue.title} — {_day(issue.date)}: {_plural(item_count(issue), 'item')}"
    return SlackMessage(fallback(text), fit(body, "More sections than fit here; see the thread.", tail))


def section_reply(issue: Issue, part: Section) -> list[SlackMessage]:
    """A section of a weekly delivery, as one or more thread replies that each keep Slack's limits."""
    label = citation(issue.title, issue.date, part.name)
    pages = paginate(section_blocks(issue, part))
    if len(pages) == 1:
        return [SlackMessage(fallback(label), pages[0])]
    return [SlackMessage(fallback(f"{label} ({n}/{len(pages)})"), page) for n, page in enumerate(pages, 1)]


def notice(line: str) -> SlackMessage:
    """A one-line message (confirmations, friendly errors)."""
    return SlackMessage(fallback(line), [section(escape(line))])


def help_message() -> SlackMessage:
    """``/digest help``."""
    return SlackMessage(fallback(HELP_TEXT.splitlines()[0]), [section(f"```{escape(HELP_TEXT)}```")])


def empty_archive() -> SlackMessage:
    """What ``/digest latest`` says before any issue was ingested."""
    return notice("The archive is empty: no issue has been ingested yet.")


def apology() -> SlackMessage:
    """What the user sees after an unexpected error (the details go to the log, never to the chat)."""
    return notice("Sorry, something went wrong on my side. Please try again in a minute.")


SUBSCRIPTION_LINES = {
    ("subscribe", True): "Subscribed: new issues of the digest will be posted in this channel.",
    ("subscribe", False): "This channel is already subscribed to the digest.",
    ("unsubscribe", True): "Unsubscribed: new issues will no longer be posted in this channel.",
    ("unsubscribe", False): "This channel was not subscribed.",
    ("status", True): "This channel is subscribed: new issues of the digest are posted here.",
    ("status", False): "This channel is not subscribed. Type /digest subscribe to get new issues here.",
}


def subscription_notice(action: str, flag: bool) -> SlackMessage:
    """The confirmation of ``subscribe`` / ``unsubscribe`` (flag: it changed) or ``status`` (subscribed)."""
    return notice(SUBSCRIPTION_LINES[(action, flag)])
