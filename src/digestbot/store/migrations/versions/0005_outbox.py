"""One outbox for everything sent exactly once: issue posts, watch notices and home refreshes.

``outbox`` replaces the delivery ledger (``deliveries``) and the watch ledger (``watch_notices``): one row
per (kind, key, platform, destination), with its state, the platform's reference to what was sent, and the
holder and lease of its claim. Every row of the two old tables is carried over:

- a delivery ``posted`` is ``sent``; one ``claimed`` is ``sending`` (the old ledger treated every claim it
  took over as in doubt, and so does the outbox for ``sending``);
- a watch notice keeps its state; its destination is the watcher's user on the watcher's platform.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

STAMP = sa.DateTime(timezone=True)
KINDS = ("issue-post", "watch-notice", "home-refresh")
STATES = ("claimed", "sending", "sent", "none", "unreachable", "unconfirmed")


# The keys as this revision writes them (frozen here: digestbot.delivery.outbox defines them for the code).
def _issue_key(day: dt.date) -> str:
    return f"digestbot-issue-{day.isoformat()}"


def _notice_key(watch_id: int, day: dt.date) -> str:
    return f"digestbot-watch-{watch_id}-{day.isoformat()}"


def upgrade() -> None:
    """Create ``outbox``, copy both ledgers' rows into it, drop the old tables."""
    outbox = op.create_table("outbox", *_outbox_columns())
    op.create_index("ix_outbox_destination", "outbox", ["kind", "platform", "destination"])
    connection = op.get_bind()
    rows = [*_deliveries(connection), *_notices(connection)]
    if rows:
        op.bulk_insert(outbox, rows)
    op.drop_table("deliveries")
    op.drop_table("watch_notices")


def _outbox_columns() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.Enum(*KINDS, native_enum=False, length=20), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("destination", sa.String(500), nullable=False),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watches.id", ondelete="CASCADE")),
        sa.Column("state", sa.Enum(*STATES, native_enum=False, length=20), nullable=False),
        sa.Column("ref", sa.String(200)),
        sa.Column("holder", sa.String(200)),
        sa.Column("lease_until", STAMP),
        sa.Column("claimed_at", STAMP, nullable=False),
        sa.Column("done_at", STAMP),
        sa.UniqueConstraint("kind", "key", "platform", "destination"),
    ]


def _deliveries(connection: sa.Connection) -> list[dict[str, Any]]:
    query = sa.text(
        "SELECT d.issue_id, i.date, d.platform, d.channel_id, d.state, d.message_ref, d.claimed_at,"
        " d.confirmed_at, d.holder, d.lease_until FROM deliveries d JOIN issues i ON i.id = d.issue_id"
        " ORDER BY d.id"
    ).columns(date=sa.Date(), claimed_at=STAMP, confirmed_at=STAMP, lease_until=STAMP)
    return [
        {
            "kind": "issue-post",
            "key": _issue_key(row.date),
            "platform": row.platform,
            "destination": row.channel_id,
            "issue_id": row.issue_id,
            "watch_id": None,
            "state": "sent" if row.state == "posted" else "sending",
            "ref": row.message_ref,
            "holder": row.holder,
            "lease_until": row.lease_until,
            "claimed_at": row.claimed_at,
            "done_at": row.confirmed_at,
        }
        for row in connection.execute(query)
    ]


def _notices(connection: sa.Connection) -> list[dict[str, Any]]:
    query = sa.text(
        "SELECT n.watch_id, n.issue_id, i.date, u.platform, u.user_id, n.state, n.message_ref, n.holder,"
        " n.lease_until, n.claimed_at, n.done_at FROM watch_notices n JOIN issues i ON i.id = n.issue_id"
        " JOIN watches w ON w.id = n.watch_id JOIN watchers u ON u.id = w.watcher_id ORDER BY n.id"
    ).columns(date=sa.Date(), claimed_at=STAMP, done_at=STAMP, lease_until=STAMP)
    return [
        {
            "kind": "watch-notice",
            "key": _notice_key(row.watch_id, row.date),
            "platform": row.platform,
            "destination": row.user_id,
            "issue_id": row.issue_id,
            "watch_id": row.watch_id,
            "state": row.state,
            "ref": row.message_ref,
            "holder": row.holder,
            "lease_until": row.lease_until,
            "claimed_at": row.claimed_at,
            "done_at": row.done_at,
        }
        for row in connection.execute(query)
    ]


def downgrade() -> None:
    """Back to revision 0004: the two ledgers again, each with its kind's rows (home refreshes had no
    ledger before and are dropped)."""
    deliveries = op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issue_id", sa.Integer(), sa.ForeignKey("issues.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("channel_id", sa.String(500), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("message_ref", sa.String(200)),
        sa.Column("claimed_at", STAMP, nullable=False),
        sa.Column("confirmed_at", STAMP),
        sa.Column("holder", sa.String(200)),
        sa.Column("lease_until", STAMP),
        sa.UniqueConstraint("issue_id", "platform", "channel_id"),
    )
    notices = op.create_table(
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
    rows = list(
        op.get_bind().execute(
            sa.text(
                "SELECT kind, platform, destination, issue_id, watch_id, state, ref, holder, lease_until,"
                " claimed_at, done_at FROM outbox ORDER BY id"
            ).columns(claimed_at=STAMP, done_at=STAMP, lease_until=STAMP)
        )
    )
    posts = [_old_delivery(row) for row in rows if row.kind == "issue-post"]
    told = [_old_notice(row) for row in rows if row.kind == "watch-notice"]
    if posts:
        op.bulk_insert(deliveries, posts)
    if told:
        op.bulk_insert(notices, told)
    op.drop_index("ix_outbox_destination", "outbox")
    op.drop_table("outbox")


def _old_delivery(row: Any) -> dict[str, Any]:
    return {
        "issue_id": row.issue_id,
        "platform": row.platform,
        "channel_id": row.destination,
        "state": "posted" if row.state == "sent" else "claimed",
        "message_ref": row.ref,
        "claimed_at": row.claimed_at,
        "confirmed_at": row.done_at,
        "holder": row.holder,
        "lease_until": row.lease_until,
    }


def _old_notice(row: Any) -> dict[str, Any]:
    return {
        "watch_id": row.watch_id,
        "issue_id": row.issue_id,
        "state": row.state,
        "message_ref": row.ref,
        "holder": row.holder,
        "lease_until": row.lease_until,
        "claimed_at": row.claimed_at,
        "done_at": row.done_at,
    }
