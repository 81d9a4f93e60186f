"""Bidi controls in digest or user text never reach a surface: issue 19, item 9.

The reproduction: an item opens a right-to-left override (U+202E) and closes it (U+202C) past the 110
characters an answer's line is clipped to, so the line keeps the opener, loses the terminator, and the
bot's own citation after it would read backwards. Every renderer (Slack blocks, Teams cards, plain text,
App Home, timelines, watch notices) drops these controls in its one escape step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from digestbot.app import build_conversations
from digestbot.conversation import Answered, Conversations, Home, Timeline
from digestbot.delivery.watching import Notice
from digestbot.domain import Issue, IssueSummary, Item, Recipient, Section, Watch
from digestbot.render import plain, slack, slack_home, slack_story, teams, teams_story
from digestbot.render.bidi import BIDI_CONTROLS, strip_bidi
from digestbot.render.slack_blocks import link as slack_link
from digestbot.render.teams_cards import link as teams_link
from tests.fakes import fake_core, fake_settings

OVERRIDE, POP, ISOLATE, RLM = "\u202e", "\u202c", "\u2067", "\u200f"
TEXT = (
    f"{OVERRIDE}Veloria harbour sanctions widen as the port authority closes three container terminals to "
    f"foreign shipping lines{POP} and insurers withdraw cover for the Drassk strait."
)
TITLE = f"Weekly Security Digest{OVERRIDE}"
ISSUE = Issue(
    date=dt.date(2025, 3, 4),
    title=TITLE,
    url="https://digest.example/2025-03-04",
    sections=(Section(name=f"Veloria{ISOLATE} – Drassk", items=(Item(TEXT, (f"{RLM}Watch the strait.",)),)),),
)
CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROLS += ["\u200e", "\u200f", "\u061c"]


@pytest.fixture
def conversations(tmp_path: Path) -> Iterator[Conversations]:
    core = fake_core(fake_settings(data_dir=tmp_path), [ISSUE])
    yield build_conversations(core)
    core.archive.db.close()


def shown(value: Any) -> list[str]:
    """Every text a user sees in a Block Kit message, an Adaptive Card or a view (not button values)."""
    if isinstance(value, dict):
        texts = [v for k, v in value.items() if k in {"text", "title", "displayText"} and isinstance(v, str)]
        return texts + [t for k, v in value.items() if k not in {"value", "data"} for t in shown(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in shown(v)]
    return []


def test_every_control_is_stripped_and_nothing_else() -> None:
    assert strip_bidi("a" + "".join(CONTROLS) + "b – ‘c’ \u200d") == "ab – ‘c’ \u200d"
    assert all(BIDI_CONTROLS.fullmatch(char) for char in CONTROLS)


def test_a_clipped_override_reaches_no_surface(conversations: Conversations) -> None:
    outcome = conversations.ask("Veloria harbour sanctions")
    assert isinstance(outcome, Answered)
    line = outcome.answer.items[0].line
    assert OVERRIDE in line and POP not in line  # the reproduction: the clip kept the opener alone
    slack_message = slack.outcome_message(outcome, share=True)
    texts = [slack_message.text, *shown(slack_message.blocks)]
    texts += shown(teams.outcome_message(outcome))
    texts.append(plain.outcome_text(outcome))
    assert not [text for text in texts if BIDI_CONTROLS.search(text)]
    assert any("Weekly Security Digest, 4 Mar 2025 · Veloria – Drassk" in text for text in texts)


def test_timelines_watch_notices_and_homes_drop_them(conversations: Conversations) -> None:
    timeline = conversations.timeline(f"{OVERRIDE}Veloria harbour")
    assert isinstance(timeline, Timeline) and timeline.story.found
    watch = Watch(1, Recipient("slack", "U0ALICE01", "T0EMU0001"), f"{OVERRIDE}veloria")
    notice = Notice(watch, ISSUE.date, timeline.story.items)
    summary = IssueSummary(ISSUE.date, TITLE, ISSUE.url, ((ISSUE.sections[0].name, 1),))
    home = Home(summary, None, (watch,), 10, ())
    slack_messages = [slack_story.timeline_message(timeline), slack_story.watch_notice(notice)]
    texts = [t for m in slack_messages for t in [m.text, *shown(m.blocks)]]
    texts += shown(slack_home.home_view(home))
    texts += shown([teams_story.timeline_message(timeline), teams_story.watch_notice(notice)])
    texts += [plain.timeline_text(timeline), plain.watch_notice_text(notice), plain.issue_text(ISSUE)]
    assert texts and not [text for text in texts if BIDI_CONTROLS.search(text)]


def test_a_url_with_a_control_is_not_linked() -> None:
    url = f"https://digest.example/{OVERRIDE}gpj.exe"
    assert slack_link(url, "label") == "label"
    assert teams_link(url, "label") == "label"
    assert slack_link("https://digest.example/ok", "label") == "<https://digest.example/ok|label>"
