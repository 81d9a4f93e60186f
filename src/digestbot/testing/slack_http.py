"""The emulator's HTTP side: each request as a ``Call`` (method, body, token), answered by the emulator."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

RESPONSE_URL = "response_url"  # the ``method`` recorded for posts to a response URL

JsonDict = dict[str, Any]
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body


@dataclass(frozen=True)
class Call:
    """One request the emulator received."""

    method: str  # "chat.postMessage", or RESPONSE_URL
    path: str
    body: JsonDict
    token: str | None
    received: float = field(default_factory=time.monotonic)  # when it arrived (monotonic clock)


class Emulator(Protocol):
    """What the request handler serves."""

    def handle(self, call: Call) -> Answer:
        """A Web API call (or a post to a response URL)."""
        ...

    def authorize(self, query: dict[str, str]) -> Answer:
        """Slack's approval page of an install."""
        ...


class EmulatorServer(ThreadingHTTPServer):
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
    if auth.startswith("Basic "):  # the app's client id and secret (oauth.v2.access)
        client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        body = {"client_id": client_id, "client_secret": secret, **body}
    method = RESPONSE_URL if path.startswith("/response/") else urlsplit(path).path.removeprefix("/api/")
    return Call(method=method, path=path, body=body, token=token)


def handler_for(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as Slack's servers do: a client that reuses its connections (the bot's shared
        # response-URL session) is measured as it would run against Slack, not against a new
        # connection per call. Every answer carries its Content-Length, as HTTP/1.1 needs.
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # the stdlib's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, out_headers, body = emulator.handle(parse_call(self.path, headers, raw))
            self.send_response(status)
            for key, value in out_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # Slack's approval page, and Web API methods slack_sdk calls by GET
            answer: Answer = (404, {}, b"")
            path = urlsplit(self.path).path
            if path == "/oauth/v2/authorize":
                answer = emulator.authorize(dict(parse_qsl(urlsplit(self.path).query)))
            elif path.startswith("/api/"):  # chat.getPermalink: its fields are in the query
                headers = {key.lower(): value for key, value in self.headers.items()}
                answer = emulator.handle(parse_call(self.path, headers, b""))
            status, headers, body = answer
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests and the bench read ``calls`` instead."""

    return Handler
