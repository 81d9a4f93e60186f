"""Weekly delivery: each new issue to every destination exactly once.

A ledger row per (issue, destination) is claimed before posting and confirmed after. Several processes
(replicas) may deliver at once: a claim held by a live one is left to it (``busy``); a claim left by a
crashed one, once its lease ran out, is reconciled by asking the platform whether the post is there (the
post carries the issue's key) before posting again. A destination that never received an issue gets only
the latest (never the backlog); after downtime it gets every issue it missed, oldest first.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from digestbot.domain import Destination, Issue
from digestbot.errors import DigestbotError, NotFoundError
from digestbot.store import Archive, ChatState
from digestbot.store.ledger import Claim, Ledger

log = logging.getLogger(__name__)


class PostError(DigestbotError):
    """A post failed. ``certain`` means it surely did not reach the channel (safe to retry blindly)."""

    def __init__(self, message: str, *, certain: bool) -> None:
        self.certain = certain
        super().__init__(message)


class Publisher(Protocol):
    """Posts issues to one platform's destinations (a port; Slack and Teams implement it)."""

    platform: str

    def find_post(self, dest: Destination, issue: Issue) -> str | None:
        """The reference of an existing post of this issue in that destination, if there is one."""

    def post_issue(self, dest: Destination, issue: Issue) -> str:
        """Post the issue; return a reference to the post. Raise PostError on failure."""


@dataclass(frozen=True)
class PlannedPost:
    """One delivery to make."""

    issue_date: dt.date
    dest: Destination


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    posted: list[PlannedPost] = field(default_factory=list)
    reconciled: list[PlannedPost] = field(default_factory=list)
    failed: list[tuple[PlannedPost, str]] = field(default_factory=list)
    skipped: list[PlannedPost] = field(default_factory=list)
    busy: list[PlannedPost] = field(default_factory=list)  # claimed by another live process, posting now


def issue_key(issue_date: dt.date) -> str:
    """The identity a post carries (Slack message metadata, Teams card data): the issue date."""
    return f"digestbot-issue-{issue_date.isoformat()}"


class Deliverer:
    """Plans and makes deliveries through the publishers of each platform."""

    def __init__(
        self,
        archive: Archive,
        chat: ChatState,
        ledger: Ledger,
        publishers: Sequence[Publisher],
        configured: Sequence[Destination] = (),
    ) -> None:
        self.archive = archive
        self.chat = chat
        self.ledger = ledger
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
            return [] if self.ledger.state(only, dest.platform, dest.channel_id) == "posted" else [only]
        doubtful = self.ledger.in_doubt(dest.platform, dest.channel_id)
        last = self.ledger.last_delivered(dest.platform, dest.channel_id)
        fresh = [dates[-1]] if last is None else [day for day in dates if day > last]
        return sorted({*doubtful, *fresh})

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
        dest = post.dest
        claim = self.ledger.claim(post.issue_date, dest.platform, dest.channel_id)
        if claim in (Claim.DONE, Claim.BUSY):
            (report.skipped if claim is Claim.DONE else report.busy).append(post)
            return
        try:
            with self.ledger.keep(post.issue_date, dest.platform, dest.channel_id):
                ref, found = self._publish(post, issue, claim)
        except PostError as exc:
            self._failed(post, exc, report)
            return
        self._confirm(post, ref)
        (report.reconciled if found else report.posted).append(post)

    def _confirm(self, post: PlannedPost, ref: str) -> None:
        """Record the post; replies in its thread are follow-ups about its issue."""
        dest = post.dest
        self.ledger.confirm(post.issue_date, dest.platform, dest.channel_id, ref)
        self.chat.remember_thread(dest.platform, dest.channel_id, ref, post.issue_date)

    def _publish(self, post: PlannedPost, issue: Issue, claim: Claim) -> tuple[str, bool]:
        """Post, or for a claim in doubt first look for the post a dead holder may have made (then
        ``find_post`` completes it). Returns the post's reference and whether it was found."""
        publisher = self.publishers[post.dest.platform]
        if claim is Claim.IN_DOUBT and (ref := publisher.find_post(post.dest, issue)) is not None:
            return ref, True
        return publisher.post_issue(post.dest, issue), False

    def _failed(self, post: PlannedPost, exc: PostError, report: DeliveryReport) -> None:
        dest = post.dest
        if exc.certain:
            self.ledger.release(post.issue_date, dest.platform, dest.channel_id)
        else:
            self.ledger.abandon(post.issue_date, dest.platform, dest.channel_id)
        where = f"{dest.platform}:{dest.channel_id}"
        log.warning("delivery of %s to %s failed: %s", post.issue_date, where, exc)
        report.failed.append((post, str(exc)))
