"""The HTTP side of the Slack emulator: a request as a recorded ``Call``, and the threaded server's handler.

Kept apart from ``digestbot.slack.emulator`` (what each Web API method answers); the emulator re-exports
``Call`` and ``RESPONSE_URL``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

RESPONSE_URL = "response_url"  # the ``method`` recorded for posts to a response URL

JsonDict = dict[str, Any]
Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class Call:
    """One request the emulator received."""

    method: str  # "chat.postMessage", or RESPONSE_URL
    path: str
    body: JsonDict
    token: str | None
    received: float = field(default_factory=time.monotonic)  # when it arrived (monotonic clock)


class Server(ThreadingHTTPServer):
    request_queue_size = 1024  # the stdlib's 5 drops connections under a burst of concurrent calls
    daemon_threads = True


def parse_call(path: str, headers: dict[str, str], raw: bytes) -> Call:
    """A request as a Call: query, JSON or form fields (``blocks`` decoded); bearer or form token."""
    text = raw.decode("utf-8", errors="replace")
    if headers.get("content-type", "").startswith("application/json"):
        body: JsonDict = json.loads(text or "{}")
    else:
        body = dict(parse_qsl(text, keep_blank_values=True))
        if isinstance(body.get("blocks"), str):
            body["blocks"] = json.loads(body["blocks"])
    query = urlsplit(path).query
    body = {**dict(parse_qsl(query, keep_blank_values=True)), **body}
    auth = headers.get("authorization", "")
    token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
    method = RESPONSE_URL if path.startswith("/response/") else urlsplit(path).path.removeprefix("/api/")
    return Call(method=method, path=path, body=body, token=token)


def handler_for(handle: Callable[[Call], Answer]) -> type[BaseHTTPRequestHandler]:
    """A request handler class answering every POST with ``handle``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # the stdlib's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, out_headers, body = handle(parse_call(self.path, headers, raw))
            self.send_response(status)
            for key, value in out_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests and the bench read ``calls`` instead."""

    return Handler
