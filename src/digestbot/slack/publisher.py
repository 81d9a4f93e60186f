"""Weekly delivery to Slack: a short top-level post carrying the issue key in message metadata, and the
whole issue as thread replies, one (or more, within Block Kit limits) per section.

Every message carries metadata naming its issue and its place, so after a crash the post can be found with
``conversations.history`` and a half-finished thread completed instead of posted again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from digestbot.delivery.delivery import Post
from digestbot.delivery.outbox import PostError, issue_key
from digestbot.domain import Destination, Issue
from digestbot.render.slack import issue_post, section_reply
from digestbot.render.slack_blocks import SlackMessage
from digestbot.settings import Settings
from digestbot.slack.tokens import BotTokens

log = logging.getLogger(__name__)

EVENT_TYPE = "digestbot_issue"
TOP = "top"
HISTORY_PAGES = 3  # how far back (x 100 messages) a crashed post is looked for
# Errors that mean the message surely was not posted (retrying blindly is safe).
CERTAIN = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_blocks",
    "msg_too_long",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "missing_scope",
    "restricted_action",
    "token_revoked",
    "token_expired",
}


def build_web_client(settings: Settings) -> WebClient:
    """A sync Web API client that waits out 429s (Retry-After) and never retries a post on its own
    after a connection error, since the post may have gone through."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=settings.slack_api_url or WebClient.BASE_URL, timeout=30)
    client.retry_handlers = [RateLimitErrorRetryHandler(max_retry_count=10)]
    return client


class SlackPublisher:
    """Posts issues to Slack channels, at most about one message per second per channel.

    Every call carries the token ``tokens`` picks for the destination (its workspace's, when the app is
    installed in many); without ``tokens``, the client's own token.
    """

    platform = "slack"
    can_look = True  # conversations.history shows each message's metadata

    def __init__(
        self,
        client: WebClient,
        *,
        tokens: BotTokens | None = None,
        interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.tokens = tokens
        self.interval = interval
        self._sleep, self._clock = sleep, clock
        self._last: dict[str, float] = {}

    def send(self, post: Post) -> str:
        """Post the top-level summary, then each section in its thread; returns the top-level ts."""
        dest, issue = post.dest, post.issue
        token = self._token(dest)
        ts = self._post(dest.channel_id, issue_post(issue), _metadata(issue, TOP), token=token)
        self._complete_thread(dest.channel_id, ts, issue, posted=set(), token=token)
        return ts

    def find(self, post: Post) -> str | None:
        """The ts of this issue's top-level post in the channel, if a crashed run made it; its thread is
        completed with any sections that are missing."""
        dest, issue = post.dest, post.issue
        token = self._token(dest)
        ts = self._find_top(dest.channel_id, issue_key(issue.date), token=token)
        if ts is None:
            return None
        log.info("found %s already posted in %s; completing its thread", issue.date, dest.channel_id)
        posted = self._thread_places(dest.channel_id, ts, token=token)
        self._complete_thread(dest.channel_id, ts, issue, posted=posted, token=token)
        return ts

    def _token(self, dest: Destination) -> str | None:
        return None if self.tokens is None else self.tokens.token_for(dest)

    def _complete_thread(
        self, channel: str, ts: str, issue: Issue, *, posted: set[str], token: str | None
    ) -> None:
        try:
            for index, part in enumerate(issue.sections):
                for page, message in enumerate(section_reply(issue, part)):
                    place = f"s{index}p{page}"
                    if place not in posted:
                        self._post(channel, message, _metadata(issue, place), thread_ts=ts, token=token)
        except PostError as exc:
            # The top-level post exists: leave the delivery in doubt so the next run completes the thread.
            raise PostError(f"thread of {issue.date} in {channel} incomplete: {exc}", certain=False) from exc

    def _post(
        self,
        channel: str,
        message: SlackMessage,
        metadata: dict[str, Any],
        thread_ts: str | None = None,
        *,
        token: str | None,
    ) -> str:
        self._pace(channel)
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                token=token,  # None: the client's own (slack_sdk drops None arguments)
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise PostError(f"Slack refused the post: {error}", certain=error in CERTAIN) from exc
        except (SlackClientError, OSError) as exc:
            raise PostError(f"Slack did not answer: {type(exc).__name__}", certain=False) from exc
        finally:
            self._last[channel] = self._clock()
        return str(response["ts"])

    def _pace(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None:
            wait = self.interval - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def _find_top(self, channel: str, key: str, *, token: str | None) -> str | None:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self._call(
                "conversations_history",
                channel=channel,
                limit=100,
                include_all_metadata=True,
                cursor=cursor,
                token=token,
            )
            for message in page.get("messages", []):
                if _place(message, key) == TOP:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def _thread_places(self, channel: str, ts: str, *, token: str | None) -> set[str]:
        page = self._call(
            "conversations_replies", channel=channel, ts=ts, include_all_metadata=True, limit=200, token=token
        )
        messages = page.get("messages", [])
        return {place for message in messages if (place := _place(message, None)) and place != TOP}

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = getattr(self.client, method)(**{k: v for k, v in kwargs.items() if v is not None})
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise PostError(
                f"cannot read the channel to check for an earlier post: {exc}", certain=False
            ) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}


def _metadata(issue: Issue, place: str) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"issue": issue_key(issue.date), "place": place}}


def _place(message: dict[str, Any], key: str | None) -> str | None:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    if metadata.get("event_type") != EVENT_TYPE or (key is not None and payload.get("issue") != key):
        return None
    place = payload.get("place")
    return str(place) if place else None
