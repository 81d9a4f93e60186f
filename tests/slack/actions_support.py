"""Block action payloads as Slack sends them, taken apart field by field, for the hostile-action tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from digestbot.store import Database
from digestbot.store.base import Base
from digestbot.testing.slack_requests import block_actions
from tests.slack.support import ALICE, CHANNEL, FORM, SlackDriver


def click_payload(action_id: str, value: Any, response_url: str, **fields: Any) -> dict[str, Any]:
    """A click on a button under an ephemeral message in ``CHANNEL``; ``fields`` replace top-level
    fields (``None`` removes one)."""
    payload = block_actions(action_id, value, user=ALICE, channel=CHANNEL, response_url=response_url)
    payload.update(fields)
    return {key: item for key, item in payload.items() if item is not None}


def post_payload(slack: SlackDriver, payload: dict[str, Any]) -> httpx.Response:
    """The payload signed and posted as Slack posts an interaction (form field ``payload``)."""
    return slack.post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)


def all_rows(db: Database) -> dict[str, int]:
    """Rows in every table of the schema: a refused action must change none of them."""
    with db.transaction() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``check`` (a listener runs after Slack's request was acked) until true or ``timeout``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages of every record at WARNING or above."""
    return [record.getMessage() for record in caplog.records if record.levelno >= 30]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Records that carry an exception (a traceback in the log)."""
    return [record.getMessage() for record in caplog.records if record.exc_info or record.exc_text]
