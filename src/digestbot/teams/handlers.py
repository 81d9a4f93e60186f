"""What the bot does with each kind of Teams activity: one ``Conversations`` call, then render.

Plain functions over parsed values (``digestbot.teams.parse``), no SDK types; the wiring in
``digestbot.teams.app`` runs them in a worker thread and sends the result.
"""

from __future__ import annotations

import logging

from digestbot.conversation import Conversations, Ignored, Message
from digestbot.domain import Destination
from digestbot.render import teams as render
from digestbot.render import words
from digestbot.teams.parse import SURFACE

log = logging.getLogger(__name__)

Reply = render.Activity


def on_message(conversations: Conversations, message: Message) -> Reply | None:
    """The reply to a message, or None when it was not meant for the bot or is a redelivery of one
    already answered (the connector retries when a reply takes too long)."""
    outcome = conversations.handle(message)
    return None if isinstance(outcome, Ignored) else render.outcome_message(outcome)


def on_refused_button(reason: str) -> Reply:
    """The one-line reply to a card button whose data was refused (``parse.InvalidButton``)."""
    log.warning("Teams: refused a card button's data (%s)", reason)
    return render.notice_message(words.INVALID_ACTION)


def on_installed(conversations: Conversations, place: Destination, user: str | None = None) -> None:
    """The app was added to a team, group chat or 1:1 chat: deliver weekly issues there. In a 1:1 chat
    (``user``: its user), that chat is also where the user's watch notices can go."""
    if conversations.installed(place):
        log.info("Teams: installed in %s, subscribed", place.channel_id)
    if user is not None:
        conversations.remember_direct(SURFACE, user, place)


def on_uninstalled(conversations: Conversations, place: Destination) -> None:
    """The app was removed: stop delivering there."""
    if conversations.uninstalled(place):
        log.info("Teams: removed from %s, unsubscribed", place.channel_id)
