"""Chat commands: serve (Slack, Teams, scheduler; or a console chat), bench."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from digestbot.cli.base import app, state


@app.command()
def serve(
    console: Annotated[bool, typer.Option("--console", help="A chat at this terminal, whatever is configured.")] = False,
) -> None:
    """Run the bot: Slack and Teams when configured; with no chat credentials, a console chat."""
    settings = state.settings
    core = state.core()
    if console or not settings.chat_configured:
        from digestbot.console import ConsoleChat, load_samples_if_empty

        load_samples_if_empty(core)
        core.engine.ensure_index()
        ConsoleChat(core, sys.stdin, sys.stdout, interactive=sys.stdin.isatty()).run()
        return
    from digestbot.serve import run_chat

    run_chat(settings, core)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="A smaller archive, for a smoke run.")] = False,
) -> None:
    """Performance report: latency against its floor, start-up, ingest, reindex, memory (see bench/)."""
    from digestbot.benchmark import run_benchmarks

    run_benchmarks(state.settings, quick=quick)
