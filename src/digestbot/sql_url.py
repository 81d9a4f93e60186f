"""Database URLs as digestbot reads them, for the store and for the tables adapters keep beside it (Slack's
installations): ``postgresql://`` and ``postgres://`` (as hosting providers write them) mean psycopg 3.

A URL carries credentials in more places than ``user:password@``: libpq takes ``?password=``,
``?sslpassword=`` and ``?passfile=`` too. ``safe_url`` masks every one of them, and ``redact`` masks their
values wherever else they might show up (a driver's error message), so no log line or error shows them.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

MASK = "***"
# Query parameters whose value is (or leads to) a secret: password, sslpassword, passfile, sslkey, token...
SECRET_PARAMETER = re.compile(r"pass|secret|token|key|cred|auth", re.IGNORECASE)
UNPARSEABLE = "(a database URL that cannot be parsed)"


def with_driver(url: URL) -> URL:
    """The URL with psycopg 3 named as PostgreSQL's driver (other URLs as they are)."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def database_url(url: str) -> URL:
    """A configured database URL, parsed, with its driver (sqlalchemy's ArgumentError if it is not one)."""
    return with_driver(make_url(url))


def _parsed(url: URL | str) -> URL | None:
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return None


def safe_url(url: URL | str) -> str:
    """The URL as an operator may see it: the password and every secret-looking query parameter masked;
    a URL that cannot be parsed (so cannot be masked) is not shown at all."""
    parsed = _parsed(url)
    if parsed is None:
        return UNPARSEABLE
    query = {name: MASK if SECRET_PARAMETER.search(name) else value for name, value in parsed.query.items()}
    rendered = parsed.set(query=query).render_as_string(hide_password=True)
    return rendered.replace(quote(MASK, safe=""), MASK)  # rendering percent-encodes the query's masks


def secrets_of(url: URL | str) -> list[str]:
    """The secret values a URL carries (its password, its secret-looking query parameters' values)."""
    parsed = _parsed(url)
    if parsed is None:
        return [url] if isinstance(url, str) and url else []
    found = [parsed.password] if parsed.password else []
    for name, value in parsed.query.items():
        if SECRET_PARAMETER.search(name):
            found.extend([value] if isinstance(value, str) else value)
    return [secret for secret in found if secret]


def redact(text: str, url: URL | str) -> str:
    """``text`` (e.g. a driver's error message) with every secret of ``url`` masked, as written and as
    percent-encoded, longest first."""
    spellings = {
        form
        for secret in secrets_of(url)
        for form in (
            secret,
            quote(secret),
            quote(secret, safe=""),
            quote_plus(secret),
            quote_plus(secret, safe=""),
        )
    }
    for secret in sorted(spellings, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
