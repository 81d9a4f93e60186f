"""Chat commands: serve (Slack, Teams, scheduler; or a console chat), post, bench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from digestbot.cli.base import app, parse_date, state


@app.command()
def serve(
    console: Annotated[
        bool, typer.Option("--console", help="A chat at this terminal, whatever is configured.")
    ] = False,
) -> None:
    """Run the bot: Slack and Teams when configured, with the weekly schedule; with no chat credentials,
    a console chat (over the bundled sample archive when the archive is empty)."""
    settings = state.settings
    if console or not settings.chat_configured:
        from digestbot.console import run_console

        run_console(state.core(), settings, sys.stdin, sys.stdout)
        return
    from digestbot import platforms
    from digestbot.scheduler import build_scheduler
    from digestbot.serve import run_chat

    core = state.core()
    scheduler = build_scheduler(core, settings)
    scheduler.start()
    try:
        run_chat(settings, core, extra_routes=platforms.extra_routes(settings, core))
    finally:
        scheduler.shutdown(wait=False)


@app.command()
def post(
    issue: Annotated[
        str | None, typer.Option("--issue", help="Post this issue (YYYY-MM-DD) where it is missing.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print what would be posted where.")
    ] = False,
) -> None:
    """Deliver new issues (or one issue) to the configured and subscribed channels, exactly once each."""
    day = parse_date(issue) if issue else None
    core = state.core()
    if dry_run:
        planned = core.plan_delivery(day)
        for entry in planned:
            typer.echo(f"{entry.issue_date.isoformat()} -> {entry.dest.platform}:{entry.dest.channel_id}")
        typer.echo(f"{len(planned)} posts would be made" if planned else "nothing to post")
        return
    report = core.deliver_new(day)
    for entry in report.posted + report.reconciled:
        typer.echo(f"{entry.issue_date.isoformat()} -> {entry.dest.platform}:{entry.dest.channel_id}")
    for entry, error in report.failed:
        typer.echo(f"digestbot: error: {entry.dest.platform}:{entry.dest.channel_id}: {error}", err=True)
    typer.echo(
        f"{len(report.posted)} posted, {len(report.reconciled)} found already posted, "
        f"{len(report.failed)} failed"
    )
    if report.failed:
        raise typer.Exit(1)


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="A smaller archive and load (a smoke run).")] = False,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="The seed issues' folder: adds eval quality and backend agreement."),
    ] = None,
) -> None:
    """Performance report, torch and ONNX side by side: latency against the torch floor, start-up, ingest,
    reindex, memory, Slack load (see bench/README.md)."""
    from digestbot.benchmark import run_benchmarks

    run_benchmarks(state.settings, quick=quick, seeds=seeds)
