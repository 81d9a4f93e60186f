"""Fuzzing Slack's block actions: random values for every field of a click, signed and posted through
the real app (``SlackDriver`` against the real server, the emulator behind it). No click gets a 5xx,
none leaves a traceback in the log, and none changes a row of any table.

The archive is empty, so no valid click has anything to change either: any change is a forged click
that got through (a "Share" whose question is ``subscribe``, a "Remove" of Bob's watch by Alice).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digestbot.core import Digestbot
from digestbot.domain import Recipient
from digestbot.render.slack import DETAILS_ACTION, SHARE_ACTION
from digestbot.render.slack_home import ASK_ACTION
from digestbot.render.slack_story import TIMELINE_ACTION, UNWATCH_ACTION
from digestbot.render.timeline import PageRef
from digestbot.settings import Settings
from digestbot.store import Database
from digestbot.testing.slack_emulator import SlackEmulator
from digestbot.testing.slack_requests import TEAM
from tests.fakes import fake_core
from tests.slack.actions_support import click_payload, post_payload, tracebacks
from tests.slack.support import SlackDriver
from tests.test_http_fuzz import snapshot

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
KEEP, DROP = object(), object()

text = st.text(max_size=60)
scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats() | text
junk = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3)
)
commands = st.sampled_from(
    [
        "subscribe",
        "unsubscribe",
        "status",
        "watch ransomware",
        "unwatch ransomware",
        "watches",
        "help",
        "latest",
    ]
)
ids = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(["²", "٣", "1e3", " 7", "7\n", "0x10", "1" + "0" * 23, "", "1"]),
    st.text(alphabet="0123456789²³¹٠١٢", max_size=30),
)
refs = st.fixed_dictionaries({"topic": junk, "page": junk | st.integers(-5, 10**6)}).map(json.dumps)
values = st.one_of(junk, text, commands, ids, refs, commands.map(lambda c: f"timeline {c} page 2"))
# Anything but a URL: a response URL that is one would send the refusal to wherever it names.
not_urls = junk.filter(lambda value: not (isinstance(value, str) and "://" in value))


def field(valid: Any, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the valid value; sometimes missing, sometimes anything."""
    return st.one_of(st.just(KEEP), st.just(KEEP), st.just(DROP), strategy)


def nested(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An object whose fields are each kept, dropped or replaced; or anything at all."""
    return st.fixed_dictionaries(fields) | junk


clicks = st.fixed_dictionaries(
    {
        "action_id": st.sampled_from(
            [SHARE_ACTION, DETAILS_ACTION, TIMELINE_ACTION, UNWATCH_ACTION, ASK_ACTION]
        )
        | text,
        "value": values,
        "type": field(
            "block_actions", st.sampled_from(["block_actions", "view_submission", "shortcut"]) | junk
        ),
        "user": field(None, nested(id=junk | st.just("U0ALICE01"), team_id=junk)),
        "team": field(None, nested(id=junk | st.just(TEAM))),
        "channel": field(None, nested(id=junk | st.sampled_from(["C0SECUR01", "D0DIRECT1", "G0PRIVATE"]))),
        "container": field(None, nested(message_ts=junk, is_ephemeral=junk, type=junk)),
        "message": field(None, nested(thread_ts=junk, ts=junk)),
        "view": field(None, nested(type=st.just("home") | junk, id=junk)),
        "trigger_id": field(None, junk),
        "response_url": field(None, not_urls),
        "actions_shape": st.sampled_from(["one", "one", "none", "many", "junk"]),
    }
)


@pytest.fixture
def core(settings: Settings) -> Iterator[Digestbot]:
    """An empty archive, and one watch, Bob's."""
    core = fake_core(settings)
    assert core.watches is not None
    core.watches.add(Recipient("slack", "U0BOB0001", TEAM), "ransomware", None, limit=10)
    yield core
    core.archive.db.close()


def payload_of(drawn: dict[str, Any], response_url: str) -> dict[str, Any]:
    """The click payload with each drawn field applied."""
    payload = click_payload(drawn["action_id"], drawn["value"], response_url)
    for name in (
        "type",
        "user",
        "team",
        "channel",
        "container",
        "message",
        "view",
        "trigger_id",
        "response_url",
    ):
        choice = drawn[name]
        if choice is DROP:
            payload.pop(name, None)
        elif choice is not KEEP:
            payload[name] = choice
    button = payload["actions"][0]
    payload["actions"] = {"one": [button], "none": [], "many": [button, button], "junk": button}[
        drawn["actions_shape"]
    ]
    return payload


def settle(emulator: SlackEmulator) -> None:
    """Wait until the listeners (which run after each click was acked) have stopped calling Slack."""
    last, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < 0.5:
        now = len(emulator.calls)
        if now != last:
            last, quiet_since = now, time.monotonic()
        time.sleep(0.05)


def test_random_clicks_never_5xx_trace_or_change_state(
    slack: SlackDriver, emulator: SlackEmulator, core: Digestbot, db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    before = snapshot(core)
    url = emulator.response_url("fuzz")

    @FUZZ
    @given(drawn=clicks)
    def check(drawn: dict[str, Any]) -> None:
        response = post_payload(slack, payload_of(drawn, url))
        assert response.status_code < 500, (response.status_code, response.text)

    with caplog.at_level(logging.INFO):
        check()
        settle(emulator)
    assert not tracebacks(caplog)
    assert snapshot(core) == before


@given(topic=st.text(min_size=1, max_size=5000).filter(str.strip), page=st.integers(2, 9999))
def test_a_page_always_fits_a_button_and_keeps_its_page(topic: str, page: int) -> None:
    ref = PageRef(topic=topic.strip(), page=page)
    value = ref.fitted(2000)
    back = PageRef.model_validate_json(value)
    assert len(value) <= 2000 and back.page == page and ref.topic.startswith(back.topic)
