"""The database schema (SQLAlchemy 2 declarative). Portable SQL only: SQLite by default, PostgreSQL too."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
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


class Kind(enum.Enum):
    """What an outbox row sends."""

    ISSUE_POST = "issue-post"  # a weekly issue into a subscribed channel
    WATCH_NOTICE = "watch-notice"  # a direct message: a new issue's items about a watched topic
    HOME_REFRESH = "home-refresh"  # a user's home (Slack's App Home) published again after a new issue


class SendState(enum.Enum):
    """Where an outbox row stands: open (``CLAIMED``, ``SENDING``) or finished (every other)."""

    CLAIMED = "claimed"  # ours, nothing on its way yet (a holder that died here left nothing behind)
    SENDING = "sending"  # on its way: a holder that died here may have sent it (in doubt)
    SENT = "sent"  # there, with the platform's reference
    NONE = "none"  # nothing to send (no item of the issue matched the watch)
    UNREACHABLE = "unreachable"  # the recipient cannot be messaged at all
    UNCONFIRMED = "unconfirmed"  # in doubt where the platform cannot look, and not sent again


def _values(kind: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in kind]


class OutboxRow(Base):
    """The outbox: one row per thing sent (its ``kind`` and ``key``) to one ``destination`` (a channel or a
    user of ``platform``), claimed before sending and finished after.

    ``holder`` (a process) keeps the claim until ``lease_until`` and renews it while sending; an expired
    claim belongs to a process that died and another may take it over. ``issue_id`` (and for a watch
    notice, ``watch_id``) tie the row to what it is about, so it goes when they go."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("kind", "key", "platform", "destination"),
        Index("ix_outbox_destination", "kind", "platform", "destination"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind, native_enum=False, length=20, values_callable=_values))
    key: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    destination: Mapped[str] = mapped_column(String(500))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    watch_id: Mapped[int | None] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    state: Mapped[SendState] = mapped_column(
        Enum(SendState, native_enum=False, length=20, values_callable=_values)
    )
    ref: Mapped[str | None] = mapped_column(String(200))
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


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
