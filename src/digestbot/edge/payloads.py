"""What was wrong with a client's payload, in one short line that is safe to log.

Chat adapters validate every payload a client sends (button values, submitted card data) with pydantic
models and log what they refused. A pydantic error names the input and the location in it, and both
are the client's: the line keeps only the error kinds and the locations that are the model's own field
names (or list indexes); any other key, however long or strange, is shown as ``?``.
"""

from __future__ import annotations

import re

import pydantic

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")
MAX_PROBLEMS = 5


def problems(error: pydantic.ValidationError) -> str:
    """``"user.id: string_pattern_mismatch; actions: missing"``: at most five, in a stable order."""
    found = sorted({f"{_where(e['loc'])}: {e['type']}" for e in error.errors(include_input=False)})
    more = f" (+{len(found) - MAX_PROBLEMS} more)" if len(found) > MAX_PROBLEMS else ""
    return "; ".join(found[:MAX_PROBLEMS]) + more


def _where(loc: tuple[int | str, ...]) -> str:
    parts = [str(part) if isinstance(part, int) or _FIELD.fullmatch(part) else "?" for part in loc]
    return ".".join(parts) or "payload"
