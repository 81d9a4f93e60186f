"""Opening a database: which URLs are taken, and one line (never a password) when the server is away."""

from __future__ import annotations

from pathlib import Path

import pytest

from digestbot.errors import ConfigError
from digestbot.store import Database
from digestbot.store.db import DatabaseUnavailable
from tests.postgres import PostgresServer, find_bindir, free_port


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_urls_without_a_driver_mean_psycopg(postgres: PostgresServer, scheme: str) -> None:
    name = postgres.create_database()
    try:
        db = Database(postgres.url(name).replace("postgresql+psycopg", scheme))
        assert db.engine.url.drivername == "postgresql+psycopg"
        db.close()
    finally:
        postgres.drop_database(name)


def test_other_databases_are_refused_by_name() -> None:
    with pytest.raises(
        ConfigError, match=r"^database_url: digestbot runs on SQLite or PostgreSQL .*not mysql$"
    ):
        Database("mysql://digestbot@db.test/digestbot")


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(DatabaseUnavailable) as raised:
        Database(f"postgresql+psycopg://digestbot:s3cret@127.0.0.1:{port}/digestbot")
    message = str(raised.value)
    assert message.startswith(f"cannot use the database postgresql+psycopg://digestbot:***@127.0.0.1:{port}/")
    assert "s3cret" not in message and "\n" not in message


def test_the_server_binaries_are_found_in_debians_newest_version(tmp_path: Path) -> None:
    assert find_bindir(path="", debian=tmp_path) is None
    for version in ("13", "15", "9"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "initdb").touch()
    assert find_bindir(path="", debian=tmp_path) == tmp_path / "15" / "bin"
