"""Personal watches and the Slack App Home.

- ``watchers``: a user who follows topics, and the 1:1 conversation to reach them in (Teams needs one).
- ``watches``: the topics, each once per user (``topic_key``), with the newest issue when it began.
- ``watch_notices``: the watch ledger, one row per (watch, issue), claimed before the direct message is
  sent and finished after, so a crash or a second replica never sends it twice.
- ``home_views``: who opened the App Home, so it is refreshed when a new issue arrives.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables (new tables only: nothing stored is touched)."""
    op.create_table(
        "watchers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(200)),
        sa.Column("conversation_id", sa.String(500)),
        sa.Column("service_url", sa.Text()),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.UniqueConstraint("platform", "user_id"),
    )
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "watcher_id", sa.Integer(), sa.ForeignKey("watchers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("topic_key", sa.String(400), nullable=False),
        sa.Column("since", sa.Date()),
        sa.Column("created_at", STAMP, nullable=False),
        sa.UniqueConstraint("watcher_id", "topic_key"),
    )
    op.create_table(
        "watch_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("holder", sa.String(200)),
        sa.Column("lease_until", STAMP),
        sa.Column("message_ref", sa.String(200)),
        sa.Column("claimed_at", STAMP, nullable=False),
        sa.Column("done_at", STAMP),
        sa.UniqueConstraint("watch_id", "issue_id"),
    )
    op.create_table(
        "home_views",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(200)),
        sa.Column("opened_at", STAMP, nullable=False),
        sa.UniqueConstraint("platform", "user_id"),
    )


def downgrade() -> None:
    """Back to revision 0002 (children first)."""
    for table in ("home_views", "watch_notices", "watches", "watchers"):
        op.drop_table(table)
