"""The plain handlers, without an App or HTTP: one core call per message, errors never leak to the chat."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pytest

from digestbot.domain import Answer, Issue
from digestbot.errors import NotFoundError
from digestbot.store import ChatState, Database, Destination
from digestbot.teams import handlers
from digestbot.teams.handlers import Conversation, Message
from tests.teams.cards import texts

CHANNEL = Conversation(
    "19:abc@thread.tacv2;messageid=17", "channel", "https://smba.example/emea/", "tenant-1"
)


@dataclass
class ScriptedCore:
    """A core whose ask() returns or raises what the test says, recording each question."""

    chat: ChatState
    outcome: Answer | Exception = field(default_factory=lambda: Answer("q", "nothing"))
    questions: list[str] = field(default_factory=list)

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer:
        self.questions.append(question)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def latest(self) -> Issue | None:
        return None


@pytest.fixture
def core(tmp_path: object) -> ScriptedCore:
    return ScriptedCore(ChatState(Database("sqlite://")))


def reply_text(reply: dict[str, object] | None) -> str:
    assert reply is not None
    return "\n".join(texts(reply["attachments"][0]["content"]))  # type: ignore[index]


def test_an_unexpected_error_becomes_an_apology_without_its_text(
    core: ScriptedCore, caplog: pytest.LogCaptureFixture
) -> None:
    core.outcome = RuntimeError("database at /srv/secret.sqlite3 is locked")
    reply = handlers.on_message(core, Message(CHANNEL, "iran", mentioned=True))
    assert "secret" not in json.dumps(reply)
    assert reply_text(reply) == "Sorry, something went wrong on my side. Please try again in a minute."
    assert "secret.sqlite3" in caplog.text  # the traceback goes to the log


def test_a_domain_error_is_shown(core: ScriptedCore) -> None:
    core.outcome = NotFoundError("no issue dated 2031-03-18")
    reply = handlers.on_message(core, Message(CHANNEL, "the March 18 issue", mentioned=True))
    assert reply_text(reply) == "Sorry: no issue dated 2031-03-18"


def test_messages_not_addressed_to_the_bot_make_no_core_call(core: ScriptedCore) -> None:
    assert handlers.on_message(core, Message(CHANNEL, "iran", mentioned=False)) is None
    assert core.questions == []
    direct = Conversation("a:1xyz", "personal")
    assert handlers.on_message(core, Message(direct, "iran", mentioned=False)) is not None
    assert core.questions == ["iran"]


def test_an_empty_mention_is_help_and_latest_on_an_empty_archive(core: ScriptedCore) -> None:
    assert "@digestbot latest" in reply_text(
        handlers.on_message(core, Message(CHANNEL, "  ", mentioned=True))
    )
    latest = reply_text(handlers.on_message(core, Message(CHANNEL, "latest", mentioned=True)))
    assert latest == "The archive is empty: no issue has been ingested yet."


def test_a_channel_thread_subscribes_its_channel(core: ScriptedCore) -> None:
    handlers.on_message(core, Message(CHANNEL, "subscribe", mentioned=True, user="29:dana"))
    assert core.chat.destinations("teams") == [
        Destination(
            "teams", "19:abc@thread.tacv2", service_url="https://smba.example/emea/", tenant_id="tenant-1"
        )
    ]


def test_refresh_only_touches_subscribed_conversations(core: ScriptedCore) -> None:
    handlers.refresh_reference(core.chat, CHANNEL)
    assert core.chat.destinations("teams") == []
    handlers.on_installed(core.chat, Conversation("19:abc@thread.tacv2", "channel", "https://old.example/"))
    handlers.refresh_reference(core.chat, CHANNEL)
    [dest] = core.chat.destinations("teams")
    assert dest.service_url == "https://smba.example/emea/"
