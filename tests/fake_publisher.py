"""An in-memory publisher: channels as lists of posts, with injectable crashes and failures."""

from __future__ import annotations

from dataclasses import dataclass, field

from digestbot.delivery.delivery import Post, PostError, issue_key


class Crash(BaseException):
    """Stands for the process dying (SIGKILL): nothing after it runs, not even except-Exception blocks."""


@dataclass
class MemoryPublisher:
    """Posts land in ``channels[channel_id]`` as issue keys."""

    platform: str = "slack"
    can_look: bool = True
    channels: dict[str, list[str]] = field(default_factory=dict)
    crash_after_post: bool = False
    crash_before_post: bool = False
    fail_with: PostError | None = None
    lookups: int = 0

    def find(self, post: Post) -> str | None:
        self.lookups += 1
        dest = post.dest
        posts = self.channels.get(dest.channel_id, [])
        key = issue_key(post.issue.date)
        return f"{dest.channel_id}/{posts.index(key)}" if key in posts else None

    def send(self, post: Post) -> str:
        dest, issue = post.dest, post.issue
        if self.crash_before_post:
            raise Crash
        if self.fail_with is not None:
            raise self.fail_with
        posts = self.channels.setdefault(dest.channel_id, [])
        posts.append(issue_key(issue.date))
        if self.crash_after_post:
            raise Crash
        return f"{dest.channel_id}/{len(posts) - 1}"
