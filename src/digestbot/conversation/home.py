"""A user's home (Slack's App Home): the newest issue, the user's watches, the channels getting issues.

Who opened it is remembered, so each home is refreshed when a new issue arrives: once per issue across
every replica (one atomic insert decides which replica refreshes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digestbot.conversation.messages import Home
from digestbot.conversation.watches import ChatRules
from digestbot.domain import Issue, IssueSummary
from digestbot.store.chat import ChatState
from digestbot.store.watches import WatchStore

if TYPE_CHECKING:
    from digestbot.conversation.library import Library


def summary(issue: Issue) -> IssueSummary:
    """An issue as listed: its identity and each section's item count."""
    sections = tuple((section.name, len(section.items)) for section in issue.sections)
    return IssueSummary(issue.date, issue.title, issue.url, sections)


def compose_home(
    library: Library, watches: WatchStore | None, rules: ChatRules, platform: str, user: str,
    tenant: str | None,
) -> Home:  # fmt: skip
    """The home of ``user`` on ``platform`` (in workspace or tenant ``tenant``, when known)."""
    issue = library.latest()
    post = None
    if issue is not None:
        post = next(iter(library.posts(issue.date, platform)), None)
    held = tuple(watches.of(platform, user)) if watches is not None else ()
    channels = tuple(
        dest.channel_id
        for dest in library.channels(platform)
        if (dest.workspace or dest.tenant_id) in (None, tenant) or not tenant
    )
    return Home(
        latest=None if issue is None else summary(issue),
        post=post,
        watches=held,
        limit=rules.max_watches,
        channels=channels,
    )


def homes_due(library: Library, chat: ChatState, platform: str) -> list[tuple[str, str | None]]:
    """The users (with their workspace) whose home to refresh now: everyone who opened one, the first
    time this is asked after a new issue arrived, by any replica; nobody otherwise."""
    newest = library.newest_date()
    if newest is None or not chat.first_sighting(f"{platform}:home:{newest.isoformat()}"):
        return []
    return chat.home_viewers(platform)
