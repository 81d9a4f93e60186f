"""A scripted session through real uvicorn: slash command, share, @mention, follow-up, DM, subscribe."""

from __future__ import annotations

import json
from typing import Any

from digestbot.core import Digestbot
from digestbot.domain import Destination
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from digestbot.testing.slack_requests import TEAM
from tests.slack.support import ALICE, CHANNEL, DM, SlackDriver, mention, message

BOT = "UBOTEMU01"
JUL_9_CYBER = (
    "<https://digest.example/2024-07-09|Weekly Security Digest, 9 Jul 2024 · Cyber / Defense Technology>"
)
JUL_2_CYBER = "Weekly Security Digest, 2 Jul 2024 · Cyber / Defense Technology"


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_slash_command_answers_privately_with_a_share_button(
    slack: SlackDriver, emulator: SlackEmulator
) -> None:
    response = slack.command("ransomware")
    assert response.status_code == 200
    (reply,) = emulator.wait_for(RESPONSE_URL)
    assert reply.body["response_type"] == "ephemeral"
    blocks = texts(reply.body["blocks"])
    assert JUL_9_CYBER in blocks and JUL_2_CYBER in blocks
    assert "&lt;https://evil.example|click&gt;" in blocks and "<https://evil.example" not in blocks
    assert reply.body["blocks"][-1]["elements"][0]["value"] == "ransomware"
    assert reply.body["text"]


def test_share_posts_the_answer_publicly_attributed(slack: SlackDriver, emulator: SlackEmulator) -> None:
    assert slack.click_share("ransomware").status_code == 200
    (post,) = emulator.wait_for("chat.postMessage")
    assert post.body["channel"] == CHANNEL and post.token == "xoxb-test-token"
    blocks = texts(post.body["blocks"])
    assert f"Shared by <@{ALICE}>" in blocks and JUL_9_CYBER in blocks
    assert "Share in channel" not in blocks
    (done,) = emulator.wait_for(RESPONSE_URL)
    assert done.body.get("delete_original") is True


def test_a_scripted_session(slack: SlackDriver, emulator: SlackEmulator, core: Digestbot) -> None:
    # @mention at top level: eyes, then an answer in a thread under the mention; the matching `message`
    # event (it contains the mention) is left to app_mention, so the bot answers once.
    slack.event(mention(f"<@{BOT}> french elections", "1700000100.000100"), "Ev01")
    slack.event(message(f"<@{BOT}> french elections", "1700000100.000100"), "Ev02")
    (eyes,) = emulator.wait_for("reactions.add")
    assert eyes.body | {"team_id": ""} == {
        "channel": CHANNEL,
        "timestamp": "1700000100.000100",
        "name": "eyes",
        "team_id": "",
    }
    (answer,) = emulator.wait_for("chat.postMessage")
    assert answer.body["thread_ts"] == "1700000100.000100"
    assert "Weekly Security Digest, 2 Jul 2024 · Elections" in texts(answer.body["blocks"])

    # A reply in that thread, no mention: a follow-up scoped to the thread's issue (2 Jul) first.
    slack.event(message("and ransomware?", "1700000101.000100", thread_ts="1700000100.000100"), "Ev03")
    follow_up = emulator.wait_for("chat.postMessage", 2)[1]
    assert follow_up.body["thread_ts"] == "1700000100.000100"
    assert JUL_2_CYBER in texts(follow_up.body["blocks"])
    assert "9 Jul 2024" not in texts(follow_up.body["blocks"])

    # A DM: answered in the DM, not threaded.
    slack.event(message("ceasefire", "1700000200.000100", channel=DM), "Ev04")
    dm = emulator.wait_for("chat.postMessage", 3)[2]
    assert dm.body["channel"] == DM and dm.body.get("thread_ts") is None
    dm_blocks = texts(dm.body["blocks"])
    assert "Doha &amp; Cairo &lt;!channel&gt;" in dm_blocks and "<!channel>" not in dm_blocks
    assert "U0MALLORY" not in dm_blocks  # the analysis is shown on demand ("Details"), not in the answer

    # Subscribe, status, unsubscribe for this channel (each reply awaited: they run concurrently).
    expected = {
        "subscribe": "Subscribed: new issues",
        "status": "This channel is subscribed",
        "unsubscribe": "Unsubscribed",
    }
    for n, (text, start) in enumerate(expected.items(), 1):
        slack.command(text)
        assert emulator.wait_for(RESPONSE_URL, n)[-1].body["text"].startswith(start)
        if text == "subscribe":
            # The subscription knows its workspace, whose token posts there when there are many.
            assert core.chat.destinations("slack") == [Destination("slack", CHANNEL, workspace=TEAM)]
    assert core.chat.destinations() == []
    assert len(emulator.calls_to("chat.postMessage")) == 3
    assert len(emulator.calls_to("auth.test")) == 1  # checked once, not per request
