"""Keys that fit their columns: PostgreSQL refuses a value longer than a ``varchar(n)`` (SQLite stores it),
and some keys are built from what a platform sends (a Teams conversation id has no documented length).

A key that fits is kept as it is, readable in the database; a longer one becomes a stable prefix of it and
the SHA-256 of the whole, so it still fits, still starts like the key, and two long keys differ whenever
the keys do.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Column, String
from sqlalchemy.orm import InstrumentedAttribute

DIGEST_CHARS = 64  # SHA-256 in hex


def bounded(key: str, width: int) -> str:
    """``key`` if it is at most ``width`` characters long, else its first characters, ``#`` and the
    SHA-256 (hex) of the whole key, ``width`` characters in all."""
    if len(key) <= width:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[: width - DIGEST_CHARS - 1]}#{digest}"


def width(column: InstrumentedAttribute[str] | Column[str]) -> int:
    """How many characters a ``String(n)`` column holds (as the model declares it)."""
    kind = column.type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a String column of bounded length")
    return kind.length
