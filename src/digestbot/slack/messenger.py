"""Watch notices to Slack users: ``conversations.open`` for the user's direct-message channel, then
``chat.postMessage`` there, carrying the notice's key in message metadata so that a notice whose sender died
mid-send is found with ``conversations.history`` instead of being sent again.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from digestbot.delivery.outbox import PostError
from digestbot.delivery.watching import Notice
from digestbot.domain import Destination
from digestbot.render.slack_story import watch_notice
from digestbot.slack.publisher import CERTAIN, HISTORY_PAGES
from digestbot.slack.tokens import BotTokens

NOTICE_EVENT = "digestbot_watch"  # the metadata event type of a notice (its payload: the notice key)


class SlackMessenger:
    """Sends watch notices as Slack direct messages (a ``DirectMessenger``)."""

    platform = "slack"
    can_look = True

    def __init__(self, client: WebClient, *, tokens: BotTokens | None = None) -> None:
        self.client = client
        self.tokens = tokens  # each workspace's token, when the app is installed in many

    def _token(self, notice: Notice) -> str | None:
        recipient = notice.watch.recipient
        if self.tokens is None:
            return None
        dest = Destination(self.platform, recipient.user_id, workspace=recipient.tenant_id)
        return self.tokens.token_for(dest)

    def send(self, notice: Notice) -> str:
        """Post the notice in the user's direct-message channel; the message's ts."""
        token = self._token(notice)
        channel = self._open(notice.watch.recipient.user_id, token)
        message = watch_notice(notice)
        metadata = {"event_type": NOTICE_EVENT, "event_payload": {"notice": notice.key}}
        try:
            response = self.client.chat_postMessage(
                token=token,
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise PostError(f"Slack refused the direct message: {error}", certain=error in CERTAIN) from exc
        except (SlackClientError, OSError) as exc:
            raise PostError(f"Slack did not answer: {type(exc).__name__}", certain=False) from exc
        return str(response["ts"])

    def find(self, notice: Notice) -> str | None:
        """The ts of the notice's message in the user's direct-message channel, if it is there."""
        token = self._token(notice)
        channel = self._open(notice.watch.recipient.user_id, token)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self._history(channel, cursor, token)
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == NOTICE_EVENT and payload.get("notice") == notice.key:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def _open(self, user: str, token: str | None) -> str:
        """The direct-message channel with the user (Slack opens it, or returns the existing one). A
        failure here is certain: nothing was sent yet."""
        try:
            response = self.client.conversations_open(users=user, token=token)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            raise PostError(f"cannot open a direct message with {user}: {error}", certain=True) from exc
        except (SlackClientError, OSError) as exc:
            raise PostError(f"Slack did not answer: {type(exc).__name__}", certain=True) from exc
        return str(response["channel"]["id"])

    def _history(self, channel: str, cursor: str | None, token: str | None) -> dict[str, Any]:
        options: dict[str, Any] = {"channel": channel, "limit": 100, "include_all_metadata": True}
        if token is not None:
            options["token"] = token
        if cursor:
            options["cursor"] = cursor
        try:
            response = self.client.conversations_history(**options)
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise PostError(
                f"cannot read the direct messages to look for a notice: {exc}", certain=False
            ) from exc
        return dict(response.data) if isinstance(response.data, dict) else {}
