"""Database URLs as digestbot reads them, for the store and for the tables adapters keep beside it (Slack's
installations): ``postgresql://`` and ``postgres://`` (as hosting providers write them) mean psycopg 3."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url


def with_driver(url: URL) -> URL:
    """The URL with psycopg 3 named as PostgreSQL's driver (other URLs as they are)."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def database_url(url: str) -> URL:
    """A configured database URL, parsed, with its driver (sqlalchemy's ArgumentError if it is not one)."""
    return with_driver(make_url(url))
