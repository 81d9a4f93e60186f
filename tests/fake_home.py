"""An in-memory home sender: each user's published homes, newest last, with injectable crashes and
failures (like ``MemoryMessenger``). Like Slack, it cannot look for a home it published."""

from __future__ import annotations

from dataclasses import dataclass, field

from digestbot.delivery.delivery import PostError
from digestbot.delivery.homes import HomeRefresh
from tests.fake_publisher import Crash


@dataclass
class MemoryHomeSender:
    """Published homes land in ``homes[user]``; the newest one is what the user sees."""

    platform: str = "slack"
    can_look: bool = False
    homes: dict[str, list[HomeRefresh]] = field(default_factory=dict)
    fail_with: PostError | None = None
    crash_after_send: bool = False

    def find(self, refresh: HomeRefresh) -> str | None:
        return None

    def send(self, refresh: HomeRefresh) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        published = self.homes.setdefault(refresh.user, [])
        published.append(refresh)
        if self.crash_after_send:
            raise Crash
        return f"{refresh.user}/{len(published) - 1}"

    def sent(self) -> int:
        """How many homes were published, to everyone."""
        return sum(len(homes) for homes in self.homes.values())
