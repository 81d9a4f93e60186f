"""The fake Slack Web API itself: every method the bot uses, recording, and injected failures."""

from __future__ import annotations

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from digestbot.testing.slack_emulator import RESPONSE_URL, Failure, SlackEmulator


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


def test_an_install_gives_each_workspace_its_own_token(emulator: SlackEmulator) -> None:
    north = emulator.add_workspace("T0NORTH01", "Northwind Risk")
    emulator.add_workspace("T0SOUTH02", "Southmere Ports")
    web = WebClient(base_url=emulator.api_url)
    approve = httpx.get(
        f"{emulator.base_url}/oauth/v2/authorize",
        params={"client_id": emulator.client_id, "state": "s1", "team": north.team_id,
                "redirect_uri": "https://bot.example/slack/oauth_redirect"},
    )  # fmt: skip
    assert approve.status_code == 302
    back = httpx.URL(approve.headers["location"])
    assert (back.host, back.path, back.params["state"]) == ("bot.example", "/slack/oauth_redirect", "s1")
    with pytest.raises(SlackApiError, match="invalid_client"):
        web.oauth_v2_access(client_id=emulator.client_id, client_secret="wrong", code=back.params["code"])
    granted = web.oauth_v2_access(
        client_id=emulator.client_id, client_secret=emulator.client_secret, code=back.params["code"]
    )
    assert granted["team"] == {"id": "T0NORTH01", "name": "Northwind Risk"}
    assert granted["bot_user_id"] == north.bot_user_id and "refresh_token" not in granted
    token = granted["access_token"]
    assert WebClient(token=token, base_url=emulator.api_url).auth_test()["team_id"] == "T0NORTH01"
    assert client(emulator).auth_test()["team_id"] == "T0EMU0001"  # a token not issued here
    with pytest.raises(SlackApiError, match="invalid_code"):  # a code is good once
        web.oauth_v2_access(
            client_id=emulator.client_id, client_secret=emulator.client_secret, code=back.params["code"]
        )
    emulator.uninstall("T0NORTH01")
    with pytest.raises(SlackApiError, match="token_revoked"):
        WebClient(token=token, base_url=emulator.api_url).chat_postMessage(channel="C1", text="x")


def test_rotating_tokens_expire_and_a_refresh_token_is_good_once() -> None:
    with SlackEmulator(token_lifetime=3600) as emulator:
        emulator.add_workspace("T0NORTH01", "Northwind Risk")
        query = {"client_id": emulator.client_id, "state": "s", "redirect_uri": "https://bot.example/back"}
        code = httpx.URL(
            httpx.get(f"{emulator.base_url}/oauth/v2/authorize", params=query).headers["location"]
        ).params["code"]  # the only workspace: no ?team= needed
        web = WebClient(base_url=emulator.api_url)
        secret = emulator.client_secret
        first = web.oauth_v2_access(client_id=emulator.client_id, client_secret=secret, code=code)
        assert first["expires_in"] == 3600 and first["refresh_token"].startswith("xoxe-")
        refresh = {"client_id": emulator.client_id, "client_secret": secret, "grant_type": "refresh_token"}
        second = web.oauth_v2_access(**refresh, refresh_token=first["refresh_token"])
        assert second["access_token"] != first["access_token"]
        with pytest.raises(SlackApiError, match="invalid_refresh_token"):
            web.oauth_v2_access(**refresh, refresh_token=first["refresh_token"])
        emulator.installs.grants[second["access_token"]].expires_at = 0.0  # as if 12 hours went by
        with pytest.raises(SlackApiError, match="token_expired"):
            WebClient(token=second["access_token"], base_url=emulator.api_url).auth_test()
