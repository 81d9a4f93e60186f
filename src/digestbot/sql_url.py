"""Database URLs and engines as digestbot makes them, for the store and for the tables adapters keep beside
it (Slack's installations): ``postgresql://`` and ``postgres://`` (as hosting providers write them) mean
psycopg 3, and every engine on a SQLite file gets the same settings (write-ahead log, foreign keys, a busy
timeout), whoever opens it: the one engine factory.

A URL carries credentials in more places than ``user:password@``: libpq takes ``?password=``,
``?sslpassword=`` and ``?passfile=`` too. ``safe_url`` masks every one of them, and ``redact`` masks their
values wherever else they might show up (a driver's error message), so no log line or error shows them.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from digestbot.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

DIALECTS = ("sqlite", "postgresql")
WAL_SWITCH_SECONDS = 30.0
BUSY_TIMEOUT_SECONDS = 30
MASK = "***"
# Query parameters whose value is (or leads to) a secret: password, sslpassword, passfile, sslkey, token...
SECRET_PARAMETER = re.compile(r"pass|secret|token|key|cred|auth", re.IGNORECASE)
UNPARSEABLE = "(a database URL that cannot be parsed)"


def with_driver(url: URL) -> URL:
    """The URL with psycopg 3 named as PostgreSQL's driver (other URLs as they are)."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def database_url(url: str) -> URL:
    """A configured database URL, parsed, with its driver (sqlalchemy's ArgumentError if it is not one)."""
    return with_driver(make_url(url))


def _parsed(url: URL | str) -> URL | None:
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None


def safe_url(url: URL | str) -> str:
    """The URL as an operator may see it: the password and every secret-looking query parameter masked;
    a URL that cannot be parsed (so cannot be masked) is not shown at all."""
    parsed = _parsed(url)
    if parsed is None:
        return UNPARSEABLE
    query = {name: MASK if SECRET_PARAMETER.search(name) else value for name, value in parsed.query.items()}
    rendered = parsed.set(query=query).render_as_string(hide_password=True)
    return rendered.replace(quote(MASK, safe=""), MASK)  # rendering percent-encodes the query's masks


def secrets_of(url: URL | str) -> list[str]:
    """The secret values a URL carries (its password, its secret-looking query parameters' values)."""
    parsed = _parsed(url)
    if parsed is None:
        return [url] if isinstance(url, str) and url else []
    found = [parsed.password] if parsed.password else []
    for name, value in parsed.query.items():
        if SECRET_PARAMETER.search(name):
            found.extend([value] if isinstance(value, str) else value)
    return [secret for secret in found if secret]


def redact(text: str, url: URL | str) -> str:
    """``text`` (e.g. a driver's error message) with every secret of ``url`` masked, as written and as
    percent-encoded, longest first."""
    spellings = {
        form
        for secret in secrets_of(url)
        for form in (
            secret,
            quote(secret),
            quote(secret, safe=""),
            quote_plus(secret),
            quote_plus(secret, safe=""),
        )
    }
    for secret in sorted(spellings, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def sync_engine(url: str) -> Engine:
    """An engine on a SQLite file (its directory created, the file probed) or a PostgreSQL server; a
    ConfigError naming the problem for a URL digestbot cannot use."""
    parsed = _checked(url)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _usable_directory(Path(database).parent)
        options = {"connect_args": {"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}}
    try:
        engine = create_engine(parsed, **options)
    except (SQLAlchemyError, ImportError) as exc:
        raise ConfigError(
            f"database_url: cannot open {safe_url(parsed)} ({redact(str(exc), parsed)})"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        _probe(engine, parsed.database or ":memory:")
    return engine


def async_engine(url: str) -> AsyncEngine:
    """An async engine on the same database (aiosqlite for SQLite, psycopg 3 for PostgreSQL), with the
    same SQLite settings.

    No pool: each request's connection is closed after it, so none is tied to an event loop that has
    ended, and no aiosqlite worker thread outlives its query (it would keep the process from exiting).
    """
    from sqlalchemy.ext.asyncio import create_async_engine  # only the Slack OAuth edge needs asyncio's
    from sqlalchemy.pool import NullPool

    parsed = _checked(url)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_SECONDS}
    engine = create_async_engine(parsed, poolclass=NullPool, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _checked(url: str) -> URL:
    try:
        parsed = database_url(url)
    except (ArgumentError, ValueError):  # their messages quote the URL, password and all
        raise ConfigError("database_url: not a valid SQLAlchemy URL") from None
    if parsed.get_backend_name() not in DIALECTS:
        raise ConfigError(
            f"database_url: digestbot runs on SQLite or PostgreSQL (postgresql+psycopg://...),"
            f" not {parsed.get_backend_name()}"
        )
    return parsed


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
    (replicas starting at once) retry for a while instead of failing. (The error's type is the driver's:
    sqlite3's, or aiosqlite's adapter's.)"""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while _journal_mode(cursor) != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except Exception as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _journal_mode(cursor: Any) -> str:
    cursor.execute("PRAGMA journal_mode")  # aiosqlite's adapter returns None from execute: fetch apart
    return str(cursor.fetchone()[0]).lower()
