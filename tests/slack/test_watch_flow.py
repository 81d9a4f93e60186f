"""Watches, timelines and the App Home over the real Slack app (signed requests, the ASGI server) and the
local Slack emulator: ``/digest watch`` then a new issue sends one DM, a restart sends nothing more, an
issue ingested while the bot was down is sent on the catch-up run once; the Home tab shows the newest
issue and the user's watches, its "Remove" and "Ask" work, and it is refreshed when a new issue arrives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from typer.testing import CliRunner

from digestbot.app import build_conversations
from digestbot.cli import build_cli
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.edge import platforms
from digestbot.edge.scheduler import Cycle, run_cycle
from digestbot.render.slack_home import ASK_ACTION, ASK_VIEW, QUESTION_BLOCK, QUESTION_INPUT
from digestbot.render.slack_story import TIMELINE_ACTION, UNWATCH_ACTION
from digestbot.settings import Settings
from digestbot.slack.messenger import NOTICE_EVENT
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.fakes import fake_core, fake_settings
from tests.slack.support import ALICE, ISSUE_JUL_9, SlackDriver

BOB = "U0BOB0001"
JUL_16 = """Weekly Security Digest - July 16, 2024

Global Security Matters

Cyber / Defense Technology

  • Ransomware crew Glasswing extorted a Veloria shipping firm, leaking its crew manifests.
    • Expect copycat extortion of regional ports.

Atmosphere of Protest

  • Dockworkers in the port of Tirel walked out over a new shift system.
"""


@pytest.fixture
def conversations(core: Digestbot) -> Conversations:
    """The conversation core with one timeline item per page, so "More" has pages to show."""
    return build_conversations(core, fake_settings(timeline_page_items=1))


def command(slack: SlackDriver, emulator: SlackEmulator, text: str, *, user: str = ALICE) -> str:
    """``/digest text`` and the text of its private reply."""
    expected = len(emulator.calls_to(RESPONSE_URL)) + 1
    slack.command(text, user=user)
    reply = emulator.wait_for(RESPONSE_URL, expected)[-1]
    return " ".join([reply.body.get("text", ""), str(reply.body.get("blocks", ""))])


def dms(emulator: SlackEmulator, user: str = ALICE) -> list[dict[str, Any]]:
    """The watch notices in a user's direct-message channel."""
    posted = emulator.messages(emulator.dm_channel(user))
    return [m for m in posted if (m.get("metadata") or {}).get("event_type") == NOTICE_EVENT]


def restarted(settings: Settings) -> Digestbot:
    """A fresh process's core over the same data, with Slack's messenger, as ``serve`` builds it."""
    return fake_core(settings, messengers=platforms.messengers(settings))


def ingest_jul_16(core: Digestbot, tmp_path: Path) -> None:
    path = tmp_path / "2024-07-16.txt"
    path.write_text(JUL_16, encoding="utf-8")
    assert not core.ingest([str(path)]).failed


def test_watch_then_a_new_issue_sends_one_dm_and_a_restart_sends_nothing_more(
    slack: SlackDriver, emulator: SlackEmulator, settings: Settings, core: Digestbot, tmp_path: Path
) -> None:
    assert "Watching “ransomware”" in command(slack, emulator, "watch ransomware")
    assert "already watch" in command(slack, emulator, "watch Ransomware")
    for messenger in platforms.messengers(settings):
        core.attach_messenger(messenger)
    run_cycle(core, settings)
    assert dms(emulator) == []  # the archive's issues are from before the watch
    ingest_jul_16(core, tmp_path)
    run_cycle(core, settings)
    [dm] = dms(emulator)
    assert dm["text"] == "New in the 16 Jul 2024 issue about “ransomware”: 1 item"
    assert [call.body["users"] for call in emulator.calls_to("conversations.open")] == [ALICE]
    [post] = [call for call in emulator.calls_to("chat.postMessage") if call.body["channel"] == "D0ALICE01"]
    assert "Weekly Security Digest, 16 Jul 2024 · Cyber / Defense Technology" in str(post.body["blocks"])
    assert "Dockworkers" not in str(post.body["blocks"])  # only the items about the topic
    again = restarted(settings)
    run_cycle(again, settings)
    assert len(dms(emulator)) == 1 and dms(emulator, BOB) == []


def test_an_issue_ingested_while_the_bot_was_down_is_sent_on_the_catch_up_run_once(
    slack: SlackDriver, emulator: SlackEmulator, settings: Settings, core: Digestbot, tmp_path: Path
) -> None:
    command(slack, emulator, "watch ransomware")
    core.archive.db.close()  # the bot stops; `digestbot ingest` runs meanwhile
    path = tmp_path / "2024-07-16.txt"
    path.write_text(JUL_16, encoding="utf-8")
    cli = build_cli(lambda loaded: fake_core(loaded))
    result = CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert dms(emulator) == []  # nobody was told: the bot was down
    started = restarted(settings)
    catch_up = Cycle(started, settings, BackgroundScheduler())  # the job `serve` runs once at start-up
    catch_up()
    assert len(dms(emulator)) == 1
    catch_up()
    Cycle(restarted(settings), settings, BackgroundScheduler())()
    assert len(dms(emulator)) == 1


def test_opening_app_home_shows_the_latest_issue_and_the_users_watches(
    slack: SlackDriver, emulator: SlackEmulator, core: Digestbot
) -> None:
    command(slack, emulator, "watch ransomware")
    command(slack, emulator, "watch Kestrel Dynamics")
    command(slack, emulator, "subscribe")
    command(slack, emulator, "watch wipers", user=BOB)
    assert slack.event(slack_requests.home_opened(ALICE), "EvHome1").status_code == 200
    [publish] = emulator.wait_for("views.publish")
    assert publish.body["user_id"] == ALICE
    home = str(emulator.views[ALICE])
    assert ISSUE_JUL_9.title in home and "9 Jul 2024" in home and "Cyber / Defense Technology (1)" in home
    assert "• ransomware" in home and "• Kestrel Dynamics" in home and "wipers" not in home
    assert "<#C0SECUR01>" in home and "digest_home_ask" in home


def test_remove_on_the_home_tab_unwatches_and_publishes_it_again(
    slack: SlackDriver, emulator: SlackEmulator, core: Digestbot
) -> None:
    command(slack, emulator, "watch ransomware")
    command(slack, emulator, "watch Kestrel Dynamics")
    assert core.watches is not None
    [watch] = [w for w in core.watches.of("slack", ALICE) if w.topic == "ransomware"]
    slack.event(slack_requests.home_opened(ALICE), "EvHome2")
    emulator.wait_for("views.publish", 1)
    assert slack.click(UNWATCH_ACTION, str(watch.id), user=BOB, home=True).status_code == 200
    emulator.wait_for("views.publish", 2)  # Bob's own home again: Alice's watch is not his to remove
    assert "ransomware" in str(emulator.views[ALICE])
    slack.click(UNWATCH_ACTION, str(watch.id), home=True)
    emulator.wait_for("views.publish", 3)
    assert "ransomware" not in str(emulator.views[ALICE]) and "Kestrel Dynamics" in str(emulator.views[ALICE])


def test_remove_under_the_watches_list_replies_privately(slack: SlackDriver, emulator: SlackEmulator) -> None:
    command(slack, emulator, "watch ransomware")
    listed = command(slack, emulator, "watches")
    assert "digest_unwatch" in listed
    watch_id = listed.split("'action_id': 'digest_unwatch'")[1].split("'value': '")[1].split("'")[0]
    slack.click(UNWATCH_ACTION, watch_id)
    reply = emulator.wait_for(RESPONSE_URL, 3)[-1]
    assert reply.body["text"] == "No longer watching “ransomware”."
    assert "You watch nothing yet" in command(slack, emulator, "watches")


def test_ask_on_the_home_tab_opens_a_modal_whose_answer_comes_as_a_dm(
    slack: SlackDriver, emulator: SlackEmulator
) -> None:
    slack.click(ASK_ACTION, "ask", home=True)
    [opened] = emulator.wait_for("views.open")
    assert opened.body["trigger_id"] == "1.2.3" and ASK_VIEW in str(opened.body["view"])
    response = slack.submit(ASK_VIEW, {QUESTION_BLOCK: {QUESTION_INPUT: "ceasefire talks"}})
    assert response.status_code == 200 and response.text == ""  # acked: the modal closes
    [answer] = emulator.wait_for("chat.postMessage")
    assert answer.body["channel"] == emulator.dm_channel(ALICE)
    assert "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza" in str(answer.body["blocks"])


def test_homes_are_refreshed_once_when_a_new_issue_arrives(
    slack: SlackDriver,
    emulator: SlackEmulator,
    settings: Settings,
    core: Digestbot,
    conversations: Conversations,
    tmp_path: Path,
) -> None:
    slack.event(slack_requests.home_opened(ALICE), "EvHome3")
    emulator.wait_for("views.publish", 1)
    boards = platforms.home_boards(settings, core, conversations)
    run_cycle(core, settings, boards)  # the start-up catch-up: the newest issue is the one shown already
    before = len(emulator.calls_to("views.publish"))
    ingest_jul_16(core, tmp_path)
    run_cycle(core, settings, boards)
    assert len(emulator.calls_to("views.publish")) == before + 1
    assert "16 Jul 2024" in str(emulator.views[ALICE])
    run_cycle(core, settings, boards)
    assert len(emulator.calls_to("views.publish")) == before + 1


def test_more_under_a_timeline_shows_its_next_page(slack: SlackDriver, emulator: SlackEmulator) -> None:
    slack.command("timeline ransomware")
    first = emulator.wait_for(RESPONSE_URL, 1)[-1].body
    assert first["text"] == "Ransomware: 2 items, 2 Jul 2024 – 9 Jul 2024"
    assert "hospital breach" in str(first["blocks"]) and "port operator" not in str(first["blocks"])
    [more] = [block["elements"][0] for block in first["blocks"] if block["type"] == "actions"]
    assert more["action_id"] == TIMELINE_ACTION
    assert json.loads(more["value"]) == {"topic": "ransomware", "page": 2}
    slack.click(TIMELINE_ACTION, more["value"])
    second = emulator.wait_for(RESPONSE_URL, 2)[-1].body
    assert "port operator" in str(second["blocks"]) and "hospital breach" not in str(second["blocks"])
    assert not [block for block in second["blocks"] if block["type"] == "actions"]  # the last page
