"""Watches: the topics each user follows, and where to reach each user directly.

Adding a watch first upserts its user's row, which on PostgreSQL locks that row until the transaction
ends (SQLite has one writer at a time anyway), so two replicas adding watches for one user at once queue
up and the per-user limit holds; each topic is unique per user, so the same watch added twice is one row.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from digestbot.domain import Recipient, Watch
from digestbot.store.db import Database
from digestbot.store.keys import bounded, width
from digestbot.store.models import WatcherRow, WatchRow, utcnow
from digestbot.store.sql import insert

TOPIC_KEY_CHARS = width(WatchRow.topic_key)


class AddOutcome(enum.Enum):
    """What ``WatchStore.add`` did."""

    ADDED = "added"
    EXISTS = "exists"  # the user already watches that topic
    FULL = "full"  # the user holds as many watches as allowed


@dataclass(frozen=True)
class Added:
    """The outcome of adding a watch, the watch (new or existing; None when full), and how many the
    user holds now, with the user as stored (with any direct conversation known from before)."""

    outcome: AddOutcome
    watch: Watch | None
    count: int
    recipient: Recipient


def folded(topic: str) -> str:
    """A topic's words, case-folded ("Ransomware " and "ransomware" are one watch). Folding can lengthen
    a topic ("ß" becomes "ss", "ﬃ" "ffi"): limits on a topic's length apply to this form too."""
    return " ".join(topic.split()).casefold()


def topic_key(topic: str) -> str:
    """A topic's identity, as stored: its folded form, hashed if too long for the column."""
    return bounded(folded(topic), TOPIC_KEY_CHARS)


def _same_topic(topic: str) -> ColumnElement[bool]:
    """The watches of that topic, also one stored unhashed before keys were bounded (SQLite kept any
    length)."""
    return WatchRow.topic_key.in_(sorted({topic_key(topic), folded(topic)}))


class WatchStore:
    """Watchers and their watches, shared by every chat surface and replica."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def remember(self, recipient: Recipient) -> Recipient:
        """Record a user and what is known of where to reach them (a None keeps what is stored)."""
        with self.db.transaction() as session:
            return _recipient(session.get_one(WatcherRow, _upsert(session, recipient)))

    def recipient(self, platform: str, user_id: str) -> Recipient | None:
        """The stored user, if they ever watched anything or wrote to the bot directly."""
        with self.db.transaction() as session:
            row = session.scalar(_watcher(platform, user_id))
            return None if row is None else _recipient(row)

    def add(self, recipient: Recipient, topic: str, since: dt.date | None, *, limit: int) -> Added:
        """Watch ``topic`` for the user, unless they watch it already or hold ``limit`` watches."""
        key = topic_key(topic)
        with self.db.transaction() as session:
            watcher = session.get_one(WatcherRow, _upsert(session, recipient))  # locks the user's row
            stored = _recipient(watcher)
            existing = session.scalar(_watches().where(WatchRow.watcher_id == watcher.id, _same_topic(topic)))
            count = session.scalar(select(func.count()).where(WatchRow.watcher_id == watcher.id)) or 0
            if existing is not None:
                return Added(AddOutcome.EXISTS, _watch(existing, stored), count, stored)
            if count >= limit:
                return Added(AddOutcome.FULL, None, count, stored)
            row = WatchRow(
                watcher_id=watcher.id, topic=topic, topic_key=key, since=since, created_at=utcnow()
            )
            session.add(row)
            session.flush()
            return Added(AddOutcome.ADDED, _watch(row, stored), count + 1, stored)

    def remove(
        self, platform: str, user_id: str, *, topic: str | None = None, watch_id: int | None = None
    ) -> Watch | None:
        """Stop one of the user's watches, named by topic or by id; the watch removed, or None."""
        with self.db.transaction() as session:
            query = (
                _watches()
                .join(WatcherRow)
                .where(WatcherRow.platform == platform, WatcherRow.user_id == user_id)
            )
            if topic is not None:
                query = query.where(_same_topic(topic))
            if watch_id is not None:
                query = query.where(WatchRow.id == watch_id)
            row = session.scalar(query)
            if row is None:
                return None
            found = _watch(row, _recipient(session.get_one(WatcherRow, row.watcher_id)))
            session.execute(delete(WatchRow).where(WatchRow.id == row.id))
            return found

    def forget_tenant(self, platform: str, tenant_id: str) -> int:
        """Forget every user of one workspace or tenant (the app left it): their watches and the watch
        ledger's rows for them go with them (foreign-key cascades). How many users were forgotten."""
        with self.db.transaction() as session:
            result = session.execute(
                delete(WatcherRow).where(WatcherRow.platform == platform, WatcherRow.tenant_id == tenant_id)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def of(self, platform: str, user_id: str) -> list[Watch]:
        """The user's watches, oldest first."""
        query = select(WatchRow, WatcherRow).join(WatcherRow)
        query = query.where(WatcherRow.platform == platform, WatcherRow.user_id == user_id)
        return self._listed(query)

    def all(self) -> list[Watch]:
        """Every watch of every user, oldest first."""
        return self._listed(select(WatchRow, WatcherRow).join(WatcherRow))

    def _listed(self, query: Select[WatchRow, WatcherRow]) -> list[Watch]:
        with self.db.transaction() as session:
            rows = session.execute(query.order_by(WatchRow.id))
            return [_watch(watch, _recipient(watcher)) for watch, watcher in rows]


def _upsert(session: Session, recipient: Recipient) -> int:
    """The user's row id, inserted or refreshed in place (known references are kept where None is given)."""
    statement = insert(session, WatcherRow).values(
        platform=recipient.platform,
        user_id=recipient.user_id,
        tenant_id=recipient.tenant_id,
        conversation_id=recipient.conversation_id,
        service_url=recipient.service_url,
        updated_at=utcnow(),
    )
    fresh = statement.excluded
    kept = {
        name: func.coalesce(getattr(fresh, name), getattr(WatcherRow, name))
        for name in ("tenant_id", "conversation_id", "service_url")
    }
    upsert = statement.on_conflict_do_update(
        index_elements=["platform", "user_id"], set_={**kept, "updated_at": fresh.updated_at}
    )
    return int(session.execute(upsert.returning(WatcherRow.id)).scalar_one())


def _watcher(platform: str, user_id: str) -> Select[WatcherRow]:
    return select(WatcherRow).where(WatcherRow.platform == platform, WatcherRow.user_id == user_id)


def _watches() -> Select[WatchRow]:
    return select(WatchRow)


def _recipient(row: WatcherRow) -> Recipient:
    return Recipient(
        platform=row.platform,
        user_id=row.user_id,
        tenant_id=row.tenant_id,
        conversation_id=row.conversation_id,
        service_url=row.service_url,
    )


def _watch(row: WatchRow, recipient: Recipient) -> Watch:
    return Watch(id=row.id, recipient=recipient, topic=row.topic, since=row.since)
