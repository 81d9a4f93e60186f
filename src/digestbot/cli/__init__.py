"""The ``digestbot`` command line: a thin layer over the core (see DESIGN.md for the contract)."""

from __future__ import annotations

import sys

from digestbot.cli.base import app

# Command modules register themselves on ``app`` when imported.
from digestbot.cli import answers, archive, chat, db  # noqa: F401  isort: skip


def main() -> None:
    """Console-script entry point (domain errors become exit status 1 in ``DigestbotGroup``)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["app", "main"]
