"""Processes for the Playground test: each runs in its own process group with its output in a file under
the test's tmp dir, and the whole group is killed when the test ends, pass or fail."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLAYGROUND_CLI = HERE / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
PUPPETEER = HERE / "node_modules" / "puppeteer-core" / "package.json"
DRIVER = HERE / "driver.mjs"
NET_GUARD = HERE / "net-guard.cjs"
CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Toolchain:
    node: str
    chromium: str


def find_toolchain() -> tuple[Toolchain | None, list[str]]:
    """Node, Debian's Chromium and the driver's npm packages, or what is missing and how to install it."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("Node.js 18+ (apt-get install nodejs npm)")
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install --no-install-recommends chromium)")
    if not (PLAYGROUND_CLI.exists() and PUPPETEER.exists()):
        missing.append(f"the driver's npm packages (PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix {HERE})")
    if missing or node is None:
        return None, missing
    return Toolchain(node=node, chromium=str(CHROMIUM)), []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """A process started by the test, in a process group of its own, writing to ``log``."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(
                f"{self.name} exited with status {self.process.returncode}; its log:\n{self.output()[-3000:]}"
            )

    def stop(self) -> None:
        """SIGTERM to the whole group, then SIGKILL to whatever is left in it (Chromium's helpers, the
        Playground's shells) — the group outlives its leader."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)


@contextmanager
def running(name: str, argv: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> Iterator[Service]:
    """Start ``argv`` in a new session (its own process group); stop the group on exit."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = Service(name, process, log)
    try:
        yield service
    finally:
        service.stop()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, service: Service) -> None:
    """Poll ``condition``; fail early with the service's log when the service has died."""
    deadline = time.monotonic() + timeout
    while not condition():
        service.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.25)


def responds(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= int(response.status) < 300
    except OSError:
        return False


def listening_port(service: Service) -> int | None:
    """The port the Playground reports ("Listening on 56150"); it picks another when its port is taken."""
    found = re.search(r"^Listening on (\d+)$", service.output(), re.MULTILINE)
    return int(found.group(1)) if found else None


def noop_xdg_open(folder: Path) -> Path:
    """A folder holding an ``xdg-open`` that opens nothing, for the front of the Playground's PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "xdg-open"
    script.write_text("#!/bin/sh\n# The test drives its own headless Chromium; open nothing.\nexit 0\n")
    script.chmod(0o755)
    return folder
