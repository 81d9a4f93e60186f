"""The one place ``microsoft_teams.apps`` (the Teams SDK) is imported, and the App built from Settings.

The SDK reads its configuration from the process environment: it calls ``load_dotenv()`` when
``microsoft_teams.apps`` is first imported, and ``App`` falls back to ``CLIENT_ID``, ``CLIENT_SECRET``,
``TENANT_ID``, ``SERVICE_URL``, ``CLOUD`` and ``DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS``. digestbot's
settings come from ``Settings`` only, so the import below runs with dotenv disabled (and anything a .env
still added is removed again), and every option the SDK would look up is passed explicitly.
"""

from __future__ import annotations

import warnings
from typing import Any

from microsoft_teams.api import (
    ClientCredentials,
    Credentials,
    ManagedIdentityCredentials,
    TokenCredentials,
    TokenProvider,
)
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

from digestbot.environment import without_dotenv
from digestbot.settings import Settings

__all__ = [
    "ActivityContext",
    "App",
    "AppTokenProvider",
    "HttpMethod",
    "HttpRequest",
    "HttpRouteHandler",
    "HttpServerAdapter",
    "InboundActivityTokenValidator",
    "SettingsApp",
    "credentials",
    "new_app",
    "token_provider",
]

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams"


with without_dotenv(), warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".* is in preview")  # an SDK feature digestbot does not use
    from microsoft_teams.apps import ActivityContext, App, AppTokenProvider, HttpServerAdapter
    from microsoft_teams.apps.auth import InboundActivityTokenValidator
    from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
    from microsoft_teams.apps.token_manager import TokenManager


def credentials(settings: Settings, token: TokenProvider | None = None) -> Credentials | None:
    """The bot's credentials from Settings: a fixed token provider if one is injected (tests, custom
    auth), else the client secret, else Azure managed identity; None without a client id."""
    client_id, tenant_id = settings.teams_client_id, settings.teams_tenant_id
    if not client_id:
        return None
    if token is not None:
        return TokenCredentials(client_id=client_id, tenant_id=tenant_id, token=token)
    if settings.teams_client_secret is not None:
        secret = settings.teams_client_secret.get_secret_value()
        return ClientCredentials(client_id=client_id, client_secret=secret, tenant_id=tenant_id)
    return ManagedIdentityCredentials(client_id=client_id, tenant_id=tenant_id)


def token_provider(creds: Credentials | None, cloud: CloudEnvironment | None = None) -> AppTokenProvider:
    """The SDK's token source for outbound calls (None tokens when there are no credentials)."""
    env = cloud or PUBLIC
    return AppTokenProvider(TokenManager(credentials=creds, cloud=env), env)


class SettingsApp(App):
    """An ``App`` whose credentials are the ones given, never ones found in the environment."""

    def __init__(self, creds: Credentials | None, **options: Any) -> None:
        self._given_credentials = creds
        super().__init__(**options)

    def _init_credentials(self) -> Credentials | None:
        return self._given_credentials


def new_app(
    settings: Settings,
    adapter: HttpServerAdapter,
    *,
    cloud: CloudEnvironment | None = None,
    token: TokenProvider | None = None,
    messaging_endpoint: str = "/api/messages",
) -> App:
    """A Teams ``App`` configured from Settings alone, serving through ``adapter``."""
    return SettingsApp(
        credentials(settings, token),
        http_server_adapter=adapter,
        messaging_endpoint=messaging_endpoint,
        cloud=cloud or PUBLIC,
        service_url=DEFAULT_SERVICE_URL,
        dangerously_allow_unauthenticated_requests=settings.teams_allow_unauthenticated,
        state=False,
        fetch_user_token=False,
        telemetry={"agent365": False},
    )
