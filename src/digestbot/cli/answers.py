"""Answer commands: ask, reindex, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from digestbot.cli.base import emit_json, runtime
from digestbot.render.data import answer_dict
from digestbot.render.plain import answer_text


def ask(
    ctx: typer.Context,
    question: Annotated[
        str, typer.Argument(help='The question, or "-" to read one question per stdin line.')
    ],
    k: Annotated[int | None, typer.Option("-k", min=1, max=50, help="How many items to return.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON out (JSON lines with -).")] = False,
) -> None:
    """Answer a question from every issue, citing issue date and section of each item used."""
    core = runtime(ctx).core()
    if question != "-":
        answer = core.ask(question, k=k)
        if as_json:
            emit_json(answer_dict(answer))
        else:
            typer.echo(answer_text(answer))
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = core.ask(line.strip(), k=k)
        if as_json:
            typer.echo(json.dumps(answer_dict(answer), ensure_ascii=False))
        else:
            typer.echo(answer_text(answer) + "\n")
        sys.stdout.flush()


def reindex(ctx: typer.Context) -> None:
    """Rebuild the search index from the store (stored vectors are reused, never re-embedded)."""
    typer.echo(runtime(ctx).core().reindex())


def evaluate_command(
    ctx: typer.Context,
    questions: Annotated[
        list[Path], typer.Argument(help="JSON lines files: {q, kind, date, section, must_contain, ...}.")
    ],
) -> None:
    """Answer quality per question kind, for hybrid, dense-only and BM25-only ranking: recall@1/@5, MRR,
    false "nothing found", "nothing found" when right, date scope, precision, lead, answer length."""
    from digestbot.evaluation import format_report

    core = runtime(ctx).core()
    typer.echo("\n\n".join(format_report(core.evaluate(path)) for path in questions))


def register(app: typer.Typer) -> None:
    """Add these commands to the ``digestbot`` app."""
    app.command()(ask)
    app.command("eval")(evaluate_command)
    app.command()(reindex)
