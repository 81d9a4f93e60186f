"""An in-memory messenger: each user's direct messages as a list of notice keys, with injectable crashes
and failures (like ``MemoryPublisher``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from digestbot.delivery.delivery import PostError
from digestbot.delivery.watching import Notice, Unreachable
from tests.fake_publisher import Crash


@dataclass
class MemoryMessenger:
    """Sent notices land in ``inboxes[user_id]`` as notice keys; ``can_look`` says whether the platform
    it stands for can list them (Slack can, Teams cannot)."""

    platform: str = "slack"
    can_look: bool = True
    inboxes: dict[str, list[str]] = field(default_factory=dict)
    texts: list[Notice] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    crash_after_send: bool = False
    fail_with: PostError | None = None
    lookups: int = 0

    def find(self, notice: Notice) -> str | None:
        self.lookups += 1
        inbox = self.inboxes.get(notice.watch.recipient.user_id, [])
        return f"{notice.watch.recipient.user_id}/{inbox.index(notice.key)}" if notice.key in inbox else None

    def send(self, notice: Notice) -> str:
        user = notice.watch.recipient.user_id
        if user in self.unreachable:
            raise Unreachable(f"{user} has no 1:1 chat with the bot")
        if self.fail_with is not None:
            raise self.fail_with
        inbox = self.inboxes.setdefault(user, [])
        inbox.append(notice.key)
        self.texts.append(notice)
        if self.crash_after_send:
            raise Crash
        return f"{user}/{len(inbox) - 1}"

    def sent(self) -> int:
        """How many messages were sent, to everyone."""
        return sum(len(inbox) for inbox in self.inboxes.values())
