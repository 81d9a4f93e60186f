"""Which chat platforms are configured, and their parts: publishers, messengers, destinations, home
boards, HTTP routes.

The one place that knows every platform; the core only sees the ``Publisher`` and ``DirectMessenger`` ports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from digestbot.conversation import Conversations
from digestbot.delivery.delivery import Publisher
from digestbot.delivery.watching import DirectMessenger
from digestbot.domain import Destination
from digestbot.settings import Settings

log = logging.getLogger(__name__)
MAX_NAMED = 10  # channels named in the start-up warning

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from digestbot.core import Digestbot
    from digestbot.edge.scheduler import HomeBoard
    from digestbot.slack.tokens import BotTokens


def slack_configured(settings: Settings) -> bool:
    """A bot token, or the app's OAuth credentials (each workspace's token comes from its install)."""
    return settings.slack_bot_token is not None or settings.slack_oauth


def teams_configured(settings: Settings) -> bool:
    """A client id, or the explicit local development mode."""
    return settings.teams_client_id is not None or settings.teams_allow_unauthenticated


def publishers(settings: Settings) -> list[Publisher]:
    """A publisher for each configured platform."""
    built: list[Publisher] = []
    if slack_configured(settings):
        from digestbot.slack.publisher import SlackPublisher

        client, tokens = _slack_client(settings)
        built.append(SlackPublisher(client, tokens=tokens))
    if teams_configured(settings):
        from digestbot.teams import build_teams_publisher

        built.append(build_teams_publisher(settings))
    return built


def messengers(settings: Settings) -> list[DirectMessenger]:
    """A messenger (watch notices to users) for each configured platform."""
    built: list[DirectMessenger] = []
    if slack_configured(settings):
        from digestbot.slack.messenger import SlackMessenger

        client, tokens = _slack_client(settings)
        built.append(SlackMessenger(client, tokens=tokens))
    if teams_configured(settings):
        from digestbot.teams import TeamsMessenger, build_teams_publisher

        built.append(TeamsMessenger(build_teams_publisher(settings)))
    return built


def home_boards(settings: Settings, core: Digestbot, conversations: Conversations) -> list[HomeBoard]:
    """What refreshes users' homes after a new issue (through the outbox): Slack's App Home, when Slack is
    configured; Teams has no home, so no refreshes."""
    if not slack_configured(settings):
        return []
    from digestbot.app import build_home_refresher
    from digestbot.slack.home import SlackHomeSender

    client, tokens = _slack_client(settings)
    return [build_home_refresher(core, conversations, settings, [SlackHomeSender(client, tokens=tokens)])]


def _slack_client(settings: Settings) -> tuple[WebClient, BotTokens | None]:
    """A sync Web API client, and each workspace's token when the app is installed in many."""
    from digestbot.slack.publisher import build_web_client
    from digestbot.slack.tokens import installed_tokens

    client = build_web_client(settings)
    return client, installed_tokens(settings, client) if settings.slack_oauth else None


def configured_destinations(settings: Settings) -> list[Destination]:
    """The channels listed in the config ("slack:C0123", a bare Slack channel id, or "slack:T0123/C0123"
    for a channel of one workspace among many) that a token can post to. Those no token can post to are
    left out, so no cycle tries them, and named in one warning (this runs once, as the process starts)."""
    listed = [_destination(channel) for channel in settings.channels]
    left_out = unservable(settings, listed)
    if left_out:
        names = ", ".join(dest.channel_id for dest in left_out[:MAX_NAMED])
        more = f" and {len(left_out) - MAX_NAMED} more" if len(left_out) > MAX_NAMED else ""
        log.warning(
            "Slack: configured channel(s) %s%s name no workspace, and no bot token is set to post there:"
            " left out (list each as slack:TEAM_ID/CHANNEL_ID, or /digest subscribe in it)",
            names,
            more,
        )
    return [dest for dest in listed if dest not in left_out]


def unservable(settings: Settings, listed: Sequence[Destination]) -> list[Destination]:
    """The listed channels no token can post to: with many workspaces (OAuth) and no bot token to fall
    back on, those that name no workspace."""
    if not settings.slack_oauth or settings.slack_bot_token is not None:
        return []
    return [dest for dest in listed if dest.workspace is None]


def _destination(channel: str) -> Destination:
    _platform, sep, rest = channel.partition(":")
    workspace, slash, channel_id = (rest if sep else channel).rpartition("/")
    return Destination("slack", channel_id, workspace=workspace if slash and workspace else None)


def extra_routes(settings: Settings, conversations: Conversations) -> Sequence[BaseRoute]:
    """HTTP routes of platforms other than Slack, served by the same ASGI app."""
    if not teams_configured(settings):
        return []
    from digestbot.teams import build_teams_routes

    return build_teams_routes(settings, conversations)
