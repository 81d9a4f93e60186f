"""Which bot token posts to a Slack destination: the one bot token of the environment, or — with the app
installed in many workspaces — the token of the destination's workspace, from slack_sdk's installation
store, refreshed first when it rotates and is about to expire."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from digestbot.delivery.delivery import PostError
from digestbot.domain import Destination
from digestbot.settings import Settings
from digestbot.sql_url import sync_engine

log = logging.getLogger(__name__)


class BotTokens(Protocol):
    """Picks the bot token that posts to a destination."""

    def token_for(self, dest: Destination) -> str:
        """The token; PostError (certain: nothing was posted) when there is none."""
        ...


class InstalledTokens:
    """Each workspace's bot token from the installation store. ``fallback`` (the environment's bot token,
    if any) posts to destinations whose workspace is unknown (channels listed without one)."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        rotator: TokenRotator,
        *,
        minutes_before_expiration: int = 120,
        fallback: str | None = None,
    ) -> None:
        self.store = store
        self.rotator = rotator
        self.minutes = minutes_before_expiration
        self.fallback = fallback
        self._lock = threading.Lock()  # one refresh at a time: a refresh token is good for one use

    def token_for(self, dest: Destination) -> str:
        """The workspace's current bot token, refreshed (and stored) first if it expires soon."""
        if dest.workspace is None:
            if self.fallback is not None:
                return self.fallback
            raise PostError(
                f"no Slack workspace is known for {dest.channel_id}: run /digest subscribe there, or list"
                f" it as slack:TEAM_ID/{dest.channel_id}",
                certain=True,
            )
        with self._lock:
            installation = self._find(dest.workspace)
            return self._fresh(installation).bot_token or ""

    def _find(self, team: str) -> Installation:
        try:
            found = self.store.find_installation(enterprise_id=None, team_id=team)
        except SQLAlchemyError as exc:
            raise PostError(f"cannot read the Slack installation of {team}: {exc}", certain=True) from None
        if found is None or not found.bot_token:
            raise PostError(f"digestbot is not installed in the Slack workspace {team}", certain=True)
        return found

    def _fresh(self, installation: Installation) -> Installation:
        try:
            refreshed = self.rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=self.minutes
            )
        except SlackTokenRotationError as exc:
            return self._refreshed_elsewhere(installation, exc)
        if refreshed is None:
            return installation
        try:
            self.store.save(refreshed)
        except SQLAlchemyError as exc:
            raise PostError(
                f"cannot store the refreshed token of {installation.team_id}: {exc}", certain=True
            ) from None
        log.info("Slack: refreshed the bot token of workspace %s", installation.team_id)
        return refreshed

    def _refreshed_elsewhere(self, used: Installation, exc: SlackTokenRotationError) -> Installation:
        """A refresh token is good once: another replica may have just used it. Its new token is in the
        store; without one, the workspace must be installed again."""
        again = self._find(str(used.team_id))
        if again.bot_refresh_token != used.bot_refresh_token and _valid(again):
            return again
        error = exc.api_error.response.get("error", "unknown_error")
        raise PostError(
            f"the bot token of Slack workspace {used.team_id} could not be refreshed ({error}):"
            " install the app there again",
            certain=True,
        ) from None


def _valid(installation: Installation) -> bool:
    expires = installation.bot_token_expires_at
    return expires is None or expires > time.time()


def installed_tokens(settings: Settings, client: WebClient) -> InstalledTokens:
    """The tokens of every workspace the app was installed in (OAuth mode), in the settings' database."""
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ValueError("installed_tokens needs slack_client_id and slack_client_secret")
    store = SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id, engine=installation_engine(settings)
    )
    rotator = TokenRotator(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        client=WebClient(base_url=client.base_url, timeout=30),
    )
    fallback = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return InstalledTokens(
        store, rotator, minutes_before_expiration=settings.slack_token_rotation_minutes, fallback=fallback
    )


def installation_engine(settings: Settings) -> Engine:
    """An engine on the settings' database for the installation store (the delivery thread reads it),
    made by the one engine factory, so a SQLite file gets the store's settings."""
    return sync_engine(settings.resolved_database_url)
