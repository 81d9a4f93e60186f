"""SDK activities -> the conversation core's values (``Message``, ``Destination``); payloads stop here."""

from __future__ import annotations

from microsoft_teams.api import Account, ActivityBase
from microsoft_teams.api.activities.message import MessageActivity
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text

from digestbot.conversation import Message
from digestbot.domain import Destination
from digestbot.render.teams_story import COMMAND_FIELD

SURFACE = "teams"
THREAD_MARK = ";messageid="


def place(activity: ActivityBase) -> Destination:
    """The conversation an activity came from (without the thread of a channel message), with the
    serviceUrl and tenant needed to post there later."""
    conv = activity.conversation
    tenant = conv.tenant_id
    if tenant is None and activity.channel_data is not None and activity.channel_data.tenant is not None:
        tenant = activity.channel_data.tenant.id
    return Destination(
        platform=SURFACE,
        channel_id=conv.id.split(THREAD_MARK, 1)[0],
        service_url=activity.service_url,
        tenant_id=tenant,
    )


def thread(activity: ActivityBase) -> str | None:
    """The root message id of the channel thread the activity was written in (None outside channels)."""
    _, mark, root = activity.conversation.id.partition(THREAD_MARK)
    return (root or None) if mark else None


def message(activity: MessageActivity) -> Message:
    """A message with the bot's own @mention taken out of its text. 1:1 chats are always for the bot;
    channels and group chats only when it is @mentioned (or, in a thread it started, as a follow-up), or
    when a button of one of its cards sent a command back (``digestbotCommand`` in the activity's value).
    The reply goes into the same conversation, and in a channel into the same thread."""
    bot = activity.recipient.id if activity.recipient else None
    root = thread(activity)
    command = button_command(activity)
    text = (
        command
        if command is not None
        else strip_mentions_text(activity, StripMentionsTextOptions(account_id=bot))
    )
    return Message(
        surface=SURFACE,
        place=place(activity),
        user=activity.from_.id if activity.from_ else "",
        text=text or "",
        thread=root,
        reply_thread=root,
        addressed=personal(activity) or command is not None or activity.is_recipient_mentioned(),
        event_id=activity.id,
        direct=personal(activity),
    )


def personal(activity: ActivityBase) -> bool:
    """Whether the activity comes from a 1:1 chat with the bot."""
    return (activity.conversation.conversation_type or "personal") == "personal"


def button_command(activity: MessageActivity) -> str | None:
    """The command a card button sent back (a timeline's "More"), if the message is such a click."""
    value = activity.value
    command = value.get(COMMAND_FIELD) if isinstance(value, dict) else None
    return command if isinstance(command, str) and command.strip() else None


def direct_user(activity: ActivityBase) -> str | None:
    """The user of a 1:1 chat the activity comes from (None elsewhere): the bot can message them there."""
    if not personal(activity) or activity.from_ is None or activity.from_.id == _bot(activity):
        return None
    return activity.from_.id


def _bot(activity: ActivityBase) -> str | None:
    return activity.recipient.id if activity.recipient else None


def includes_bot(members: list[Account] | None, activity: ActivityBase) -> bool:
    """Whether the bot itself is among the members added to / removed from the conversation."""
    bot = activity.recipient.id if activity.recipient else None
    return bot is not None and any(member.id == bot for member in members or [])
