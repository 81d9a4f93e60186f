"""The plain handlers, without an App or HTTP: one conversation call per message, errors never leak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digestbot.app import build_conversations
from digestbot.conversation import Conversations, Message
from digestbot.core import Digestbot
from digestbot.domain import Destination
from digestbot.errors import NotFoundError
from digestbot.teams import handlers
from tests.fakes import FailingLibrary
from tests.teams.cards import texts
from tests.teams.support import ISSUE_MAR_4, build_world_core

CHANNEL = Destination("teams", "19:abc@thread.tacv2", "https://smba.example/emea/", "tenant-1")


def channel_message(text: str, *, mentioned: bool = True) -> Message:
    return Message("teams", CHANNEL, "29:dana", text, thread="17", reply_thread="17", addressed=mentioned)


@pytest.fixture
def core(tmp_path: Path) -> Digestbot:
    return build_world_core(tmp_path, ISSUE_MAR_4)


def reply_text(reply: dict[str, object] | None) -> str:
    assert reply is not None
    return "\n".join(texts(reply["attachments"][0]["content"]))  # type: ignore[index]


def test_an_unexpected_error_becomes_an_apology_without_its_text(
    core: Digestbot, caplog: pytest.LogCaptureFixture
) -> None:
    failing = FailingLibrary(core, RuntimeError("database at /srv/secret.sqlite3 is locked"))
    reply = handlers.on_message(Conversations(failing, core.chat), channel_message("iran"))
    assert "secret" not in json.dumps(reply)
    assert reply_text(reply) == "Sorry, something went wrong on my side. Please try again in a minute."
    assert "secret.sqlite3" in caplog.text  # the traceback goes to the log


def test_a_domain_error_is_shown(core: Digestbot) -> None:
    failing = FailingLibrary(core, NotFoundError("no issue dated 2031-03-18"))
    reply = handlers.on_message(Conversations(failing, core.chat), channel_message("the March 18 issue"))
    assert reply_text(reply) == "Sorry: no issue dated 2031-03-18"


def test_messages_not_addressed_to_the_bot_get_no_reply(core: Digestbot) -> None:
    conversations = build_conversations(core)
    assert handlers.on_message(conversations, channel_message("ransomware", mentioned=False)) is None
    direct = Message("teams", Destination("teams", "a:1xyz"), "29:dana", "ransomware")
    assert "Eastport" in reply_text(handlers.on_message(conversations, direct))


def test_an_empty_mention_is_help(core: Digestbot) -> None:
    assert "@digestbot latest" in reply_text(
        handlers.on_message(build_conversations(core), channel_message("  "))
    )


def test_latest_on_an_empty_archive(tmp_path: Path) -> None:
    conversations = build_conversations(build_world_core(tmp_path))
    latest = reply_text(handlers.on_message(conversations, channel_message("latest")))
    assert latest == "The archive is empty: no issue has been ingested yet."


def test_a_channel_thread_subscribes_its_channel(core: Digestbot) -> None:
    handlers.on_message(build_conversations(core), channel_message("subscribe"))
    assert core.chat.destinations("teams") == [CHANNEL]


def test_refresh_only_touches_subscribed_conversations(core: Digestbot) -> None:
    conversations = build_conversations(core)
    conversations.refresh_reference(CHANNEL)
    assert core.chat.destinations("teams") == []
    handlers.on_installed(conversations, Destination("teams", CHANNEL.channel_id, "https://old.example/"))
    conversations.refresh_reference(CHANNEL)
    [dest] = core.chat.destinations("teams")
    assert dest.service_url == "https://smba.example/emea/"
