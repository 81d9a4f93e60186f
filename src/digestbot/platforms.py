"""Which chat platforms are configured, and their parts: publishers, messengers, destinations, home
boards, HTTP routes.

The one place that knows every platform; the core only sees the ``Publisher`` and ``DirectMessenger`` ports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from digestbot.conversation import Conversations
from digestbot.delivery import Publisher
from digestbot.domain import Destination
from digestbot.settings import Settings
from digestbot.watching import DirectMessenger

if TYPE_CHECKING:
    from digestbot.scheduler import HomeBoard


def slack_configured(settings: Settings) -> bool:
    """A bot token is what posting to Slack needs."""
    return settings.slack_bot_token is not None


def teams_configured(settings: Settings) -> bool:
    """A client id, or the explicit local development mode."""
    return settings.teams_client_id is not None or settings.teams_allow_unauthenticated


def publishers(settings: Settings) -> list[Publisher]:
    """A publisher for each configured platform."""
    built: list[Publisher] = []
    if slack_configured(settings):
        from digestbot.slack.publisher import SlackPublisher, build_web_client

        built.append(SlackPublisher(build_web_client(settings)))
    if teams_configured(settings):
        from digestbot.teams import build_teams_publisher

        built.append(build_teams_publisher(settings))
    return built


def messengers(settings: Settings) -> list[DirectMessenger]:
    """A messenger (watch notices to users) for each configured platform."""
    built: list[DirectMessenger] = []
    if slack_configured(settings):
        from digestbot.slack.messenger import SlackMessenger
        from digestbot.slack.publisher import build_web_client

        built.append(SlackMessenger(build_web_client(settings)))
    if teams_configured(settings):
        from digestbot.teams import TeamsMessenger, build_teams_publisher

        built.append(TeamsMessenger(build_teams_publisher(settings)))
    return built


def home_boards(settings: Settings, conversations: Conversations) -> list[HomeBoard]:
    """What refreshes users' homes after a new issue: Slack's App Home, when Slack is configured."""
    if not slack_configured(settings):
        return []
    from digestbot.slack.home import SlackHomeBoard
    from digestbot.slack.publisher import build_web_client

    return [SlackHomeBoard(build_web_client(settings), conversations)]


def configured_destinations(settings: Settings) -> list[Destination]:
    """The channels listed in the config ("slack:C0123" or a bare Slack channel id)."""
    return [Destination(*_split(channel)) for channel in settings.channels]


def _split(channel: str) -> tuple[str, str]:
    platform, sep, channel_id = channel.partition(":")
    return (platform, channel_id) if sep else ("slack", channel)


def extra_routes(settings: Settings, conversations: Conversations) -> Sequence[BaseRoute]:
    """HTTP routes of platforms other than Slack, served by the same ASGI app."""
    if not teams_configured(settings):
        return []
    from digestbot.teams import build_teams_routes

    return build_teams_routes(settings, conversations)
