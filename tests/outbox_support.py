"""Outbox addresses as the tests write them: an issue post to a channel, a watch notice to a user."""

from __future__ import annotations

import datetime as dt

from digestbot.delivery.delivery import PlannedPost
from digestbot.delivery.watching import notice_address
from digestbot.domain import Destination, Watch
from digestbot.store.outbox import Address


def post_to(day: dt.date, platform: str, channel: str) -> Address:
    """The outbox row of that issue's post into that channel."""
    return PlannedPost(day, Destination(platform, channel)).address


def notice_to(watch: Watch, day: dt.date) -> Address:
    """The outbox row of that watch's notice of that issue."""
    return notice_address(watch, day)
