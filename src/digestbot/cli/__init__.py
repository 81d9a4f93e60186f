"""The ``digestbot`` command line: a thin layer over the core (see DESIGN.md for the contract)."""

from __future__ import annotations

import sys

import typer

from digestbot.cli import answers, archive, chat, db, model
from digestbot.cli.base import CoreFactory, default_factory, new_app


def build_cli(factory: CoreFactory = default_factory) -> typer.Typer:
    """The whole command line over a core factory (tests pass one with a fake embedder)."""
    app = new_app(factory)
    for module in (archive, answers, chat, db, model):
        module.register(app)
    return app


def main() -> None:
    """Console-script entry point (domain errors become exit status 1 in ``DigestbotGroup``)."""
    try:
        build_cli()()
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["build_cli", "main"]
