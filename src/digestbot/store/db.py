"""Engine and session factory: a SQLite file by default, PostgreSQL (psycopg 3) for several replicas."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from digestbot.errors import DigestbotError
from digestbot.sql_url import redact, safe_url, sync_engine
from digestbot.store import migrations


class DatabaseUnavailable(DigestbotError):
    """The database cannot be reached (server down, wrong host or credentials)."""


class Database:
    """Owns the engine; hands out transactional sessions.

    A brand-new database gets the schema at once; one at an older revision is refused with the command
    that upgrades it (``prepare=False`` skips that, for the upgrade itself).
    """

    def __init__(self, url: str, *, prepare: bool = True) -> None:
        self.url = url
        self.engine = sync_engine(url)
        self.dialect = self.engine.dialect.name
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if prepare:
            with self.reachable():
                migrations.prepare(self.engine)

    @contextmanager
    def reachable(self) -> Iterator[None]:
        """Turn "cannot connect" (or any error the driver raised: an option libpq does not know) into a
        one-line DatabaseUnavailable naming the database (no password)."""
        try:
            yield
        except DBAPIError as exc:
            reason = redact(str(exc.orig or exc).strip().splitlines()[0], self.engine.url)
            where = safe_url(self.engine.url)
            raise DatabaseUnavailable(f"cannot use the database {where}: {reason}") from None

    def ping(self) -> None:
        """One trivial query; DatabaseUnavailable (naming the database, no password) if it fails."""
        try:
            with self.reachable(), self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            where = safe_url(self.engine.url)
            raise DatabaseUnavailable(f"cannot use the database {where}: {type(exc).__name__}") from None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back (nothing changed) on error."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
