"""Block Kit renderers: golden JSON for each message, Slack's limits on huge input, escaping everywhere."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digestbot.conversation import Subscription, SubscriptionAction
from digestbot.domain import Answer, Issue, Item, Period, Section
from digestbot.render import slack as render
from digestbot.render import slack_blocks as blocks
from digestbot.render.slack_blocks import SlackMessage
from tests.fakes import answer_of, hit_of
from tests.slack.support import ISSUE_JUL_2, ISSUE_JUL_9

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DIGESTBOT_UPDATE_GOLDEN") == "1"


RANSOMWARE = answer_of(
    "ransomware <!channel>",
    hit_of(ISSUE_JUL_9, 1, 0),
    hit_of(ISSUE_JUL_2, 1, 0),
    lead="Ransomware hits a port operator; see <https://evil.example|click>",
)
CEASEFIRE = answer_of("ceasefire", hit_of(ISSUE_JUL_9, 0, 0), lead="Ceasefire talks resume in Doha & Cairo")
SCOPED = replace(
    answer_of("ransomware", hit_of(ISSUE_JUL_2, 1, 0)),
    period=Period(dt.date(2024, 7, 1), dt.date(2024, 7, 31)),
    related=(hit_of(ISSUE_JUL_9, 1, 0),),
)

MESSAGES: dict[str, Any] = {
    "answer_private": lambda: render.answer_message(RANSOMWARE, share=True),
    "answer_shared": lambda: render.answer_message(CEASEFIRE, shared_by="U0ALICE01"),
    "answer_nothing": lambda: render.answer_message(Answer(query="volcanoes")),
    "answer_scoped": lambda: render.answer_message(SCOPED),
    "details": lambda: render.details_message([hit_of(ISSUE_JUL_9, 0, 0)]),
    "issue_latest": lambda: render.issue_message(ISSUE_JUL_9),
    "issue_post": lambda: render.issue_post(ISSUE_JUL_9),
    "section_reply": lambda: render.section_reply(ISSUE_JUL_9, ISSUE_JUL_9.sections[0]),
    "help": render.help_message,
    "subscribed": lambda: render.subscription_message(Subscription(SubscriptionAction.SUBSCRIBE, True)),
}


def as_json(message: SlackMessage | list[SlackMessage]) -> Any:
    if isinstance(message, list):
        return [as_json(part) for part in message]
    return {"text": message.text, "blocks": message.blocks}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_golden(name: str) -> None:
    rendered = as_json(MESSAGES[name]())
    path = GOLDEN / f"{name}.json"
    if UPDATE:  # DIGESTBOT_UPDATE_GOLDEN=1 pytest tests/slack/test_render.py, then review the diff
        path.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(path.read_text(encoding="utf-8"))


def huge_issue() -> Issue:
    words = "Tension & <!channel> rises <@U1> near the border <https://evil.example|click> " * 60
    sections = tuple(
        Section(name=f"Region {n} " + "x" * 200, items=tuple(Item(words, (words, words)) for _ in range(12)))
        for n in range(30)
    )
    return Issue(date=dt.date(2025, 3, 4), title="T" * 400, sections=sections, url="https://digest.example/x")


def huge_answer() -> Answer:
    issue = huge_issue()
    hits = [hit_of(issue, section, item) for section in range(30) for item in range(2)]
    return answer_of("tension border " * 100, *hits, lead=hits[0].text)


def all_messages() -> list[SlackMessage]:
    issue = huge_issue()
    return [
        render.issue_message(issue),
        render.issue_post(issue),
        render.answer_message(huge_answer(), share=True),
        *render.section_reply(issue, issue.sections[0]),
    ]


@pytest.mark.parametrize("message", all_messages(), ids=lambda m: m.text[:20])
def test_huge_input_keeps_slack_limits(message: SlackMessage) -> None:
    assert 0 < len(message.text) <= blocks.MAX_FALLBACK_CHARS
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    assert sum(map(blocks.text_length, message.blocks)) <= blocks.MAX_TOTAL_CHARS
    for block in message.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= blocks.MAX_HEADER_CHARS
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.MAX_SECTION_CHARS
    assert not re.search(r"<(!channel|@U1|https://evil)", json.dumps(message))


def test_a_long_section_is_split_over_several_replies() -> None:
    issue = huge_issue()
    replies = render.section_reply(issue, issue.sections[0])
    assert len(replies) > 1
    assert replies[0].text.endswith(f"(1/{len(replies)})")


def test_a_truncated_message_says_so() -> None:
    last = render.issue_message(huge_issue()).blocks[-1]
    assert last["type"] == "context" and "longer than one message" in last["elements"][0]["text"]


def test_the_share_button_value_stays_within_slack_limits() -> None:
    long = answer_of("q" * 5000, hit_of(ISSUE_JUL_2, 0, 0))
    button = render.answer_message(long, share=True).blocks[-1]["elements"][0]
    assert len(button["value"]) <= 2000


@given(st.text(alphabet="ab&<>;|@!", max_size=200), st.integers(min_value=20, max_value=120))
def test_clipping_never_cuts_an_entity_or_link(raw: str, limit: int) -> None:
    clipped = blocks.clip(blocks.escape(raw), limit)
    assert len(clipped) <= limit
    body = clipped.removesuffix(blocks.CUT)
    assert "<" not in body and ">" not in body
    assert re.fullmatch(r"([^&]|&amp;|&lt;|&gt;)*", body)


def test_links_only_for_web_urls() -> None:
    assert blocks.link("https://digest.example/a?b=1&c=2", "x") == "<https://digest.example/a?b=1&amp;c=2|x>"
    assert blocks.link("javascript:alert(1)", "x") == "x"
    assert blocks.link("https://evil.example|click", "x") == "x"
    assert blocks.mention("U0ALICE01") == "<@U0ALICE01>"
    assert blocks.mention("<!channel>") == "&lt;!channel&gt;"
