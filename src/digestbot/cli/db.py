"""Database commands: ``digestbot db upgrade``."""

from __future__ import annotations

import typer

from digestbot.cli.base import runtime


def upgrade_command(ctx: typer.Context) -> None:
    """Apply schema migrations (Alembic). A 0.1 database is upgraded in place and keeps everything."""
    from digestbot.app import upgrade_database

    typer.echo(upgrade_database(runtime(ctx).settings))


def register(app: typer.Typer) -> None:
    """Add the ``db`` command group to the ``digestbot`` app."""
    db_app = typer.Typer(name="db", help="The database schema.", no_args_is_help=True)
    db_app.command("upgrade")(upgrade_command)
    app.add_typer(db_app)
