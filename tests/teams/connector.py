"""A fake Teams Bot Connector on 127.0.0.1: captures the activities the bot posts, answers like the real one.

``POST /v3/conversations/{id}/activities`` (a new message) and ``.../activities/{activityId}`` (a reply)
get ``{"id": "..."}``; ``/v1/.well-known/keys`` serves the fake issuer's signing keys. Queued ``failures``
(status, headers) are answered first, to test 429 and 5xx handling.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.http_support import http_server
from tests.teams.identity import Identity

Answer = tuple[int, dict[str, Any], dict[str, str]]
_ACTIVITIES = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/activities(?:/(?P<reply_to>[^/]+))?$")


@dataclass
class Posted:
    """One activity the bot sent."""

    conversation: str
    reply_to: str | None
    activity: dict[str, Any]
    authorization: str | None
    id: str

    @property
    def card(self) -> dict[str, Any]:
        return self.activity["attachments"][0]["content"]  # type: ignore[no-any-return]


@dataclass
class Connector:
    """What the fake connector received; ``base_url`` is the serviceUrl to put in activities."""

    identity: Identity
    posts: list[Posted] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, conversation: str) -> list[Posted]:
        return [post for post in self.posts if post.conversation == conversation]

    def record(self, path: str, body: bytes, authorization: str | None) -> Answer:
        match = _ACTIVITIES.match(path)
        if match is None:
            return 404, {"error": {"code": "NotFound"}}, {}
        with self.lock:
            if self.failures:
                status, headers = self.failures.pop(0)
                return status, {"error": {"code": "Failure"}}, headers
            new_id = f"1700000000{len(self.posts):03d}"
            conversation, reply_to = unquote(match["conversation"]), match["reply_to"]
            self.posts.append(Posted(conversation, reply_to, json.loads(body), authorization, new_id))
        return 201, {"id": new_id}, {}


def _handler(connector: Connector) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self._send(*connector.record(self.path, body, self.headers.get("Authorization")))

        def do_GET(self) -> None:
            if self.path == "/v1/.well-known/keys":
                self._send(200, connector.identity.keys())
            else:
                self._send(404, {})

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            return

    return Handler


@contextmanager
def serve_connector(identity: Identity) -> Iterator[Connector]:
    """Run the fake connector on a free loopback port for the duration of the block."""
    connector = Connector(identity)
    with http_server(_handler(connector), poll_interval=0.02) as base_url:
        connector.base_url = base_url
        yield connector
