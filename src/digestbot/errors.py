"""Typed domain errors.

Every message is safe to show a user: it names the problem and where it is (file, line, field), and
never carries a token or a raw traceback. Each edge (CLI, chat adapters) turns these into an exit code,
an ephemeral reply or a log line.
"""

from __future__ import annotations


class DigestbotError(Exception):
    """Base class of every error digestbot raises on purpose."""


class ParseError(DigestbotError):
    """A digest could not be read or parsed; the message names the source and the problem."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = source or ""
        if source and line is not None:
            where = f"{source}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class SourceError(DigestbotError):
    """A source (file, folder, URL, feed) could not be fetched or read."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class NotFoundError(DigestbotError):
    """Something the user named (an issue date, a destination) does not exist."""


class ConfigError(DigestbotError):
    """The configuration is invalid; the message names the field."""


class IndexBuildError(DigestbotError):
    """The search index could not be built or loaded."""


class DatabaseUnavailable(DigestbotError):
    """The database cannot be used (server down, wrong host or credentials, connection lost); the message
    names it (password masked) for operators. Chat users are told only that the archive is unavailable."""
