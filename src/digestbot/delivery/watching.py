"""Watch notifications: when a new issue has items about a topic someone watches, a direct message.

This module decides what goes to whom; sending it once is the outbox's (``digestbot.delivery.outbox``): each
(watch, issue) is claimed before the issue is matched, marked ``sending`` before the message goes out,
finished after. Several replicas may notify at once; exactly one wins each claim. A claim left
``sending`` by a process that died is in doubt: the messenger looks for the message first where its
platform can (Slack), and where it cannot, the outbox's guarantee for watch notices holds (at most once:
not sent again). The due issues of a watch are those after ``Watch.since`` (the newest issue when it
began), so issues ingested while the bot was down are caught up, never the backlog.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from digestbot.delivery.outbox import Dispatcher, Sender, Sent, Unreachable, notice_key
from digestbot.domain import AnswerItem, Watch
from digestbot.store.models import Kind
from digestbot.store.outbox import OPEN, Address, Outbox
from digestbot.store.watches import WatchStore

__all__ = ["DirectMessenger", "Notice", "NoticeReport", "Unreachable", "WatchNotifier"]

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
        return notice_key(self.watch.id, self.issue_date)


DirectMessenger = Sender[Notice]  # sends notices to the users of one platform (Slack, Teams, the console)


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


def notice_address(watch: Watch, day: dt.date) -> Address:
    """The outbox row of a watch's notice of an issue."""
    recipient = watch.recipient
    key = notice_key(watch.id, day)
    return Address(Kind.WATCH_NOTICE, key, recipient.platform, recipient.user_id, day, watch.id)


class WatchNotifier:
    """Matches every watch against its due issues and sends the notices, through the messengers."""

    def __init__(
        self,
        watches: WatchStore,
        outbox: Outbox,
        messengers: Sequence[DirectMessenger] = (),
    ) -> None:
        self.watches = watches
        self.outbox = outbox
        self.dispatcher = Dispatcher(outbox)
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
        states = self.outbox.watch_states(watch.id)
        since = watch.since
        if since is None:
            since = min(states, default=dates[-1]) - dt.timedelta(days=1)
        return [day for day in dates if day > since and (day not in states or states[day] in OPEN)]

    def _notify_one(self, watch: Watch, day: dt.date, matcher: Matcher, report: NoticeReport) -> None:
        composed: list[Notice] = []

        def compose() -> Notice | None:  # under the claim: the issue is matched once
            items = matcher(watch.topic, day)
            composed.extend([Notice(watch, day, items)] if items else [])
            return composed[0] if composed else None

        messenger = self.messengers[watch.recipient.platform]
        done = self.dispatcher.dispatch(notice_address(watch, day), messenger, compose)
        notice = composed[0] if composed else None
        match done.outcome:
            case Sent.BUSY:
                report.busy.append((watch, day))
            case Sent.NOTHING:
                report.unmatched.append((watch, day))
            case Sent.DONE:
                pass
            case outcome if notice is not None:
                self._report(notice, outcome, done.error, report)

    def _report(self, notice: Notice, outcome: Sent, error: str | None, report: NoticeReport) -> None:
        lists = {
            Sent.SENT: report.sent,
            Sent.FOUND: report.found,
            Sent.UNREACHABLE: report.unreachable,
            Sent.UNCONFIRMED: report.unconfirmed,
        }
        if outcome in lists:
            lists[outcome].append(notice)
        else:
            report.failed.append((notice, error or outcome.value))
