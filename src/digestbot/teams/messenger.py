"""Watch notices to Teams users: a proactive card in the user's 1:1 chat with the bot.

A bot can message a Teams user only in a personal conversation it knows: one the user wrote to it in, or
where the user installed it. Until then the notice is ``Unreachable`` (and every ``watch`` reply says so).
The Bot Connector cannot list what a bot sent, so a notice whose sender died mid-send is not sent again.
"""

from __future__ import annotations

from digestbot.delivery.watching import Notice, Unreachable
from digestbot.render.teams_story import watch_notice
from digestbot.teams.parse import SURFACE
from digestbot.teams.publisher import TeamsPublisher


class TeamsMessenger:
    """Sends watch notices into Teams users' 1:1 chats (a ``DirectMessenger``), through the publisher's
    proactive posting (bot token, Retry-After)."""

    platform = SURFACE
    can_look = False

    def __init__(self, publisher: TeamsPublisher) -> None:
        self.publisher = publisher

    def find(self, notice: Notice) -> str | None:
        """Always None: the Bot Connector has no API to list what a bot sent."""
        return None

    def send(self, notice: Notice) -> str:
        """Post the notice card into the user's 1:1 chat; ``Unreachable`` when none is known yet."""
        user = notice.watch.recipient
        if not user.conversation_id or not user.service_url:
            raise Unreachable(f"Teams user {user.user_id} has no 1:1 chat with the bot yet")
        return self.publisher.post_activity(user.service_url, user.conversation_id, watch_notice(notice))
