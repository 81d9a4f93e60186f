"""Weekly delivery to Teams: ``TeamsPublisher`` implements ``digestbot.delivery.delivery.Publisher``.

Each issue is posted proactively as one Adaptive Card: ``POST {serviceUrl}/v3/conversations/{id}/activities``
through the SDK's API client, with a bot token from the SDK's token manager (client secret, managed
identity, or an injected token provider). The conversation reference (id, serviceUrl, tenant) was stored
when the app was installed there. The activity carries the issue key in ``channelData`` and as the id of the
card's first element.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import httpx
from microsoft_teams.api import ApiClient
from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment
from microsoft_teams.api.auth.credentials import TokenProvider
from microsoft_teams.common import Client, ClientOptions

from digestbot.delivery.delivery import Post
from digestbot.delivery.outbox import PostError
from digestbot.render import teams as render
from digestbot.settings import Settings
from digestbot.teams.parse import SURFACE
from digestbot.teams.sdk import AppTokenProvider, credentials, token_provider

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ATTEMPTS = 3
MAX_RETRY_AFTER = 60.0


class TeamsPublisher:
    """Posts issues into Teams conversations (a ``Publisher`` for the ``Deliverer``)."""

    platform = SURFACE
    can_look = False  # the Bot Connector cannot list what a bot posted

    def __init__(
        self,
        tokens: AppTokenProvider,
        *,
        cloud: CloudEnvironment | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.cloud = cloud or PUBLIC
        self.timeout = timeout
        self.sleep = sleep

    def find(self, post: Post) -> str | None:
        """Always None: the Bot Connector has no API to list the messages a bot posted in a conversation.

        So a crash between the outbox's claim and confirm is resolved as issue posts are when the platform
        cannot look (``digestbot.delivery.outbox.WHEN_BLIND``: posted again): at most one duplicate
        card per such
        crash, recognisable by the issue key it carries."""
        return None

    def send(self, post: Post) -> str:
        """Post the issue card; return the new activity id. HTTP 429 is waited out (Retry-After)."""
        dest = post.dest
        if not dest.service_url:
            raise PostError(f"no serviceUrl known for Teams conversation {dest.channel_id}", certain=True)
        return self.post_activity(dest.service_url, dest.channel_id, render.issue_message(post.issue))

    def post_activity(self, service_url: str, conversation_id: str, activity: render.Activity) -> str:
        """Post an activity proactively into a conversation; the new activity's id. HTTP 429 is waited
        out (Retry-After); any other failure is a PostError saying whether it surely did not arrive."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return run_sync(self._create(service_url, conversation_id, activity))
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 429 and attempt < MAX_ATTEMPTS:
                    self.sleep(retry_after(exc.response))
                    continue
                raise PostError(f"Teams refused the post: HTTP {status}", certain=status < 500) from exc
            except httpx.TransportError as exc:
                sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                raise PostError(
                    f"Teams could not be reached ({type(exc).__name__})", certain=not sent
                ) from exc
        raise PostError("Teams kept rate-limiting the post", certain=True)

    async def _create(self, service_url: str, conversation_id: str, activity: render.Activity) -> str:
        token = await self._token()
        http = Client(ClientOptions(timeout=self.timeout, token=token))
        try:
            api = ApiClient(service_url, http, cloud=self.cloud)
            params = MessageActivityInput.model_validate(activity)
            sent = await api.conversations.create_activity(conversation_id, params)
        finally:
            await http.http.aclose()
        return sent.id

    async def _token(self) -> str | None:
        try:
            token = await self.tokens.get_app_token(self.cloud.bot_scope)
        except Exception as exc:  # MSAL and managed identity raise assorted types
            log.exception("Teams: no bot token")
            raise PostError("could not get a bot token from Microsoft Entra ID", certain=True) from exc
        return None if token is None else str(token)


def build_teams_publisher(
    settings: Settings, *, cloud: CloudEnvironment | None = None, token: TokenProvider | None = None
) -> TeamsPublisher:
    """The publisher for ``Deliverer(publishers=[...])``, with the bot's credentials from Settings."""
    env = cloud or PUBLIC
    return TeamsPublisher(token_provider(credentials(settings, token), env), cloud=env)


def retry_after(response: httpx.Response) -> float:
    """Seconds to wait before retrying a 429 (Retry-After, capped; 1 s when absent or unreadable)."""
    try:
        seconds = float(response.headers.get("retry-after", "1"))
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, also when this thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
