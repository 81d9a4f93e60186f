"""Small ASGI helpers shared by the chat adapters: a capped, time-limited body reader, a JSON parser with
a depth limit, a log line that cannot flood, and uvicorn in a thread.

``ServerThread`` serves an ASGI app on a free loopback port; the tests and benchmarks use it to exercise
the real HTTP stack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

# Slack and Teams send small bodies from data centres; a body still arriving after this is a slow client.
BODY_TIMEOUT_SECONDS = 10.0


class BodyRejected(Exception):
    """The body was not read: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Throttled:
    """A warning that may recur at the will of any client: logged at most once per ``interval`` seconds,
    with the number of occurrences since the last line."""

    def __init__(
        self, message: str, *, interval: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.message, self.interval, self.clock = message, interval, clock
        self.count = 0
        self.last: float | None = None

    def note(self) -> None:
        """Count one occurrence; log the count if no line was logged in the last ``interval`` seconds."""
        self.count += 1
        now = self.clock()
        if self.last is None or now - self.last >= self.interval:
            log.warning(self.message, self.count)
            self.count, self.last = 0, now


async def read_limited(
    request: Request,
    max_bytes: int,
    *,
    timeout: float = BODY_TIMEOUT_SECONDS,
    disconnects: Throttled | None = None,
) -> bytes:
    """The request body, or BodyRejected: 413 once it exceeds ``max_bytes`` (declared or actually sent),
    408 when it has not all arrived within ``timeout`` seconds, 400 when the client hangs up part-way
    (counted in ``disconnects``: a log line, not a traceback)."""
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyRejected(413, "payload too large")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyRejected(413, "payload too large")
                chunks.append(chunk)
    except TimeoutError:
        raise BodyRejected(408, "request body timed out") from None
    except ClientDisconnect:
        if disconnects is not None:
            disconnects.note()
        raise BodyRejected(400, "client disconnected") from None
    return b"".join(chunks)


# Slack and Teams payloads nest a dozen levels (blocks in views, cards in attachments); 200,000 `[` would
# make json (and everything that walks the result: Bolt, pydantic) recurse until a RecursionError.
MAX_JSON_DEPTH = 64


class MalformedJson(ValueError):
    """A body that is not JSON, or JSON nested deeper than ``MAX_JSON_DEPTH``."""


def parse_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``text`` parsed as JSON; MalformedJson if it is not JSON or nests deeper than ``max_depth``."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply for the parser itself
        raise MalformedJson("not JSON, or nested too deeply") from None
    if depth(value, max_depth) > max_depth:
        raise MalformedJson(f"JSON nested more than {max_depth} levels deep")
    return value


def depth(value: Any, limit: int) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), counted without recursion and no
    further than ``limit + 1``."""
    if not isinstance(value, dict | list):
        return 0
    deepest, pending = 0, [(value, 1)]
    while pending:
        current, level = pending.pop()
        deepest = max(deepest, level)
        if level > limit:
            break
        children = current.values() if isinstance(current, dict) else current
        pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


class ServerThread:
    """uvicorn serving an ASGI app on a free loopback port, in a background thread."""

    def __init__(self, app: ASGIApp) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="auto", limit_concurrency=1000, backlog=2048
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
