"""Chat state: subscriptions, the threads the bot started, event ids already handled, and who opened the
bot's home."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, Update, delete, func, select, update

from digestbot.domain import Destination
from digestbot.store.db import Database
from digestbot.store.keys import bounded, width
from digestbot.store.models import HomeViewRow, SeenEventRow, SubscriptionRow, ThreadRow, utcnow
from digestbot.store.sql import added, insert

EVENT_KEY_CHARS = width(SeenEventRow.event_id)


@dataclass(frozen=True)
class ThreadInfo:
    """A thread the bot started, and the issue it is about (None for an answer spanning issues)."""

    issue_date: dt.date | None


class ChatState:
    """Subscriptions, known threads and seen events, shared by every chat adapter."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def subscribe(self, dest: Destination, *, user: str | None = None) -> bool:
        """Subscribe a destination; True if it was new. An existing one gets its reference refreshed.

        Concurrent calls for one destination (Teams sends install events in pairs) converge on one row:
        exactly one of them returns True, and none fails.
        """
        with self.db.transaction() as session:
            new = added(
                session,
                insert(session, SubscriptionRow)
                .values(
                    platform=dest.platform,
                    channel_id=dest.channel_id,
                    service_url=dest.service_url,
                    tenant_id=dest.tenant_id,
                    workspace=dest.workspace,
                    created_by=user,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["platform", "channel_id"]),
            )
            if not new and (dest.service_url or dest.tenant_id or dest.workspace):
                session.execute(_refreshed(dest))
            return new

    def unsubscribe(self, platform: str, channel_id: str) -> bool:
        """Remove a subscription; True if there was one."""
        with self.db.transaction() as session:
            result = session.execute(
                delete(SubscriptionRow).where(
                    SubscriptionRow.platform == platform, SubscriptionRow.channel_id == channel_id
                )
            )
            return bool(getattr(result, "rowcount", 0))

    def unsubscribe_workspace(self, platform: str, workspace: str) -> int:
        """Remove every subscription of one workspace (the app was uninstalled there); how many."""
        with self.db.transaction() as session:
            result = session.execute(
                delete(SubscriptionRow).where(
                    SubscriptionRow.platform == platform, SubscriptionRow.workspace == workspace
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def subscription(self, platform: str, channel_id: str) -> Destination | None:
        """The stored subscription of that destination, if any."""
        with self.db.transaction() as session:
            row = session.scalar(_subscription(platform, channel_id))
            return None if row is None else _destination(row)

    def destinations(self, platform: str | None = None) -> list[Destination]:
        """Every subscribed destination (of one platform, if given), in subscription order."""
        query = select(SubscriptionRow).order_by(SubscriptionRow.id)
        if platform is not None:
            query = query.where(SubscriptionRow.platform == platform)
        with self.db.transaction() as session:
            return [_destination(row) for row in session.scalars(query)]

    def remember_thread(
        self, platform: str, channel_id: str, thread_id: str, issue_date: dt.date | None
    ) -> None:
        """Record a thread the bot started, so replies in it are answered as follow-ups."""
        with self.db.transaction() as session:
            statement = insert(session, ThreadRow).values(
                platform=platform,
                channel_id=channel_id,
                thread_id=thread_id,
                issue_date=issue_date,
                created_at=utcnow(),
            )
            keys = ["platform", "channel_id", "thread_id"]
            if issue_date is None:
                session.execute(statement.on_conflict_do_nothing(index_elements=keys))
            else:
                refreshed = {"issue_date": issue_date}
                session.execute(statement.on_conflict_do_update(index_elements=keys, set_=refreshed))

    def thread(self, platform: str, channel_id: str, thread_id: str) -> ThreadInfo | None:
        """The thread the bot started there, or None if the bot did not start it."""
        with self.db.transaction() as session:
            row = session.scalar(_thread(platform, channel_id, thread_id))
            return None if row is None else ThreadInfo(issue_date=row.issue_date)

    def first_sighting(self, event_id: str, *, keep: dt.timedelta = dt.timedelta(days=2)) -> bool:
        """True the first time an event id is seen, False for a redelivery, also when the redelivery
        reaches another replica at the same moment (one atomic insert decides). Old ids are pruned. An id
        too long for its column is kept hashed (a Teams conversation id can be hundreds of characters)."""
        key = bounded(event_id, EVENT_KEY_CHARS)
        with self.db.transaction() as session:
            new = added(
                session,
                insert(session, SeenEventRow)
                .values(event_id=key, seen_at=utcnow())
                .on_conflict_do_nothing(index_elements=["event_id"]),
            )
        if not new:
            return False
        with self.db.transaction() as session:
            session.execute(delete(SeenEventRow).where(SeenEventRow.seen_at < utcnow() - keep))
        return True

    def home_opened(self, platform: str, user_id: str, tenant_id: str | None = None) -> None:
        """Remember a user who opened the bot's home, so it is refreshed when a new issue arrives."""
        with self.db.transaction() as session:
            statement = insert(session, HomeViewRow).values(
                platform=platform, user_id=user_id, tenant_id=tenant_id, opened_at=utcnow()
            )
            refreshed = {"tenant_id": statement.excluded.tenant_id, "opened_at": statement.excluded.opened_at}
            session.execute(
                statement.on_conflict_do_update(index_elements=["platform", "user_id"], set_=refreshed)
            )

    def forget_home_viewers(self, platform: str, tenant_id: str) -> int:
        """Forget who opened the bot's home in one workspace or tenant (the app left it); how many."""
        with self.db.transaction() as session:
            result = session.execute(
                delete(HomeViewRow).where(
                    HomeViewRow.platform == platform, HomeViewRow.tenant_id == tenant_id
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def home_viewers(self, platform: str) -> list[tuple[str, str | None]]:
        """Every user (with their workspace or tenant) who opened the bot's home there, earliest first."""
        query = select(HomeViewRow.user_id, HomeViewRow.tenant_id).where(HomeViewRow.platform == platform)
        with self.db.transaction() as session:
            return [(user, tenant) for user, tenant in session.execute(query.order_by(HomeViewRow.id))]


def _subscription(platform: str, channel_id: str) -> Select[SubscriptionRow]:
    return select(SubscriptionRow).where(
        SubscriptionRow.platform == platform, SubscriptionRow.channel_id == channel_id
    )


def _refreshed(dest: Destination) -> Update:
    """The stored reference of a destination updated with what is given (a None keeps what is stored)."""
    return (
        update(SubscriptionRow)
        .where(SubscriptionRow.platform == dest.platform, SubscriptionRow.channel_id == dest.channel_id)
        .values(
            service_url=func.coalesce(dest.service_url, SubscriptionRow.service_url),
            tenant_id=func.coalesce(dest.tenant_id, SubscriptionRow.tenant_id),
            workspace=func.coalesce(dest.workspace, SubscriptionRow.workspace),
        )
    )


def _thread(platform: str, channel_id: str, thread_id: str) -> Select[ThreadRow]:
    return select(ThreadRow).where(
        ThreadRow.platform == platform, ThreadRow.channel_id == channel_id, ThreadRow.thread_id == thread_id
    )


def _destination(row: SubscriptionRow) -> Destination:
    return Destination(
        platform=row.platform,
        channel_id=row.channel_id,
        service_url=row.service_url,
        tenant_id=row.tenant_id,
        workspace=row.workspace,
    )
