"""The one ASGI app of ``digestbot serve``: ``/slack/events``, ``/healthz``, and a seam for Teams.

Slack's request endpoint is guarded before Bolt sees a request: bodies over 1 MB get 413 and bodies
that are not well-formed JSON / form data get 400; Bolt then rejects bad or stale signatures with 401.
None of these touch any state.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from digestbot.asgi import read_limited
from digestbot.conversation import Conversations
from digestbot.settings import Settings
from digestbot.slack.app import build_slack_app

MAX_BODY_BYTES = 1_000_000
SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
TEAMS_PATH = "/api/messages"  # mounted through ``extra_routes`` by the Teams adapter

Endpoint = Callable[[Request], Awaitable[Response]]


def build_asgi_app(
    settings: Settings,
    conversations: Conversations,
    slack_app: AsyncApp | None = None,
    *,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """``/healthz`` always; ``/slack/events`` when a Slack app is given or HTTP-mode credentials are set
    (bot token and signing secret, no app token); plus ``extra_routes`` (the Teams adapter passes
    ``Route(TEAMS_PATH, ...)`` here)."""
    routes: list[BaseRoute] = [Route(HEALTH_PATH, healthz, methods=["GET"])]
    http_mode = settings.slack_app_token is None and settings.slack_signing_secret is not None
    if slack_app is None and settings.slack_bot_token is not None and http_mode:
        slack_app = build_slack_app(settings, conversations)
    if slack_app is not None:
        routes.append(Route(SLACK_PATH, slack_endpoint(slack_app), methods=["POST"]))
    routes.extend(extra_routes)
    return Starlette(routes=routes)


async def healthz(_request: Request) -> Response:
    """Liveness: the server is up (it only starts accepting requests once the index is loaded)."""
    return JSONResponse({"status": "ok"})


def slack_endpoint(app: AsyncApp, *, max_bytes: int = MAX_BODY_BYTES) -> Endpoint:
    """Events, slash commands and interactivity for one Bolt app, behind the size and syntax guards."""

    async def endpoint(request: Request) -> Response:
        body = await read_limited(request, max_bytes)
        if body is None:
            return PlainTextResponse("payload too large", status_code=413)
        if not well_formed(body, request.headers.get("content-type", "")):
            return PlainTextResponse("malformed payload", status_code=400)
        response = await app.async_dispatch(to_async_bolt_request(request, body))
        return to_starlette_response(response)

    return endpoint


def well_formed(body: bytes, content_type: str) -> bool:
    """Whether Bolt can parse the body as Slack sends it: a JSON object, or form data whose
    ``payload`` field (interactivity) is a JSON object."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if content_type.startswith("application/json") or text.startswith("{"):
        return _json_object(text)
    payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
    return payload is None or _json_object(payload)


def _json_object(text: str) -> bool:
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        return False
    return isinstance(parsed, dict)
