"""Timelines through the conversation core and the console: the items an answer would use, oldest first,
grouped by issue, one cited line each, a page at a time ("timeline X page 2", or "more" at the console)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from digestbot.app import build_conversations
from digestbot.conversation import Conversations, EmptyArchive, Failed, Message, Timeline
from digestbot.core import Digestbot
from digestbot.domain import Issue, Item, Section
from digestbot.edge.console import PLACE, ConsoleChat
from digestbot.render.plain import outcome_text
from tests.fakes import fake_core, fake_settings

TITLE = "Northwind’s Weekly Security Digest"


def issue(day: str, *items: tuple[str, str]) -> Issue:
    sections = tuple(Section(name, (Item(text),)) for name, text in items)
    return Issue(dt.date.fromisoformat(day), TITLE, sections, url=f"https://digest.example/{day}")


BORDER = (
    issue("2025-03-04", ("Veloria", "Drassk moved troops to the Veloria border after a crossing shooting."),
          ("Cyber", "A wiper hit the Orlek grid operator.")),
    issue("2025-03-11", ("Veloria", "Veloria closed two crossings on the Drassk border."),
          ("Veloria", "Talks on the Veloria–Drassk border crossings were called off.")),
    issue("2025-05-27", ("Elections", "Lusovia holds a presidential runoff on Sunday.")),
    issue("2026-01-13", ("Veloria", "Drassk and Veloria reopened the border crossings under a truce.")),
)  # fmt: skip


@pytest.fixture
def core(tmp_path: Path) -> Digestbot:
    return fake_core(fake_settings(data_dir=tmp_path), BORDER)


def conversations(core: Digestbot, per_page: int = 10) -> Conversations:
    return build_conversations(core, fake_settings(timeline_page_items=per_page))


def ask(conv: Conversations, text: str) -> object:
    return conv.handle(Message("console", PLACE, "console", text))


def test_a_timeline_is_every_item_an_answer_uses_oldest_first(core: Digestbot) -> None:
    outcome = ask(conversations(core), "timeline Veloria Drassk border")
    assert isinstance(outcome, Timeline)
    dates = [item.hit.date.isoformat() for item in outcome.shown]
    assert dates == sorted(dates) and dates[0] == "2025-03-04" and dates[-1] == "2026-01-13"
    assert not any("Lusovia" in item.hit.text or "wiper" in item.hit.text for item in outcome.shown)
    used = core.ask("Veloria Drassk border", k=core.timeline_items)
    assert {item.hit.item_id for item in outcome.shown} == {item.hit.item_id for item in used.items}


def test_how_did_it_develop_is_the_same_timeline(core: Digestbot) -> None:
    conv = conversations(core)
    timeline = ask(conv, "timeline of the Veloria Drassk border")
    assert ask(conv, "How did the Veloria Drassk border develop?") == timeline
    assert ask(conv, "the story of the Veloria Drassk border") == timeline


def test_the_plain_timeline_is_headed_by_its_span_and_grouped_by_issue(core: Digestbot) -> None:
    text = outcome_text(ask(conversations(core, per_page=3), "timeline Veloria Drassk border"))  # type: ignore[arg-type]
    assert text.splitlines() == [
        "Veloria Drassk border: 4 items, 4 Mar 2025 – 13 Jan 2026",
        "Weekly Security Digest, 4 Mar 2025",
        "  • Drassk moved troops to the Veloria border after a crossing shooting. — Veloria",
        "Weekly Security Digest, 11 Mar 2025",
        "  • Veloria closed two crossings on the Drassk border. — Veloria",
        "  • Talks on the Veloria–Drassk border crossings were called off. — Veloria",
        "Items 1–3 of 4. (type “more” for the next page)",
    ]


def test_pages_show_the_rest_and_a_page_past_the_end_shows_the_last(core: Digestbot) -> None:
    conv = conversations(core, per_page=3)
    second = ask(conv, "timeline Veloria Drassk border page 2")
    assert isinstance(second, Timeline) and (second.page, second.pages) == (2, 2)
    assert [item.hit.date.isoformat() for item in second.shown] == ["2026-01-13"]
    assert outcome_text(second).splitlines()[-1] == "Items 4–4 of 4."
    assert ask(conv, "timeline Veloria Drassk border page 9") == second


def test_nothing_about_the_topic_says_so(core: Digestbot) -> None:
    outcome = ask(conversations(core), "timeline volcanic eruptions")
    assert isinstance(outcome, Timeline) and not outcome.story.found
    assert (
        outcome_text(outcome)
        == "I found nothing in the digests about “volcanic eruptions”: no timeline to show."
    )


def test_an_empty_archive_or_no_topic(tmp_path: Path) -> None:
    empty = fake_core(fake_settings(data_dir=tmp_path))
    assert isinstance(ask(conversations(empty), "timeline ransomware"), EmptyArchive)
    assert ask(conversations(empty), "timeline") == Failed("name a topic, e.g. “timeline ransomware”")


def test_the_console_shows_the_next_page_with_more(core: Digestbot) -> None:
    chat = ConsoleChat(conversations(core, per_page=3), io.StringIO(), io.StringIO(), interactive=False)
    assert chat.reply("more").startswith("“more” shows the next page of a timeline")
    first = chat.reply("/digest timeline Veloria Drassk border")
    assert first.endswith("Items 1–3 of 4. (type “more” for the next page)")
    second = chat.reply("more")
    assert "reopened the border crossings" in second and "moved troops" not in second
    assert second.endswith("Items 4–4 of 4.")
    assert chat.reply("more").startswith("“more” shows the next page")
