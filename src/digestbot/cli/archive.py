"""Archive commands: ingest, issues, show."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from digestbot.cli.base import emit_json, parse_date, runtime
from digestbot.ingest.ingest_report import IngestReport, IngestResult
from digestbot.render.data import ingest_dict, issue_dict, summary_dict
from digestbot.render.plain import issue_text, summary_line
from digestbot.telemetry.logs import escape_controls


def ingest(
    ctx: typer.Context,
    locations: Annotated[list[str], typer.Argument(help="Files, folders, page URLs or feed URLs.")],
    date: Annotated[
        str | None, typer.Option("--date", help="The issue date (YYYY-MM-DD); beats any date in the text.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="The issue's public URL, for citations.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
) -> None:
    """Parse and store digest issues; a bad file is reported and the rest go on (exit 1 if any failed)."""
    when = parse_date(date) if date else None
    core = runtime(ctx).core()
    show_bar = not as_json and sys.stderr.isatty()
    with _progress(show_bar) as bar:
        task = bar.add_task("ingesting", total=None)

        def advance(result: IngestResult) -> None:
            bar.update(task, advance=1, description=result.source[-60:])

        report = core.ingest(locations, date=when, url=url, progress=advance)
    if as_json:
        emit_json([ingest_dict(result) for result in report.results])
    else:
        _print_report(report)
    if report.failed:
        raise typer.Exit(1)


def _progress(enabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        disable=not enabled,
        transient=True,
    )


def _print_report(report: IngestReport) -> None:
    for result in report.results:
        if result.error is None and result.date and result.outcome:
            source = escape_controls(result.source)
            typer.echo(f"{result.date.isoformat()}  {result.outcome.value:<9}  {source}")
    counts = {name: 0 for name in ("added", "replaced", "unchanged")}
    for result in report.results:
        if result.outcome:
            counts[result.outcome.value] += 1
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    typer.echo(
        f"{len(report.results) - len(report.failed)} issues read ({summary}); {len(report.failed)} failed"
    )
    for result in report.failed:
        typer.echo(f"digestbot: error: {escape_controls(result.error or '')}", err=True)


def list_issues(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List every issue in the archive with its sections."""
    summaries = runtime(ctx).core().issues()
    if as_json:
        emit_json([summary_dict(summary) for summary in summaries])
        return
    if not summaries:
        typer.echo("The archive is empty: run `digestbot ingest PATH|URL` first.")
    for summary in summaries:
        typer.echo(summary_line(summary))


def show(
    ctx: typer.Context,
    date: Annotated[str, typer.Argument(help="The issue date, YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one issue: sections, items and their analysis."""
    issue = runtime(ctx).core().show(parse_date(date))
    if as_json:
        emit_json(issue_dict(issue))
    else:
        typer.echo(issue_text(issue))


def register(app: typer.Typer) -> None:
    """Add these commands to the ``digestbot`` app."""
    app.command()(ingest)
    app.command("issues")(list_issues)
    app.command()(show)
