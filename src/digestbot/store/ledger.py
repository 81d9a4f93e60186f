"""The delivery ledger: one row per (issue, destination), claimed before posting and confirmed after.

A claim is one atomic insert (the row is unique per delivery), so of several processes claiming at once
exactly one wins. The winner holds a lease, which it renews while it posts (``keep``); a claim whose lease
ran out belongs to a process that died, and one atomic update hands it to whoever claims it next, who
must then look in the channel before posting (``Claim.IN_DOUBT``).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Delete, Select, Update, delete, func, or_, select, update
from sqlalchemy.orm import Session

from digestbot.store.db import Database
from digestbot.store.models import DeliveryRow, IssueRow, utcnow
from digestbot.store.sql import added, insert, rowcount

DEFAULT_LEASE = dt.timedelta(seconds=60)
_Keyed = TypeVar("_Keyed", Select[Any], Update, Delete)
_Key = tuple[int, str, str]  # issue id, platform, channel id


class Claim(enum.Enum):
    """The outcome of claiming a delivery."""

    NEW = "new"  # claimed now: post it
    IN_DOUBT = "in-doubt"  # taken over from a holder that died: a post may be there; look first
    BUSY = "busy"  # another live process holds it and is posting: leave it alone
    DONE = "done"  # already posted


@contextmanager
def renewing(renew: Callable[[], bool], lease: dt.timedelta, name: str) -> Iterator[None]:
    """Call ``renew`` every third of ``lease`` in a thread of its own while the block runs, until it says
    the claim is no longer ours."""
    stop = threading.Event()

    def renew_until_stopped() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            if not renew():
                return

    renewer = threading.Thread(target=renew_until_stopped, name=name, daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def process_name() -> str:
    """A holder name unique to this process: host, pid, and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Ledger:
    """Claims and confirmations of deliveries, safe across processes and replicas.

    ``holder`` names this process in its claims; ``lease`` is how long a claim stays ours without
    renewal; ``clock`` tells the time (injected by tests to stand for "later").
    """

    def __init__(
        self,
        db: Database,
        *,
        holder: str | None = None,
        lease: dt.timedelta = DEFAULT_LEASE,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.db = db
        self.holder = holder or process_name()
        self.lease = lease
        self.clock = clock

    def claim(self, issue_date: dt.date, platform: str, channel_id: str) -> Claim:
        """Claim the delivery of that issue to that destination before posting it."""
        key = (self._issue_id(issue_date), platform, channel_id)
        now = self.clock()
        with self.db.transaction() as session:
            if self._insert(session, key, now):
                return Claim.NEW
            if self._take_over(session, key, now):
                return Claim.IN_DOUBT
            state = session.scalar(_by_key(select(DeliveryRow.state), *key))
        return Claim.DONE if state == "posted" else Claim.BUSY

    def _insert(self, session: Session, key: _Key, now: dt.datetime) -> bool:
        """The claim of a delivery nobody claimed yet: one atomic insert; False if the row exists."""
        issue_id, platform, channel_id = key
        return added(
            session,
            insert(session, DeliveryRow)
            .values(
                issue_id=issue_id,
                platform=platform,
                channel_id=channel_id,
                state="claimed",
                claimed_at=now,
                holder=self.holder,
                lease_until=now + self.lease,
            )
            .on_conflict_do_nothing(index_elements=["issue_id", "platform", "channel_id"]),
        )

    def _take_over(self, session: Session, key: _Key, now: dt.datetime) -> bool:
        """Make an unconfirmed claim whose lease ran out ours: one atomic update; False if none is."""
        taken = session.execute(
            _by_key(update(DeliveryRow), *key)
            .where(DeliveryRow.state == "claimed")
            .where(or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until < now))
            .values(holder=self.holder, lease_until=now + self.lease)
        )
        return bool(rowcount(taken))

    def renew(self, issue_date: dt.date, platform: str, channel_id: str) -> bool:
        """Extend our claim's lease; False when it is no longer ours (confirmed, or taken over)."""
        now = self.clock()
        with self.db.transaction() as session:
            renewed = session.execute(
                _by_key(update(DeliveryRow), self._issue_id(issue_date), platform, channel_id)
                .where(DeliveryRow.state == "claimed", DeliveryRow.holder == self.holder)
                .values(lease_until=now + self.lease)
            )
            return bool(rowcount(renewed))

    def keep(self, issue_date: dt.date, platform: str, channel_id: str) -> AbstractContextManager[None]:
        """Renew our claim while the block runs (a post can take minutes of pacing and Retry-After waits),
        so no other process takes it over from a live holder."""
        return renewing(lambda: self.renew(issue_date, platform, channel_id), self.lease, "claim-lease")

    def confirm(self, issue_date: dt.date, platform: str, channel_id: str, message_ref: str | None) -> None:
        """Record that the post is in the channel."""
        with self.db.transaction() as session:
            session.execute(
                _by_key(update(DeliveryRow), self._issue_id(issue_date), platform, channel_id).values(
                    state="posted", message_ref=message_ref, confirmed_at=self.clock(), lease_until=None
                )
            )

    def abandon(self, issue_date: dt.date, platform: str, channel_id: str) -> None:
        """Give up our claim without knowing whether the post got through: it is in doubt at once, so
        the next claimant (this process or another) looks in the channel before posting."""
        with self.db.transaction() as session:
            session.execute(
                _by_key(update(DeliveryRow), self._issue_id(issue_date), platform, channel_id)
                .where(DeliveryRow.state == "claimed", DeliveryRow.holder == self.holder)
                .values(lease_until=None)
            )

    def release(self, issue_date: dt.date, platform: str, channel_id: str) -> None:
        """Drop our claim whose post certainly failed, so the next cycle tries again."""
        with self.db.transaction() as session:
            session.execute(
                _by_key(delete(DeliveryRow), self._issue_id(issue_date), platform, channel_id).where(
                    DeliveryRow.state == "claimed", DeliveryRow.holder == self.holder
                )
            )

    def state(self, issue_date: dt.date, platform: str, channel_id: str) -> str | None:
        """ "claimed", "posted", or None when never claimed."""
        with self.db.transaction() as session:
            row = session.scalar(_row(issue_date, platform, channel_id))
            return None if row is None else row.state

    def last_delivered(self, platform: str, channel_id: str) -> dt.date | None:
        """The newest issue date claimed or posted to that destination, or None if it never got one."""
        with self.db.transaction() as session:
            return session.scalar(
                select(func.max(IssueRow.date))
                .join(DeliveryRow, DeliveryRow.issue_id == IssueRow.id)
                .where(DeliveryRow.platform == platform, DeliveryRow.channel_id == channel_id)
            )

    def in_doubt(self, platform: str, channel_id: str) -> list[dt.date]:
        """Issues claimed for that destination but never confirmed, oldest first."""
        with self.db.transaction() as session:
            return list(
                session.scalars(
                    select(IssueRow.date)
                    .join(DeliveryRow, DeliveryRow.issue_id == IssueRow.id)
                    .where(
                        DeliveryRow.platform == platform,
                        DeliveryRow.channel_id == channel_id,
                        DeliveryRow.state == "claimed",
                    )
                    .order_by(IssueRow.date)
                )
            )

    def posts(self, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        """Where that issue was posted on that platform: (channel id, post reference), first posted first."""
        query = (
            select(DeliveryRow.channel_id, DeliveryRow.message_ref)
            .join(IssueRow, DeliveryRow.issue_id == IssueRow.id)
            .where(IssueRow.date == issue_date, DeliveryRow.platform == platform)
            .where(DeliveryRow.state == "posted", DeliveryRow.message_ref.is_not(None))
            .order_by(DeliveryRow.confirmed_at, DeliveryRow.id)
        )
        with self.db.transaction() as session:
            return [(channel, ref) for channel, ref in session.execute(query) if ref]

    def _issue_id(self, issue_date: dt.date) -> int:
        with self.db.transaction() as session:
            issue_id = session.scalar(select(IssueRow.id).where(IssueRow.date == issue_date))
        if issue_id is None:
            raise LookupError(f"no issue dated {issue_date}")
        return issue_id


def _by_key(statement: _Keyed, issue_id: int, platform: str, channel_id: str) -> _Keyed:
    return statement.where(
        DeliveryRow.issue_id == issue_id,
        DeliveryRow.platform == platform,
        DeliveryRow.channel_id == channel_id,
    )


def _row(issue_date: dt.date, platform: str, channel_id: str) -> Select[DeliveryRow]:
    return (
        select(DeliveryRow)
        .join(IssueRow, DeliveryRow.issue_id == IssueRow.id)
        .where(
            IssueRow.date == issue_date,
            DeliveryRow.platform == platform,
            DeliveryRow.channel_id == channel_id,
        )
    )
