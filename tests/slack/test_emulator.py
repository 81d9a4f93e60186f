"""The fake Slack Web API itself: every method the bot uses, recording, and injected failures."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from digestbot.slack.emulator import RESPONSE_URL, Failure, SlackEmulator


def client(emulator: SlackEmulator) -> WebClient:
    return WebClient(token="xoxb-emulated", base_url=emulator.api_url)


def test_methods_answer_like_slack_and_are_recorded(emulator: SlackEmulator) -> None:
    web = client(emulator)
    assert web.auth_test()["user_id"] == emulator.bot_user_id
    posted = web.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    web.chat_postMessage(channel="C1", text="reply", thread_ts=posted["ts"])
    assert web.chat_update(channel="C1", ts=posted["ts"], text="edited")["ts"] == posted["ts"]
    assert web.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    assert web.reactions_add(channel="C1", timestamp=posted["ts"], name="eyes")["ok"]
    replies = web.conversations_replies(channel="C1", ts=posted["ts"])["messages"]
    assert [message["text"] for message in replies] == ["reply"]
    with pytest.raises(SlackApiError, match="unknown_method"):
        web.api_call("nope.never")
    (first, *_) = emulator.calls_to("chat.postMessage")
    assert first.token == "xoxb-emulated" and first.body["blocks"] == [{"type": "divider"}]


def test_response_urls_are_recorded(emulator: SlackEmulator) -> None:
    response = WebhookClient(emulator.response_url("abc")).send(text="private", response_type="ephemeral")
    assert response.status_code == 200
    (call,) = emulator.wait_for(RESPONSE_URL)
    assert call.path == "/response/abc" and call.body["text"] == "private"


def test_injected_rate_limit_and_server_error(emulator: SlackEmulator) -> None:
    emulator.fail("chat.postMessage", Failure(status=429, retry_after=7, times=2))
    web = client(emulator)
    for _ in range(2):
        with pytest.raises(SlackApiError) as limited:
            web.chat_postMessage(channel="C1", text="x")
        assert limited.value.response.status_code == 429
        assert limited.value.response.headers["Retry-After"] == "7"
    assert web.chat_postMessage(channel="C1", text="x")["ok"]
    emulator.fail("reactions.add", Failure(status=500, error="fatal_error", retry_after=None))
    with pytest.raises(SlackApiError):
        web.reactions_add(channel="C1", timestamp="1.2", name="eyes")
    assert len(emulator.calls_to("chat.postMessage")) == 3
