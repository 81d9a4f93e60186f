"""Issue 19, items 10 and 11 on Slack: forged or garbled clicks, and the "More" of a long topic.

Real signed requests through the real app (``SlackDriver``), replies caught by the emulator. A refused
click gets one log line and, where it says a reply may go, one line back; never a traceback, never a
5xx, never a change to any table.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from digestbot.app import build_conversations
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.domain import Recipient
from digestbot.render import words
from digestbot.render.slack import DETAILS_ACTION, SHARE_ACTION
from digestbot.render.slack_blocks import MAX_BUTTON_VALUE
from digestbot.render.slack_home import ASK_ACTION
from digestbot.render.slack_story import TIMELINE_ACTION, UNWATCH_ACTION
from digestbot.store import Database
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from digestbot.testing.slack_requests import TEAM
from tests.fakes import fake_settings
from tests.slack.actions_support import (
    all_rows,
    click_payload,
    post_payload,
    tracebacks,
    wait_until,
    warnings_of,
)
from tests.slack.support import SlackDriver

BOB = "U0BOB0001"


@pytest.fixture
def conversations(core: Digestbot) -> Conversations:
    """One timeline item a page, so the two ransomware items make two pages."""
    return build_conversations(core, fake_settings(timeline_page_items=1))


FORGED_IDS = ["²", "1" + "0" * 23, "", "-1", "1e3", " 7", "٣", "7\n"]


def seed_a_watch(core: Digestbot) -> None:
    """Bob's watch: a forged "Remove" must never take it away."""
    assert core.watches is not None
    core.watches.add(Recipient("slack", BOB, TEAM), "ransomware", None, limit=10)


def refused_once(caplog: pytest.LogCaptureFixture, emulator: SlackEmulator, replies: int) -> dict[str, Any]:
    """The one refusal sent back, after the one warning the listener logged; no traceback."""
    [reply] = emulator.wait_for(RESPONSE_URL, replies)[replies - 1 :]
    wait_until(lambda: bool(warnings_of(caplog)))
    [line] = warnings_of(caplog)
    assert line.startswith("Slack: refused") and not tracebacks(caplog)
    return reply.body


@pytest.mark.parametrize("action", [DETAILS_ACTION, UNWATCH_ACTION])
@pytest.mark.parametrize("value", FORGED_IDS, ids=repr)
def test_a_forged_id_is_refused_in_one_line(
    action: str, value: str, slack: SlackDriver, emulator: SlackEmulator, core: Digestbot, db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    seed_a_watch(core)
    before = all_rows(db)
    with caplog.at_level(logging.INFO):
        response = slack.click(action, value)
        assert response.status_code == 200 and response.elapsed.total_seconds() < 3
        reply = refused_once(caplog, emulator, 1)
    assert reply["text"] == words.INVALID_ACTION and reply["response_type"] == "ephemeral"
    assert all_rows(db) == before
    assert emulator.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    ("action", "value"),
    [
        (SHARE_ACTION, "subscribe"),
        (SHARE_ACTION, "watch ransomware"),
        (SHARE_ACTION, "unsubscribe"),
        (TIMELINE_ACTION, "subscribe"),
        (TIMELINE_ACTION, "watch ransomware"),
        (TIMELINE_ACTION, '{"topic": "ransomware", "page": "2"}'),
        (TIMELINE_ACTION, '{"topic": "ransomware", "page": 10e22}'),
        (TIMELINE_ACTION, '{"topic": "ransomware"}'),
    ],
)
def test_a_button_cannot_run_another_command(
    action: str, value: str, slack: SlackDriver, emulator: SlackEmulator, db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Share carries a question and More a page: a forged command is refused, not run."""
    before = all_rows(db)
    with caplog.at_level(logging.INFO):
        assert slack.click(action, value).status_code == 200
        assert refused_once(caplog, emulator, 1)["text"] == words.INVALID_ACTION
    assert all_rows(db) == before


@pytest.mark.parametrize(
    "fields",
    [
        {"user": None},
        {"user": {"id": 7}},
        {"channel": None},
        {"channel": ["C0SECUR01"]},
        {"actions": []},
        {"actions": [{"action_id": DETAILS_ACTION}]},
        {"container": {"is_ephemeral": "yes"}},
        {"team": "T0EMU0001"},
    ],
    ids=repr,
)
def test_missing_or_mistyped_fields_are_refused(
    fields: dict[str, Any], slack: SlackDriver, emulator: SlackEmulator, db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    before = all_rows(db)
    payload = click_payload(DETAILS_ACTION, "1", emulator.response_url("forged"), **fields)
    with caplog.at_level(logging.INFO):
        assert post_payload(slack, payload).status_code < 500
        wait_until(lambda: bool(warnings_of(caplog)))
    assert not tracebacks(caplog)
    assert all_rows(db) == before


def test_an_ask_click_without_a_trigger_is_one_line(
    slack: SlackDriver, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    payload = click_payload(ASK_ACTION, "ask", emulator.response_url("ask"), trigger_id=None)
    with caplog.at_level(logging.INFO):
        assert post_payload(slack, payload).status_code == 200
        wait_until(lambda: bool(warnings_of(caplog)))
    assert warnings_of(caplog) == [
        "Slack: refused an Ask click with an invalid payload (trigger_id: missing)"
    ]
    assert not tracebacks(caplog) and emulator.calls_to("views.open") == []


def test_more_keeps_its_page_for_a_topic_longer_than_a_button_value(
    slack: SlackDriver, emulator: SlackEmulator
) -> None:
    """The reproduction: a topic of over 2,000 characters used to lose "page 2" when the value was cut."""
    topic = " ".join(["ransomware"] * 200)  # 2,199 characters; search reads only its start
    slack.command(f"timeline {topic}")
    first = emulator.wait_for(RESPONSE_URL, 1)[-1].body
    [more] = [block["elements"][0] for block in first["blocks"] if block["type"] == "actions"]
    assert len(more["value"]) <= MAX_BUTTON_VALUE and json.loads(more["value"])["page"] == 2
    assert "hospital breach" in str(first["blocks"]) and "port operator" not in str(first["blocks"])
    slack.click(TIMELINE_ACTION, more["value"])
    second = emulator.wait_for(RESPONSE_URL, 2)[-1].body
    assert "port operator" in str(second["blocks"]) and "hospital breach" not in str(second["blocks"])
    assert "Items 2–2 of 2." in str(second["blocks"])
