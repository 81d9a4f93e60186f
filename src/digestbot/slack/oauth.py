"""Many Slack workspaces: Bolt's OAuth v2 install flow, and each workspace's tokens in digestbot's database.

``/slack/install`` sends the installer to Slack (with a state cookie); Slack sends them back to
``/slack/oauth_redirect`` with a code, which Bolt exchanges (``oauth.v2.access``) for the workspace's bot
token. slack_sdk's SQLAlchemy installation and OAuth state stores keep both in the same database as the
archive — their tables come from migration 0003, never from the stores' own ``create_tables`` — and Bolt's
``authorize`` picks the token of the workspace each request comes from, refreshing a rotating token before
it expires. ``app_uninstalled`` and a revoked bot token forget that workspace's tokens, subscriptions,
watches and home viewers.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, DefaultAsyncCallbackOptions
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from digestbot.conversation import Conversations
from digestbot.errors import ConfigError
from digestbot.settings import Settings
from digestbot.slack.install_pages import (
    BoundedStateStore,
    encoded_authorize_url,
    failure_page,
    install_endpoint,
)
from digestbot.sql_url import async_engine

log = logging.getLogger(__name__)

SURFACE = "slack"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # how long an installer has between /slack/install and coming back
DEFAULT_API_URL = "https://slack.com/api/"


def authorization_url(settings: Settings) -> str:
    """Slack's page where an installer approves the app: beside the Web API the settings point at."""
    api = urlsplit(settings.slack_api_url or DEFAULT_API_URL)
    return urlunsplit((api.scheme, api.netloc, "/oauth/v2/authorize", "", ""))


def oauth_options(settings: Settings, client: AsyncWebClient) -> dict[str, Any]:
    """``AsyncApp`` keyword arguments for many workspaces: the install flow, the stores, and ``authorize``.

    ``client`` (tokenless, at the settings' API URL) makes the OAuth calls: Bolt's default one would always
    call slack.com, also to refresh tokens.
    """
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ConfigError("slack_client_id and slack_client_secret: required for OAuth installs")
    client_id, secret = settings.slack_client_id, settings.slack_client_secret.get_secret_value()
    engine = async_engine(settings.resolved_database_url)  # the one engine factory's SQLite settings
    store = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine)
    flow = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=secret,
        scopes=settings.slack_scopes,
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install goes straight to Slack
        authorization_url=authorization_url(settings),
        installation_store=store,
        state_store=BoundedStateStore(
            expiration_seconds=STATE_SECONDS, engine=engine, limit=settings.slack_max_pending_installs
        ),
        state_expiration_seconds=STATE_SECONDS,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
    )
    guard_pages(flow)
    authorize = AsyncInstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=client_id,
        client_secret=secret,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        # auth.test once per token, not per request: a new (installed, rotated) token is checked afresh.
        cache_enabled=True,
        client=client,
    )
    return {"installation_store": store, "oauth_settings": flow, "authorize": authorize}


def guard_pages(flow: AsyncOAuthSettings) -> None:
    """Slack's approval URL built with an encoder, and an error page that escapes its reason once."""
    flow.authorize_url_generator = encoded_authorize_url(flow)
    default = DefaultAsyncCallbackOptions(
        logger=log, state_utils=flow.state_utils, redirect_uri_page_renderer=flow.redirect_uri_page_renderer
    )
    flow.callback_options = AsyncCallbackOptions(success=default.success, failure=failure_page(flow))


def oauth_routes(app: AsyncApp) -> list[BaseRoute]:
    """``GET /slack/install`` and ``GET /slack/oauth_redirect`` when the app has an install flow."""
    flow = app.oauth_flow
    if flow is None:
        return []
    return [
        Route(flow.install_path, install_endpoint(flow), methods=["GET"]),
        Route(flow.redirect_uri_path, _callback_endpoint(flow), methods=["GET"]),
    ]


def _callback_endpoint(flow: AsyncOAuthFlow) -> Any:
    async def callback(request: Request) -> Response:
        """The installer is back: check the state, exchange the code, keep the workspace's tokens."""
        return to_starlette_response(await flow.handle_callback(to_async_bolt_request(request, b"")))

    return callback


def register_uninstalls(app: AsyncApp, conversations: Conversations) -> None:
    """``app_uninstalled`` and ``tokens_revoked``: forget the workspace's tokens (when installs are kept),
    stop delivering to its channels, and forget its users' watches and home views. Bolt handles both
    events without a token (they arrive after it was revoked)."""
    removal = WorkspaceRemoval(conversations, app.installation_store)
    app.event("app_uninstalled")(removal.on_app_uninstalled)
    app.event("tokens_revoked")(removal.on_tokens_revoked)


class WorkspaceRemoval:
    """The listeners of ``register_uninstalls``; only the event's own workspace is touched."""

    def __init__(self, conversations: Conversations, store: AsyncInstallationStore | None) -> None:
        self.conversations = conversations
        self.store = store

    async def on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        """Every token of the workspace, its subscriptions, watches and home viewers."""
        await self._forget(context.enterprise_id, context.team_id, why="the app was uninstalled")

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A revoked bot token leaves nothing to post with: as an uninstall. Revoked user tokens (digestbot
        asks for none, but an installer's may be kept) are deleted alone."""
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            await self._forget(context.enterprise_id, context.team_id, why="its bot token was revoked")
            return
        for user in tokens.get("oauth") or []:
            if self.store is not None:
                await self.store.async_delete_installation(
                    enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user
                )

    async def _forget(self, enterprise: str | None, team: str | None, *, why: str) -> None:
        if self.store is not None:
            await self.store.async_delete_all(enterprise_id=enterprise, team_id=team)
        if team is None:
            log.warning(
                "Slack: %s in an organisation (%s); no workspace subscriptions to remove", why, enterprise
            )
            return
        removed = await asyncio.to_thread(self.conversations.workspace_removed, SURFACE, team)
        log.info(
            "Slack: workspace %s forgotten (%s); removed %d subscription(s), the watches of %d user(s),"
            " %d home viewer(s)",
            team,
            why,
            removed.subscriptions,
            removed.watchers,
            removed.home_viewers,
        )
