"""Slack's App Home and the "Ask" modal, as view payloads (pure; escaping and limits in ``slack_blocks``).

The Home tab shows the newest issue (title linked to the issue, date, sections with item counts, and a
link to its post when the bot posted it in this workspace), the user's watches each with a "Remove"
button, the channels getting each new issue, and an "Ask" button that opens the modal.
"""

from __future__ import annotations

import re
from typing import Any

from digestbot.conversation import Home
from digestbot.render import words
from digestbot.render.slack_blocks import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    link,
    pack_lines,
    section,
)
from digestbot.render.slack_story import PREFIX, UNWATCH_ACTION

View = dict[str, Any]

ASK_ACTION = "digest_home_ask"
ASK_VIEW = "digest_ask"
QUESTION_BLOCK = "question"
QUESTION_INPUT = "text"
MAX_VIEW_BLOCKS = 100
MAX_WATCHES_SHOWN = 50
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,30}$")


def home_view(home: Home, *, post_link: str | None = None) -> View:
    """The Home tab; ``post_link`` is the permalink of the newest issue's post, when known."""
    blocks = [
        *_latest(home, post_link),
        {"type": "divider"},
        *_watches(home),
        {"type": "divider"},
        *_channels(home),
        actions(button(ASK_ACTION, "Ask the digest", "ask")),
    ]
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def _latest(home: Home, post_link: str | None) -> list[Block]:
    issue = home.latest
    if issue is None:
        return [header("Latest issue"), section(escape(words.EMPTY_ARCHIVE))]
    items = sum(count for _, count in issue.sections)
    line = f"*{link(issue.url, escape(issue.title))}*\n{words.short_date(issue.date)}"
    line += f" · {words.plural(items, 'item')} in {words.plural(len(issue.sections), 'section')}"
    if home.post is not None and _CHANNEL.match(home.post[0]):
        line += f"\nPosted in <#{home.post[0]}>" + (
            f" · {link(post_link, 'open the post')}" if post_link else ""
        )
    sections = [f"• {escape(name)} ({count})" for name, count in issue.sections]
    return [header("Latest issue"), section(line), *pack_lines(sections)]


def _watches(home: Home) -> list[Block]:
    if not home.watches:
        hint = f"You watch nothing yet: `{PREFIX}watch <topic>`, and each new issue about it comes to you"
        return [section(f"*Your watches*\n{escape(hint)} as a direct message.")]
    head = section(f"*Your watches* ({len(home.watches)} of {home.limit})")
    rows = []
    for watch in home.watches[:MAX_WATCHES_SHOWN]:
        row = section(f"• {escape(watch.topic)}")
        row["accessory"] = button(UNWATCH_ACTION, "Remove", str(watch.id))
        rows.append(row)
    return [head, *rows]


def _channels(home: Home) -> list[Block]:
    channels = [f"<#{channel}>" for channel in home.channels if _CHANNEL.match(channel)]
    if not channels:
        hint = f"No channel here gets new issues yet: type `{PREFIX}subscribe` in one."
        return [section(f"*Channels getting each new issue*\n{escape(hint)}")]
    return [section("*Channels getting each new issue*\n" + ", ".join(channels))]


def ask_modal(max_chars: int = 500) -> View:
    """The "Ask" modal: one question; the answer arrives as a direct message."""
    return {
        "type": "modal",
        "callback_id": ASK_VIEW,
        "title": _plain("Ask the digest"),
        "submit": _plain("Ask"),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": QUESTION_BLOCK,
                "label": _plain("Your question"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": QUESTION_INPUT,
                    "max_length": max_chars,
                    "placeholder": _plain("what did we say about ransomware in 2024?"),
                },
            },
            context("The answer comes to you as a direct message from me."),
        ],
    }


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
