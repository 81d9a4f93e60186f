"""The conversation core: one platform-neutral entry (``Conversations.handle``) every surface calls."""

from digestbot.conversation.commands import Command, Verb, parse_command
from digestbot.conversation.conversations import Conversations, Library
from digestbot.conversation.messages import (
    Answered,
    Details,
    EmptyArchive,
    Failed,
    Help,
    Ignored,
    Latest,
    Message,
    Outcome,
    Subscription,
    SubscriptionAction,
    outcome_issue,
)

__all__ = [
    "Answered",
    "Command",
    "Conversations",
    "Details",
    "EmptyArchive",
    "Failed",
    "Help",
    "Ignored",
    "Latest",
    "Library",
    "Message",
    "Outcome",
    "Subscription",
    "SubscriptionAction",
    "Verb",
    "outcome_issue",
    "parse_command",
]
