"""Replies through Slack's response URLs, over one HTTP session per event loop.

Bolt's ``respond()`` builds a new ``AsyncWebhookClient`` for every reply, and that client opens a new
aiohttp session (a connection pool, a TCP connection) each time and closes it after one post. Under a
burst of ``/digest`` that was 43% of the event loop's busy time, the loop the acks need (see
``bench/README.md``). ``SharedRespond`` sends the same message with the same client, retries and
timeout, through the one session ``ResponseSessions`` keeps open for the running loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from ssl import SSLContext
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

# AsyncWebhookClient's own default: with a session of ours, the session's timeout is the one applied.
TIMEOUT_SECONDS = 30


class ResponseSessions:
    """One open aiohttp session per event loop, made on first use; ``close()`` at shutdown."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = (
            weakref.WeakKeyDictionary()
        )

    def session(self) -> aiohttp.ClientSession:
        """The running loop's session (a new one if it has none yet, or its last one was closed)."""
        loop = asyncio.get_running_loop()
        current = self._sessions.get(loop)
        if current is None or current.closed:
            current = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._sessions[loop] = current
        return current

    @property
    def open(self) -> int:
        """How many sessions are open (one per loop that has replied and not closed it yet)."""
        return sum(not session.closed for session in list(self._sessions.values()))

    async def close(self) -> None:
        """Close the running loop's session, if it has one (the next reply would open a new one)."""
        current = self._sessions.pop(asyncio.get_running_loop(), None)
        if current is not None:
            await current.close()

    def respond(self, response_url: str | None, *, proxy: str | None, ssl: SSLContext | None) -> AsyncRespond:
        """A ``respond()`` for one request, as Bolt would build it, sending through these sessions."""
        return SharedRespond(self, response_url=response_url, proxy=proxy, ssl=ssl)


class SharedRespond(AsyncRespond):
    """Bolt's ``respond()``, posting through a shared session instead of a session per reply."""

    def __init__(
        self,
        sessions: ResponseSessions,
        *,
        response_url: str | None,
        proxy: str | None = None,
        ssl: SSLContext | None = None,
    ) -> None:
        super().__init__(response_url=response_url, proxy=proxy, ssl=ssl)
        self.sessions = sessions

    async def __call__(  # type: ignore[override]  # as Bolt's, but ``text`` is a str, never a dict
        self,
        text: str = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        client = AsyncWebhookClient(
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, session=self.sessions.session()
        )
        options = {
            "response_type": response_type,
            "replace_original": replace_original,
            "delete_original": delete_original,
            "unfurl_links": unfurl_links,
            "unfurl_media": unfurl_media,
            "thread_ts": thread_ts,
            "metadata": metadata,
        }
        message: dict[str, Any] = {"text": text, **{k: v for k, v in options.items() if v is not None}}
        if blocks:
            message["blocks"] = [_as_dict(block) for block in blocks]
        if attachments:
            message["attachments"] = [_as_dict(attachment) for attachment in attachments]
        return await client.send_dict(message)


def _as_dict(value: dict[str, Any] | Block | Attachment) -> dict[str, Any]:
    return value if isinstance(value, dict) else value.to_dict()
