"""Chat commands: serve (Slack, Teams, scheduler; or a console chat), post, bench."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from digestbot.cli.base import parse_date, runtime
from digestbot.telemetry.logs import configure_logging


def serve(
    ctx: typer.Context,
    console: Annotated[
        bool, typer.Option("--console", help="A chat at this terminal, whatever is configured.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log what happens, on the screen too in a console chat.")
    ] = False,
) -> None:
    """Run the bot: Slack and Teams when configured, with the weekly schedule; with no chat credentials,
    a console chat (over the bundled sample archive when the archive is empty) whose log lines go to
    DATA_DIR/console.log, warnings and errors (everything with --verbose) to the screen too."""
    run = runtime(ctx)
    if verbose and not run.verbose:
        run.verbose = True
        configure_logging(verbose=True)
    settings = run.settings
    if console or not settings.chat_configured:
        from digestbot.edge.console import console_log_file, run_console
        from digestbot.telemetry.logs import log_to_file

        log_file = console_log_file(settings)
        log_to_file(log_file, fmt=settings.log_format, screen=run.verbose)
        run_console(run.core(), run.conversations(), settings, sys.stdin, sys.stdout, log_file=log_file)
        return
    from digestbot.edge import platforms
    from digestbot.edge.scheduler import build_scheduler
    from digestbot.edge.serve import run_chat

    core, conversations = run.core(), run.conversations()
    scheduler = build_scheduler(core, settings, boards=platforms.home_boards(settings, core, conversations))
    scheduler.start()
    try:
        run_chat(settings, core, conversations, extra_routes=platforms.extra_routes(settings, conversations))
    finally:
        scheduler.shutdown(wait=False)


def post(
    ctx: typer.Context,
    issue: Annotated[
        str | None, typer.Option("--issue", help="Post this issue (YYYY-MM-DD) where it is missing.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print what would be posted where.")
    ] = False,
) -> None:
    """Deliver new issues (or one issue) to the configured and subscribed channels, exactly once each."""
    day = parse_date(issue) if issue else None
    core = runtime(ctx).core()
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


def bench(
    ctx: typer.Context,
    quick: Annotated[bool, typer.Option("--quick", help="A smaller archive and load (a smoke run).")] = False,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="The seed issues' folder: adds eval quality and backend agreement."),
    ] = None,
) -> None:
    """Performance report, torch and ONNX side by side: latency against the torch floor, start-up, ingest,
    reindex, memory, Slack load (see bench/README.md)."""
    from digestbot.benchmark import run_benchmarks

    run_benchmarks(runtime(ctx).settings, quick=quick, seeds=seeds)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``digestbot`` app."""
    app.command()(serve)
    app.command()(post)
    app.command()(bench)
