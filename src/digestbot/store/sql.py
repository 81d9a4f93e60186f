"""Portable upserts: ``INSERT ... ON CONFLICT`` through the dialect's own insert construct.

Concurrent writers (threads, processes, replicas) converge on one row instead of one of them failing a
unique constraint, as a check-then-insert would. SQLite (3.35+) and PostgreSQL both speak ON CONFLICT
and RETURNING.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Table, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from digestbot.store.models import Base

Insert = postgresql.Insert | sqlite.Insert


def insert(session: Session, model: type[Base]) -> Insert:
    """An INSERT of that model's table in the session's dialect, with ``on_conflict_do_*`` available."""
    table = model.__table__
    assert isinstance(table, Table)
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def added(session: Session, statement: Insert) -> bool:
    """Run an ``INSERT ... ON CONFLICT DO NOTHING``; True if it inserted its row. (RETURNING tells: the
    rowcount of an INSERT is not reliable across drivers.)"""
    return session.execute(statement.returning(literal_column("1"))).first() is not None


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched."""
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
