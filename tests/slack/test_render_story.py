"""Block Kit for timelines, watches, watch notices and the App Home: golden JSON, Slack's limits on huge
input, and user topics and digest text escaped everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from digestbot.conversation import Home, Timeline, Unwatched, Watched, WatchFull, WatchList
from digestbot.delivery.stories import Story
from digestbot.delivery.watching import Notice
from digestbot.domain import AnswerItem, IssueSummary, Recipient, Watch
from digestbot.render import slack as render
from digestbot.render import slack_blocks as blocks
from digestbot.render.slack_home import ask_modal, home_view
from digestbot.render.slack_story import watch_notice
from tests.slack.support import ALICE, ISSUE_JUL_2, ISSUE_JUL_9
from tests.story_support import item_of

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DIGESTBOT_UPDATE_GOLDEN") == "1"

RANSOMWARE = Story("ransomware <!channel>", (item_of(ISSUE_JUL_2, 1, 0), item_of(ISSUE_JUL_9, 1, 0)))
ALICE_SLACK = Recipient("slack", ALICE, tenant_id="T0EMU0001")
WATCHES = (Watch(4, ALICE_SLACK, "ransomware <!channel>"), Watch(9, ALICE_SLACK, "Kestrel Dynamics"))
SUMMARY = IssueSummary(
    ISSUE_JUL_9.date,
    ISSUE_JUL_9.title,
    ISSUE_JUL_9.url,
    (("Israel – Gaza", 1), ("Cyber / Defense Technology", 1)),
)
HOME = Home(
    SUMMARY, ("C0SECUR01", "1700000000.000100"), WATCHES, 10, ("C0SECUR01", "C0OTHER01", "not-a-channel")
)
PERMALINK = "https://emulated.slack.com/archives/C0SECUR01/p1700000000000100"

VIEWS: dict[str, Any] = {
    "timeline_first_page": lambda: render.outcome_message(Timeline(RANSOMWARE, 1, 1)),
    "timeline_last_page": lambda: render.outcome_message(Timeline(RANSOMWARE, 2, 1)),
    "timeline_nothing": lambda: render.outcome_message(Timeline(Story("volcanoes"))),
    "watched": lambda: render.outcome_message(Watched("ransomware <!channel>", True, 2, 10, False)),
    "watch_full": lambda: render.outcome_message(WatchFull("wipers", 10)),
    "unwatched_missing": lambda: render.outcome_message(Unwatched("wipers", False)),
    "watches": lambda: render.outcome_message(WatchList(WATCHES, 10, False)),
    "notice": lambda: watch_notice(Notice(WATCHES[0], ISSUE_JUL_9.date, RANSOMWARE.items[1:])),
    "home": lambda: home_view(HOME, post_link=PERMALINK),
    "home_empty": lambda: home_view(Home(None, None, (), 10, ())),
    "ask_modal": lambda: ask_modal(500),
}


def as_json(value: Any) -> Any:
    if isinstance(value, blocks.SlackMessage):
        return {"text": value.text, "blocks": value.blocks}
    return value


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_golden(name: str) -> None:
    rendered = as_json(VIEWS[name]())
    path = GOLDEN / f"{name}.json"
    if UPDATE:  # DIGESTBOT_UPDATE_GOLDEN=1 pytest tests/slack/test_render_story.py, then review the diff
        path.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(path.read_text(encoding="utf-8"))


def shown(value: Any) -> Any:
    """What Slack shows of a payload: everything but buttons' values (data sent back to the bot)."""
    if isinstance(value, dict):
        return {key: shown(item) for key, item in value.items() if key != "value"}
    return [shown(item) for item in value] if isinstance(value, list) else value


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_no_user_or_digest_text_can_mention_or_link(name: str) -> None:
    assert not re.search(r"<(!channel|@U0MALLORY|https://evil)", json.dumps(shown(as_json(VIEWS[name]()))))


def huge_story() -> Story:
    words = "Tension & <!channel> rises near the border <https://evil.example|click> " * 40
    base = item_of(ISSUE_JUL_9, 1, 0).hit
    items = tuple(
        AnswerItem(dataclasses.replace(base, date=dt.date(2024, 1, 1) + dt.timedelta(days=n)), words)
        for n in range(60)
    )
    return Story("tension " * 200, items)


def test_a_huge_timeline_and_notice_keep_slack_limits() -> None:
    story = huge_story()
    watch = Watch(1, ALICE_SLACK, "t" * 300)
    for message in (
        render.outcome_message(Timeline(story, 1, 50)),
        watch_notice(Notice(watch, dt.date(2024, 3, 1), story.items)),
        render.outcome_message(
            WatchList(tuple(Watch(n, ALICE_SLACK, "w" * 100) for n in range(100)), 100, False)
        ),
    ):
        assert len(message.blocks) <= blocks.MAX_BLOCKS
        assert sum(map(blocks.text_length, message.blocks)) <= blocks.MAX_TOTAL_CHARS
        assert all(len(b["text"]["text"]) <= blocks.MAX_SECTION_CHARS for b in message.blocks if "text" in b)


def test_a_home_with_many_watches_keeps_the_view_limit() -> None:
    many = tuple(Watch(n, ALICE_SLACK, f"topic {n}") for n in range(100))
    view = home_view(Home(SUMMARY, None, many, 100, tuple(f"C{n:08d}" for n in range(200))))
    assert len(view["blocks"]) <= 100
    assert view["blocks"][-1]["elements"][0]["action_id"] == "digest_home_ask"  # the Ask button stays
