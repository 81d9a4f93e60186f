"""The database schema (SQLAlchemy 2 declarative). Portable SQL only: SQLite by default, PostgreSQL too."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from digestbot.store.base import Base, utcnow
from digestbot.store.slack_tables import slack_bots, slack_installations, slack_oauth_states


class IssueRow(Base):
    """One ingested issue; the issue date is its identity (a re-publication replaces it)."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, unique=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[ItemRow]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="ItemRow.position"
    )


class ItemRow(Base):
    """One item of an issue, with its analysis lines, in reading order."""

    __tablename__ = "items"
    __table_args__ = (Index("ix_items_issue_position", "issue_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    part: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    analysis: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_url: Mapped[str | None] = mapped_column(Text)

    issue: Mapped[IssueRow] = relationship(back_populates="items")


class VectorRow(Base):
    """An embedding, keyed by model and the hash of the exact text embedded, so a rebuild never re-embeds."""

    __tablename__ = "vectors"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ArchiveStateRow(Base):
    """One row (id 1): the archive's version, bumped in the transaction of every issue saved, so each
    replica notices an ingest made by another process and refreshes its index."""

    __tablename__ = "archive_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class SubscriptionRow(Base):
    """A chat destination subscribed to weekly delivery (a Slack channel or a Teams conversation)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(500))
    service_url: Mapped[str | None] = mapped_column(Text)
    tenant_id: Mapped[str | None] = mapped_column(String(200))
    workspace: Mapped[str | None] = mapped_column(String(200))  # Slack team id (many workspaces)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeliveryRow(Base):
    """The delivery ledger: one row per (issue, destination), claimed before posting, confirmed after.

    ``holder`` (a process) keeps the claim until ``lease_until`` and renews it while posting; an expired
    claim is in doubt (its holder died) and another process may take it over.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("issue_id", "platform", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20))  # claimed | posted
    message_ref: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ThreadRow(Base):
    """A chat thread the bot started (a digest post or an answer) and the issue it is about."""

    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("platform", "channel_id", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    channel_id: Mapped[str] = mapped_column(String(500))
    thread_id: Mapped[str] = mapped_column(String(200))
    issue_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SeenEventRow(Base):
    """Chat event ids already handled, so a redelivered event is answered once."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class MetaRow(Base):
    """Small key/value facts about the store (for example, when delivery first ran)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SeenDocumentRow(Base):
    """A document a polled source already yielded and digestbot ingested (by id, and content digest)."""

    __tablename__ = "seen_documents"

    source: Mapped[str] = mapped_column(String(1000), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(1000), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HttpCacheRow(Base):
    """Validators of the last fetch of a URL, for conditional requests (ETag / Last-Modified)."""

    __tablename__ = "http_cache"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))


class WatcherRow(Base):
    """A user who follows topics, and where to reach them directly: a Slack DM is opened on demand, a
    Teams user can be messaged only in the 1:1 conversation recorded here once the bot has seen it."""

    __tablename__ = "watchers"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[str | None] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(500))
    service_url: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WatchRow(Base):
    """A topic a watcher follows; ``topic_key`` (the topic case-folded) makes each topic once per user.
    ``since``: the newest issue when the watch began; only later issues are matched against it."""

    __tablename__ = "watches"
    __table_args__ = (UniqueConstraint("watcher_id", "topic_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watcher_id: Mapped[int] = mapped_column(ForeignKey("watchers.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(Text)
    topic_key: Mapped[str] = mapped_column(String(400))
    since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NoticeRow(Base):
    """The watch ledger: one row per (watch, issue), claimed before matching and sending, finished after.

    ``state``: claimed (matching) -> sending (the message is on its way) -> sent, none (nothing in the
    issue matched) or unreachable (no way to message the user). Like deliveries, a claim has a ``holder``
    and a ``lease``; an expired one belongs to a process that died and is taken over."""

    __tablename__ = "watch_notices"
    __table_args__ = (UniqueConstraint("watch_id", "issue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    message_ref: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class HomeViewRow(Base):
    """A user who opened the bot's home (Slack App Home), so it is refreshed when a new issue arrives."""

    __tablename__ = "home_views"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[str | None] = mapped_column(String(200))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


__all__ = ["Base", "slack_bots", "slack_installations", "slack_oauth_states", "utcnow"]
