"""Which messages get an answer, and how often: the bot's own, other bots', edits and redeliveries."""

from __future__ import annotations

import logging

import pytest

from digestbot.core import Digestbot
from digestbot.telemetry.logs import configure_logging
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.slack.support import CHANNEL, DM, SlackDriver, message

BOT = "UBOTEMU01"
THREAD = "1700000000.000500"


def answered_channels(emulator: SlackEmulator) -> list[str]:
    return [call.body["channel"] for call in emulator.calls_to("chat.postMessage")]


def control(slack: SlackDriver, emulator: SlackEmulator, expected_posts: int) -> None:
    """A DM that is answered: once its answer is in, the events sent before it have been handled too."""
    slack.event(message("ransomware", "1700000900.000100", channel=DM), "EvControl")
    emulator.wait_for("chat.postMessage", expected_posts)


def test_own_bot_and_edited_messages_get_no_answer(
    slack: SlackDriver, emulator: SlackEmulator, core: Digestbot
) -> None:
    core.chat.remember_thread("slack", CHANNEL, THREAD, None)
    ignored = [
        message("ransomware", "1700000001.000100", user=BOT, thread_ts=THREAD),
        message("ransomware", "1700000002.000100", bot_id="B0OTHER01", thread_ts=THREAD),
        message("ransomware", "1700000003.000100", subtype="message_changed", thread_ts=THREAD),
        message("ransomware", "1700000004.000100", subtype="channel_join", channel=DM),
        message("ransomware", "1700000005.000100"),  # top-level channel chatter
        message("ransomware", "1700000006.000100", thread_ts="1600000000.000001"),  # not the bot's thread
    ]
    for n, event in enumerate(ignored):
        assert slack.event(event, f"EvIgnored{n}").status_code == 200
    control(slack, emulator, 1)
    assert answered_channels(emulator) == [DM]
    assert len(emulator.calls_to("reactions.add")) == 1


def test_a_redelivered_event_is_answered_once(slack: SlackDriver, emulator: SlackEmulator) -> None:
    event = message("ceasefire", "1700000010.000100", channel=DM)
    assert slack.event(event, "EvOnce").status_code == 200
    assert slack.event(event, "EvOnce", retry=1).status_code == 200
    assert slack.event(event, "EvOnce", retry=2).status_code == 200
    control(slack, emulator, 2)
    assert answered_channels(emulator) == [DM, DM]


def test_a_reply_in_a_bot_thread_is_a_follow_up(
    slack: SlackDriver, emulator: SlackEmulator, core: Digestbot
) -> None:
    core.chat.remember_thread("slack", CHANNEL, THREAD, None)
    slack.event(message("ceasefire", "1700000020.000100", thread_ts=THREAD), "EvFollow")
    (post,) = emulator.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL and post.body["thread_ts"] == THREAD


def test_rate_limits_and_server_errors_are_retried(slack: SlackDriver, emulator: SlackEmulator) -> None:
    emulator.fail("chat.postMessage", Failure(status=429, retry_after=0))
    slack.event(message("ceasefire", "1700000030.000100", channel=DM), "EvLimited")
    limited = emulator.wait_for("chat.postMessage", 2)
    assert [call.body["channel"] for call in limited] == [DM, DM]

    emulator.fail("chat.postMessage", Failure(status=500, error="internal_error", retry_after=None))
    slack.event(message("ceasefire", "1700000031.000100", channel=DM), "EvBroken")
    assert len(emulator.wait_for("chat.postMessage", 4)) == 4


def test_a_refused_post_is_logged_not_raised(
    slack: SlackDriver, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.fail("chat.postMessage", Failure(status=200, error="not_in_channel", retry_after=None))
    emulator.fail("reactions.add", Failure(status=200, error="missing_scope", retry_after=None))
    with caplog.at_level(logging.WARNING, logger="digestbot.slack"):
        slack.event(message("ceasefire", "1700000040.000100", channel=DM), "EvRefused")
        emulator.wait_for("chat.postMessage")
        control(slack, emulator, 2)  # the bot still answers the next message
    ours = [record for record in caplog.records if record.name.startswith("digestbot.slack")]
    assert [(record.levelname, record.getMessage()) for record in ours] == [
        ("WARNING", "Slack: reactions.add failed: missing_scope"),
        ("ERROR", f"Slack: chat.postMessage to {DM} failed: not_in_channel"),
    ]
    assert all(record.exc_info is None for record in ours)  # one line each, no traceback


def test_handling_a_request_leaves_digestbots_log_level_alone(
    slack: SlackDriver, emulator: SlackEmulator
) -> None:
    """Bolt resets its app logger to the root logger's level on each request: it must not be digestbot's
    (a replica would stop logging its INFO lines, "index rebuilt" among them, after its first event)."""
    configure_logging()
    assert slack.event(message("ceasefire", "1700000000.000900", channel=DM), "EvLevel1").status_code == 200
    emulator.wait_for("chat.postMessage")
    assert logging.getLogger("digestbot").level == logging.INFO
    assert logging.getLogger("digestbot.search.loader").isEnabledFor(logging.INFO)
