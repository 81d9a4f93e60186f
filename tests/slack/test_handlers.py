"""The listeners as plain functions, without an App: a recording ack/respond and a real client
pointed at the emulator."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.slack.handlers import SlackHandlers, is_ignored
from digestbot.testing.slack_emulator import Failure, SlackEmulator
from tests.slack.support import ALICE, BOT_TOKEN, CHANNEL


class Recorder:
    """Stands in for Bolt's ack() and respond(): records each call's keyword arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append({"args": args, **kwargs})


def clicked(action_id: str, value: str) -> dict[str, Any]:
    """The ``actions`` of a block_actions body: one button clicked."""
    return {"actions": [{"type": "button", "action_id": action_id, "value": value}]}


def client(emulator: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=emulator.api_url)


def test_command_acks_first_then_answers_privately(conversations: Conversations) -> None:
    ack, respond = Recorder(), Recorder()
    command = {"text": "latest", "channel_id": CHANNEL, "user_id": ALICE}
    asyncio.run(SlackHandlers(conversations).on_command(ack, command, respond))  # type: ignore[arg-type]
    assert ack.calls == [{"args": ()}]
    (reply,) = respond.calls
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("Acme Corp’s Weekly Security Digest — 9 Jul 2024")


def test_share_refused_by_slack_says_so_privately(
    core: Digestbot, conversations: Conversations, emulator: SlackEmulator
) -> None:
    emulator.fail("chat.postMessage", Failure(status=200, error="channel_not_found", retry_after=None))
    ack, respond = Recorder(), Recorder()
    body = {"channel": {"id": "G0PRIVATE"}, "user": {"id": ALICE}, **clicked("digest_share", "ransomware")}
    handlers = SlackHandlers(conversations)
    asyncio.run(handlers.on_share(ack, body, client(emulator), respond))  # type: ignore[arg-type]
    (reply,) = respond.calls
    assert "can't post in this channel" in reply["text"]
    assert core.chat.thread("slack", "G0PRIVATE", "1700000000.000001") is None


def test_share_remembers_the_posted_thread_with_its_issue(
    core: Digestbot, conversations: Conversations, emulator: SlackEmulator
) -> None:
    ack, respond = Recorder(), Recorder()
    body = {"channel": {"id": CHANNEL}, "user": {"id": ALICE}, **clicked("digest_share", "ceasefire")}
    share = SlackHandlers(conversations).on_share
    asyncio.run(share(ack, body, client(emulator), respond))  # type: ignore[arg-type]
    (post,) = emulator.calls_to("chat.postMessage")
    thread = core.chat.thread("slack", CHANNEL, "1700000000.000001")
    assert thread is not None and thread.issue_date == dt.date(2024, 7, 9)
    assert respond.calls == [{"args": (), "delete_original": True}]
    assert post.body["channel"] == CHANNEL


def test_ignore_rules() -> None:
    assert is_ignored({"user": "UBOT", "text": "x"}, "UBOT")
    assert is_ignored({"user": "U1", "bot_id": "B1"}, "UBOT")
    assert is_ignored({"user": "U1", "subtype": "message_changed"}, "UBOT")
    assert is_ignored({"subtype": "message_deleted"}, "UBOT")
    assert not is_ignored({"user": "U1", "text": "hello"}, "UBOT")


def test_details_of_a_private_answer_come_privately(
    core: Digestbot, conversations: Conversations, emulator: SlackEmulator
) -> None:
    [hit] = core.ask("ceasefire talks Doha").hits
    ack, respond = Recorder(), Recorder()
    body = {
        "channel": {"id": CHANNEL},
        "user": {"id": ALICE},
        "container": {"is_ephemeral": True},
        **clicked("digest_details", str(hit.item_id)),
    }
    details = SlackHandlers(conversations).on_details
    asyncio.run(details(ack, body, client(emulator), respond))  # type: ignore[arg-type]
    (reply,) = respond.calls
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "Mediators expect" in str(reply["blocks"])  # the analysis, shown on demand
    assert emulator.calls_to("chat.postMessage") == []


def test_details_of_a_public_answer_go_in_its_thread(
    core: Digestbot, conversations: Conversations, emulator: SlackEmulator
) -> None:
    [hit] = core.ask("ceasefire talks Doha").hits
    body = {
        "channel": {"id": CHANNEL},
        "user": {"id": ALICE},
        "container": {"message_ts": "1700000000.000100", "is_ephemeral": False},
        "message": {"ts": "1700000000.000100"},
        **clicked("digest_details", str(hit.item_id)),
    }
    details = SlackHandlers(conversations).on_details
    asyncio.run(details(Recorder(), body, client(emulator), Recorder()))  # type: ignore[arg-type]
    (post,) = emulator.calls_to("chat.postMessage")
    assert post.body["thread_ts"] == "1700000000.000100"
    assert "Mediators expect" in str(post.body["blocks"])


def test_the_manifest_declares_what_the_bot_uses() -> None:
    manifest_text = (Path(__file__).parents[2] / "config" / "slack-manifest.yaml").read_text()
    manifest = yaml.safe_load(manifest_text)
    assert manifest["features"]["slash_commands"][0]["command"] == "/digest"
    assert set(manifest["oauth_config"]["scopes"]["bot"]) >= {
        "commands",
        "chat:write",
        "chat:write.public",
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
        "im:write",
        "reactions:write",
        "channels:read",
    }
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "# redirect_urls: [https://YOUR_HOST/slack/oauth_redirect]" in manifest_text
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
