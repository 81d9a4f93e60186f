"""The one ASGI app of ``digestbot serve``: ``/slack/events``, ``/healthz``, Slack's install pages with
OAuth, and a seam for other routes (Teams, ``/readyz``, ``/metrics``).

Slack's request endpoint is guarded before Bolt sees a request, in this order: bodies over 1 MB get 413,
bodies still arriving after 10 s get 408; a missing, stale or wrong signature gets 401 before anything
parses the body (a rate-limited log line, not a traceback per request); bodies that are not well-formed
JSON / form data (or JSON nested deeper than ``asgi.MAX_JSON_DEPTH``) get 400 and a rate-limited log line.
None of these touch any state. While the database is down, signed requests get 503 (the store logs the
outage once).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from digestbot.conversation import Conversations
from digestbot.edge.asgi import (
    BODY_TIMEOUT_SECONDS,
    BodyRejected,
    MalformedJson,
    Throttled,
    parse_json,
    read_limited,
)
from digestbot.edge.platforms import slack_configured
from digestbot.settings import Settings
from digestbot.slack.acks import AckGate
from digestbot.slack.app import GuardedApp, build_slack_app
from digestbot.slack.oauth import oauth_routes

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
    slack_events: bool = True,
) -> Starlette:
    """``/healthz`` always; ``/slack/events`` when a Slack app is given or HTTP-mode credentials are set
    (a bot token or OAuth, and the signing secret, no app token) — not when ``slack_events`` is False (Socket
    Mode); ``/slack/install`` and ``/slack/oauth_redirect`` when the app installs through OAuth; plus
    ``extra_routes`` (the Teams adapter passes ``Route(TEAMS_PATH, ...)`` here)."""
    routes: list[BaseRoute] = [Route(HEALTH_PATH, healthz, methods=["GET"])]
    http_mode = settings.slack_app_token is None and settings.slack_signing_secret is not None
    if slack_app is None and slack_configured(settings) and http_mode:
        slack_app = build_slack_app(settings, conversations)
    if slack_app is not None and slack_events:
        secret = settings.slack_signing_secret
        # Without a signing secret (a Socket Mode app) a random one: no HTTP request can ever verify.
        key = secret.get_secret_value() if secret is not None else secrets.token_hex(32)
        acks = slack_app.acks if isinstance(slack_app, GuardedApp) else None
        endpoint = slack_endpoint(
            slack_app,
            key,
            available=conversations.available,
            known_up=conversations.known_available,
            acks=acks,
        )
        routes.append(Route(SLACK_PATH, endpoint, methods=["POST"]))
    if slack_app is not None:
        routes.extend(oauth_routes(slack_app))
    routes.extend(extra_routes)
    return Starlette(routes=routes, lifespan=functools.partial(_closing, slack_app))


@contextlib.asynccontextmanager
async def _closing(slack_app: AsyncApp | None, _app: Starlette) -> AsyncIterator[None]:
    """The app's lifespan: at shutdown, the Slack app's open response-URL session is closed."""
    try:
        yield
    finally:
        if isinstance(slack_app, GuardedApp):
            await slack_app.close()


async def healthz(_request: Request) -> Response:
    """Liveness: the server is up (it only starts accepting requests once the index is loaded)."""
    return JSONResponse({"status": "ok"})


def slack_endpoint(
    app: AsyncApp,
    signing_secret: str,
    *,
    max_bytes: int = MAX_BODY_BYTES,
    body_timeout: float = BODY_TIMEOUT_SECONDS,
    available: Callable[[], bool] = lambda: True,
    known_up: Callable[[], bool] = lambda: False,
    acks: AckGate | None = None,
) -> Endpoint:
    """Events, slash commands and interactivity for one Bolt app, behind the size, time, signature and
    syntax guards; 503 while ``available`` says the database is down (Slack retries events). A request
    owes its ack to ``acks`` from its arrival (answer work waits for it), not only once Bolt has it.

    ``available`` may query the database, so it runs in a thread, and only when ``known_up`` (which
    never blocks) cannot vouch for the store: a thread hop per request held up every ack of a burst."""
    gate = acks or AckGate()
    verifier = SignatureVerifier(signing_secret)
    refused = Throttled(
        "Slack: refused %d request(s) without a valid signature (logged at most once a minute)"
    )
    disconnects = Throttled("Slack: %d client(s) hung up before sending the whole body")
    malformed = Throttled("Slack: refused %d signed request(s) whose body is not a well-formed payload")

    async def endpoint(request: Request) -> Response:
        with gate.owing():
            return await guarded(request)

    async def guarded(request: Request) -> Response:
        if not plausibly_signed(request.headers):
            refused.note()
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            body = await read_limited(request, max_bytes, timeout=body_timeout, disconnects=disconnects)
        except BodyRejected as exc:
            return PlainTextResponse(exc.reason, status_code=exc.status)
        if not verified(verifier, body, request.headers):
            refused.note()
            return PlainTextResponse("invalid signature", status_code=401)
        if not well_formed(body, request.headers.get("content-type", "")):
            malformed.note()
            return PlainTextResponse("malformed payload", status_code=400)
        if not known_up() and not await asyncio.to_thread(available):
            return PlainTextResponse("service unavailable", status_code=503, headers={"Retry-After": "30"})
        try:
            bolt_request = to_async_bolt_request(request, body)
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            # Signed JSON with a field of the wrong type ("user": 7) that Bolt trips over reading it.
            return PlainTextResponse("malformed payload", status_code=400)
        return to_starlette_response(await app.async_dispatch(bolt_request))

    return endpoint


def plausibly_signed(headers: Mapping[str, str]) -> bool:
    """Whether the headers carry a timestamp (digits) and a ``v0=`` signature, so the body is worth
    reading; anything else is refused unread."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    well_shaped = timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12
    return well_shaped and signature.isascii() and signature.startswith("v0=")


def verified(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    """Slack's signature check on the raw body; never raises (Slack signs UTF-8 only)."""
    if not plausibly_signed(headers):
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    timestamp, signature = headers["x-slack-request-timestamp"], headers["x-slack-signature"]
    return verifier.is_valid(text, timestamp, signature)


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
        parsed: Any = parse_json(text)
    except MalformedJson:
        return False
    return isinstance(parsed, dict)
