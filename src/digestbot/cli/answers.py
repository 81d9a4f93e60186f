"""Answer commands: ask, reindex, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from digestbot.cli.base import app, emit_json, state
from digestbot.render.data import answer_dict
from digestbot.render.plain import answer_text


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help='The question, or "-" to read one question per stdin line.')
    ],
    k: Annotated[int | None, typer.Option("-k", min=1, max=50, help="How many items to return.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON out (JSON lines with -).")] = False,
) -> None:
    """Answer a question from every issue, citing issue date and section of each item used."""
    core = state.core()
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


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store (stored vectors are reused, never re-embedded)."""
    typer.echo(state.core().engine.reindex())


@app.command("eval")
def evaluate_command(
    questions: Annotated[Path, typer.Argument(help="JSON lines: {q, date, section, must_contain, kind}.")],
) -> None:
    """Recall@1, recall@5 and MRR per question kind, for hybrid, dense-only and BM25-only ranking."""
    from digestbot.evaluate import evaluate, format_report

    core = state.core()
    core.engine.ensure_index()
    typer.echo(format_report(evaluate(core.engine, questions)))
