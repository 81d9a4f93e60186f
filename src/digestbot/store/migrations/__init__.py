"""Schema migrations (Alembic), applied programmatically: no alembic.ini is needed at run time.

Revision 0001 is the 0.1 schema, which ``create_all`` made before digestbot had migrations. A 0.1 database
has those tables but no ``alembic_version``, so ``upgrade`` stamps it 0001 before applying the rest. A
brand-new database is created at head by ``prepare``; any other database not at head is refused with the
command to run, so no process ever works on a schema it does not know.

A schema change holds a lock for its whole transaction (a PostgreSQL advisory lock, or SQLite's write lock
taken with ``BEGIN IMMEDIATE``), so replicas starting together on an empty database create it once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text

from digestbot.errors import DigestbotError
from digestbot.sql_url import safe_url

log = logging.getLogger(__name__)

SCRIPTS = Path(__file__).resolve().parent
BASELINE = "0001"  # the 0.1 schema
UPGRADE_COMMAND = "digestbot db upgrade"
LOCK_KEY = 0x6469676573740001  # the PostgreSQL advisory lock every digestbot schema change takes


class SchemaError(DigestbotError):
    """The database's schema is not the one this digestbot needs; the message says what to do."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its Alembic revision (None if it has none) and whether digestbot's tables
    are there (they are without a revision in a 0.1 database)."""

    revision: str | None
    has_tables: bool

    @property
    def fresh(self) -> bool:
        """Nothing of digestbot's yet: safe to create at head."""
        return self.revision is None and not self.has_tables

    @property
    def legacy(self) -> bool:
        """Made by digestbot 0.1 (``create_all``, no revision)."""
        return self.revision is None and self.has_tables

    def describe(self) -> str:
        """ "0.1", "0002", or "empty"."""
        return "0.1" if self.legacy else self.revision or "empty"


def head() -> str:
    """The newest revision this digestbot ships."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    if found is None:
        raise SchemaError(f"no migrations found in {SCRIPTS}: the installation is incomplete")
    return found


def state(engine: Engine) -> SchemaState:
    """Read where the database stands (no lock, no change)."""
    with engine.connect() as connection:
        return _state(connection)


def prepare(engine: Engine) -> None:
    """Make the database ready: create a brand-new one at head; refuse one at any other revision with a
    one-line SchemaError naming the command to run."""
    current = state(engine)
    if current.fresh:
        before, after = upgrade(engine)  # under the lock: a replica that created it meanwhile wins
        if before.fresh:
            log.info("created the schema (revision %s) in %s", after, _where(engine))
        current = state(engine)
    _require_head(current, engine)


def upgrade(engine: Engine, target: str = "head") -> tuple[SchemaState, str]:
    """Apply every pending migration up to ``target`` (stamping a 0.1 database first). Returns the state
    before and the revision after."""
    target = head() if target == "head" else target
    with _locked(engine) as connection:
        before = _state(connection)
        config = _config(connection)
        try:
            if before.legacy:
                command.stamp(config, BASELINE)
            command.upgrade(config, target)
        except CommandError as exc:
            where = _where(engine)
            raise SchemaError(f"{where}: cannot upgrade from revision {before.describe()}: {exc}") from None
    return before, target


def _require_head(current: SchemaState, engine: Engine) -> None:
    target = head()
    if current.revision == target:
        return
    where = _where(engine)
    if current.legacy:
        raise SchemaError(f"{where} was made by digestbot 0.1 and needs migrating: run `{UPGRADE_COMMAND}`")
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current.revision is not None and current.revision not in known:
        raise SchemaError(
            f"{where} is at schema revision {current.revision}, newer than this digestbot knows"
            f" (it needs {target}): upgrade digestbot"
        )
    raise SchemaError(
        f"{where} is at schema revision {current.describe()}, this digestbot needs {target}:"
        f" run `{UPGRADE_COMMAND}`"
    )


def _state(connection: Connection) -> SchemaState:
    revision = MigrationContext.configure(connection).get_current_revision()
    return SchemaState(revision, inspect(connection).has_table("issues"))


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _where(engine: Engine) -> str:
    return f"the database {safe_url(engine.url)}"


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the schema lock; committed when the block succeeds."""
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            with connection.begin():
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
                yield connection
        else:
            with _sqlite_write_lock(connection):
                yield connection


@contextmanager
def _sqlite_write_lock(connection: Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE``, with Python's sqlite3 told not to manage transactions, so the DDL is inside it
    too; foreign keys off meanwhile, since a table rebuild (drop, recreate) must not cascade."""
    raw = connection.connection.driver_connection
    previous = raw.isolation_level  # type: ignore[union-attr]
    raw.isolation_level = None  # type: ignore[union-attr]
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        raw.isolation_level = previous  # type: ignore[union-attr]
