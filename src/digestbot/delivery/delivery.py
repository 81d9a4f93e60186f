"""Weekly delivery: each new issue to every destination exactly once.

This module decides what goes where; sending it exactly once is the outbox's
(``digestbot.delivery.outbox``): an
outbox row per (issue, destination) is claimed before posting and confirmed after, a claim held by a live
process is left to it (``busy``), and one left by a crashed process is reconciled by asking the platform
whether the post is there (the post carries the issue's key) before posting again. A destination that
never received an issue gets only the latest (never the backlog); after downtime it gets every issue it
missed, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from digestbot.delivery.outbox import Dispatcher, PostError, Sender, Sent, issue_key
from digestbot.domain import Destination, Issue
from digestbot.errors import NotFoundError
from digestbot.store import Archive, ChatState
from digestbot.store.models import Kind, SendState
from digestbot.store.outbox import Address, Outbox

__all__ = ["Deliverer", "DeliveryReport", "PlannedPost", "Post", "PostError", "Publisher", "issue_key"]


@dataclass(frozen=True)
class Post:
    """What a publisher sends: one issue into one destination."""

    dest: Destination
    issue: Issue


Publisher = Sender[Post]  # posts issues to one platform's destinations (Slack, Teams, the console)


@dataclass(frozen=True)
class PlannedPost:
    """One delivery to make."""

    issue_date: dt.date
    dest: Destination

    @property
    def address(self) -> Address:
        """Its outbox row."""
        day, dest = self.issue_date, self.dest
        return Address(Kind.ISSUE_POST, issue_key(day), dest.platform, dest.channel_id, day)


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    posted: list[PlannedPost] = field(default_factory=list)
    reconciled: list[PlannedPost] = field(default_factory=list)
    failed: list[tuple[PlannedPost, str]] = field(default_factory=list)
    skipped: list[PlannedPost] = field(default_factory=list)
    busy: list[PlannedPost] = field(default_factory=list)  # claimed by another live process, posting now


class Deliverer:
    """Plans and makes deliveries through the publishers of each platform."""

    def __init__(
        self,
        archive: Archive,
        chat: ChatState,
        outbox: Outbox,
        publishers: Sequence[Publisher],
        configured: Sequence[Destination] = (),
    ) -> None:
        self.archive = archive
        self.chat = chat
        self.outbox = outbox
        self.dispatcher = Dispatcher(outbox)
        self.publishers = {publisher.platform: publisher for publisher in publishers}
        self.configured = list(configured)

    def attach(self, publisher: Publisher, destinations: Sequence[Destination] = ()) -> None:
        """Add a platform (and destinations that always receive every issue), e.g. the console."""
        self.publishers[publisher.platform] = publisher
        self.configured.extend(destinations)

    def destinations(self) -> list[Destination]:
        """Configured destinations plus subscribed ones, each once, for platforms that can post; a channel
        listed without its workspace takes the one its subscription knows."""
        seen: dict[tuple[str, str], Destination] = {}
        for dest in [*self.configured, *self.chat.destinations()]:
            key = (dest.platform, dest.channel_id)
            if dest.platform in self.publishers and (key not in seen or seen[key].workspace is None):
                seen[key] = seen.get(key, dest) if dest.workspace is None else dest
        return list(seen.values())

    def plan(self, issue_date: dt.date | None = None) -> list[PlannedPost]:
        """What would be posted where: the given issue everywhere it is missing, or each
        destination's missed issues (only the latest for a destination that never got one)."""
        dates = self.archive.issue_dates()
        if not dates:
            return []
        planned: list[PlannedPost] = []
        for dest in self.destinations():
            for day in self._due(dest, dates, issue_date):
                planned.append(PlannedPost(day, dest))
        return sorted(planned, key=lambda post: post.issue_date)

    def _due(self, dest: Destination, dates: list[dt.date], only: dt.date | None) -> list[dt.date]:
        if only is not None:
            return [] if self.outbox.state(PlannedPost(only, dest).address) is SendState.SENT else [only]
        where = (Kind.ISSUE_POST, dest.platform, dest.channel_id)
        doubtful = self.outbox.open_issues(*where)
        last = self.outbox.last_issue(*where)
        fresh = [dates[-1]] if last is None else [day for day in dates if day > last]
        return sorted({*doubtful, *fresh})

    def posts(self, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        """Where that issue was posted on that platform: (channel id, post reference), first posted first."""
        return self.outbox.sent(Kind.ISSUE_POST, issue_date, platform)

    def deliver(self, issue_date: dt.date | None = None) -> DeliveryReport:
        """Make every planned delivery; failures are reported and retried on the next run."""
        if issue_date is not None and self.archive.get_issue(issue_date) is None:
            raise NotFoundError(f"no issue dated {issue_date.isoformat()} to post")
        report = DeliveryReport()
        issues: dict[dt.date, Issue | None] = {}  # each issue loaded once, however many destinations
        for post in self.plan(issue_date):
            if post.issue_date not in issues:
                issues[post.issue_date] = self.archive.get_issue(post.issue_date)
            issue = issues[post.issue_date]
            if issue is not None:
                self._deliver_one(post, issue, report)
        return report

    def _deliver_one(self, post: PlannedPost, issue: Issue, report: DeliveryReport) -> None:
        publisher = self.publishers[post.dest.platform]
        done = self.dispatcher.dispatch(post.address, publisher, lambda: Post(post.dest, issue))
        match done.outcome:
            case Sent.SENT | Sent.FOUND:
                # Replies in the post's thread are follow-ups about its issue.
                self.chat.remember_thread(
                    post.dest.platform, post.dest.channel_id, str(done.ref), post.issue_date
                )
                (report.posted if done.outcome is Sent.SENT else report.reconciled).append(post)
            case Sent.DONE | Sent.NOTHING:
                report.skipped.append(post)
            case Sent.BUSY:
                report.busy.append(post)
            case _:
                report.failed.append((post, done.error or done.outcome.value))
