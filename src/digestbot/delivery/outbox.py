"""Send exactly once, written once: the kinds of things sent, the guarantee of each, their keys, the sender
port each platform implements, and the dispatcher that owns claim -> look -> send -> confirm.

Delivery (issue posts), watches (notices) and App Home refreshes only decide what goes to whom; the
dispatcher claims the outbox row, and for a claim in doubt (its holder died while sending) asks the
platform whether it is there already. Where the platform cannot look, the kind's guarantee decides:

==============  ==============  =================================================================
kind            when blind      why
==============  ==============  =================================================================
issue post      at least once   a missed weekly issue is worse than a duplicate card (its key shows it)
watch notice    at most once    a repeated direct message nags one person; a lost one is rare
home refresh    at least once   publishing a home again replaces it: a repeat cannot be seen
==============  ==============  =================================================================
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from digestbot.errors import DigestbotError
from digestbot.store.models import Kind, SendState
from digestbot.store.outbox import Address, Claim, Outbox

log = logging.getLogger(__name__)

P = TypeVar("P", contravariant=True)
T = TypeVar("T")


class Guarantee(enum.Enum):
    """What a claim in doubt gets where the platform cannot look for what was sent."""

    AT_LEAST_ONCE = "at-least-once"  # sent again: never lost, perhaps twice
    AT_MOST_ONCE = "at-most-once"  # finished as unconfirmed: never twice, perhaps lost


WHEN_BLIND: dict[Kind, Guarantee] = {
    Kind.ISSUE_POST: Guarantee.AT_LEAST_ONCE,
    Kind.WATCH_NOTICE: Guarantee.AT_MOST_ONCE,
    Kind.HOME_REFRESH: Guarantee.AT_LEAST_ONCE,
}


def issue_key(issue_date: dt.date) -> str:
    """The identity an issue post carries (Slack message metadata, Teams card data): the issue date."""
    return f"digestbot-issue-{issue_date.isoformat()}"


def notice_key(watch_id: int, issue_date: dt.date) -> str:
    """The identity a watch notice carries (Slack message metadata), to find it after a crash."""
    return f"digestbot-watch-{watch_id}-{issue_date.isoformat()}"


def home_key(issue_date: dt.date) -> str:
    """The identity of the refresh of everyone's home after that issue."""
    return f"digestbot-home-{issue_date.isoformat()}"


class PostError(DigestbotError):
    """A send failed. ``certain`` means it surely did not arrive (safe to retry blindly)."""

    def __init__(self, message: str, *, certain: bool) -> None:
        self.certain = certain
        super().__init__(message)


class Unreachable(PostError):
    """The recipient cannot be messaged at all (a Teams user with no 1:1 chat with the bot yet)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, certain=True)


class Sender(Protocol[P]):
    """Sends one kind of thing on one platform (a port; Slack, Teams and the console implement it).

    ``can_look``: whether the platform can find what the bot sent (so ``find`` means something)."""

    platform: str
    can_look: bool

    def find(self, parcel: P) -> str | None:
        """The reference of what was already sent of this parcel, if it is there (completing it if the
        platform sends it in parts). PostError when the platform cannot be read."""

    def send(self, parcel: P) -> str:
        """Send the parcel; a reference to what was sent. PostError on failure, ``Unreachable`` when
        the recipient cannot be messaged at all."""


class Sent(enum.Enum):
    """What dispatching one parcel did."""

    SENT = "sent"
    FOUND = "found"  # in doubt, and found already there
    NOTHING = "nothing"  # nothing to send (the composer said so)
    UNREACHABLE = "unreachable"
    UNCONFIRMED = "unconfirmed"  # in doubt where the platform cannot look, at most once: not sent again
    FAILED = "failed"  # retried on a later run
    BUSY = "busy"  # another live process holds the claim
    DONE = "done"  # finished before


@dataclass(frozen=True)
class Dispatched:
    """The outcome of one dispatch, with the platform's reference or the failure's message."""

    outcome: Sent
    ref: str | None = None
    error: str | None = None


class Dispatcher:
    """Claim -> look -> send -> confirm, for every kind, through the outbox."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def dispatch(self, address: Address, sender: Sender[T], compose: Callable[[], T | None]) -> Dispatched:
        """Send what ``compose`` makes (called under the claim, so matching an issue happens once; None:
        nothing to send; an error releases the claim) to ``address`` through ``sender``, exactly once as
        far as the platform allows."""
        claim = self.outbox.claim(address)
        if claim in (Claim.DONE, Claim.BUSY):
            return Dispatched(Sent.DONE if claim is Claim.DONE else Sent.BUSY)
        with self.outbox.keep(address):
            try:
                parcel = compose()
            except Exception:
                self.outbox.release(address)  # nothing went out: the next run composes it again
                raise
            if parcel is None:
                self.outbox.finish(address, SendState.NONE)
                return Dispatched(Sent.NOTHING)
            if claim is Claim.IN_DOUBT and (settled := self._look(address, sender, parcel)) is not None:
                return settled
            return self._send(address, sender, parcel)

    def _look(self, address: Address, sender: Sender[T], parcel: T) -> Dispatched | None:
        """For a claim in doubt: how it is settled without sending (found, failed to look, or given up as
        the kind's guarantee says), or None to send it."""
        if not sender.can_look:
            if WHEN_BLIND[address.kind] is Guarantee.AT_LEAST_ONCE:
                return None
            log.warning("%s %s may have been sent; not sending it again", address.kind.value, address.key)
            self.outbox.finish(address, SendState.UNCONFIRMED)
            return Dispatched(Sent.UNCONFIRMED)
        try:
            ref = sender.find(parcel)
        except PostError as exc:  # still in doubt: the next run looks again
            self.outbox.abandon(address)
            return self._failed(address, exc)
        if ref is None:
            return None
        self.outbox.finish(address, SendState.SENT, ref)
        return Dispatched(Sent.FOUND, ref)

    def _send(self, address: Address, sender: Sender[T], parcel: T) -> Dispatched:
        if not self.outbox.sending(address):
            return Dispatched(Sent.BUSY)  # taken over meanwhile: the other process finishes it
        try:
            ref = sender.send(parcel)
        except Unreachable as exc:
            log.info("%s %s: %s", address.kind.value, address.key, exc)
            self.outbox.finish(address, SendState.UNREACHABLE)
            return Dispatched(Sent.UNREACHABLE, error=str(exc))
        except PostError as exc:
            (self.outbox.release if exc.certain else self.outbox.abandon)(address)
            return self._failed(address, exc)
        self.outbox.finish(address, SendState.SENT, ref)
        return Dispatched(Sent.SENT, ref)

    def _failed(self, address: Address, exc: PostError) -> Dispatched:
        where = f"{address.platform}:{address.destination}"
        log.warning("%s %s to %s failed: %s", address.kind.value, address.key, where, exc)
        return Dispatched(Sent.FAILED, error=str(exc))
