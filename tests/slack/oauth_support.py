"""The bot in OAuth mode over one database, with two emulated workspaces that install it through the
real flow (the bot's HTTP server, the emulator's approval page, oauth.v2.access)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.settings import Settings
from digestbot.testing import slack_requests as testing
from digestbot.testing.slack_emulator import RESPONSE_URL, SlackEmulator
from tests.fakes import fake_settings
from tests.slack.support import ALICE, FORM, SIGNING_SECRET

NORTH, SOUTH = "T0NORTH01", "T0SOUTH02"
CHANNELS = {NORTH: "C0NORTH01", SOUTH: "C0SOUTH01"}


@dataclass
class Rig:
    """The bot in OAuth mode (server, core, publisher) over one database, and the emulated Slack."""

    emulator: SlackEmulator
    settings: Settings
    core: Digestbot
    conversations: Conversations
    url: str
    http: httpx.Client
    store: SQLAlchemyInstallationStore  # slack_sdk's own view of the installations

    def install(self, team: str, *, cookie: bool = True) -> httpx.Response:
        """/slack/install -> Slack's approval page -> /slack/oauth_redirect, as a browser would."""
        start = self.http.get(f"{self.url}/slack/install", params={"team": team})
        assert start.status_code == 302, start.text
        state_cookie = start.headers["set-cookie"].split(";")[0]
        approved = self.http.get(start.headers["location"])
        assert approved.status_code == 302
        headers = {"Cookie": state_cookie} if cookie else {}
        return self.http.get(approved.headers["location"], headers=headers)

    def command(self, text: str, team: str, *, user: str = ALICE) -> None:
        """``/digest text`` in the workspace's channel; waits for the private reply."""
        replies = len(self.emulator.calls_to(RESPONSE_URL))
        url = self.emulator.response_url(f"{team}-{replies}")
        body = testing.slash_command(text, url, channel=CHANNELS[team], user=user, team=team)
        self.post(body, FORM)
        self.emulator.wait_for(RESPONSE_URL, replies + 1)

    def post(self, body: bytes, content_type: str) -> httpx.Response:
        headers = testing.signed_headers(body, content_type, secret=SIGNING_SECRET)
        response = self.http.post(f"{self.url}/slack/events", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return response

    def event(self, event_type: str, team: str, event_id: str, **fields: object) -> None:
        """An event from a workspace; Bolt acks at once and handles it after (see ``until_forgotten``)."""
        body = testing.event_callback({"type": event_type, **fields}, event_id, team=team)
        self.post(body, "application/json")

    def until_forgotten(self, team: str) -> None:
        """Wait until the workspace's installation and then its subscriptions are gone (its event is
        handled after the ack, the installation first)."""
        deadline = time.monotonic() + 10
        while self.store.find_installation(enterprise_id=None, team_id=team) is not None or any(
            destination.workspace == team for destination in self.core.chat.destinations()
        ):
            assert time.monotonic() < deadline, f"{team} was never forgotten"
            time.sleep(0.02)

    def posts(self, channel: str) -> set[str | None]:
        """The tokens every chat.postMessage to a channel was made with."""
        return {c.token for c in self.emulator.calls_to("chat.postMessage") if c.body["channel"] == channel}


def oauth_settings(emulator: SlackEmulator, database_url: str, data_dir: Path, **extra: object) -> Settings:
    return fake_settings(
        slack_client_id=emulator.client_id,
        slack_client_secret=SecretStr(emulator.client_secret),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=emulator.api_url,
        database_url=database_url,
        data_dir=data_dir,
        **extra,
    )
