"""Drive a Slack app the way Slack does: signed requests, Slack's payloads, a server on loopback.

Used by the tests and by ``digestbot.benchmark.slack_load``; together with ``slack_emulator`` it lets the
whole Slack surface run offline.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

TEAM = "T0EMU0001"
APP_ID = "A0DIGEST1"


def signed_headers(body: bytes, content_type: str, *, secret: str, age: int = 0) -> dict[str, str]:
    """Slack's v0 request signature: HMAC-SHA256 of ``v0:timestamp:body`` with the signing secret."""
    timestamp = str(int(time.time()) - age)
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def slash_command(text: str, response_url: str, *, channel: str, user: str, team: str = TEAM) -> bytes:
    """The form body Slack posts for ``/digest text`` in workspace ``team``."""
    fields = {
        "token": "legacy",
        "team_id": team,
        "team_domain": "emulated",
        "channel_id": channel,
        "channel_name": "security",
        "user_id": user,
        "user_name": "alice",
        "command": "/digest",
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }
    return urlencode(fields).encode()


def share_click(question: str, response_url: str, *, channel: str, user: str) -> bytes:
    """The form body (``payload=`` JSON) of a click on "Share in channel"."""
    return button_click("digest_share", question, user=user, channel=channel, response_url=response_url)


def button_click(
    action_id: str, value: str, *, user: str, channel: str | None = None, response_url: str | None = None,
    home: bool = False,
) -> bytes:  # fmt: skip
    """The form body of a click on a button: under an ephemeral message in ``channel`` (with its
    ``response_url``), or on the user's Home tab (``home``)."""
    payload = block_actions(
        action_id, value, user=user, channel=channel, response_url=response_url, home=home
    )
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_actions(
    action_id: str, value: Any, *, user: str, channel: str | None = None, response_url: str | None = None,
    home: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """The ``block_actions`` payload Slack sends for a click (see ``button_click``)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "api_app_id": APP_ID,
        "team": {"id": TEAM, "domain": "emulated"},
        "user": {"id": user, "username": "alice", "team_id": TEAM},
        "trigger_id": "1.2.3",
        "actions": [{"type": "button", "action_id": action_id, "value": value, "action_ts": "1700000001.1"}],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "V0HOME001"}
        payload["view"] = {"id": "V0HOME001", "type": "home", "blocks": [], "callback_id": ""}
    else:
        payload["channel"] = {"id": channel, "name": "security"}
        payload["container"] = {"type": "message", "message_ts": "1700000000.000001", "is_ephemeral": True}
        payload["response_url"] = response_url
    return payload


def view_submission(callback_id: str, values: dict[str, dict[str, str]], *, user: str) -> bytes:
    """The form body of a modal's submission: ``values`` maps block id -> action id -> the typed text."""
    state = {
        block: {action: {"type": "plain_text_input", "value": text} for action, text in fields.items()}
        for block, fields in values.items()
    }
    payload = {
        "type": "view_submission",
        "api_app_id": APP_ID,
        "team": {"id": TEAM, "domain": "emulated"},
        "user": {"id": user, "username": "alice", "team_id": TEAM},
        "trigger_id": "1.2.4",
        "view": {"id": "V0MODAL01", "type": "modal", "callback_id": callback_id, "state": {"values": state}},
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def home_opened(user: str) -> dict[str, Any]:
    """The ``app_home_opened`` event of a user opening the bot's Home tab."""
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user[1:]}",
        "tab": "home",
        "event_ts": "1.2",
    }


def event_callback(
    event: dict[str, Any], event_id: str, *, team: str = TEAM, bot_user: str = "UBOTEMU01"
) -> bytes:
    """The Events API JSON body wrapping one event of workspace ``team`` (whose bot is ``bot_user``)."""
    body = {
        "token": "legacy",
        "team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
        "authorizations": [{"team_id": team, "user_id": bot_user, "is_bot": True}],
    }
    return json.dumps(body).encode()


# -- a real server ------------------------------------------------------------------------------------
