"""Home refreshes: after a new issue, every user who opened the bot's home (Slack's App Home) gets it
published again, showing that issue.

This module decides who gets what: each known viewer of a platform that has homes gets one refresh per
new issue, composed for the viewer's own workspace (a home never shows another workspace's channels or
posts; ``digestbot.conversation.home``). Sending it once is the outbox's (``digestbot.delivery.outbox``):
each (issue, viewer) is claimed before the home is composed and finished after it is published. A
platform cannot look for a home it published, so a refresh in doubt follows the kind's guarantee (at
least once: publishing a home again only replaces it). A platform with no homes (Teams) has no sender
here, and so no refreshes. A failed publish is released and tried again at the next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from digestbot.conversation.messages import Home
from digestbot.delivery.outbox import Dispatcher, Sender, Sent, home_key
from digestbot.store.chat import ChatState
from digestbot.store.models import Kind
from digestbot.store.outbox import Address, Outbox

__all__ = ["HomeRefresh", "HomeRefresher", "HomeReport", "HomeSender", "home_address"]

Composer = Callable[[str, str, str | None], Home]  # (platform, user, workspace) -> the user's home now


@dataclass(frozen=True)
class HomeRefresh:
    """What a home sender publishes: one user's home (in their workspace or tenant), after an issue."""

    user: str
    workspace: str | None
    issue_date: dt.date
    home: Home


HomeSender = Sender[HomeRefresh]  # publishes users' homes on one platform (Slack's App Home)


@dataclass
class HomeReport:
    """What a refresh run did: the users whose home was published, failed or is held by another process."""

    published: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)


def home_address(platform: str, user: str, issue_date: dt.date) -> Address:
    """The outbox row of the refresh of a user's home after that issue."""
    return Address(Kind.HOME_REFRESH, home_key(issue_date), platform, user, issue_date)


class HomeRefresher:
    """Refreshes every known viewer's home after a new issue, through the home senders.

    ``newest`` tells the newest issue's date (None for an empty archive); ``compose`` makes a user's
    home as it stands (it may raise: the claim is then released, and the next run tries again)."""

    def __init__(
        self,
        chat: ChatState,
        outbox: Outbox,
        newest: Callable[[], dt.date | None],
        compose: Composer,
        senders: Sequence[HomeSender] = (),
    ) -> None:
        self.chat = chat
        self.dispatcher = Dispatcher(outbox)
        self.newest = newest
        self.compose = compose
        self.senders = {sender.platform: sender for sender in senders}

    def refresh(self) -> HomeReport:
        """Publish the home of every viewer who has not had it since the newest issue arrived."""
        report = HomeReport()
        day = self.newest()
        if day is None:
            return report
        for platform, sender in self.senders.items():
            for user, workspace in self.chat.home_viewers(platform):
                self._refresh_one(sender, user, workspace, day, report)
        return report

    def _refresh_one(
        self, sender: HomeSender, user: str, workspace: str | None, day: dt.date, report: HomeReport
    ) -> None:
        def compose() -> HomeRefresh:  # under the claim: composed once per (issue, viewer)
            return HomeRefresh(user, workspace, day, self.compose(sender.platform, user, workspace))

        done = self.dispatcher.dispatch(home_address(sender.platform, user, day), sender, compose)
        match done.outcome:
            case Sent.SENT | Sent.FOUND:
                report.published.append(user)
            case Sent.BUSY:
                report.busy.append(user)
            case Sent.DONE | Sent.NOTHING:
                pass
            case _:
                report.failed.append((user, done.error or done.outcome.value))
