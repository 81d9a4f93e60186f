"""Watch notifications: when a new issue has items about a topic someone watches, a direct message.

Each (watch, issue) is handled once, through the watch ledger: claimed before the issue is matched,
marked ``sending`` before the message goes out, finished after. Several replicas may notify at once;
exactly one wins each claim. A claim left ``sending`` by a process that died is in doubt: the messenger
looks for the message first where its platform can (Slack), and where it cannot, nothing is sent again —
a watch notice is sent at most once. The due issues of a watch are those after ``Watch.since`` (the
newest issue when it began), so issues ingested while the bot was down are caught up, never the backlog.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from digestbot.delivery import PostError
from digestbot.domain import AnswerItem, Watch
from digestbot.store.notices import FINISHED, NoticeClaim, NoticeLedger
from digestbot.store.watches import WatchStore

log = logging.getLogger(__name__)

Matcher = Callable[[str, dt.date], tuple[AnswerItem, ...]]  # (topic, issue date) -> its items about it


@dataclass(frozen=True)
class Notice:
    """A direct message: the items of one new issue about a watched topic (at least one)."""

    watch: Watch
    issue_date: dt.date
    items: tuple[AnswerItem, ...]

    @property
    def key(self) -> str:
        """The identity the message carries (Slack message metadata), to find it after a crash."""
        return f"digestbot-watch-{self.watch.id}-{self.issue_date.isoformat()}"


class Unreachable(PostError):
    """The user cannot be messaged directly (a Teams user with no 1:1 chat with the bot yet)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, certain=True)


class DirectMessenger(Protocol):
    """Sends notices to users of one platform (a port; Slack, Teams and the console implement it).

    ``can_look``: whether the platform can list what the bot sent a user (so ``find_notice`` means
    something); without it, a notice whose sender died mid-send is not sent again."""

    platform: str
    can_look: bool

    def find_notice(self, notice: Notice) -> str | None:
        """The reference of the message of this notice already sent to its user, if there is one."""

    def send_notice(self, notice: Notice) -> str:
        """Send the notice to its watch's user; a reference to the message. PostError on failure,
        ``Unreachable`` when the user cannot be messaged at all."""


@dataclass
class NoticeReport:
    """What a notification run did."""

    sent: list[Notice] = field(default_factory=list)
    found: list[Notice] = field(default_factory=list)  # in doubt, and found already sent
    unmatched: list[tuple[Watch, dt.date]] = field(default_factory=list)  # nothing in the issue matched
    unreachable: list[Notice] = field(default_factory=list)
    unconfirmed: list[Notice] = field(default_factory=list)  # in doubt where the platform cannot look
    failed: list[tuple[Notice, str]] = field(default_factory=list)
    busy: list[tuple[Watch, dt.date]] = field(default_factory=list)  # another live process holds it


class WatchNotifier:
    """Matches every watch against its due issues and sends the notices, through the messengers."""

    def __init__(
        self,
        watches: WatchStore,
        ledger: NoticeLedger,
        messengers: Sequence[DirectMessenger] = (),
    ) -> None:
        self.watches = watches
        self.ledger = ledger
        self.messengers = {messenger.platform: messenger for messenger in messengers}

    def attach(self, messenger: DirectMessenger) -> None:
        """Notify the users of one more platform (e.g. the console)."""
        self.messengers[messenger.platform] = messenger

    def notify(self, dates: Sequence[dt.date], matcher: Matcher) -> NoticeReport:
        """Match every watch of a platform that can be messaged against its due issues among ``dates``
        (the issues the search index holds, oldest first) with ``matcher``, and send what matched.
        Failures are reported and retried next run."""
        report = NoticeReport()
        for watch in self.watches.all():
            if watch.recipient.platform in self.messengers:
                for day in self.due(watch, dates):
                    self._notify_one(watch, day, matcher, report)
        return report

    def due(self, watch: Watch, dates: Sequence[dt.date]) -> list[dt.date]:
        """The issues to match the watch against: those after ``since`` not finished yet. A watch begun
        on an empty archive starts with the newest issue (the first run), never the backlog."""
        if not dates:
            return []
        states = self.ledger.states(watch.id)
        since = watch.since
        if since is None:
            since = min(states, default=dates[-1]) - dt.timedelta(days=1)
        return [day for day in dates if day > since and states.get(day) not in FINISHED]

    def _notify_one(self, watch: Watch, day: dt.date, matcher: Matcher, report: NoticeReport) -> None:
        claim = self.ledger.claim(watch.id, day)
        if claim is NoticeClaim.DONE:
            return
        if claim is NoticeClaim.BUSY:
            report.busy.append((watch, day))
            return
        with self.ledger.keep(watch.id, day):
            items = matcher(watch.topic, day)
            if not items:
                self.ledger.finish(watch.id, day, "none")
                report.unmatched.append((watch, day))
                return
            notice = Notice(watch, day, items)
            if claim is NoticeClaim.IN_DOUBT and self._settled(notice, report):
                return
            self._send(notice, report)

    def _settled(self, notice: Notice, report: NoticeReport) -> bool:
        """For a claim in doubt: whether the notice is settled without sending (found, or unknowable)."""
        messenger, watch = self.messengers[notice.watch.recipient.platform], notice.watch
        if not messenger.can_look:
            log.warning(
                "watch %s: the notice of %s may have been sent; not sending it again",
                watch.id,
                notice.issue_date,
            )
            self.ledger.finish(watch.id, notice.issue_date, "unconfirmed")
            report.unconfirmed.append(notice)
            return True
        try:
            ref = messenger.find_notice(notice)
        except PostError as exc:  # still in doubt: the next run looks again
            self.ledger.abandon(watch.id, notice.issue_date)
            report.failed.append((notice, str(exc)))
            return True
        if ref is not None:
            self.ledger.finish(watch.id, notice.issue_date, "sent", ref)
            report.found.append(notice)
        return ref is not None

    def _send(self, notice: Notice, report: NoticeReport) -> None:
        watch, day = notice.watch, notice.issue_date
        if not self.ledger.sending(watch.id, day):
            report.busy.append((watch, day))  # taken over meanwhile: the other process finishes it
            return
        try:
            ref = self.messengers[watch.recipient.platform].send_notice(notice)
        except Unreachable as exc:
            log.info("watch %s: %s", watch.id, exc)
            self.ledger.finish(watch.id, day, "unreachable")
            report.unreachable.append(notice)
            return
        except PostError as exc:
            self._failed(notice, exc, report)
            return
        self.ledger.finish(watch.id, day, "sent", ref)
        report.sent.append(notice)

    def _failed(self, notice: Notice, exc: PostError, report: NoticeReport) -> None:
        watch, day = notice.watch, notice.issue_date
        if exc.certain:
            self.ledger.release(watch.id, day)
        else:
            self.ledger.abandon(watch.id, day)
        log.warning("watch %s: the notice of %s failed: %s", watch.id, day, exc)
        report.failed.append((notice, str(exc)))
