"""Database commands: ``digestbot db upgrade``."""

from __future__ import annotations

import typer

from digestbot.cli.base import app, state
from digestbot.store import Database
from digestbot.store.migrations import SchemaState, upgrade

db_app = typer.Typer(name="db", help="The database schema.", no_args_is_help=True)
app.add_typer(db_app)


@db_app.command("upgrade")
def upgrade_command() -> None:
    """Apply schema migrations (Alembic). A 0.1 database is upgraded in place and keeps everything."""
    db = Database(state.settings.resolved_database_url, prepare=False)
    try:
        with db.reachable():
            before, after = upgrade(db.engine)
    finally:
        db.close()
    typer.echo(describe(before, after))


def describe(before: SchemaState, after: str) -> str:
    """One line: what the upgrade did."""
    if before.fresh:
        return f"database created at schema revision {after}"
    if before.revision == after:
        return f"database already at schema revision {after}; nothing to do"
    return f"database upgraded from schema revision {before.describe()} to {after}"
