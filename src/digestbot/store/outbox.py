"""The outbox: one row per thing sent exactly once (an issue post, a watch notice, a home refresh) to one
destination, claimed before sending and finished after; the one ledger behind every kind.

A claim is one atomic insert (the row is unique per kind, key, platform and destination), so of several
processes claiming at once exactly one wins. The winner holds a lease, which it renews while it works
(``keep``); a claim whose lease ran out belongs to a process that died, and one atomic update hands it to
whoever claims it next. A claim taken over before anything was on its way (``claimed``) is simply done
again; one taken over while ``sending`` is in doubt (``Claim.IN_DOUBT``): what to do then is the
dispatcher's (``digestbot.delivery.outbox``).
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
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Delete, Select, Update, delete, func, or_, select, update
from sqlalchemy.orm import Session

from digestbot.store.db import Database
from digestbot.store.models import IssueRow, Kind, OutboxRow, SendState, utcnow
from digestbot.store.sql import added, insert, rowcount

DEFAULT_LEASE = dt.timedelta(seconds=60)
OPEN = (SendState.CLAIMED, SendState.SENDING)
_Keyed = TypeVar("_Keyed", Select[Any], Update, Delete)


class Claim(enum.Enum):
    """The outcome of claiming an outbox row."""

    NEW = "new"  # ours now, nothing on its way: send it
    IN_DOUBT = "in-doubt"  # taken over from a holder that died while sending: it may be there
    BUSY = "busy"  # another live process holds it
    DONE = "done"  # finished already


@dataclass(frozen=True)
class Address:
    """An outbox row's identity: what (``kind``, ``key``) goes where (``platform``, ``destination``: a
    channel or a user), and what it is about (the issue; for a watch notice, the watch)."""

    kind: Kind
    key: str
    platform: str
    destination: str
    issue_date: dt.date
    watch_id: int | None = None


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


class Outbox:
    """Claims and outcomes of everything sent, safe across processes and replicas.

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

    def claim(self, address: Address) -> Claim:
        """Claim the row before sending (or before composing what to send)."""
        now = self.clock()
        with self.db.transaction() as session:
            if self._insert(session, address, now):
                return Claim.NEW
            taken = session.execute(
                _by_address(update(OutboxRow), address)
                .where(OutboxRow.state.in_(OPEN))
                .where(or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now))
                .values(holder=self.holder, lease_until=now + self.lease)
                .returning(OutboxRow.state)
            ).scalar()
            if taken is not None:
                return Claim.IN_DOUBT if taken is SendState.SENDING else Claim.NEW
            state = session.scalar(_by_address(select(OutboxRow.state), address))
        return Claim.BUSY if state in OPEN else Claim.DONE

    def _insert(self, session: Session, address: Address, now: dt.datetime) -> bool:
        """The claim of a row nobody claimed yet: one atomic insert; False if the row exists."""
        statement = insert(session, OutboxRow).values(
            kind=address.kind,
            key=address.key,
            platform=address.platform,
            destination=address.destination,
            issue_id=_issue_id(session, address.issue_date),
            watch_id=address.watch_id,
            state=SendState.CLAIMED,
            holder=self.holder,
            lease_until=now + self.lease,
            claimed_at=now,
        )
        conflict = ["kind", "key", "platform", "destination"]
        return added(session, statement.on_conflict_do_nothing(index_elements=conflict))

    def sending(self, address: Address) -> bool:
        """Mark our claim as on its way (from here a crash leaves it in doubt); False if it is not ours."""
        return self._ours(address, state=SendState.SENDING)

    def finish(self, address: Address, state: SendState, ref: str | None = None) -> None:
        """Record how it ended: ``SENT`` (with the platform's reference), ``NONE``, ``UNREACHABLE`` or
        ``UNCONFIRMED``."""
        if state in OPEN:
            raise ValueError(f"not a finished outbox state: {state}")
        with self.db.transaction() as session:
            session.execute(
                _by_address(update(OutboxRow), address).values(
                    state=state, ref=ref, done_at=self.clock(), lease_until=None
                )
            )

    def release(self, address: Address) -> None:
        """Drop our claim whose send certainly failed, so a later run tries again."""
        with self.db.transaction() as session:
            session.execute(
                _by_address(delete(OutboxRow), address).where(
                    OutboxRow.state.in_(OPEN), OutboxRow.holder == self.holder
                )
            )

    def abandon(self, address: Address) -> None:
        """Give up our claim not knowing whether it got through: in doubt at once for the next claimant."""
        self._ours(address, lease_until=None)

    def renew(self, address: Address) -> bool:
        """Extend our claim's lease; False when it is no longer ours (finished, or taken over)."""
        return self._ours(address, lease_until=self.clock() + self.lease)

    def keep(self, address: Address) -> AbstractContextManager[None]:
        """Renew our claim while the block runs (a post can take minutes of pacing and Retry-After waits),
        so no other process takes it over from a live holder."""
        return renewing(lambda: self.renew(address), self.lease, f"{address.kind.value}-lease")

    def _ours(self, address: Address, **values: Any) -> bool:
        with self.db.transaction() as session:
            changed = session.execute(
                _by_address(update(OutboxRow), address)
                .where(OutboxRow.state.in_(OPEN), OutboxRow.holder == self.holder)
                .values(**values)
            )
            return bool(rowcount(changed))

    def state(self, address: Address) -> SendState | None:
        """Where the row stands, or None when never claimed."""
        with self.db.transaction() as session:
            state: SendState | None = session.scalar(_by_address(select(OutboxRow.state), address))
            return state

    def last_issue(self, kind: Kind, platform: str, destination: str) -> dt.date | None:
        """The newest issue of that kind claimed or sent to that destination, or None if it never got one."""
        with self.db.transaction() as session:
            newest: dt.date | None = session.scalar(
                _dated(select(func.max(IssueRow.date)), kind, platform, destination)
            )
            return newest

    def open_issues(self, kind: Kind, platform: str, destination: str) -> list[dt.date]:
        """Issues of that kind claimed for that destination but never finished, oldest first."""
        query = _dated(select(IssueRow.date), kind, platform, destination)
        with self.db.transaction() as session:
            return list(session.scalars(query.where(OutboxRow.state.in_(OPEN)).order_by(IssueRow.date)))

    def sent(self, kind: Kind, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        """Where that issue's rows of that kind were sent: (destination, reference), first sent first."""
        query = (
            select(OutboxRow.destination, OutboxRow.ref)
            .join(IssueRow, OutboxRow.issue_id == IssueRow.id)
            .where(OutboxRow.kind == kind, IssueRow.date == issue_date, OutboxRow.platform == platform)
            .where(OutboxRow.state == SendState.SENT, OutboxRow.ref.is_not(None))
            .order_by(OutboxRow.done_at, OutboxRow.id)
        )
        with self.db.transaction() as session:
            return [(destination, ref) for destination, ref in session.execute(query) if ref]

    def watch_states(self, watch_id: int) -> dict[dt.date, SendState]:
        """Every issue this watch has a notice row for, with its state."""
        query = (
            select(IssueRow.date, OutboxRow.state)
            .join(OutboxRow, OutboxRow.issue_id == IssueRow.id)
            .where(OutboxRow.kind == Kind.WATCH_NOTICE, OutboxRow.watch_id == watch_id)
        )
        with self.db.transaction() as session:
            return {day: state for day, state in session.execute(query)}


def _issue_id(session: Session, issue_date: dt.date) -> int:
    issue_id = session.scalar(select(IssueRow.id).where(IssueRow.date == issue_date))
    if issue_id is None:
        raise LookupError(f"no issue dated {issue_date}")
    return issue_id


def _by_address(statement: _Keyed, address: Address) -> _Keyed:
    return statement.where(
        OutboxRow.kind == address.kind,
        OutboxRow.key == address.key,
        OutboxRow.platform == address.platform,
        OutboxRow.destination == address.destination,
    )


def _dated(query: Select[Any], kind: Kind, platform: str, destination: str) -> Select[Any]:
    return query.join(OutboxRow, OutboxRow.issue_id == IssueRow.id).where(
        OutboxRow.kind == kind, OutboxRow.platform == platform, OutboxRow.destination == destination
    )
