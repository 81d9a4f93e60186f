"""The two install pages anyone on the internet can open, and what keeps them harmless.

``GET /slack/install`` takes at most one query field, ``team`` (a workspace id, ``T`` then capitals and
digits; anything else is a 400), and builds Slack's approval URL with an encoder, so no query value can add
or replace a parameter (``redirect_uri``, ``user_scope``) or break the ``Location`` header. Each install
stores an OAuth state row until it is used or expires: expired rows are deleted as new ones are issued, and
past a bounded number of unfinished installs the page answers 429, so anonymous requests cannot grow the
database. ``GET /slack/oauth_redirect``'s error page shows the reason escaped once, clipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.oauth.async_callback_options import AsyncFailureArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.authorize_url_generator import AuthorizeUrlGenerator
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from digestbot.edge.asgi import Throttled

TEAM_ID = re.compile(r"T[A-Z0-9]{1,31}")  # a workspace id; slack_sdk's columns hold 32 characters
MAX_REASON_CHARS = 100
RETRY_AFTER_SECONDS = 60
BAD_TEAM = "team: give one Slack workspace id (T followed by capitals and digits, as T0123ABCD)"
TOO_MANY = "too many installs are unfinished right now; try again in a minute"

Endpoint = Callable[[Request], Awaitable[Response]]


class PendingInstallsFull(Exception):
    """As many installs are unfinished (live OAuth states) as allowed: no new state is issued."""


class BoundedStateStore(AsyncSQLAlchemyOAuthStateStore):
    """slack_sdk's OAuth state store, bounded: each issue first deletes the expired states, and refuses
    (``PendingInstallsFull``) while ``limit`` live ones exist. The count and the insert are two statements,
    so replicas issuing at the same moment may pass the limit by the few requests they serve at once."""

    def __init__(self, *, expiration_seconds: int, engine: AsyncEngine, limit: int) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine)
        self.limit = limit

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state, after purging the expired ones; PendingInstallsFull at the limit."""
        table = self.oauth_states
        now = normalize_datetime_for_db(dt.datetime.now(tz=dt.UTC))
        async with self.engine.begin() as conn:
            await conn.execute(delete(table).where(table.c.expire_at <= now))
            live = await conn.scalar(select(func.count()).select_from(table))
        if (live or 0) >= self.limit:
            raise PendingInstallsFull
        state: str = await super().async_issue(*args, **kwargs)
        return state


class EncodedAuthorizeUrl(AuthorizeUrlGenerator):
    """Slack's approval URL with every query value encoded (slack_sdk's generator pastes them in)."""

    def generate(self, state: str, team: str | None = None) -> str:
        """The URL for this state (and workspace, when one is named)."""
        query = {
            "state": state,
            "client_id": self.client_id,
            "scope": ",".join(self.scopes or ()),
            "user_scope": ",".join(self.user_scopes or ()),
        }
        if self.redirect_uri is not None:
            query["redirect_uri"] = self.redirect_uri
        if team is not None:
            query["team"] = team
        return f"{self.authorization_url}?{urlencode(query)}"


def encoded_authorize_url(flow: AsyncOAuthSettings) -> EncodedAuthorizeUrl:
    """The encoding generator for the settings' client, scopes, redirect URI and approval page."""
    return EncodedAuthorizeUrl(
        client_id=flow.client_id,
        redirect_uri=flow.redirect_uri,
        scopes=flow.scopes,
        user_scopes=flow.user_scopes,
        authorization_url=flow.authorization_url,
    )


def valid_team(teams: Sequence[str]) -> bool:
    """Whether the ``team`` query values are none, or exactly one workspace id."""
    return not teams or (len(teams) == 1 and TEAM_ID.fullmatch(teams[0]) is not None)


def install_endpoint(flow: AsyncOAuthFlow) -> Endpoint:
    """``GET /slack/install``: a 400 for a bad ``team``, a 429 at the limit, else Bolt's redirect."""
    full = Throttled(
        "Slack: refused %d install(s): too many unfinished installs (logged at most once a minute)"
    )
    unavailable = Throttled("Slack: %d install(s) failed: the database is unavailable (logged once a minute)")

    async def install(request: Request) -> Response:
        if not valid_team(request.query_params.getlist("team")):
            return PlainTextResponse(BAD_TEAM, status_code=400)
        try:
            response = await flow.handle_installation(to_async_bolt_request(request, b""))
        except PendingInstallsFull:
            full.note()
            return PlainTextResponse(
                TOO_MANY, status_code=429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
        except SQLAlchemyError:
            unavailable.note()
            return PlainTextResponse("the install page is unavailable; try again later", status_code=503)
        return to_starlette_response(response)

    return install


def failure_page(flow: AsyncOAuthSettings) -> Callable[[AsyncFailureArgs], Awaitable[BoltResponse]]:
    """The install's error page: the reason (clipped, printable) escaped once, by slack_sdk's renderer
    (Bolt's own handler escapes a reason from Slack and then the renderer escapes it again)."""

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        return BoltResponse(
            status=args.suggested_status_code,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Set-Cookie": flow.state_utils.build_set_cookie_for_deletion(),
            },
            body=flow.redirect_uri_page_renderer.render_failure_page(describe(args.reason)),
        )

    return failure


def describe(reason: str) -> str:
    """A failure's reason as the installer reads it (plain text: the page escapes it)."""
    known = {
        "invalid_browser": "open the install link again in the browser you install from",
        "invalid_state": "this install link expired or was used already",
        "missing_code": "Slack sent no code back",
        "invalid_code": "Slack did not accept the install code",
        "storage_error": "the app could not save the install; contact its operator",
    }
    shown = "".join(char for char in reason if char.isprintable())[:MAX_REASON_CHARS]
    return f"{shown}: {known.get(reason, 'an error Slack returned')}"
