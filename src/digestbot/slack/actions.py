"""Slack interaction payloads (button clicks, the "Ask" modal's submission), validated before use.

A click's body is signed by Slack, but every field in it was written by a client: a forged or garbled one
(a value of ``²`` or ``10^23``, a missing ``user``, a ``channel`` that is a list) is refused here with one
log line, before any listener reads it, so no listener raises and none changes anything on bad input.
Models are strict: nothing is coerced, so a ``true`` where an id belongs is refused, not read as 1.
"""

from __future__ import annotations

import logging
from typing import Annotated, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from digestbot.conversation import Verb, parse_command
from digestbot.edge.payloads import problems
from digestbot.render.slack_blocks import MAX_BUTTON_VALUE
from digestbot.render.timeline import PageRef

log = logging.getLogger(__name__)

UserId = Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,30}$")]
TeamId = Annotated[str, Field(pattern=r"^[TE][A-Z0-9]{2,30}$")]
ChannelId = Annotated[str, Field(pattern=r"^[CDG][A-Z0-9]{2,30}$")]
Timestamp = Annotated[str, Field(pattern=r"^[0-9]{1,12}\.[0-9]{1,9}$")]
# ASCII digits only ("²".isdigit() is true) and at most 18 of them, so any database's integer holds it.
RowId = Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]
ResponseUrl = Annotated[str, Field(pattern=r"^https?://[^\s]{1,2000}$")]
M = TypeVar("M", bound=BaseModel)


class _Payload(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class _User(_Payload):
    id: UserId
    team_id: TeamId | None = None


class _Team(_Payload):
    id: TeamId


class _Channel(_Payload):
    id: ChannelId


class _Container(_Payload):
    message_ts: Timestamp | None = None
    is_ephemeral: bool = False


class _Thread(_Payload):
    thread_ts: Timestamp | None = None


class _View(_Payload):
    type: str | None = None


class _Button(_Payload):
    action_id: str
    value: str = Field(max_length=MAX_BUTTON_VALUE)


class Click(_Payload):
    """A ``block_actions`` payload: who clicked which button, in which workspace, and under what."""

    user: _User
    team: _Team | None = None
    channel: _Channel | None = None
    container: _Container = _Container()
    message: _Thread | None = None
    view: _View | None = None
    actions: list[_Button] = Field(min_length=1, max_length=1)

    @property
    def value(self) -> str:
        """The clicked button's value (still to be read by the listener's own rule)."""
        return self.actions[0].value

    @property
    def workspace(self) -> str | None:
        """The workspace (team id) the click came from."""
        return self.team.id if self.team is not None else self.user.team_id

    @property
    def on_home(self) -> bool:
        """Whether the button is on the user's Home tab."""
        return self.view is not None and self.view.type == "home"

    @property
    def thread(self) -> str | None:
        """Where a public reply to the click goes: the thread of the message it is under, or None when
        only the clicker may see the reply (an ephemeral message, or none at all)."""
        if self.container.is_ephemeral or self.container.message_ts is None:
            return None
        return (self.message.thread_ts if self.message else None) or self.container.message_ts


class _Input(_Payload):
    value: str | None = None


class _State(_Payload):
    values: dict[str, dict[str, _Input]] = {}


class _SubmittedView(_Payload):
    state: _State = _State()


class Submission(_Payload):
    """A ``view_submission`` payload of the "Ask" modal."""

    user: _User
    team: _Team | None = None
    view: _SubmittedView

    def text(self, block: str, action: str) -> str:
        """What was typed into input ``block``/``action`` ("" when absent)."""
        typed = self.view.state.values.get(block, {}).get(action)
        return (typed.value if typed is not None else None) or ""

    @property
    def workspace(self) -> str | None:
        """The workspace (team id) the submission came from."""
        return self.team.id if self.team is not None else self.user.team_id


class Trigger(_Payload):
    """A click that opens a modal: it needs the user and the click's trigger id."""

    user: _User
    trigger_id: str = Field(min_length=1, max_length=200)


class _Named(_Payload):
    action_id: str


class _Actions(_Payload):
    actions: list[_Named] = Field(min_length=1)


class _Callback(_Payload):
    callback_id: str


class _Views(_Payload):
    view: _Callback


class _Typed(_Payload):
    type: str


class _Event(_Payload):
    event: _Typed


# What Bolt itself reads of each kind of payload before any listener (or middleware) runs: it trips over
# ``"actions": []`` or ``"view": 7`` with an IndexError or TypeError while matching listeners.
_ROUTED: dict[str, type[BaseModel]] = {
    "block_actions": _Actions,
    "view_submission": _Views,
    "view_closed": _Views,
    "event_callback": _Event,
}


def routable(body: object) -> bool:
    """Whether Bolt can match ``body`` to a listener without raising; when not, one log line says why."""
    kind = body.get("type") if isinstance(body, dict) else None
    if isinstance(body, dict) and "view" in body and not isinstance(body["view"], dict):
        # Bolt's log line for a payload no listener takes reads ``view`` as a dict, whatever its type
        log.warning("Slack: refused a %s payload with an invalid payload (view: not an object)", kind)
        return False
    model = _ROUTED.get(kind) if isinstance(kind, str) else None
    return model is None or read(model, body, f"a {kind} payload") is not None


class _Reply(_Payload):
    response_url: ResponseUrl


def read(model: type[M], body: object, what: str) -> M | None:
    """``body`` as ``model``, or None after one log line naming what was refused and why (the fields
    and error kinds only: a client's text never reaches the log)."""
    try:
        return model.model_validate(body)
    except pydantic.ValidationError as exc:
        log.warning("Slack: refused %s with an invalid payload (%s)", what, problems(exc))
        return None


def can_reply(body: object) -> bool:
    """Whether a refused click carries a response URL the refusal can be sent to."""
    try:
        _Reply.model_validate(body)
    except pydantic.ValidationError:
        return False
    return True


def row_id(value: str) -> int | None:
    """A button value naming a row (an item, a watch), or None."""
    try:
        return int(pydantic.TypeAdapter(RowId).validate_python(value))
    except pydantic.ValidationError:
        return None


def question(value: str) -> str | None:
    """A "Share" button's question, or None when it is not a question (a forged ``subscribe`` or
    ``watch …`` must not run as a command from a button that only ever carries a question)."""
    return value if value.strip() and parse_command(value).verb is Verb.ASK else None


def page(value: str) -> PageRef | None:
    """A "More" button's page of a timeline, or None. The value is a ``PageRef`` as JSON; a button
    posted before that carried the command itself, accepted only when it is a timeline's."""
    try:
        return PageRef.model_validate_json(value)
    except pydantic.ValidationError:
        pass
    command = parse_command(value)
    if command.verb is not Verb.TIMELINE or not command.question or command.page < 2:
        return None
    try:
        return PageRef(topic=command.question, page=command.page)
    except pydantic.ValidationError:
        return None
