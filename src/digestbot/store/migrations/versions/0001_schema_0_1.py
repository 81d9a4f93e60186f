"""The 0.1 schema: what ``Base.metadata.create_all`` made before digestbot had migrations.

A 0.1 database has exactly these tables and no ``alembic_version``; ``digestbot db upgrade`` stamps it
with this revision and applies the later ones.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the 0.1 tables."""
    _archive()
    _chat()
    _polling()


def downgrade() -> None:
    """Drop every table (children first)."""
    for table in (
        "http_cache", "seen_documents", "meta", "seen_events", "threads", "deliveries",
        "subscriptions", "vectors", "items", "issues",
    ):  # fmt: skip
        op.drop_table(table)


def _archive() -> None:
    op.create_table(
        "issues",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("date", sa.Date(), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("ingested_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("part", sa.Text()),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_url", sa.Text()),
    )
    op.create_index("ix_items_content_hash", "items", ["content_hash"])
    op.create_index("ix_items_issue_position", "items", ["issue_id", "position"])
    op.create_table(
        "vectors",
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("text_hash", sa.String(64), primary_key=True),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def _chat() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(500), nullable=False),
        sa.Column("service_url", sa.Text()),
        sa.Column("tenant_id", sa.String(200)),
        sa.Column("created_by", sa.String(200)),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("platform", "channel_id"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(500), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("message_ref", sa.String(200)),
        sa.Column("claimed_at", STAMP, nullable=False),
        sa.Column("confirmed_at", STAMP),
        sa.UniqueConstraint("issue_id", "platform", "channel_id"),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(500), nullable=False),
        sa.Column("thread_id", sa.String(200), nullable=False),
        sa.Column("issue_date", sa.Date()),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("platform", "channel_id", "thread_id"),
    )
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("seen_at", STAMP, nullable=False),
    )
    op.create_index("ix_seen_events_seen_at", "seen_events", ["seen_at"])


def _polling() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "seen_documents",
        sa.Column("source", sa.String(1000), primary_key=True),
        sa.Column("doc_id", sa.String(1000), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("seen_at", STAMP, nullable=False),
    )
    op.create_table(
        "http_cache",
        sa.Column("url", sa.String(1000), primary_key=True),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
    )
