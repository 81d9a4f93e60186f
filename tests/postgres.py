"""A throwaway PostgreSQL server for the test session, from Debian's `postgresql` package.

Started once in a temporary directory, listening on a free loopback port (its unix socket in that
directory), and stopped when the session ends. PostgreSQL refuses to run as root, and the tests run as
root here and in CI: then the server runs as ``nobody``, which needs nothing set up on the machine. Each
test gets a database of its own, dropped after it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

SKIP_VARIABLE = "DIGESTBOT_TEST_SKIP_POSTGRES"
MISSING = (
    "PostgreSQL server binaries (initdb, postgres) not found on PATH or in /usr/lib/postgresql/*/bin: "
    "install them (Debian/Ubuntu: `apt-get install -y postgresql`; .ci/run does), "
    f"or set {SKIP_VARIABLE}=1 to skip the PostgreSQL half of the database tests"
)


def find_bindir(path: str | None = None, debian: Path = Path("/usr/lib/postgresql")) -> Path | None:
    """Where initdb and postgres are: on ``path`` (default PATH), or Debian's newest ``debian``/N/bin."""
    on_path = shutil.which("initdb", path=path)
    if on_path is not None:
        return Path(on_path).parent
    found = sorted(
        debian.glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_user() -> dict[str, Any]:
    """subprocess arguments that drop root for ``nobody`` (and nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


@dataclass
class PostgresServer:
    """A running server; ``create_database`` hands out a fresh empty database."""

    root: Path
    port: int
    bindir: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, bindir: Path) -> PostgresServer:
        """initdb in a fresh temporary directory, then start the server and wait until it answers."""
        root = Path(tempfile.mkdtemp(prefix="digestbot-pg-"))
        user = _as_user()
        if user:
            os.chown(root, user["user"], user["group"])
        data = root / "data"
        initdb = [bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        subprocess.run(
            [*initdb, "--no-locale", "--no-sync"],
            check=True,
            capture_output=True,
            cwd=root,  # a directory the server's user may enter
            **user,
        )
        port = free_port()
        server = cls(root, port, bindir, _launch(bindir, root, port))
        server._wait_until_ready()
        return server

    def halt(self) -> None:
        """Shut the server down (a real outage for its clients) and keep its data: ``resume`` brings it
        back."""
        self._shutdown()

    def resume(self) -> None:
        """Start a halted server again, on the same port and data directory, and wait until it answers."""
        self.process = _launch(self.bindir, self.root, self.port)
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                log = (self.root / "server.log").read_text(errors="replace")
                raise RuntimeError(f"PostgreSQL did not start:\n{log[-2000:]}")
            try:
                psycopg.connect(self._dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def _dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one of this server's databases."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"test_{uuid.uuid4().hex[:12]}"
        self._admin(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever a test left connected to it."""
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def _admin(self, statement: sql.Composed) -> None:
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove every file."""
        self._shutdown()
        shutil.rmtree(self.root, ignore_errors=True)

    def _shutdown(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _launch(bindir: Path, root: Path, port: int) -> subprocess.Popen[bytes]:
    """The server on ``root``/data, listening on 127.0.0.1:``port``; its output appended to server.log."""
    settings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"]
    command: list[str | Path] = [bindir / "postgres", "-D", root / "data", "-k", root, "-h", "127.0.0.1"]
    command += ["-p", str(port), *(arg for setting in settings for arg in ("-c", setting))]
    with (root / "server.log").open("ab") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            **_as_user(),
        )


def start_postgres() -> PostgresServer:
    """A new PostgreSQL server. Missing binaries fail the test with how to install them, unless
    DIGESTBOT_TEST_SKIP_POSTGRES=1 says to skip (CI never sets it)."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: the PostgreSQL tests are skipped")
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(MISSING, pytrace=False)
    return PostgresServer.start(bindir)
