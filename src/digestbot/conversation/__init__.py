"""The conversation core: one platform-neutral entry (``Conversations.handle``) every surface calls."""

from digestbot.conversation.commands import Command, Verb, parse_command
from digestbot.conversation.conversations import Conversations
from digestbot.conversation.library import Library
from digestbot.conversation.messages import (
    Answered,
    Details,
    EmptyArchive,
    Failed,
    Help,
    Home,
    Ignored,
    Latest,
    Message,
    Outcome,
    Subscription,
    SubscriptionAction,
    Thanked,
    Timeline,
    Unwatched,
    Watched,
    WatchFull,
    WatchList,
    outcome_issue,
)
from digestbot.conversation.watches import ChatRules

__all__ = [
    "Answered",
    "ChatRules",
    "Command",
    "Conversations",
    "Details",
    "EmptyArchive",
    "Failed",
    "Help",
    "Home",
    "Ignored",
    "Latest",
    "Library",
    "Message",
    "Outcome",
    "Subscription",
    "SubscriptionAction",
    "Thanked",
    "Timeline",
    "Unwatched",
    "Verb",
    "WatchFull",
    "WatchList",
    "Watched",
    "outcome_issue",
    "parse_command",
]
