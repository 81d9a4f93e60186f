"""Watch notices through the real core (store, index, search, answers) and an in-memory messenger: a new
issue about a watched topic is sent once, whatever restarts, crashes, failures or replicas come between;
issues from before the watch never are; issues ingested while the bot was down are caught up, once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from digestbot.app import build_conversations
from digestbot.conversation import Failed, Message, Watched
from digestbot.core import Digestbot
from digestbot.delivery.delivery import PostError
from digestbot.domain import Destination, Issue, Item, Section
from tests.fake_messenger import MemoryMessenger
from tests.fake_publisher import Crash
from tests.fakes import fake_core, fake_settings
from tests.slack.support import ISSUES

ALICE, BOB = "U0ALICE01", "U0BOB0001"


def issue(day: dt.date, *texts: str) -> Issue:
    items = tuple(Item(text) for text in texts)
    return Issue(
        date=day, title="Weekly Security Digest", sections=(Section("Cyber / Defense Technology", items),)
    )


JUL_16 = issue(
    dt.date(2024, 7, 16),
    "Ransomware crew Glasswing extorted a Veloria shipping firm.",
    "Drassk held naval drills near the border.",
)
JUL_23 = issue(
    dt.date(2024, 7, 23), "Veloria's parliament passed a budget.", "Drassk recalled its ambassador."
)
JUL_30 = issue(dt.date(2024, 7, 30), "A ransomware attack shut Drassk's largest hospital for a week.")


class World:
    """The bot's data directory, and a core over it per process start (a restart builds another)."""

    def __init__(self, tmp_path: Path, messenger: MemoryMessenger, **settings: Any) -> None:
        self.settings = fake_settings(data_dir=tmp_path / "data", **settings)
        self.messenger = messenger
        self.core = self.start(ISSUES)

    def start(self, issues: tuple[Issue, ...] = ()) -> Digestbot:
        return fake_core(self.settings, issues, messengers=[self.messenger])

    def say(self, user: str, text: str) -> Any:
        place = Destination("slack", f"D{user[1:]}")
        return build_conversations(self.core).handle(Message("slack", place, user, text, direct=True))

    def ingest(self, *issues: Issue) -> None:
        """A new issue arrives (by a poll, or ``digestbot ingest`` in another process)."""
        for new in issues:
            self.core.archive.save_issue(new, source=f"{new.date}.txt")

    def restart(self) -> None:
        self.core.archive.db.close()
        self.core = self.start()


@pytest.fixture
def messenger() -> MemoryMessenger:
    return MemoryMessenger()


@pytest.fixture
def world(tmp_path: Path, messenger: MemoryMessenger) -> World:
    return World(tmp_path, messenger)


def test_a_new_issue_about_a_watched_topic_is_sent_once_and_a_restart_sends_nothing_more(
    world: World,
) -> None:
    assert isinstance(world.say(ALICE, "watch ransomware"), Watched)
    assert world.core.notify_watches().sent == []  # the issues from before the watch are not news
    world.ingest(JUL_16)
    [notice] = world.core.notify_watches().sent
    assert notice.issue_date == JUL_16.date and notice.watch.recipient.user_id == ALICE
    assert [item.hit.text for item in notice.items] == [JUL_16.sections[0].items[0].text]  # not the drills
    assert world.core.notify_watches().sent == []
    world.restart()
    assert world.core.notify_watches().sent == []
    assert world.messenger.inboxes == {ALICE: [notice.key]}


def test_an_issue_not_about_the_topic_sends_nothing_and_is_not_matched_again(world: World) -> None:
    world.say(ALICE, "watch ransomware")
    world.ingest(JUL_23)
    report = world.core.notify_watches()
    assert (report.sent, [day for _, day in report.unmatched]) == ([], [JUL_23.date])
    assert world.core.notify_watches().unmatched == []
    assert world.messenger.sent() == 0


def test_issues_ingested_while_the_bot_was_down_are_each_sent_once_on_the_catch_up(world: World) -> None:
    world.say(ALICE, "watch ransomware")
    world.say(BOB, "watch Drassk")
    world.core.archive.db.close()  # the bot is down; another process ingests three issues
    other = world.start()
    world.core = other
    world.ingest(JUL_16, JUL_23, JUL_30)
    other.archive.db.close()
    world.core = world.start()  # the bot starts again: the catch-up run
    report = world.core.notify_watches()
    sent = sorted((notice.watch.recipient.user_id, notice.issue_date.isoformat()) for notice in report.sent)
    assert sent == [
        (ALICE, "2024-07-16"),
        (ALICE, "2024-07-30"),
        (BOB, "2024-07-16"),
        (BOB, "2024-07-23"),
        (BOB, "2024-07-30"),
    ]
    assert world.core.notify_watches().sent == []


def test_a_watch_begun_on_an_empty_archive_starts_with_the_newest_issue(tmp_path: Path) -> None:
    world = World(tmp_path, MemoryMessenger())
    empty = fake_core(fake_settings(data_dir=tmp_path / "empty"), messengers=[world.messenger])
    world.core = empty
    world.say(ALICE, "watch ransomware")
    world.ingest(*ISSUES, JUL_16)  # a whole archive arrives at once: only its newest issue is news
    assert [notice.issue_date for notice in empty.notify_watches().sent] == [JUL_16.date]
    world.ingest(JUL_23, JUL_30)
    assert [notice.issue_date for notice in empty.notify_watches().sent] == [JUL_30.date]


def test_an_unwatched_topic_gets_nothing(world: World) -> None:
    world.say(ALICE, "watch ransomware")
    world.say(ALICE, "unwatch Ransomware")
    world.ingest(JUL_16)
    assert world.core.notify_watches().sent == [] and world.messenger.sent() == 0


def test_a_crash_after_sending_is_found_on_the_platform_not_sent_again(tmp_path: Path) -> None:
    world = World(tmp_path, MemoryMessenger(crash_after_send=True), delivery_lease_seconds=1)
    world.say(ALICE, "watch ransomware")
    world.ingest(JUL_16)
    with pytest.raises(Crash):
        world.core.notify_watches()
    world.messenger.crash_after_send = False
    world.restart()
    assert world.core.notify_watches().busy != []  # the dead process's lease is still running
    time.sleep(1.2)
    report = world.core.notify_watches()
    assert (len(report.found), report.sent, world.messenger.sent()) == (1, [], 1)


def test_where_the_platform_cannot_look_a_notice_in_doubt_is_not_sent_again(tmp_path: Path) -> None:
    world = World(tmp_path, MemoryMessenger(can_look=False, crash_after_send=True), delivery_lease_seconds=1)
    world.say(ALICE, "watch ransomware")
    world.ingest(JUL_16)
    with pytest.raises(Crash):
        world.core.notify_watches()
    world.messenger.crash_after_send = False
    world.restart()
    time.sleep(1.2)
    report = world.core.notify_watches()
    assert (len(report.unconfirmed), report.sent, world.messenger.lookups) == (1, [], 0)
    assert world.core.notify_watches().unconfirmed == [] and world.messenger.sent() == 1


def test_a_certain_failure_is_tried_again_next_run_and_an_uncertain_one_is_looked_for(world: World) -> None:
    world.say(ALICE, "watch ransomware")
    world.ingest(JUL_16)
    world.messenger.fail_with = PostError("Slack refused the direct message: ratelimited", certain=True)
    assert len(world.core.notify_watches().failed) == 1
    world.messenger.fail_with = PostError("Slack did not answer: ReadTimeout", certain=False)
    assert len(world.core.notify_watches().failed) == 1
    world.messenger.fail_with = None
    report = world.core.notify_watches()  # in doubt: looked for first, not there, so sent
    assert (len(report.sent), world.messenger.lookups, world.messenger.sent()) == (1, 1, 1)


def test_a_user_who_cannot_be_messaged_is_skipped_once(world: World) -> None:
    world.messenger.unreachable.add(ALICE)
    world.say(ALICE, "watch ransomware")
    world.ingest(JUL_16)
    assert len(world.core.notify_watches().unreachable) == 1
    assert world.core.notify_watches().unreachable == []  # old news by the time they can be reached


def test_replicas_notifying_at_once_send_each_notice_once(tmp_path: Path) -> None:
    world = World(tmp_path, MemoryMessenger())
    for user in (ALICE, BOB, "U0CAROL01", "U0DAVE001"):
        world.say(user, "watch ransomware")
    world.ingest(JUL_16, JUL_30)
    replicas = [world.start() for _ in range(3)]
    start = threading.Barrier(len(replicas))

    def notify(core: Digestbot) -> None:
        start.wait()
        core.notify_watches()

    threads = [threading.Thread(target=notify, args=(core,)) for core in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert world.messenger.sent() == 4 * 2
    assert all(len(set(inbox)) == len(inbox) == 2 for inbox in world.messenger.inboxes.values())


@pytest.mark.parametrize("topic", ["????", "🙂🙂", "\u200b\u200b", "\u202e\u202c"])
def test_a_watch_on_no_words_is_refused_with_one_line(world: World, topic: str) -> None:
    outcome = world.say("U1", f"watch {topic}")
    assert isinstance(outcome, Failed) and outcome.reason is not None and "\n" not in outcome.reason
    world.ingest(JUL_30)
    world.core.notify_watches()
    assert world.messenger.sent() == 0


@pytest.mark.parametrize("question", ["????", "🙂🙂", "\u200b\u200b", "\u202e\u202c", "…!?"])
def test_a_question_with_no_words_finds_nothing(world: World, question: str) -> None:
    assert not world.core.ask(question).found
