"""SDK activities -> the conversation core's values (``Message``, ``Destination``); payloads stop here."""

from __future__ import annotations

import pydantic
from microsoft_teams.api import Account, ActivityBase
from microsoft_teams.api.activities.message import MessageActivity
from microsoft_teams.api.activities.utils import StripMentionsTextOptions, strip_mentions_text

from digestbot.conversation import Message, Verb, parse_command
from digestbot.domain import Destination
from digestbot.edge.payloads import problems
from digestbot.errors import DigestbotError
from digestbot.render.teams_story import COMMAND_FIELD, TIMELINE_FIELD
from digestbot.render.timeline import PageRef

SURFACE = "teams"
THREAD_MARK = ";messageid="


class InvalidButton(DigestbotError):
    """A card button's submitted data is not what the bot's cards send (a forged or garbled value)."""


class _ButtonData(pydantic.BaseModel):
    """What a card's Action.Submit sends back: a timeline page, or (cards posted before pages were
    sent apart from the topic) the command itself. Strict: nothing is coerced."""

    model_config = pydantic.ConfigDict(strict=True, frozen=True, extra="ignore", populate_by_name=False)

    timeline: PageRef | None = pydantic.Field(default=None, alias="digestbotTimeline")  # TIMELINE_FIELD
    command: str | None = pydantic.Field(
        default=None, alias="digestbotCommand", max_length=10_000
    )  # COMMAND_FIELD


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
    """The command a card button sent back (a timeline's "More"), if the message is such a click;
    ``InvalidButton`` when it carries the bot's fields with anything but what its cards send."""
    value = activity.value
    if not isinstance(value, dict) or not ({TIMELINE_FIELD, COMMAND_FIELD} & value.keys()):
        return None
    try:
        data = _ButtonData.model_validate(value)
    except pydantic.ValidationError as exc:
        raise InvalidButton(problems(exc)) from None
    if data.timeline is not None:
        return data.timeline.command()
    command = parse_command(data.command or "")
    if command.verb is not Verb.TIMELINE or not command.question:  # the only command a button sent
        raise InvalidButton(f"{COMMAND_FIELD} is not a timeline's")
    return data.command


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
