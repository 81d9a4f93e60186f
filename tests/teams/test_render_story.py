"""Adaptive Cards for timelines, watches and watch notices: golden JSON, schema 1.5, 28 KB on huge input,
user topics and digest text escaped, and a plain word when a user has no 1:1 chat with the bot yet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from digestbot.conversation import Timeline, Unwatched, Watched, WatchList
from digestbot.delivery.stories import Story
from digestbot.delivery.watching import Notice
from digestbot.domain import AnswerItem, Recipient, Watch
from digestbot.render import teams as render
from digestbot.render import words
from digestbot.render.teams_story import TIMELINE_FIELD, watch_notice
from tests.story_support import item_of
from tests.teams.cards import texts
from tests.teams.support import ISSUE_MAR_4, ISSUE_MAR_11

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DIGESTBOT_UPDATE_GOLDEN") == "1"

HARBOR = Story(
    "*ports* & [harbors]",
    (
        item_of(ISSUE_MAR_4, 0, 0, "Port authorities in Westmark raised the *alert* level"),
        item_of(ISSUE_MAR_4, 1, 0, "A ransomware gang hit the Eastport water utility"),
        item_of(ISSUE_MAR_11, 0, 0),
    ),
)
DANA = Recipient("teams", "29:dana", tenant_id="tenant-1")
WATCHES = (Watch(2, DANA, "*ports* & [harbors]"), Watch(5, DANA, "Eastport"))

CARDS: dict[str, Callable[[], render.Activity]] = {
    "timeline_first_page": lambda: render.outcome_message(Timeline(HARBOR, 1, 2)),
    "timeline_nothing": lambda: render.outcome_message(Timeline(Story("volcanoes"))),
    "watched_without_a_chat": lambda: render.outcome_message(Watched("*ports*", True, 1, 10, False)),
    "watches": lambda: render.outcome_message(WatchList(WATCHES, 10, True)),
    "notice": lambda: watch_notice(Notice(WATCHES[0], ISSUE_MAR_4.date, HARBOR.items[:2])),
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_golden(name: str) -> None:
    rendered = CARDS[name]()
    path = GOLDEN / f"{name}.json"
    if UPDATE:  # DIGESTBOT_UPDATE_GOLDEN=1 pytest tests/teams/test_render_story.py, then review the diff
        path.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_card_is_schema_1_5_and_escapes_the_topic(name: str) -> None:
    card = CARDS[name]()["attachments"][0]["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    assert not any("*ports*" in line or "[harbors]" in line for line in texts(card))


def test_more_sends_the_next_pages_command_back() -> None:
    card = render.outcome_message(Timeline(HARBOR, 1, 2))["attachments"][0]["content"]
    [button] = [element for element in card["body"] if element["type"] == "ActionSet"]
    data = button["actions"][0]["data"]
    assert data[TIMELINE_FIELD] == {"topic": "*ports* & [harbors]", "page": 2}
    assert data["msteams"]["text"] == "timeline *ports* & [harbors] page 2"
    assert data["msteams"]["type"] == "messageBack"


def test_a_user_without_a_1_1_chat_is_told_plainly_and_one_with_it_is_not() -> None:
    assert words.NO_DIRECT_CHAT in texts(
        render.outcome_message(Watched("eastport", True, 1, 10, False))["attachments"][0]["content"]
    )
    card = render.outcome_message(Watched("eastport", True, 1, 10, True))["attachments"][0]["content"]
    assert words.NO_DIRECT_CHAT not in texts(card)
    assert words.NO_DIRECT_CHAT in texts(
        render.outcome_message(WatchList(WATCHES, 10, False))["attachments"][0]["content"]
    )
    assert render.outcome_message(Unwatched("eastport", True))["attachments"][0]["content"]["body"][0][
        "text"
    ] == ("No longer watching “eastport”.")


def test_a_huge_timeline_and_notice_stay_under_the_message_limit() -> None:
    text = "Tension *rises* near the [border](https://evil.example) " * 60
    base = item_of(ISSUE_MAR_4, 0, 0).hit
    items = tuple(
        AnswerItem(
            dataclasses.replace(base, date=dt.date(2030, 1, 1) + dt.timedelta(days=n), text=text), text
        )
        for n in range(60)
    )
    story = Story("tension " * 100, items)
    for activity in (
        render.outcome_message(Timeline(story, 1, 50)),
        watch_notice(Notice(WATCHES[0], base.date, items)),
    ):
        assert render.size(activity) <= render.MAX_ACTIVITY_BYTES
        assert "truncated" in json.dumps(activity) or "fit in one card" in json.dumps(activity)
