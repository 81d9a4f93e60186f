"""Slack's side of installing an app in many workspaces, for the emulator: the approval page
(``/oauth/v2/authorize``), ``oauth.v2.access`` (a code for a bot token, or with token rotation on, a refresh
token for a new pair), each token's workspace for ``auth.test``, and revocation.

Like Slack: a code and a refresh token are good once; with rotation on (``token_lifetime``) a bot token
expires, and a refreshed one replaces it while the old one lasts until its expiry; an uninstall revokes
every token of the workspace. Tokens the emulator never issued belong to its default workspace.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from digestbot.testing.slack_requests import APP_ID

JsonDict = dict[str, Any]
INSTALLER = "U0INSTALL"  # the user who approves every install


@dataclass(frozen=True)
class Workspace:
    """A workspace the app can be installed in, with the bot user it gets there."""

    team_id: str
    name: str
    bot_user_id: str
    bot_id: str


@dataclass
class Grant:
    """A bot token the emulator issued."""

    team_id: str
    expires_at: float | None  # None: the token never expires (rotation off)
    revoked: bool = False


class Installs:
    """Workspaces, codes and tokens. Thread-safe (the emulator serves from several threads)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_lifetime: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.workspaces: dict[str, Workspace] = {}
        self.grants: dict[str, Grant] = {}  # bot token -> grant
        self._codes: dict[str, tuple[str, str]] = {}  # code -> (team, redirect URI)
        self._refresh: dict[str, str] = {}  # unused refresh token -> team
        self._serial = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, team_id: str, name: str) -> Workspace:
        """A workspace the app can be installed in."""
        serial = len(self.workspaces) + 1
        found = Workspace(team_id, name, f"UBOTWS{serial:03d}", f"BBOTWS{serial:03d}")
        with self._lock:
            self.workspaces[team_id] = found
        return found

    def approve(self, query: dict[str, str], default_redirect: str | None) -> tuple[int, dict[str, str]]:
        """The installer approves the app in workspace ``team`` (Slack's page would let them pick one):
        a redirect to the app's redirect URL with a code and the state it was sent."""
        team = query.get("team") or (next(iter(self.workspaces)) if len(self.workspaces) == 1 else "")
        redirect = query.get("redirect_uri") or default_redirect
        if query.get("client_id") != self.client_id or redirect is None or team not in self.workspaces:
            return 400, {}
        code = f"code-{next(self._serial)}"
        with self._lock:
            self._codes[code] = (team, redirect)
        answer = urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": f"{redirect}{'&' if '?' in redirect else '?'}{answer}"}

    def access(self, body: JsonDict) -> JsonDict:
        """``oauth.v2.access``: a code (an install) or a refresh token (rotation) for a bot token."""
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return {"ok": False, "error": "invalid_client"}
        with self._lock:
            if body.get("grant_type") == "refresh_token":
                team = self._refresh.pop(str(body.get("refresh_token")), None)
                if team is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
            else:
                team, redirect = self._codes.pop(str(body.get("code")), (None, None))
                if team is None:
                    return {"ok": False, "error": "invalid_code"}
                if body.get("redirect_uri") not in (None, redirect):
                    return {"ok": False, "error": "bad_redirect_uri"}
            return self._issue(self.workspaces[team], install=body.get("grant_type") != "refresh_token")

    def _issue(self, workspace: Workspace, *, install: bool) -> JsonDict:
        serial = next(self._serial)
        token = f"xoxb-{workspace.team_id}-{serial}"
        lifetime = self.token_lifetime
        self.grants[token] = Grant(workspace.team_id, None if lifetime is None else self.clock() + lifetime)
        answer: JsonDict = {
            "ok": True,
            "app_id": APP_ID,
            "token_type": "bot",
            "access_token": token,
            "scope": "commands,chat:write",
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if install:
            answer["authed_user"] = {"id": INSTALLER}
        if lifetime is not None:
            refresh = f"xoxe-1-{workspace.team_id}-{serial}"
            self._refresh[refresh] = workspace.team_id
            answer |= {"refresh_token": refresh, "expires_in": lifetime}
        return answer

    def refused(self, token: str | None) -> str | None:
        """Why Slack would refuse a call with this token (None: it would not)."""
        grant = self.grants.get(token or "")
        if grant is None:
            return None
        if grant.revoked:
            return "token_revoked"
        if grant.expires_at is not None and grant.expires_at <= self.clock():
            return "token_expired"
        return None

    def workspace_of(self, token: str | None) -> Workspace | None:
        """The workspace a token the emulator issued belongs to (None for any other token)."""
        grant = self.grants.get(token or "")
        return None if grant is None else self.workspaces[grant.team_id]

    def uninstall(self, team_id: str) -> None:
        """The app is removed from the workspace: every token of it is revoked, refresh tokens too."""
        with self._lock:
            for grant in self.grants.values():
                if grant.team_id == team_id:
                    grant.revoked = True
            self._refresh = {key: team for key, team in self._refresh.items() if team != team_id}

    def tokens(self, team_id: str) -> list[str]:
        """Every bot token issued in the workspace, oldest first."""
        with self._lock:
            return [token for token, grant in self.grants.items() if grant.team_id == team_id]
