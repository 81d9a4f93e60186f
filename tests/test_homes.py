"""Home refreshes through the outbox (issue 18, item 6), over the real core and an in-memory home sender,
on SQLite and PostgreSQL: after a new issue each viewer's home is published once, composed for the
viewer's own workspace; a repeat run publishes nothing; a failed publish is tried again at the next run;
one left in doubt (its process died while publishing) is published again, at least once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from digestbot.app import build_home_refresher
from digestbot.conversation import ChatRules, Conversations, Home
from digestbot.core import Digestbot
from digestbot.delivery.delivery import PostError
from digestbot.delivery.homes import HomeRefresher, home_address
from digestbot.delivery.outbox import WHEN_BLIND, Guarantee
from digestbot.domain import Destination, Issue, Item, Section
from digestbot.store.models import Kind, SendState, utcnow
from digestbot.store.outbox import Outbox
from tests.fake_home import MemoryHomeSender
from tests.fake_publisher import Crash, MemoryPublisher
from tests.fakes import fake_core, fake_settings

NORTH, SOUTH = "T0NORTH01", "T0SOUTH02"
CHANNELS = {NORTH: "C0NORTH01", SOUTH: "C0SOUTH02"}
VIEWERS = {NORTH: "U0NORTHV1", SOUTH: "U0SOUTHV1"}
JUN_3, JUN_10 = dt.date(2031, 6, 3), dt.date(2031, 6, 10)


def issue(day: dt.date, text: str) -> Issue:
    return Issue(day, "Weekly Security Digest", (Section("Cyber / Defense Technology", (Item(text),)),))


@dataclass
class Rig:
    """A core whose issue was posted in one channel of each of two workspaces, a viewer of each
    workspace's home, and the home sender."""

    core: Digestbot
    conversations: Conversations
    sender: MemoryHomeSender

    def refresher(self, holder: str = "replica-a", later: dt.timedelta | None = None) -> HomeRefresher:
        """A refresher as a process holding ``holder`` builds it (``later``: its clock runs that far
        ahead, past the leases of a process that died)."""
        clock = utcnow if later is None else (lambda: utcnow() + later)
        outbox = Outbox(self.core.archive.db, holder=holder, clock=clock)
        compose = self.conversations.compose_home
        return HomeRefresher(self.core.chat, outbox, self.core.newest_date, compose, [self.sender])

    def shown(self, team: str) -> tuple[dt.date | None, tuple[str, ...], str | None]:
        """What the newest home published to that workspace's viewer shows: its issue, the channels,
        the channel of the issue's post."""
        home = self.sender.homes[VIEWERS[team]][-1].home
        latest = home.latest.date if home.latest is not None else None
        return latest, home.channels, home.post[0] if home.post is not None else None

    def new_issue(self) -> None:
        self.core.archive.save_issue(issue(JUN_10, "A wiper hit the Orlek grid operator."), source="b.txt")
        self.core.deliver_new()


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[Rig]:
    settings = fake_settings(data_dir=tmp_path / "data", database_url=database_url)
    core = fake_core(
        settings, [issue(JUN_3, "Ransomware hit Veloria's railway.")], publishers=[MemoryPublisher()]
    )
    for team, channel in CHANNELS.items():
        core.chat.subscribe(Destination("slack", channel, workspace=team))
    core.deliver_new()
    conversations = Conversations(core, core.chat, core.watches, rules=ChatRules(many_workspaces=True))
    for team, user in VIEWERS.items():
        conversations.home("slack", user, team)  # they opened it: it is kept fresh from now on
    yield Rig(core, conversations, MemoryHomeSender())
    core.archive.db.close()


def test_each_viewer_gets_one_refresh_showing_their_own_workspace_alone(rig: Rig) -> None:
    refresher = build_home_refresher(rig.core, rig.conversations, fake_settings(), [rig.sender])
    assert sorted(refresher.refresh().published) == sorted(VIEWERS.values())
    assert {user: len(homes) for user, homes in rig.sender.homes.items()} == {u: 1 for u in VIEWERS.values()}
    for team in (NORTH, SOUTH):
        assert rig.shown(team) == (JUN_3, (CHANNELS[team],), CHANNELS[team])  # never the other's
    outbox = Outbox(rig.core.archive.db)
    for user in VIEWERS.values():
        assert outbox.state(home_address("slack", user, JUN_3)) is SendState.SENT


def test_a_repeat_run_publishes_nothing_and_a_new_issue_once_more(rig: Rig) -> None:
    rig.refresher().refresh()
    assert rig.refresher().refresh().published == []
    assert rig.refresher("replica-b").refresh().published == []  # another replica: the outbox says done
    assert rig.sender.sent() == 2
    rig.new_issue()
    assert sorted(rig.refresher("replica-b").refresh().published) == sorted(VIEWERS.values())
    assert rig.refresher().refresh().published == []
    assert rig.sender.sent() == 4
    for team in (NORTH, SOUTH):
        latest, channels, post = rig.shown(team)
        assert (latest, channels, post) == (JUN_10, (CHANNELS[team],), CHANNELS[team])


def test_a_failed_publish_is_tried_again_at_the_next_run(rig: Rig) -> None:
    rig.sender.fail_with = PostError("Slack refused the home", certain=True)
    failed = rig.refresher().refresh().failed
    assert sorted(user for user, _error in failed) == sorted(VIEWERS.values())
    rig.sender.fail_with = PostError("Slack did not answer", certain=False)  # now perhaps published
    assert len(rig.refresher().refresh().failed) == 2
    rig.sender.fail_with = None
    assert sorted(rig.refresher().refresh().published) == sorted(VIEWERS.values())
    assert rig.sender.sent() == 2 and rig.refresher().refresh().published == []


def test_a_refresh_in_doubt_is_published_again_at_least_once(rig: Rig) -> None:
    assert WHEN_BLIND[Kind.HOME_REFRESH] is Guarantee.AT_LEAST_ONCE and not rig.sender.can_look
    rig.sender.crash_after_send = True
    with pytest.raises(Crash):  # the process dies right after publishing, before recording it
        rig.refresher().refresh()
    rig.sender.crash_after_send = False
    north, south = VIEWERS[NORTH], VIEWERS[SOUTH]  # the north's viewer opened their home first
    report = rig.refresher("replica-b").refresh()
    assert (report.busy, report.published) == ([north], [south])  # the dead holder's lease still runs
    later = rig.refresher("replica-b", later=dt.timedelta(minutes=5))
    assert later.refresh().published == [north]
    assert len(rig.sender.homes[north]) == 2  # published again: it only replaced the view
    assert rig.sender.sent() == 3 and later.refresh().published == []


def test_a_home_that_cannot_be_composed_is_released_and_composed_again_next_run(rig: Rig) -> None:
    def broken(platform: str, user: str, workspace: str | None) -> Home:
        raise RuntimeError("the store broke")

    outbox = Outbox(rig.core.archive.db, holder="replica-a")
    refresher = HomeRefresher(rig.core.chat, outbox, rig.core.newest_date, broken, [rig.sender])
    with pytest.raises(RuntimeError):
        refresher.refresh()
    assert outbox.state(home_address("slack", VIEWERS[NORTH], JUN_3)) is None  # not left claimed
    assert len(rig.refresher().refresh().published) == 2


def test_a_platform_without_homes_gets_no_refreshes(rig: Rig) -> None:
    rig.conversations.home("teams", "29:dana", "tenant-1")  # Teams has no home sender
    assert sorted(rig.refresher().refresh().published) == sorted(VIEWERS.values())
    assert Outbox(rig.core.archive.db).state(home_address("teams", "29:dana", JUN_3)) is None
    assert "29:dana" not in rig.sender.homes


def test_an_empty_archive_refreshes_nobody(tmp_path: Path) -> None:
    core = fake_core(fake_settings(data_dir=tmp_path / "data"))
    conversations = Conversations(core, core.chat, core.watches)
    conversations.home("slack", VIEWERS[NORTH], NORTH)
    sender = MemoryHomeSender()
    assert build_home_refresher(core, conversations, fake_settings(), [sender]).refresh().published == []
    assert sender.homes == {}
    core.archive.db.close()
