"""Engine and session factory: a SQLite file by default, PostgreSQL (psycopg 3) for several replicas."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from digestbot.errors import ConfigError, DatabaseUnavailable
from digestbot.sql_url import redact, safe_url, with_driver
from digestbot.store import migrations
from digestbot.store.outage import Outage

DIALECTS = ("sqlite", "postgresql")
__all__ = ["Database", "DatabaseUnavailable"]


class Database:
    """Owns the engine; hands out transactional sessions.

    A brand-new database gets the schema at once; one at an older revision is refused with the command
    that upgrades it (``prepare=False`` skips that, for the upgrade itself).
    """

    def __init__(self, url: str, *, prepare: bool = True) -> None:
        self.url = url
        self.engine = _create_engine(url)
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


WAL_SWITCH_SECONDS = 30.0


def _lost(exc: DBAPIError) -> bool:
    """Whether an error means the database cannot be used at all (server down, connection dropped, file
    gone), rather than a problem with one statement."""
    return isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # their messages quote the URL, password and all
        raise ConfigError("database_url: not a valid SQLAlchemy URL") from None
    parsed = with_driver(parsed)
    if parsed.get_backend_name() not in DIALECTS:
        raise ConfigError(
            f"database_url: digestbot runs on SQLite or PostgreSQL (postgresql+psycopg://...),"
            f" not {parsed.get_backend_name()}"
        )
    options: dict[str, Any] = {"pool_pre_ping": True} if parsed.get_backend_name() == "postgresql" else {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _usable_directory(Path(database).parent)
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    try:
        engine = create_engine(parsed, **options)
    except (SQLAlchemyError, ImportError) as exc:
        reason = redact(str(exc), parsed)
        raise ConfigError(f"database_url: cannot open {safe_url(parsed)} ({reason})") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        _probe(engine, parsed.database or ":memory:")
    return engine


def _probe(engine: Engine, database: str) -> None:
    """Open the SQLite file once, so a path SQLite cannot use is one clear error, not a traceback later."""
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        raise ConfigError(
            f"cannot open the database {database} ({redact(str(reason), engine.url)})"
        ) from None


def _usable_directory(directory: Path) -> None:
    """Create the SQLite file's directory if needed; ConfigError naming it and why it cannot be used."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
        raise ConfigError(f"cannot create the data directory {directory} ({reason})") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write to the data directory {directory} (permission denied)")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the scheduler write while chat handlers read; foreign keys make cascades real.
    cursor = dbapi_connection.cursor()
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _write_ahead_log(cursor: Any) -> None:
    """Switch a new file to WAL (the mode is kept in the file, so later opens only read it). Switching takes
    an exclusive lock that SQLite's busy timeout does not wait for: processes opening a new file together
    (replicas starting at once) retry for a while instead of failing."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
