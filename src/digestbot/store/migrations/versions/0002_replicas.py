"""Several replicas on one database: delivery claims with a holder and a lease, and the archive's version.

- ``deliveries.holder`` / ``lease_until``: who claimed a delivery and until when the claim is theirs. A
  live replica renews its lease while it posts; a claim whose lease ran out (its replica died) is taken
  over by another, which looks in the channel before posting. 0.1 claims have no lease: in doubt at once.
- ``archive_state``: one row whose ``version`` is bumped in the transaction of every issue saved, so each
  replica sees an ingest made elsewhere and refreshes its index from the stored vectors.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None


def upgrade() -> None:
    """Add the claim lease and the archive version (plain ADD COLUMN: no table rebuild on SQLite)."""
    op.add_column("deliveries", sa.Column("holder", sa.String(200)))
    op.add_column("deliveries", sa.Column("lease_until", sa.DateTime(timezone=True)))
    op.create_table(
        "archive_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    """Back to the 0.1 schema."""
    op.drop_table("archive_state")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("holder")
