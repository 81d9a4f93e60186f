"""Test support for the Slack surface: fictional issues, event builders, and ``SlackDriver`` which sends
signed requests to a running app the way Slack does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import func, select

from digestbot.domain import Issue, Item, Section
from digestbot.store import Database
from digestbot.store.models import SeenEventRow, SubscriptionRow, ThreadRow
from digestbot.testing import slack_requests
from digestbot.testing.slack_emulator import SlackEmulator

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
ALICE = "U0ALICE01"
CHANNEL = "C0SECUR01"
DM = "D0DIRECT1"

ISSUE_JUL_9 = Issue(
    date=dt.date(2024, 7, 9),
    title="Acme Corp’s Weekly Security Digest",
    url="https://digest.example/2024-07-09",
    sections=(
        Section(
            name="Israel – Gaza",
            part="Global Security Matters",
            items=(
                Item(
                    "Ceasefire talks resume in Doha & Cairo <!channel>",
                    ("Mediators expect <@U0MALLORY> to stall the ceasefire.",),
                ),
            ),
        ),
        Section(
            name="Cyber / Defense Technology",
            part="Global Security Matters",
            items=(
                Item("Ransomware hits a port operator; see <https://evil.example|click>", ("Patch now.",)),
            ),
        ),
    ),
)
ISSUE_JUL_2 = Issue(
    date=dt.date(2024, 7, 2),
    title="Weekly Security Digest",
    url=None,
    sections=(
        Section(name="Elections", items=(Item("French elections: the second round is set for Sunday"),)),
        Section(name="Cyber / Defense Technology", items=(Item("Ransomware gang claims a hospital breach"),)),
    ),
)
ISSUES = (ISSUE_JUL_9, ISSUE_JUL_2)


def row_counts(db: Database) -> dict[str, int]:
    """Rows in the chat-state tables, to show a rejected request changed nothing."""
    with db.transaction() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (SeenEventRow, SubscriptionRow, ThreadRow)
        }


def message(text: str, ts: str, *, channel: str = CHANNEL, user: str = ALICE, **extra: Any) -> dict[str, Any]:
    """A ``message`` event; ``extra`` adds thread_ts, subtype, bot_id…"""
    kind = "im" if channel.startswith("D") else "channel"
    return {
        "type": "message",
        "channel": channel,
        "channel_type": kind,
        "user": user,
        "text": text,
        "ts": ts,
        **extra,
    }


def mention(text: str, ts: str, *, channel: str = CHANNEL, user: str = ALICE, **extra: Any) -> dict[str, Any]:
    """An ``app_mention`` event."""
    return {"type": "app_mention", "channel": channel, "user": user, "text": text, "ts": ts, **extra}


class SlackDriver:
    """Plays Slack's side against the app at ``url``: signed slash commands, clicks and events."""

    def __init__(self, url: str, emulator: SlackEmulator, *, secret: str = SIGNING_SECRET) -> None:
        self.url = f"{url}/slack/events"
        self.emulator = emulator
        self.secret = secret
        self.http = httpx.Client(timeout=10)
        self._responses = 0

    def post(self, body: bytes, content_type: str, **headers: str) -> httpx.Response:
        signed = slack_requests.signed_headers(body, content_type, secret=self.secret)
        return self.http.post(self.url, content=body, headers={**signed, **headers})

    def command(self, text: str, *, channel: str = CHANNEL, user: str = ALICE) -> httpx.Response:
        """``/digest text``; its response URL points at the emulator."""
        self._responses += 1
        url = self.emulator.response_url(f"cmd-{self._responses}")
        return self.post(slack_requests.slash_command(text, url, channel=channel, user=user), FORM)

    def click_share(self, question: str, *, channel: str = CHANNEL, user: str = ALICE) -> httpx.Response:
        self._responses += 1
        url = self.emulator.response_url(f"click-{self._responses}")
        return self.post(slack_requests.share_click(question, url, channel=channel, user=user), FORM)

    def click(self, action_id: str, value: str, *, user: str = ALICE, home: bool = False) -> httpx.Response:
        """A click on a button under an ephemeral reply in ``CHANNEL``, or on the Home tab (``home``)."""
        self._responses += 1
        url = self.emulator.response_url(f"click-{self._responses}")
        body = slack_requests.button_click(
            action_id, value, user=user, channel=CHANNEL, response_url=url, home=home
        )
        return self.post(body, FORM)

    def submit(
        self, callback_id: str, values: dict[str, dict[str, str]], *, user: str = ALICE
    ) -> httpx.Response:
        """A modal's submission."""
        return self.post(slack_requests.view_submission(callback_id, values, user=user), FORM)

    def event(self, event: dict[str, Any], event_id: str, *, retry: int = 0) -> httpx.Response:
        """An Events API delivery; ``retry`` > 0 marks it as Slack's redelivery."""
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(slack_requests.event_callback(event, event_id), "application/json", **headers)

    def close(self) -> None:
        self.http.close()


FORM = "application/x-www-form-urlencoded"
