"""What a surface hands the conversation core (``Message``) and what it gets back (an ``Outcome``).

Both are plain values: no platform payload travels past the adapter that parsed it, and no words are
chosen here — each surface's renderer words an outcome its own way.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from digestbot.delivery.stories import Story
from digestbot.domain import Answer, AnswerItem, Destination, Hit, Issue, IssueSummary, Watch


@dataclass(frozen=True)
class Message:
    """A message to the bot, as every surface describes it.

    ``place`` is the channel or conversation it was written in (for Teams, with the reference needed to
    post there later); ``thread`` the thread it was written in (None at the top level); ``reply_thread``
    the thread the reply will be posted in, when the surface knows it in advance (a reply there is a
    follow-up); ``addressed`` whether it was meant for the bot (a command, a mention, a direct message) —
    otherwise only a reply in a thread the bot started is answered. ``event_id`` identifies a delivery,
    so a redelivered event is answered once. ``direct`` marks a 1:1 conversation, remembered as where to
    message the user (Teams can message a user only there). ``place.tenant_id`` is the Slack workspace or
    the Teams tenant, when the surface knows it.
    """

    surface: str
    place: Destination
    user: str
    text: str
    thread: str | None = None
    reply_thread: str | None = None
    addressed: bool = True
    event_id: str | None = None
    direct: bool = False  # written in a 1:1 conversation with the bot (a Slack DM, a Teams personal chat)


class Ignored(enum.Enum):
    """A message the bot does not answer."""

    NOT_ADDRESSED = "not addressed"  # channel chatter, or a reply in a thread the bot did not start
    DUPLICATE = "duplicate"  # a redelivery of an event already answered


@dataclass(frozen=True)
class Help:
    """The command list."""


@dataclass(frozen=True)
class Thanked:
    """A thank-you or an acknowledgement ("thanks!", "ok"): a short reply, not a search."""


@dataclass(frozen=True)
class EmptyArchive:
    """Nothing has been ingested yet."""


@dataclass(frozen=True)
class Latest:
    """The newest issue."""

    issue: Issue


@dataclass(frozen=True)
class Answered:
    """An answer to a question (which may honestly be "nothing found")."""

    answer: Answer


class SubscriptionAction(enum.Enum):
    """What was asked of the place's subscription."""

    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    STATUS = "status"


@dataclass(frozen=True)
class Subscription:
    """The result of subscribe / unsubscribe (``flag``: it changed) or status (``flag``: subscribed)."""

    action: SubscriptionAction
    flag: bool


@dataclass(frozen=True)
class Details:
    """Items in full, with their analysis (what a "Details" button or ``more N`` shows)."""

    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Timeline:
    """A page of the story of a topic: its items oldest first, ``per_page`` at a time."""

    story: Story
    page: int = 1
    per_page: int = 10

    @property
    def pages(self) -> int:
        """How many pages the whole story takes."""
        return self.story.pages(self.per_page)

    @property
    def shown(self) -> tuple[AnswerItem, ...]:
        """The items on this page."""
        return self.story.page(self.page, self.per_page)

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Watched:
    """``watch``: the topic is watched (``added`` False: it already was). ``count`` of ``limit`` watches
    are held; ``direct``: a 1:1 conversation with the user is known (Teams can message them only there)."""

    topic: str
    added: bool
    count: int
    limit: int
    direct: bool


@dataclass(frozen=True)
class WatchFull:
    """``watch`` refused: the user already holds ``limit`` watches."""

    topic: str
    limit: int


@dataclass(frozen=True)
class Unwatched:
    """``unwatch``: the topic is no longer watched (``removed`` False: it was not watched)."""

    topic: str
    removed: bool


@dataclass(frozen=True)
class WatchList:
    """``watches``: the user's watches, oldest first, of at most ``limit``."""

    watches: tuple[Watch, ...]
    limit: int
    direct: bool


@dataclass(frozen=True)
class Home:
    """What a user's home (Slack's App Home) shows: the newest issue, where it was posted on this
    platform (channel id, post reference), the user's watches, and the channels receiving new issues."""

    latest: IssueSummary | None
    post: tuple[str, str] | None
    watches: tuple[Watch, ...]
    limit: int
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Failed:
    """The request failed: ``reason`` is a domain error's message (safe to show), None an unexpected
    error (logged with its traceback; the user gets an apology)."""

    reason: str | None = None


Outcome = (
    Ignored
    | Help
    | Thanked
    | EmptyArchive
    | Latest
    | Answered
    | Subscription
    | Details
    | Timeline
    | Watched
    | WatchFull
    | Unwatched
    | WatchList
    | Failed
)


def outcome_issue(outcome: Outcome) -> dt.date | None:
    """The issue a reply is about, so a reply in its thread is scoped to it (None: no single issue)."""
    if isinstance(outcome, Latest):
        return outcome.issue.date
    if isinstance(outcome, Answered):
        return outcome.answer.issue_date
    return None
