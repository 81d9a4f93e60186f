"""The tables migration 0004 makes for Slack installs are exactly the ones slack_sdk's SQLAlchemy stores
declare (on SQLite and PostgreSQL), so the stores read and write them as if they had created them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

from digestbot.settings import Settings
from digestbot.slack.tokens import installation_engine
from digestbot.sql_url import async_engine
from digestbot.store import Database

SLACK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}


def slack_sdk_metadata(db: Database) -> MetaData:
    """The tables as slack_sdk declares them (what its ``create_tables`` would make)."""
    found = MetaData()
    for table in SQLAlchemyInstallationStore(client_id="1.2", engine=db.engine).metadata.tables.values():
        table.to_metadata(found)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
    states.oauth_states.to_metadata(found)
    return found


def only_slack_tables(name: str | None, kind: str, _parent: Any) -> bool:
    return kind != "table" or name in SLACK_TABLES


def test_the_migrated_tables_are_slack_sdks(database_url: str) -> None:
    db = Database(database_url)  # a new database: every migration applied
    try:
        expected = slack_sdk_metadata(db)
        assert set(expected.tables) == SLACK_TABLES
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": only_slack_tables})
            assert compare_metadata(context, expected) == []
    finally:
        db.close()


def test_the_slack_adapters_engines_get_the_stores_sqlite_settings(tmp_path: Path) -> None:
    """Both engines the Slack adapter opens on the settings' SQLite file (the installation store's and the
    OAuth flow's) come from the one factory: write-ahead log, foreign keys, as the store's own."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    engine = installation_engine(settings)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert asyncio.run(_async_pragmas(settings)) == ("wal", 1)


async def _async_pragmas(settings: Settings) -> tuple[str, int]:
    engine = async_engine(settings.resolved_database_url)  # what oauth_options builds its stores on
    try:
        async with engine.connect() as connection:
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            return str(mode), int(keys or 0)
    finally:
        await engine.dispose()
