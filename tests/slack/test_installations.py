"""The tables migration 0004 makes for Slack installs are exactly the ones slack_sdk's SQLAlchemy stores
declare (on SQLite and PostgreSQL), so the stores read and write them as if they had created them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData

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
