"""Model commands: ``digestbot model export``."""

from __future__ import annotations

import typer

from digestbot.cli.base import runtime


def export_command(ctx: typer.Context) -> None:
    """Export the model to ONNX under model_cache_dir, once (imports torch; later starts need none)."""
    from digestbot.app import export_model

    typer.echo(export_model(runtime(ctx).settings))


def register(app: typer.Typer) -> None:
    """Add the ``model`` command group to the ``digestbot`` app."""
    model_app = typer.Typer(name="model", help="The embedding model.", no_args_is_help=True)
    model_app.command("export")(export_command)
    app.add_typer(model_app)
