"""SDK activities -> digestbot's own values (``Conversation``, ``Message``). Payload types stop here."""

from __future__ import annotations

from microsoft_teams.api import Account, ActivityBase
from microsoft_teams.api.activities.message import MessageActivity
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text

from digestbot.teams.handlers import Conversation, Message


def conversation(activity: ActivityBase) -> Conversation:
    """The conversation an activity came from, with its serviceUrl and tenant."""
    conv = activity.conversation
    tenant = conv.tenant_id
    if tenant is None and activity.channel_data is not None and activity.channel_data.tenant is not None:
        tenant = activity.channel_data.tenant.id
    return Conversation(
        id=conv.id,
        kind=conv.conversation_type or "personal",
        service_url=activity.service_url,
        tenant_id=tenant,
    )


def message(activity: MessageActivity) -> Message:
    """A message with the bot's own @mention taken out of its text."""
    bot = activity.recipient.id if activity.recipient else None
    text = strip_mentions_text(activity, StripMentionsTextOptions(account_id=bot)) or ""
    return Message(
        conversation=conversation(activity),
        text=text,
        mentioned=activity.is_recipient_mentioned(),
        user=activity.from_.id if activity.from_ else None,
        id=activity.id,
    )


def includes_bot(members: list[Account] | None, activity: ActivityBase) -> bool:
    """Whether the bot itself is among the members added to / removed from the conversation."""
    bot = activity.recipient.id if activity.recipient else None
    return bot is not None and any(member.id == bot for member in members or [])
