"""The watch ledger: one row per (watch, issue), claimed before matching and messaging, finished after.

A claim is one atomic insert (the row is unique per watch and issue), so of several replicas notifying
at once exactly one wins. As with deliveries, the winner holds a lease it renews while it works; a claim
whose lease ran out is taken over by one atomic update. A claim taken over before its message was on its
way (state ``claimed``) is simply done again; one taken over while ``sending`` is in doubt: the message
may be there, so the platform is asked first, or, where it cannot be asked, nothing is sent again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from sqlalchemy import Delete, Select, Update, delete, or_, select, update
from sqlalchemy.orm import Session

from digestbot.store.db import Database
from digestbot.store.ledger import DEFAULT_LEASE, process_name, renewing
from digestbot.store.models import IssueRow, NoticeRow, utcnow
from digestbot.store.sql import added, insert, rowcount

OPEN = ("claimed", "sending")
FINISHED = ("sent", "none", "unreachable", "unconfirmed")
_Keyed = TypeVar("_Keyed", Select[Any], Update, Delete)


class NoticeClaim(enum.Enum):
    """The outcome of claiming a (watch, issue) notice."""

    NEW = "new"  # ours now, nothing sent yet: match the issue and send
    IN_DOUBT = "in-doubt"  # taken over from a holder that died while sending: the message may be there
    BUSY = "busy"  # another live process holds it
    DONE = "done"  # finished already


class NoticeLedger:
    """Claims of watch notices, safe across processes and replicas (``holder``, ``lease`` and ``clock``
    as in ``digestbot.store.ledger.Ledger``)."""

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

    def claim(self, watch_id: int, issue_date: dt.date) -> NoticeClaim:
        """Claim the notice of that issue for that watch before matching it."""
        now = self.clock()
        with self.db.transaction() as session:
            issue_id = _issue_id(session, issue_date)
            if self._insert(session, watch_id, issue_id, now):
                return NoticeClaim.NEW
            taken = session.execute(
                _by_key(update(NoticeRow), watch_id, issue_id)
                .where(NoticeRow.state.in_(OPEN))
                .where(or_(NoticeRow.lease_until.is_(None), NoticeRow.lease_until < now))
                .values(holder=self.holder, lease_until=now + self.lease)
                .returning(NoticeRow.state)
            ).scalar()
            if taken is not None:
                return NoticeClaim.IN_DOUBT if taken == "sending" else NoticeClaim.NEW
            state = session.scalar(_by_key(select(NoticeRow.state), watch_id, issue_id))
        return NoticeClaim.DONE if state in FINISHED else NoticeClaim.BUSY

    def _insert(self, session: Session, watch_id: int, issue_id: int, now: dt.datetime) -> bool:
        statement = insert(session, NoticeRow).values(
            watch_id=watch_id,
            issue_id=issue_id,
            state="claimed",
            holder=self.holder,
            lease_until=now + self.lease,
            claimed_at=now,
        )
        return added(session, statement.on_conflict_do_nothing(index_elements=["watch_id", "issue_id"]))

    def sending(self, watch_id: int, issue_date: dt.date) -> bool:
        """Mark our claim as on its way (from here a crash leaves it in doubt); False if it is not ours."""
        return self._ours(watch_id, issue_date, state="sending")

    def finish(self, watch_id: int, issue_date: dt.date, state: str, ref: str | None = None) -> None:
        """Record how the notice ended: ``sent`` (with the message's reference), ``none``,
        ``unreachable`` or ``unconfirmed``."""
        if state not in FINISHED:
            raise ValueError(f"not a finished notice state: {state!r}")
        with self.db.transaction() as session:
            session.execute(
                _by_key(update(NoticeRow), watch_id, _issue_id(session, issue_date)).values(
                    state=state, message_ref=ref, done_at=self.clock(), lease_until=None
                )
            )

    def release(self, watch_id: int, issue_date: dt.date) -> None:
        """Drop our claim whose message certainly failed, so a later run tries again."""
        with self.db.transaction() as session:
            session.execute(
                _by_key(delete(NoticeRow), watch_id, _issue_id(session, issue_date)).where(
                    NoticeRow.state.in_(OPEN), NoticeRow.holder == self.holder
                )
            )

    def abandon(self, watch_id: int, issue_date: dt.date) -> None:
        """Give up our claim not knowing whether the message got through: in doubt at once."""
        self._ours(watch_id, issue_date, lease_until=None)

    def renew(self, watch_id: int, issue_date: dt.date) -> bool:
        """Extend our claim's lease; False when it is no longer ours."""
        return self._ours(watch_id, issue_date, lease_until=self.clock() + self.lease)

    def _ours(self, watch_id: int, issue_date: dt.date, **values: Any) -> bool:
        with self.db.transaction() as session:
            changed = session.execute(
                _by_key(update(NoticeRow), watch_id, _issue_id(session, issue_date))
                .where(NoticeRow.state.in_(OPEN), NoticeRow.holder == self.holder)
                .values(**values)
            )
            return bool(rowcount(changed))

    def keep(self, watch_id: int, issue_date: dt.date) -> AbstractContextManager[None]:
        """Renew our claim while the block runs (Retry-After waits can be long)."""
        return renewing(lambda: self.renew(watch_id, issue_date), self.lease, "notice-lease")

    def states(self, watch_id: int) -> dict[dt.date, str]:
        """Every issue this watch has a notice row for, with its state."""
        with self.db.transaction() as session:
            rows = session.execute(
                select(IssueRow.date, NoticeRow.state)
                .join(NoticeRow, NoticeRow.issue_id == IssueRow.id)
                .where(NoticeRow.watch_id == watch_id)
            )
            return {day: state for day, state in rows}


def _issue_id(session: Session, issue_date: dt.date) -> int:
    issue_id = session.scalar(select(IssueRow.id).where(IssueRow.date == issue_date))
    if issue_id is None:
        raise LookupError(f"no issue dated {issue_date}")
    return issue_id


def _by_key(statement: _Keyed, watch_id: int, issue_id: int) -> _Keyed:
    return statement.where(NoticeRow.watch_id == watch_id, NoticeRow.issue_id == issue_id)
