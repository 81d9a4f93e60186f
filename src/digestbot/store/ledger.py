"""The delivery ledger: one row per (issue, destination), claimed before posting and confirmed after."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from digestbot.store.db import Database
from digestbot.store.models import DeliveryRow, IssueRow, utcnow


class Claim(enum.Enum):
    """The outcome of claiming a delivery."""

    NEW = "new"  # claimed now: post it
    IN_DOUBT = "in-doubt"  # claimed earlier, never confirmed: a crash may have posted it; look first
    DONE = "done"  # already posted


class Ledger:
    """Claims and confirmations of deliveries, safe across processes (a unique row per delivery)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, issue_date: dt.date, platform: str, channel_id: str) -> Claim:
        """Claim the delivery of that issue to that destination before posting it."""
        with self.db.transaction() as session:
            issue_id = session.scalar(select(IssueRow.id).where(IssueRow.date == issue_date))
            if issue_id is None:
                raise LookupError(f"no issue dated {issue_date}")
        try:
            with self.db.transaction() as session:
                session.add(
                    DeliveryRow(issue_id=issue_id, platform=platform, channel_id=channel_id, state="claimed")
                )
            return Claim.NEW
        except IntegrityError:
            state = self.state(issue_date, platform, channel_id)
            return Claim.DONE if state == "posted" else Claim.IN_DOUBT

    def confirm(self, issue_date: dt.date, platform: str, channel_id: str, message_ref: str | None) -> None:
        """Record that the post is in the channel."""
        with self.db.transaction() as session:
            row = session.scalar(_row(issue_date, platform, channel_id))
            if row is not None:
                row.state, row.message_ref, row.confirmed_at = "posted", message_ref, utcnow()

    def release(self, issue_date: dt.date, platform: str, channel_id: str) -> None:
        """Drop a claim whose post certainly failed, so the next cycle tries again."""
        with self.db.transaction() as session:
            row = session.scalar(_row(issue_date, platform, channel_id))
            if row is not None and row.state == "claimed":
                session.execute(delete(DeliveryRow).where(DeliveryRow.id == row.id))

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
