"""Adaptive Card renderers: golden JSON for each message, schema 1.5, 28 KB on huge input, escaping."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from digestbot.conversation import Failed, Subscription, SubscriptionAction
from digestbot.domain import Answer, Issue, Item, Period, Section
from digestbot.render import teams as render
from tests.fakes import answer_of, hit_of
from tests.teams.cards import texts
from tests.teams.support import ISSUE_MAR_4, ISSUE_MAR_11, TITLE

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DIGESTBOT_UPDATE_GOLDEN") == "1"

MESSAGES: dict[str, Callable[[], render.Activity]] = {
    "answer": lambda: render.answer_message(
        answer_of(
            "what about *ports* & [water]?",
            hit_of(ISSUE_MAR_4, 0, 0),
            hit_of(ISSUE_MAR_4, 1, 0),
            lead="Port authorities in Westmark raised the *alert* level",
        )
    ),
    "answer_nothing": lambda: render.answer_message(
        Answer(query="volcanoes", period=Period(dt.date(2031, 3, 1), dt.date(2031, 3, 31)))
    ),
    "details": lambda: render.details_message([hit_of(ISSUE_MAR_4, 0, 0)]),
    "issue": lambda: render.issue_message(ISSUE_MAR_4),
    "issue_no_url": lambda: render.issue_message(ISSUE_MAR_11),
    "help": render.help_message,
    "subscribed": lambda: render.subscription_message(Subscription(SubscriptionAction.SUBSCRIBE, True)),
    "empty_archive": render.empty_archive_message,
    "apology": lambda: render.outcome_message(Failed()),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_golden(name: str) -> None:
    rendered = MESSAGES[name]()
    path = GOLDEN / f"{name}.json"
    if UPDATE:  # DIGESTBOT_UPDATE_GOLDEN=1 pytest tests/teams/test_render.py, then review the diff
        path.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_message_is_one_adaptive_card_of_schema_1_5_or_lower(name: str) -> None:
    activity = MESSAGES[name]()
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert tuple(map(int, card["version"].split("."))) <= (1, 5)
    assert render.size(activity) <= render.MAX_ACTIVITY_BYTES


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**bold** and _it_", r"\*\*bold\*\* and \_it\_"),
        ("[click](https://evil.example)", r"\[click\](https://evil.example)"),
        ("<at>everyone</at> <b>x</b>", r"\<at\>everyone\</at\> \<b\>x\</b\>"),
        ("# Heading", r"\# Heading"),
        ("`code` ~~gone~~ a|b", r"\`code\` \~\~gone\~\~ a\|b"),
        ("back\\slash", "back\\\\slash"),
        ("{{DATE(2031-03-04T00:00:00Z)}}", r"\{\{DATE(2031-03-04T00:00:00Z)\}\}"),
        ("- not a list\n  + nor this\n12. nor this", "\\- not a list\n  \\+ nor this\n12\\. nor this"),
        ("U.S. - fine - 3.5 and 1-2", "U.S. - fine - 3.5 and 1-2"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert render.escape(raw) == escaped


def test_digest_text_is_escaped_in_every_text_block() -> None:
    lines = texts(render.issue_message(ISSUE_MAR_4)["attachments"][0]["content"])
    item = next(line for line in lines if "Westmark" in line)
    assert r"\*alert\*" in item and r"\[drone\](https://evil.example)" in item and r"pier \#4" in item
    analysis = next(line for line in lines if "terminals" in line)
    assert r"\<at\>container\</at\>" in analysis and r"\`cargo\_manifest\`" in analysis


def test_only_http_urls_become_links() -> None:
    for url in ("javascript:alert(1)", "https://x.example/a)b", "https://x.example/a b", None):
        issue = Issue(dt.date(2031, 3, 4), TITLE, (Section("S", (Item("x"),)),), url=url)
        assert "](" not in json.dumps(render.issue_message(issue))


def huge_issue() -> Issue:
    words = "Tension *rises* near the [border](https://evil.example) <at>all</at> " * 40
    sections = tuple(
        Section(f"Region {n}", tuple(Item(words, (words, words)) for _ in range(10))) for n in range(30)
    )
    return Issue(dt.date(2031, 3, 4), TITLE, sections, url="https://digest.example/2031-03-04")


def test_a_huge_issue_is_cut_to_28_kb_with_a_note() -> None:
    activity = render.issue_message(huge_issue())
    assert render.size(activity) <= render.MAX_ACTIVITY_BYTES
    lines = texts(activity["attachments"][0]["content"])
    assert lines[-1] == (
        "This issue is longer than one card: [read it all](https://digest.example/2031-03-04) "
        "or ask me about a topic."
    )
    assert "Region 0" in lines


def test_a_huge_answer_is_cut_with_a_note_and_long_texts_are_clipped() -> None:
    issue = huge_issue()
    hits = [hit_of(issue, section, item) for section in range(30) for item in range(2)]
    activity = render.answer_message(answer_of("border " * 400, *hits))
    assert render.size(activity) <= render.MAX_ACTIVITY_BYTES
    lines = texts(activity["attachments"][0]["content"])
    assert lines[0].endswith("… (truncated)")
    assert lines[-1].startswith("More items matched than fit in one card")


def test_an_item_too_big_for_any_card_still_renders() -> None:
    giant = Issue(dt.date(2031, 3, 4), TITLE, (Section("S", (Item("x" * 200_000, ("y" * 200_000,)),)),))
    activity: dict[str, Any] = render.issue_message(giant)
    assert render.size(activity) <= render.MAX_ACTIVITY_BYTES
