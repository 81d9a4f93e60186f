"""Load on the Slack HTTP surface: concurrent signed ``/digest`` requests against ``digestbot serve``.

The bot runs as its own process (``python -m digestbot serve``: the real core and model over the bundled
fictional sample issues, warmed up before it listens), on a free loopback port. Slack's side is played
here by ``digestbot.testing.slack_emulator`` (auth.test, response URLs). Reports how fast requests are acked
(Slack gives up after 3 s) and how fast the private answers arrive.

    python bench/slack_load.py [--requests 200]
    digestbot bench   # calls run(report)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from digestbot.benchmark.stats import percentile
from digestbot.edge.console import samples_dir
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator

SECRET = "bench-signing-secret"
FORM = "application/x-www-form-urlencoded"
QUESTIONS = ("ransomware", "ceasefire talks", "elections", "protests", "cyber attack on ministries", "latest")
START_TIMEOUT = 300.0


class Reporter(Protocol):
    """``digestbot.benchmark.report.Report``: one figure per call, in a column (a backend) or none."""

    def add(self, name: str, value: str, target: str = "", column: str = "") -> None: ...


@dataclass(frozen=True)
class LoadResult:
    """Seconds per request: until the HTTP ack, and until the answer reached the response URL."""

    requests: int
    acks: list[float]
    answers: list[float]


def run(
    report: Reporter,
    *,
    requests: int = 200,
    env: dict[str, str] | None = None,
    column: str = "",
    note: str = "",
) -> LoadResult:
    """Start the bot on the sample archive, run the load, and add its figures to the report.

    ``env`` adds ``DIGESTBOT_*`` settings for the bot (its backend); ``column`` and ``note`` label figures.
    """
    extra = env or {}
    with tempfile.TemporaryDirectory(prefix="digestbot-slack-bench-") as tmp, SlackEmulator() as emulator:
        data = Path(tmp)
        digestbot(data, "ingest", str(samples_dir()), env=bench_env(extra))
        with serving(data, emulator, log=data / "serve.log", extra=extra) as url:
            result = asyncio.run(fire(url, emulator, requests))
    add_figures(report, result, column=column, note=note)
    return result


def digestbot(data: Path, *argv: str, env: dict[str, str] | None = None) -> None:
    """Run one ``digestbot`` command to completion."""
    command = [sys.executable, "-m", "digestbot", "--data-dir", str(data), *argv]
    subprocess.run(command, check=True, capture_output=True, env=env or bench_env({}))


def bench_env(extra: dict[str, str]) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("DIGESTBOT_")}
    return {**inherited, "HF_HUB_OFFLINE": "1", **extra}


@contextlib.contextmanager
def serving(
    data: Path, emulator: SlackEmulator, *, log: Path, extra: dict[str, str] | None = None
) -> Iterator[str]:
    """``digestbot serve`` in HTTP mode on a free port, until the block ends; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = bench_env(
        {
            "DIGESTBOT_SLACK_BOT_TOKEN": "xoxb-bench",
            "DIGESTBOT_SLACK_SIGNING_SECRET": SECRET,
            "DIGESTBOT_SLACK_API_URL": emulator.api_url,
            "DIGESTBOT_HOST": "127.0.0.1",
            "DIGESTBOT_PORT": str(port),
            "DIGESTBOT_LOG_LEVEL": "WARNING",
            **(extra or {}),
        }
    )
    command = [sys.executable, "-m", "digestbot", "--data-dir", str(data), "serve"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, server, log)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"digestbot serve exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"digestbot serve did not answer /healthz within {START_TIMEOUT:.0f} s")


async def fire(url: str, emulator: SlackEmulator, requests: int) -> LoadResult:
    """Send every request at once; wait for all the answers (or 60 s)."""
    port = int(url.rsplit(":", 1)[1])
    raw = [signed_request(port, emulator, n) for n in range(requests)]
    sent = await asyncio.gather(*(one(port, key, request) for key, request in raw))
    with contextlib.suppress(AssertionError):  # missing answers are reported as such
        await asyncio.to_thread(emulator.wait_for, RESPONSE_URL, requests, 60.0)
    arrived = {call.path.rsplit("/", 1)[1]: call.received for call in emulator.calls_to(RESPONSE_URL)}
    answers = [arrived[key] - start for key, start, _ in sent if key in arrived]
    return LoadResult(requests, acks=[ack for _, _, ack in sent], answers=answers)


def signed_request(port: int, emulator: SlackEmulator, n: int) -> tuple[str, bytes]:
    """A signed ``/digest`` request as raw HTTP/1.1 bytes, and the key of its response URL."""
    key = f"load-{n}"
    question = QUESTIONS[n % len(QUESTIONS)]
    body = slack_requests.slash_command(
        question, emulator.response_url(key), channel="C0BENCH01", user="U0BENCH01"
    )
    headers = {
        **slack_requests.signed_headers(body, FORM, secret=SECRET),
        "Host": f"127.0.0.1:{port}",
        "Content-Length": str(len(body)),
        "Connection": "close",
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return key, f"POST /slack/events HTTP/1.1\r\n{head}\r\n".encode() + body


async def one(port: int, key: str, request: bytes) -> tuple[str, float, float]:
    """Send one request over its own connection: (response key, start time, seconds until the ack).

    A bare socket rather than an HTTP client library, so the load generator's own CPU (it shares the
    machine) stays out of the measured ack latency as far as possible.
    """
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    status = await reader.readline()
    ack = time.monotonic() - start
    writer.close()
    return key, start, ack if status.split(b" ")[1:2] == [b"200"] else float("inf")


def add_figures(report: Reporter, result: LoadResult, *, column: str = "", note: str = "") -> None:
    def ms(values: list[float], pct: float) -> str:
        return f"{percentile(values, pct) * 1000:.0f}"

    n = result.requests
    report.add(
        f"slack: {n} concurrent /digest{note}, ack p50 / p99",
        f"{ms(result.acks, 50)} / {ms(result.acks, 99)} ms",
        "p99 < 300 ms (Slack allows 3 s)",
        column,
    )
    answers = f"{ms(result.answers, 50)} / {ms(result.answers, 99)} ms"
    report.add(f"slack: time to answer{note} p50 / p99", answers, "p99 <= 1 s", column)
    report.add(f"slack: answers received{note}", f"{len(result.answers)} / {n}", f"{n}", column)
    early = f"{answered_before_last_ack(result)} / {len(result.answers)}"
    report.add(f"slack: answers before the last ack{note}", early, "0 (acks first)", column)


def answered_before_last_ack(result: LoadResult) -> int:
    """How many answers arrived while some request still waited for its ack (failed acks left out)."""
    acked = [ack for ack in result.acks if ack != float("inf")]
    last = max(acked, default=0.0)
    return sum(answer < last for answer in result.answers)


class PrintReport:
    """A Reporter for the command line."""

    def add(self, name: str, value: str, target: str = "", column: str = "") -> None:
        print(f"  {column:<10} {name:<44} {value:<28} {target}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    run(PrintReport(), requests=args.requests)


if __name__ == "__main__":
    main()
