"""Teams activities as the Bot Connector sends them (shapes taken from real Teams payloads)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.teams.identity import APP_ID, TENANT_ID

BOT = {"id": f"28:{APP_ID}", "name": "digestbot"}
USER = {"id": "29:1a2b3c-user", "name": "Dana Analyst", "aadObjectId": "5e1f0000-0000-4000-8000-000000000001"}
TEAM = "19:team-northwind@thread.tacv2"
CHANNEL = "19:general-northwind@thread.tacv2"
GROUP_CHAT = "19:meeting-group-chat@thread.v2"
PERSONAL = "a:1personal-chat-with-dana"

_ids = itertools.count(1)


def _base(kind: str, service_url: str, conversation: dict[str, Any], **extra: Any) -> dict[str, Any]:
    activity = {
        "type": kind,
        "id": f"f:{next(_ids)}",
        "timestamp": "2031-03-05T09:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": USER,
        "conversation": {**conversation, "tenantId": TENANT_ID},
        "recipient": BOT,
        "channelData": {"tenant": {"id": TENANT_ID}},
    }
    return {**activity, **extra}


def channel(thread: str | None = None) -> dict[str, Any]:
    conversation_id = CHANNEL if thread is None else f"{CHANNEL};messageid={thread}"
    return {"id": conversation_id, "conversationType": "channel", "isGroup": True}


def personal() -> dict[str, Any]:
    return {"id": PERSONAL, "conversationType": "personal"}


def group_chat() -> dict[str, Any]:
    return {"id": GROUP_CHAT, "conversationType": "groupChat", "isGroup": True}


def message(service_url: str, conversation: dict[str, Any], text: str, *, mention: bool) -> dict[str, Any]:
    """A message; with ``mention``, "<at>digestbot</at> " before the text and the mention entity."""
    entities: list[dict[str, Any]] = [{"type": "clientInfo", "locale": "en-US", "platform": "Web"}]
    if mention:
        text = f"<at>digestbot</at> {text}"
        entities.append({"type": "mention", "mentioned": BOT, "text": "<at>digestbot</at>"})
    return _base("message", service_url, conversation, text=text, textFormat="plain", entities=entities)


def channel_mention(service_url: str, text: str) -> dict[str, Any]:
    """An @mention in a new channel post (Teams puts the post's id in the conversation id)."""
    return message(service_url, channel(thread="1700000000999"), text, mention=True)


def installation(service_url: str, conversation: dict[str, Any], action: str) -> dict[str, Any]:
    """``installationUpdate`` with action "add" or "remove"."""
    return _base("installationUpdate", service_url, conversation, action=action)


def members(service_url: str, conversation: dict[str, Any], *, added: bool) -> dict[str, Any]:
    """``conversationUpdate`` with the bot in membersAdded (or membersRemoved)."""
    key = "membersAdded" if added else "membersRemoved"
    channel_data = {
        "tenant": {"id": TENANT_ID},
        "eventType": "teamMemberAdded" if added else "teamMemberRemoved",
    }
    return _base("conversationUpdate", service_url, conversation, **{key: [BOT]}, channelData=channel_data)
