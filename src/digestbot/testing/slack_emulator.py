"""A local fake of Slack's Web API, for tests, the load bench and offline development.

A real HTTP server on 127.0.0.1 (its own thread) that answers the methods digestbot uses, records every
call (method, body, token), accepts ``response_url`` posts under ``/response/…``, and can be told to
answer a method with 429 + Retry-After, a 5xx, or a Slack error. It also installs the app in several
workspaces (``emulated_installs``: ``/oauth/v2/authorize``, ``oauth.v2.access``, token rotation and
revocation; ``auth.test`` answers for each token's workspace). Point the bot at it with
``DIGESTBOT_SLACK_API_URL=<emulator.api_url>``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digestbot.testing.slack_http import RESPONSE_URL, Call, EmulatorServer, handler_for, parse_call
from digestbot.testing.slack_installs import Installs, Workspace

__all__ = ["RESPONSE_URL", "Call", "Failure", "SlackEmulator", "parse_call"]

JsonDict = dict[str, Any]


@dataclass
class Failure:
    """How to answer the next ``times`` calls of a method instead of succeeding."""

    status: int = 429
    retry_after: int | None = 0
    error: str = "ratelimited"
    times: int = 1


@dataclass
class SlackEmulator:
    """Start with ``start()`` (or ``with``); ``api_url`` is the base URL for ``AsyncWebClient``."""

    bot_user_id: str = "UBOTEMU01"
    bot_id: str = "BBOTEMU01"
    socket_url: str | None = None  # what apps.connections.open hands out
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, Failure] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)  # seconds to wait before answering a method
    history: dict[str, list[JsonDict]] = field(default_factory=dict)  # channel -> messages, oldest first
    views: dict[str, JsonDict] = field(default_factory=dict)  # user -> their published Home tab
    # The app's OAuth credentials and settings, as on its page at api.slack.com:
    client_id: str = "1111.2222"
    client_secret: str = "emulated-client-secret"  # noqa: S105 (a fake app's, published)
    redirect_uri: str | None = None  # where an approved install is sent when the request names none
    token_lifetime: int | None = None  # token rotation on: bot tokens expire after this many seconds

    def __post_init__(self) -> None:
        self.installs = Installs(self.client_id, self.client_secret, token_lifetime=self.token_lifetime)
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server: EmulatorServer | None = None
        self._methods: dict[str, Callable[[JsonDict], JsonDict]] = {
            "chat.postMessage": self._posted,
            "chat.update": self._posted,
            "chat.postEphemeral": lambda body: {"ok": True, "message_ts": self._next_ts()},
            "reactions.add": lambda body: {"ok": True},
            "conversations.replies": self._replies,
            "conversations.history": self._history,
            "conversations.open": self._open,
            "chat.getPermalink": self._permalink,
            "views.publish": self._publish,
            "views.open": lambda body: {"ok": True, "view": _json_field(body.get("view"))},
            "apps.connections.open": lambda body: {"ok": True, "url": self.socket_url},
            "oauth.v2.access": self.installs.access,
        }

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> SlackEmulator:
        """Listen on a free loopback port, serving from a daemon thread."""
        self._server = EmulatorServer(("127.0.0.1", 0), handler_for(self))
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="slack-emulator", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The Web API base URL (trailing slash, as slack_sdk expects)."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        """A response URL to put in a slash command or interaction payload."""
        return f"{self.base_url}/response/{key}"

    # -- inspection -------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call of one method, in arrival order."""
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls of ``method`` arrived; AssertionError after ``timeout``."""
        with self._changed:
            done = self._changed.wait_for(lambda: len(self._matching(method)) >= count, timeout=timeout)
            found = self._matching(method)
        if not done:
            raise AssertionError(f"expected {count} call(s) to {method} within {timeout}s, got {len(found)}")
        return found

    def fail(self, method: str, failure: Failure) -> None:
        """Answer the next ``failure.times`` calls of ``method`` with that failure."""
        with self._changed:
            self.failures[method] = failure

    def reset(self) -> None:
        """Forget recorded calls and pending failures."""
        with self._changed:
            self.calls.clear()
            self.failures.clear()

    def _matching(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # -- serving ----------------------------------------------------------------------------------

    def handle(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        """Record a call and produce its (status, headers, body)."""
        with self._changed:
            self.calls.append(call)
            failure = self._take_failure(call.method)
            self._changed.notify_all()
        if failure is not None:
            return _failure_response(failure)
        if call.method in self.delays:
            time.sleep(self.delays[call.method])
        if call.method == RESPONSE_URL:
            return 200, {"Content-Type": "text/plain"}, b"ok"
        return 200, {"Content-Type": "application/json"}, json.dumps(self._answer(call)).encode()

    def _answer(self, call: Call) -> JsonDict:
        refused = None if call.method == "oauth.v2.access" else self.installs.refused(call.token)
        if refused is not None:
            return {"ok": False, "error": refused}
        if call.method == "auth.test":
            return self._auth_test(self.installs.workspace_of(call.token))
        return self._methods.get(call.method, _unknown_method)(call.body)

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Slack's approval page (``GET /oauth/v2/authorize``): the installer approves at once."""
        call = Call(method="oauth.v2.authorize", path="/oauth/v2/authorize", body=query, token=None)
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        status, headers = self.installs.approve(query, self.redirect_uri)
        return status, headers, b"" if status == 302 else b"cannot approve this install"

    def add_workspace(self, team_id: str, name: str) -> Workspace:
        """A workspace the app can be installed in (through ``/oauth/v2/authorize?team=...``)."""
        return self.installs.add(team_id, name)

    def uninstall(self, team_id: str) -> None:
        """Remove the app from a workspace: its tokens are revoked (send ``app_uninstalled`` yourself)."""
        self.installs.uninstall(team_id)

    def _take_failure(self, method: str) -> Failure | None:
        failure = self.failures.get(method)
        if failure is None:
            return None
        failure.times -= 1
        if failure.times <= 0:
            del self.failures[method]
        return failure

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, workspace: Workspace | None) -> JsonDict:
        """Who a token is: its workspace's bot, or the default workspace's for a token not issued here."""
        default = Workspace("T0EMU0001", "Emulated", self.bot_user_id, self.bot_id)
        found = workspace or default
        return {
            "ok": True,
            "url": "https://emulated.slack.com/",
            "team": found.name,
            "user": "digestbot",
            "team_id": found.team_id,
            "user_id": found.bot_user_id,
            "bot_id": found.bot_id,
        }

    def _posted(self, body: JsonDict) -> JsonDict:
        ts = body.get("ts") or self._next_ts()
        message = {"type": "message", "text": body.get("text", ""), "ts": ts, "bot_id": self.bot_id}
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        if isinstance(body.get("metadata"), dict):
            message["metadata"] = body["metadata"]
        elif isinstance(body.get("metadata"), str):
            message["metadata"] = json.loads(body["metadata"])
        if "ts" not in body:  # chat.update edits in place; only new posts join the history
            with self._changed:
                self.history.setdefault(str(body.get("channel")), []).append(message)
        return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": message}

    def messages(self, channel: str, *, top_level: bool = True) -> list[JsonDict]:
        """What was posted in a channel, oldest first (top-level posts only, by default)."""
        with self._changed:
            posted = list(self.history.get(channel, []))
        return [m for m in posted if not top_level or "thread_ts" not in m]

    def _history(self, body: JsonDict) -> JsonDict:
        newest_first = list(reversed(self.messages(str(body.get("channel")))))
        if not body.get("include_all_metadata"):
            newest_first = [{k: v for k, v in m.items() if k != "metadata"} for m in newest_first]
        return {"ok": True, "messages": newest_first[: int(body.get("limit") or 100)], "has_more": False}

    def _replies(self, body: JsonDict) -> JsonDict:
        thread = body.get("ts")
        channel = str(body.get("channel"))
        replies = [m for m in self.messages(channel, top_level=False) if m.get("thread_ts") == thread]
        if not replies:  # threads started by calls that did not name a channel the same way
            posted = [c for c in self._matching("chat.postMessage") if c.body.get("thread_ts") == thread]
            replies = [
                {"type": "message", "text": c.body.get("text", ""), "thread_ts": thread} for c in posted
            ]
        return {"ok": True, "messages": replies, "has_more": False}

    def dm_channel(self, user: str) -> str:
        """The direct-message channel ``conversations.open`` gives for a user (the same one every time)."""
        return f"D{user[1:]}" if user else "D0NOBODY"

    def _open(self, body: JsonDict) -> JsonDict:
        users = str(body.get("users") or "")
        if not users or "," in users:
            return {"ok": False, "error": "users_not_found" if not users else "not_allowed"}
        return {"ok": True, "channel": {"id": self.dm_channel(users)}}

    def _permalink(self, body: JsonDict) -> JsonDict:
        channel, ts = str(body.get("channel")), str(body.get("message_ts", ""))
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://emulated.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _publish(self, body: JsonDict) -> JsonDict:
        view = _json_field(body.get("view"))
        with self._changed:
            self.views[str(body.get("user_id"))] = view
        return {"ok": True, "view": {"id": f"V{len(self.views):08d}", **view}}


def _json_field(value: Any) -> JsonDict:
    """A JSON object field as the Web API receives it (a JSON string in form bodies)."""
    parsed = json.loads(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, dict) else {}


def _unknown_method(_body: JsonDict) -> JsonDict:
    return {"ok": False, "error": "unknown_method"}


def _failure_response(failure: Failure) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json"}
    if failure.retry_after is not None and failure.status == 429:
        headers["Retry-After"] = str(failure.retry_after)
    return failure.status, headers, json.dumps({"ok": False, "error": failure.error}).encode()
