"""The Bolt app: built by a factory from Settings and the core, never at import time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.conversation import Conversations
from digestbot.errors import ConfigError
from digestbot.render.slack import DETAILS_ACTION, SHARE_ACTION
from digestbot.render.slack_home import ASK_ACTION, ASK_VIEW
from digestbot.render.slack_story import TIMELINE_ACTION, UNWATCH_ACTION
from digestbot.settings import Settings
from digestbot.slack import actions
from digestbot.slack.acks import AckGate
from digestbot.slack.handlers import SlackHandlers
from digestbot.slack.home import SlackHome
from digestbot.slack.oauth import DEFAULT_API_URL, oauth_options, register_uninstalls
from digestbot.slack.responses import ResponseSessions

COMMAND = "/digest"
BOLT_LOGGER = "digestbot.slack.bolt"


class GuardedApp(AsyncApp):
    """Bolt's app, refusing payloads that Bolt would trip over while matching them to a listener (in
    HTTP and Socket Mode alike): a 400 and one log line rather than a 500 and a traceback. Each dispatch
    owes its ack to ``acks`` until it returns, so answer work waits for it (``slack.acks``), and its
    ``respond()`` posts through ``responses``, one session per loop (``slack.responses``): ``close()``
    it at shutdown."""

    def __init__(self, *, acks: AckGate, responses: ResponseSessions | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.acks = acks
        self.responses = responses or ResponseSessions()

    async def close(self) -> None:
        """Close what the app keeps open between requests (the response-URL session)."""
        await self.responses.close()

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        """Dispatch ``req`` to the listeners, if Bolt can route it."""
        if not actions.routable(req.body):
            return BoltResponse(status=400, body="malformed payload")
        url, client = req.context.response_url, self._async_client
        req.context["respond"] = self.responses.respond(url, proxy=client.proxy, ssl=client.ssl)
        with self.acks.owing():
            return await super().async_dispatch(req)


def build_web_client(settings: Settings) -> AsyncWebClient:
    """A Web API client with the bot token, pointed at ``settings.slack_api_url`` when set; rate limits
    (429 + Retry-After) are waited out and a 5xx or dropped connection is retried once."""
    if settings.slack_bot_token is None:
        raise ConfigError(
            "slack_bot_token: required for Slack (DIGESTBOT_SLACK_BOT_TOKEN, starts with xoxb-)"
        )
    return _client(settings, settings.slack_bot_token.get_secret_value())


def _client(settings: Settings, token: str | None) -> AsyncWebClient:
    retries: list[AsyncRetryHandler] = [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]
    return AsyncWebClient(
        token=token, base_url=settings.slack_api_url or DEFAULT_API_URL, retry_handlers=retries
    )


def build_slack_app(settings: Settings, conversations: Conversations) -> AsyncApp:
    """The Slack app with every listener registered.

    HTTP mode (no app token) needs the signing secret: Bolt checks each request's signature and age.
    In Socket Mode, requests come over the app-token websocket and carry no signature. With the app's
    OAuth credentials (``settings.slack_oauth``) it is installed in many workspaces and each request is
    answered with its own workspace's token; otherwise with the one bot token.
    """
    secret = settings.slack_signing_secret
    if settings.slack_app_token is None and secret is None:
        raise ConfigError(
            "slack_signing_secret: required for Slack HTTP mode (DIGESTBOT_SLACK_SIGNING_SECRET);"
            " or set slack_app_token (xapp-) for Socket Mode"
        )
    # Tokenless: each request's client gets the token from ``authorize``.
    client = _client(settings, None)
    if settings.slack_oauth:
        options = oauth_options(settings, client)
    else:
        options = {"authorize": cached_authorize(build_web_client(settings))}
    acks = AckGate()
    app = GuardedApp(
        acks=acks,
        # Bolt sets its app logger's level to the root logger's on every request: under digestbot's own
        # "digestbot" logger that would silence every INFO line of digestbot.
        name=BOLT_LOGGER,
        client=client,
        # Without a signing secret (Socket Mode) a random one: no HTTP request can ever verify.
        signing_secret=secret.get_secret_value() if secret is not None else secrets.token_hex(32),
        **options,
    )
    register(app, conversations, acks)
    register_uninstalls(app, conversations)
    return app


def cached_authorize(client: AsyncWebClient) -> Callable[[], Awaitable[AuthorizeResult]]:
    """Bolt's ``authorize`` for one workspace: auth.test once, on the first request, then cached.

    Bolt's own single-workspace check calls auth.test for every request until one has returned, so a
    burst of requests at start-up fans out into a burst of auth.test calls (and rate limits).
    """
    lock = asyncio.Lock()
    cached: list[AuthorizeResult] = []

    async def authorize() -> AuthorizeResult:
        async with lock:
            if not cached:
                response = await client.auth_test()
                cached.append(
                    AuthorizeResult.from_auth_test_response(
                        auth_test_response=response, bot_token=client.token
                    )
                )
        return cached[0]

    return authorize


def register(app: AsyncApp, conversations: Conversations, acks: AckGate | None = None) -> None:
    """Attach the ``/digest`` command, the answer and timeline buttons, mentions and messages, and the App
    Home (its tab, "Remove" buttons and the "Ask" modal) to an app; their core calls wait for ``acks``."""
    acks = acks or AckGate()
    handlers = SlackHandlers(conversations, acks=acks)
    app.command(COMMAND)(handlers.on_command)
    app.action(SHARE_ACTION)(handlers.on_share)
    app.action(DETAILS_ACTION)(handlers.on_details)
    app.action(TIMELINE_ACTION)(handlers.on_timeline_more)
    app.event("app_mention")(handlers.on_mention)
    app.event("message")(handlers.on_message)
    home = SlackHome(conversations, acks=acks)
    app.event("app_home_opened")(home.on_home_opened)
    app.action(UNWATCH_ACTION)(home.on_unwatch)
    app.action(ASK_ACTION)(home.on_ask)
    app.view(ASK_VIEW)(home.on_ask_submitted)
