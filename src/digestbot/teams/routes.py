"""``/api/messages`` as a Starlette route of the shared ASGI server, backed by the Teams SDK.

The SDK's ``HttpServer`` registers its messaging handler (JWT validation, then the activity pipeline) on
an ``HttpServerAdapter``; ``RouteAdapter`` keeps that handler, and the Starlette endpoint calls it after its
own guards: local mode is loopback only and refuses proxied requests, other requests need a valid bearer
token, checked before the body is read (its ``serviceurl`` claim once the body names the activity's
serviceUrl); bodies over 1 MB get 413, bodies still arriving after 10 s get 408; bodies that are not a JSON
object (or nest deeper than ``asgi.MAX_JSON_DEPTH``) get 400 and a rate-limited log line, bodies that are
not a valid activity 400; activity types the SDK cannot route get 200 and are ignored. So no request is
answered 2xx/4xx on content without authentication. None of these touch any state. While the database is
down, activities get 503 (the connector retries) and the outage is one log line, not a 500 and a
traceback per activity.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pydantic
from microsoft_teams.api import ActivityTypeAdapter
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProvider
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from digestbot.conversation import Conversations
from digestbot.edge.asgi import BodyRejected, MalformedJson, Throttled, parse_json, read_limited
from digestbot.settings import Settings
from digestbot.teams.app import TEAMS_PATH, build_teams_app
from digestbot.teams.auth import admitted
from digestbot.teams.sdk import App, HttpMethod, HttpRequest, HttpRouteHandler, InboundActivityTokenValidator

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000


class RouteAdapter:
    """An ``HttpServerAdapter`` that serves nothing itself: it hands the SDK's handler to our route."""

    def __init__(self) -> None:
        self.handlers: dict[str, HttpRouteHandler] = {}

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        self.handlers[path] = handler

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("digestbot's Teams adapter serves no static pages")

    async def start(self, port: int) -> None:
        raise NotImplementedError("the shared digestbot server runs the HTTP server")

    async def stop(self) -> None:
        return None


def build_teams_routes(
    settings: Settings,
    conversations: Conversations,
    *,
    cloud: CloudEnvironment | None = None,
    token: TokenProvider | None = None,
) -> list[BaseRoute]:
    """``POST /api/messages`` for the shared Starlette app. ``cloud`` and ``token`` are for sovereign
    clouds and tests (a loopback token issuer, a fixed outbound token); production passes neither."""
    adapter = RouteAdapter()
    app = build_teams_app(settings, conversations, adapter, cloud=cloud, token=token)
    endpoint = TeamsEndpoint(settings, app, adapter, cloud or PUBLIC, available=conversations.available)
    return [Route(TEAMS_PATH, endpoint.handle, methods=["POST"])]


class TeamsEndpoint:
    """The ASGI endpoint: guards, then the SDK's messaging handler."""

    def __init__(
        self,
        settings: Settings,
        app: App,
        adapter: RouteAdapter,
        cloud: CloudEnvironment,
        *,
        available: Callable[[], bool] = lambda: True,
    ) -> None:
        self.settings, self.app, self.adapter, self.available = settings, app, adapter, available
        client_id = settings.teams_client_id
        self.validator = InboundActivityTokenValidator(client_id, cloud=cloud) if client_id else None
        self._ready = asyncio.Lock()
        self.disconnects = Throttled("Teams: %d client(s) hung up before sending the whole body")
        self.refused = Throttled(
            "Teams: refused %d request(s) without a valid token (logged at most once a minute)"
        )
        self.malformed = Throttled("Teams: refused %d request(s) whose body is not a JSON object")

    async def handle(self, request: Request) -> Response:
        """Answer one POST to ``/api/messages``: the token is checked before the body is even read."""
        if not admitted(self.settings, request) or not await self.authenticated(request):
            return _status(401, "Unauthorized")
        try:
            body = await read_limited(request, MAX_BODY_BYTES, disconnects=self.disconnects)
        except BodyRejected as exc:
            return _status(exc.status, exc.reason)
        payload = parse_object(body)
        if payload is None:
            self.malformed.note()
            return _status(400, "malformed activity")
        service_url = payload.get("serviceUrl")
        if isinstance(service_url, str) and not await self.authenticated(request, service_url):
            return _status(401, "Unauthorized")  # a token issued for another connector
        verdict = classify(payload)
        if verdict == "activity":
            if not await asyncio.to_thread(self.available):
                return unavailable()
            answer = await self.dispatch(request, payload)
            return answer if await asyncio.to_thread(self.available) else unavailable()
        return _status(400, "malformed activity") if verdict == "malformed" else Response(status_code=200)

    async def dispatch(self, request: Request, payload: dict[str, Any]) -> Response:
        """Hand the activity to the SDK (JWT validation, routing, our listeners) and relay its answer."""
        handler = await self.handler()
        result = await handler(HttpRequest(body=payload, headers=dict(request.headers)))
        if result["body"] is None:
            return Response(status_code=result["status"])
        return JSONResponse(result["body"], status_code=result["status"])

    async def handler(self) -> HttpRouteHandler:
        """The SDK's messaging handler, initializing the app on first use (inside the server's loop)."""
        if TEAMS_PATH not in self.adapter.handlers:
            async with self._ready:
                if TEAMS_PATH not in self.adapter.handlers:
                    await self.app.initialize()
        return self.adapter.handlers[TEAMS_PATH]

    async def authenticated(self, request: Request, service_url: str | None = None) -> bool:
        """A valid token (local mode: the loopback check sufficed), issued for ``service_url`` when the
        activity names one. Checked here for every request, so a bad one is refused with a rate-limited
        log line; the SDK checks activities once more."""
        if self.settings.teams_allow_unauthenticated:
            return True
        if self.validator is None:
            return False
        raw = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            await self.validator.validate_token(raw, service_url)
        except Exception as exc:  # any failure to validate is a rejection  # noqa: BLE001
            log.debug("Teams: rejected a token (%s)", type(exc).__name__)
            self.refused.note()
            return False
        return True


def classify(payload: dict[str, Any]) -> str:
    """How to treat a payload: "activity" (the SDK can route it), "ignored" (a type the SDK does not
    know) or "malformed"."""
    if not isinstance(payload.get("type"), str):
        return "malformed"
    try:
        ActivityTypeAdapter.validate_python(payload)
    except pydantic.ValidationError as exc:
        unknown = any(error["type"] == "union_tag_invalid" for error in exc.errors())
        return "ignored" if unknown else "malformed"
    return "activity"


def parse_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object (nested no deeper than ``asgi.MAX_JSON_DEPTH``), or None."""
    try:
        value = parse_json(body)
    except MalformedJson:
        return None
    return value if isinstance(value, dict) else None


def unavailable() -> Response:
    """503 while the database is down (the store logs the outage once): the sender retries later."""
    return JSONResponse({"error": "service unavailable"}, status_code=503, headers={"Retry-After": "30"})


def _status(code: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=code)
