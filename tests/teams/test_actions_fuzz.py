"""Fuzzing Teams card buttons: authenticated activities (real JWTs from the fake issuer, the fake Bot
Connector catching replies) whose submitted ``value`` is random: the fields the adapter reads
(``digestbotTimeline`` with its topic and page, ``digestbotCommand``), the ``msteams`` messageBack
object, junk keys, wrong types, huge ints, unicode, deep nesting (within the body's depth limit),
missing keys; sent as a message (Action.Submit) or an invoke (Action.Execute), in a channel thread,
a group chat or a 1:1 chat. No activity gets a 5xx, none leaves a traceback in the log, a response or a
reply, and none changes what the bot keeps: subscriptions, watches, watchers, outbox, the archive.

Before the snapshot, the bot is installed in the channel, and Dana (the sender) has written to it in
their 1:1 chat and watches a topic; Bob watches one too. So a forged button that got through as a
command ("unsubscribe", "unwatch ransomware", "watch …") would show. The bookkeeping of every answered
message (seen events, threads) is left out of the comparison; the watchers' ``updated_at``, refreshed
by each 1:1 message, too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from starlette.testclient import TestClient

from digestbot.core import Digestbot
from digestbot.domain import Recipient
from digestbot.edge.asgi import MAX_JSON_DEPTH
from digestbot.render.teams_story import COMMAND_FIELD, TIMELINE_FIELD
from digestbot.store.models import Base
from tests.slack.actions_support import tracebacks, warnings_of
from tests.teams import activities as act
from tests.teams.connector import Connector
from tests.teams.identity import TENANT_ID, Identity

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BOOKKEEPING = {"seen_events", "threads"}  # written for every message answered, a click or not
BOB = "29:9z8y7x-bob"
NO_VALUE = object()

text = st.text(max_size=40)
huge = st.integers(-(10**30), 10**30)
scalars = st.none() | st.booleans() | huge | st.floats(allow_nan=False, allow_infinity=False) | text
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)


def weighted(**choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Each strategy drawn in proportion to its weight (``one_of`` gives every branch the same share)."""
    names = [name for name, (weight, _) in choices.items() for _ in range(weight)]
    return st.sampled_from(names).flatmap(lambda name: choices[name][1])


def nest(value: Any, depth: int) -> Any:
    """``value`` under ``depth`` levels of lists and objects."""
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# The activity's value sits two levels deep in the body: deeper than this is refused as a whole (400).
deep = st.tuples(junk, st.integers(1, MAX_JSON_DEPTH - 8)).map(lambda drawn: nest(*drawn))
commands = st.sampled_from(
    [
        "timeline ransomware page 2",
        "timeline ransomware page 99999999999999999999999",
        "timeline ransomware",
        "timeline",
        "subscribe",
        "unsubscribe",
        "watch harbor",
        "unwatch ransomware",
        "watches",
        "latest",
        "help",
    ]
)
topics = st.sampled_from(["ransomware", "harbor", " ", "", "\u202eware", "ransomware " * 400]) | text | junk
pages = st.integers(-3, 12) | huge | st.sampled_from(["2", 2.0, True, None]) | junk
page_refs = (
    st.fixed_dictionaries({"topic": topics, "page": pages}, optional={"extra": junk})
    | st.fixed_dictionaries({}, optional={"topic": topics, "page": pages, "": junk})
    | junk
)
back = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(["messageBack", "imBack"]) | junk, "text": commands | junk}
)
fields = {
    TIMELINE_FIELD: page_refs,
    COMMAND_FIELD: weighted(commands=(3, commands), text=(1, text), junk=(1, junk)),
}
# Each of the bot's fields alone, or both, with or without messageBack and junk keys beside them.
data = st.sampled_from([[TIMELINE_FIELD], [COMMAND_FIELD], [TIMELINE_FIELD, COMMAND_FIELD]]).flatmap(
    lambda names: st.fixed_dictionaries(
        {name: fields[name] for name in names}, optional={"msteams": back | junk}
    )
)
buttons = st.tuples(data, st.dictionaries(text, junk, max_size=3)).map(lambda drawn: {**drawn[1], **drawn[0]})
deep_fields = st.tuples(st.sampled_from([TIMELINE_FIELD, COMMAND_FIELD]), deep).map(lambda d: {d[0]: d[1]})
values = weighted(
    button=(6, buttons),
    deep_field=(1, deep_fields),
    deep=(1, deep),
    junk=(1, junk),
    none=(1, st.just(NO_VALUE)),
)
activities = st.fixed_dictionaries(
    {
        "value": values,
        "kind": st.sampled_from(["submit", "submit", "submit", "execute"]),
        "verb": st.sampled_from(["adaptiveCard/action", "task/fetch"]) | text,
        "where": st.sampled_from(["thread", "thread", "channel", "group", "personal"]),
        # What Teams puts in the text of a messageBack; never a command that changes anything.
        "text": st.sampled_from(["", "More", "timeline ransomware page 2"]) | st.text("²ﾟ✓ ", max_size=9),
    }
)


def activity(connector: Connector, drawn: dict[str, Any]) -> dict[str, Any]:
    """A click on a card button as Teams sends it: a message carrying the button's data, or an invoke."""
    conversation = {
        "thread": act.channel(thread="1700000000555"),
        "channel": act.channel(),
        "group": act.group_chat(),
        "personal": act.personal(),
    }[drawn["where"]]
    sent = act.message(connector.base_url, conversation, drawn["text"], mention=False)
    if drawn["kind"] == "execute":
        sent = {**sent, "type": "invoke", "name": drawn["verb"]}
        sent.pop("text")
        if drawn["value"] is not NO_VALUE:
            sent["value"] = {"action": {"type": "Action.Execute", "verb": "more", "data": drawn["value"]}}
    elif drawn["value"] is not NO_VALUE:
        sent["value"] = drawn["value"]
    return sent


def pinned(name: str, value: Any, where: str) -> dict[str, Any]:
    """A drawn activity given in full: one of the bot's fields set to ``value``, clicked ``where``."""
    return {"value": {name: value}, "kind": "submit", "verb": "", "where": where, "text": ""}


def kept(core: Digestbot) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the bot keeps, but the bookkeeping of answered messages and the watchers' last seen."""
    with core.archive.db.transaction() as session:
        found = {}
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            columns = [column for column in table.columns if column.name != "updated_at"]
            found[table.name] = sorted((tuple(row) for row in session.execute(select(*columns))), key=repr)
        return found


def post(client: TestClient, identity: Identity, connector: Connector, sent: dict[str, Any]) -> Any:
    token = identity.token(connector.base_url)
    return client.post("/api/messages", json=sent, headers={"Authorization": f"Bearer {token}"})


def test_random_button_data_never_5xx_traces_or_changes_state(
    secure: TestClient, connector: Connector, identity: Identity, core: Digestbot,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    assert core.watches is not None
    core.watches.add(Recipient("teams", BOB, TENANT_ID), "harbor", None, limit=10)
    install = act.installation(connector.base_url, act.channel(), "add")
    dm = act.message(connector.base_url, act.personal(), "watch ransomware", mention=False)
    assert [post(secure, identity, connector, sent).status_code for sent in (install, dm)] == [200, 200]
    before = kept(core)
    assert len(before["subscriptions"]) == 1 and len(before["watches"]) == 2 and len(before["watchers"]) == 2

    @FUZZ
    @given(drawn=activities)
    @example(drawn=pinned(COMMAND_FIELD, "unsubscribe", "thread"))  # the changes a forgery would make,
    @example(drawn=pinned(COMMAND_FIELD, "unwatch ransomware", "personal"))  # tried on every run
    @example(drawn=pinned(TIMELINE_FIELD, {"topic": "ransomware", "page": 2}, "thread"))  # a real "More"
    def check(drawn: dict[str, Any]) -> None:
        response = post(secure, identity, connector, activity(connector, drawn))
        assert response.status_code < 500, (response.status_code, response.text)
        assert "Traceback" not in response.text

    with caplog.at_level(logging.INFO):
        check()
    assert not tracebacks(caplog)
    refused = "Teams: refused a card button's data ("
    assert all(line.startswith(refused) and "\n" not in line for line in warnings_of(caplog))
    assert not [post for post in connector.posts if "Traceback" in json.dumps(post.activity)]
    assert kept(core) == before
