"""Slack's App Home: published when a user opens it, refreshed after a new issue; its "Remove" buttons,
and the "Ask" modal whose answer comes as a direct message.

``SlackHome`` holds the Bolt listeners (wired up by ``slack.app.register``); ``SlackHomeSender`` publishes
the refreshes the outbox dispatches after a new issue (who gets one is ``digestbot.delivery.homes``'s).
What a home shows is the conversation core's (``Conversations.home``); here it is only rendered and sent.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from digestbot.conversation import Conversations, Failed, Home, Message
from digestbot.delivery.delivery import PostError
from digestbot.delivery.homes import HomeRefresh
from digestbot.domain import Destination
from digestbot.render import slack as render
from digestbot.render.slack_home import QUESTION_BLOCK, QUESTION_INPUT, ask_modal, home_view
from digestbot.slack import actions
from digestbot.slack.acks import AckGate
from digestbot.slack.handlers import refuse
from digestbot.slack.tokens import BotTokens

log = logging.getLogger(__name__)

SURFACE = "slack"
MAX_LINKS = 1000  # permalinks remembered (one per issue and workspace): forgotten all at once past it
T = TypeVar("T")


class SlackHome:
    """The listeners of the Home tab, its buttons and the "Ask" modal."""

    def __init__(
        self, conversations: Conversations, *, max_question_chars: int = 500, acks: AckGate | None = None
    ) -> None:
        self.conversations = conversations
        self.max_question_chars = max_question_chars
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digestbot-slack-home")
        self.acks = acks or AckGate()  # core calls wait until no ack is owed (``slack.acks``)

    async def _blocking(self, call: Callable[..., T], *args: Any) -> T:
        await self.acks.turn()
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(call, *args))

    async def on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        """``app_home_opened`` on the Home tab: publish the user's home (and keep it fresh from now on)."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        await self.publish(client, str(event["user"]), context.team_id)

    async def publish(
        self, client: AsyncWebClient, user: str, team: str | None, *, opened: bool = True
    ) -> None:
        """Render the user's home and ``views.publish`` it; a failure is logged."""
        home = await self._blocking(
            functools.partial(self.conversations.home, opened=opened), SURFACE, user, team
        )
        if isinstance(home, Failed):
            log.warning(
                "Slack: the home of %s was not published: %s", user, home.reason or "unexpected error"
            )
            return
        try:
            link = await _permalink(client, home)
            await client.views_publish(user_id=user, view=home_view(home, post_link=link))
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("Slack: views.publish for %s failed: %s", user, _error(exc))

    async def on_unwatch(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond | None
    ) -> None:
        """ "Remove" on a watch: on the Home tab, the home is published again; under ``watches``, a reply."""
        await ack()
        click = actions.read(actions.Click, body, "a Remove click")
        watch = actions.row_id(click.value) if click is not None else None
        if click is None or watch is None:
            await refuse(respond, body, "a Remove click" if click is not None else None)
            return
        user = click.user.id
        outcome = await self._blocking(self.conversations.unwatch, SURFACE, user, watch)
        if click.on_home:
            await self.publish(client, user, click.workspace, opened=False)
            return
        reply = render.outcome_message(outcome)
        if respond is not None:
            await respond(
                text=reply.text, blocks=reply.blocks, response_type="ephemeral", replace_original=False
            )

    async def on_ask(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """ "Ask the digest" on the Home tab: open the question modal."""
        await ack()
        trigger = actions.read(actions.Trigger, body, "an Ask click")
        if trigger is None:
            return  # a click on the Home tab has no reply to go to: the log line is all
        try:
            await client.views_open(trigger_id=trigger.trigger_id, view=ask_modal(self.max_question_chars))
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("Slack: views.open failed: %s", _error(exc))

    async def on_ask_submitted(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The modal's question: close it at once, then answer in a direct message."""
        await ack()  # a refused submission is closed as well: Slack wants nothing more than the ack
        submitted = actions.read(actions.Submission, body, "an Ask submission")
        if submitted is None:
            return
        user, team = submitted.user.id, submitted.workspace
        question = submitted.text(QUESTION_BLOCK, QUESTION_INPUT)[: self.max_question_chars]
        try:
            opened = await client.conversations_open(users=user)
            channel = str(opened["channel"]["id"])
            place = Destination(SURFACE, channel, workspace=team)
            outcome = await self._blocking(
                self.conversations.handle, Message(SURFACE, place, user, question, direct=True)
            )
            reply = render.outcome_message(outcome)
            await client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("Slack: the answer to %s's modal question was not sent: %s", user, _error(exc))


class SlackHomeSender:
    """Publishes users' App Homes (a ``HomeSender``: the refreshes after a new issue) with a sync Web API
    client, from the scheduler's thread. Slack cannot list the homes it was sent, so ``find`` finds
    nothing: a refresh in doubt is published again, which only replaces it."""

    platform = SURFACE
    can_look = False

    def __init__(self, client: WebClient, *, tokens: BotTokens | None = None) -> None:
        self.client = client
        self.tokens = tokens  # each workspace's token, when the app is installed in many
        self._links: dict[tuple[str | None, str, str], str] = {}  # a post's permalink, per token

    def find(self, refresh: HomeRefresh) -> str | None:
        """Nothing: Slack cannot tell which home it was last sent."""
        return None

    def send(self, refresh: HomeRefresh) -> str:
        """``views.publish`` the user's home, with the permalink of the issue's post in their workspace
        asked with that workspace's token; the published view's id."""
        token = self._token(refresh)  # PostError (certain) when the workspace has no token
        view = home_view(refresh.home, post_link=self._permalink(refresh.home, token))
        try:
            response = self.client.views_publish(user_id=refresh.user, view=view, token=token)
        except SlackApiError as exc:
            raise PostError(f"Slack refused the home of {refresh.user}: {_error(exc)}", certain=True) from exc
        except (SlackClientError, OSError) as exc:
            raise PostError(f"Slack did not answer: {_error(exc)}", certain=False) from exc
        published = response.get("view")
        return str(published.get("id") or refresh.user) if isinstance(published, dict) else refresh.user

    def _token(self, refresh: HomeRefresh) -> str | None:
        if self.tokens is None:
            return None
        return self.tokens.token_for(Destination(SURFACE, refresh.user, workspace=refresh.workspace))

    def _permalink(self, home: Home, token: str | None) -> str | None:
        """The link to the home's post, asked once per workspace (every viewer there shows the same)."""
        if home.post is None:
            return None
        key = (token, *home.post)
        if key not in self._links:
            link = _sync_permalink(self.client, home.post, token)
            if link is None:
                return None  # asked again next time: the failure may pass
            if len(self._links) > MAX_LINKS:
                self._links.clear()
            self._links[key] = link
        return self._links[key]


async def _permalink(client: AsyncWebClient, home: Home) -> str | None:
    if home.post is None:
        return None
    try:
        response = await client.chat_getPermalink(channel=home.post[0], message_ts=home.post[1])
    except (SlackApiError, SlackClientError, OSError):
        return None  # the home is still worth showing without the link
    link = response.get("permalink")
    return link if isinstance(link, str) else None


def _sync_permalink(client: WebClient, post: tuple[str, str], token: str | None) -> str | None:
    try:
        response = client.chat_getPermalink(channel=post[0], message_ts=post[1], token=token)
    except (SlackApiError, SlackClientError, OSError):
        return None
    link = response.get("permalink")
    return link if isinstance(link, str) else None


def _error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "unknown_error"))
    return type(exc).__name__
