"""A user's home (Slack's App Home): the newest issue, the user's watches, the channels getting issues.

Everything a home shows of channels comes from the viewer's own workspace (or tenant): its channels, and
the newest issue's post among them. A channel whose workspace is unknown belongs to the one workspace when
there is one, and to nobody's home when the app is installed in many (``ChatRules.many_workspaces``).

Who opened it is remembered, so each home is refreshed when a new issue arrives (``digestbot.delivery.homes``
decides who; the outbox sends each refresh once across every replica).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digestbot.conversation.messages import Home
from digestbot.conversation.watches import ChatRules
from digestbot.domain import Destination, Issue, IssueSummary
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
    channels = tuple(
        dest.channel_id
        for dest in library.channels(platform)
        if in_workspace(dest, tenant, many=rules.many_workspaces)
    )
    post = None
    if issue is not None:
        post = next((found for found in library.posts(issue.date, platform) if found[0] in channels), None)
    held = tuple(watches.of(platform, user)) if watches is not None else ()
    return Home(
        latest=None if issue is None else summary(issue),
        post=post,
        watches=held,
        limit=rules.max_watches,
        channels=channels,
    )


def in_workspace(dest: Destination, tenant: str | None, *, many: bool) -> bool:
    """Whether a home in workspace (or tenant) ``tenant`` may show the destination: one of its own; with
    ``many`` workspaces, never a destination (or for a viewer) whose workspace is unknown."""
    owner = dest.workspace or dest.tenant_id
    if owner is None or tenant is None:
        return not many
    return owner == tenant
