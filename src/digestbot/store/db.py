"""Engine and session factory: a SQLite file by default, PostgreSQL (psycopg 3) for several replicas."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from digestbot.errors import DatabaseUnavailable
from digestbot.sql_url import redact, safe_url, sync_engine
from digestbot.store import migrations
from digestbot.store.outage import Outage

__all__ = ["Database", "DatabaseUnavailable"]


class Database:
    """Owns the engine; hands out transactional sessions.

    A brand-new database gets the schema at once; one at an older revision is refused with the command
    that upgrades it (``prepare=False`` skips that, for the upgrade itself).
    """

    def __init__(self, url: str, *, prepare: bool = True) -> None:
        self.url = url
        self.engine = sync_engine(url)
        self.dialect = self.engine.dialect.name
        self.outage = Outage(safe_url(self.engine.url))
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
            raise DatabaseUnavailable(self._cannot(self._reason(exc))) from None

    def ping(self) -> None:
        """One trivial query; DatabaseUnavailable (naming the database, no password) if it fails."""
        try:
            with self._watched(), self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:  # not the connection lost, still no answer
            self.outage.failed(type(exc).__name__)
            raise DatabaseUnavailable(self._cannot(type(exc).__name__)) from None

    def known_up(self) -> bool:
        """True unless an outage is known: no query, no lock, so safe on an event loop. When True,
        ``available()`` would say True without touching the database."""
        return not self.outage.down

    def available(self) -> bool:
        """False while an outage is known, without touching the database, except once every few seconds
        when one query checks whether it is over (the HTTP edges answer 503 meanwhile)."""
        if not self.outage.probe_due():
            return not self.outage.down
        try:
            self.ping()
        except DatabaseUnavailable:
            return False
        return True

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back (nothing changed) on error.
        A lost database is DatabaseUnavailable, logged once per outage (``outage``), not a traceback."""
        with self._watched(), self._sessions.begin() as session:
            yield session

    @contextmanager
    def _watched(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            if not _lost(exc):
                raise
            reason = self._reason(exc)
            self.outage.failed(reason)
            raise DatabaseUnavailable(self._cannot(reason)) from None
        self.outage.answered()

    def _reason(self, exc: DBAPIError) -> str:
        """The driver's first line, with any secret of the URL masked."""
        lines = str(exc.orig or exc).strip().splitlines() or [type(exc.orig or exc).__name__]
        return redact(lines[0], self.engine.url)

    def _cannot(self, reason: str) -> str:
        return f"cannot use the database {safe_url(self.engine.url)}: {reason}"

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def _lost(exc: DBAPIError) -> bool:
    """Whether an error means the database cannot be used at all (server down, connection dropped, file
    gone), rather than a problem with one statement."""
    return isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated
