"""Issue 19 #2: a database URL's credentials are never echoed, wherever libpq takes them (``user:pass@``,
``?password=``, ``?sslpassword=``, ``?passfile=``); ``/readyz`` says only "database: unavailable"."""

from __future__ import annotations

import logging

import httpx
import pytest
from typer.testing import CliRunner

from digestbot.app import build_conversations
from digestbot.cli import build_cli
from digestbot.edge.asgi import ServerThread
from digestbot.edge.ops import operator_routes
from digestbot.edge.server import build_asgi_app
from digestbot.sql_url import redact, safe_url
from tests.fakes import fake_core, fake_settings
from tests.postgres import PostgresServer, free_port
from tests.slack.support import ISSUES

SECRET = "Hunter2-in-the-query"
SSL_SECRET = "Ssl-key-passphrase"


def test_every_credential_a_url_carries_is_masked() -> None:
    url = f"postgresql://u:{SECRET}@db.internal/digest?password={SECRET}&sslpassword={SSL_SECRET}&passfile=/p"
    shown = safe_url(url)
    assert SECRET not in shown and SSL_SECRET not in shown and "/p" not in shown.split("?")[1]
    assert shown.startswith("postgresql://u:***@db.internal/digest?")
    assert "password=***" in shown and "sslpassword=***" in shown and "sslmode" not in shown
    assert safe_url("postgresql://u@h/d?sslmode=require") == "postgresql://u@h/d?sslmode=require"
    said = f"failed for {SECRET} and {SSL_SECRET}"
    assert redact(said, url) == "failed for *** and ***"
    odd = "postgresql://u:p%40ss%20w%2Frd@h/d"  # the password "p@ss w/rd", as a URL must spell it
    assert redact("bad p@ss w/rd, p%40ss%20w%2Frd, p%40ss+w%2Frd", odd) == "bad ***, ***, ***"
    assert SECRET not in safe_url(f"postgresql://u:{SECRET}@h:port/d")  # unparseable: not shown at all


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(fake_core), list(args))
    assert isinstance(result.exception, SystemExit | None)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "credentials",
    [
        f"u@127.0.0.1:{{port}}/digest?password={SECRET}",
        f"u:{SECRET}@127.0.0.1:{{port}}/digest",
        f"u@127.0.0.1:{{port}}/digest?sslpassword={SECRET}&passfile=/{SECRET}",
        f"u:{SECRET}@127.0.0.1:notaport/digest",
        f"u@127.0.0.1:{{port}}/digest?password={SECRET}&nonsense_option=1",
    ],
    ids=["query", "userinfo", "ssl-and-passfile", "unparseable", "bad-option"],
)
def test_cli_errors_about_the_database_never_show_its_password(
    monkeypatch: pytest.MonkeyPatch, credentials: str
) -> None:
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", "postgresql://" + credentials.format(port=free_port()))
    code, out, err = run("issues")
    assert (code, out) == (1, "")
    [line] = err.splitlines()
    assert line.startswith("digestbot: error: ") and SECRET not in line


@pytest.mark.postgres
def test_readyz_names_no_database_and_the_log_no_password(
    postgres: PostgresServer, caplog: pytest.LogCaptureFixture, tmp_path: object
) -> None:
    name = postgres.create_database()
    url = postgres.url(name) + f"?password={SECRET}"  # trust authentication: the password is not needed
    core = fake_core(fake_settings(data_dir=tmp_path, database_url=url), ISSUES)
    core.warm_up()
    app = build_asgi_app(
        fake_settings(data_dir=tmp_path), build_conversations(core), extra_routes=operator_routes(core)
    )
    with caplog.at_level(logging.DEBUG), ServerThread(app) as server:
        assert httpx.get(f"{server.url}/readyz").status_code == 200
        postgres.drop_database(name)
        gone = [httpx.get(f"{server.url}/readyz") for _ in range(3)]
    core.archive.db.close()
    assert [(answer.status_code, answer.json()) for answer in gone] == [
        (503, {"status": "unavailable", "reason": "database: unavailable"})
    ] * 3
    assert SECRET not in caplog.text
