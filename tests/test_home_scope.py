"""Which destinations a home may show: its own workspace's (or tenant's); one of unknown workspace only
when the app serves a single workspace, where every channel is that workspace's."""

from __future__ import annotations

import pytest

from digestbot.conversation.home import in_workspace
from digestbot.domain import Destination

NORTH, SOUTH = "T0NORTH01", "T0SOUTH02"


@pytest.mark.parametrize(
    ("dest", "viewer", "many", "shown"),
    [
        (Destination("slack", "C1", workspace=NORTH), NORTH, True, True),
        (Destination("slack", "C1", workspace=NORTH), SOUTH, True, False),
        (Destination("slack", "C1", workspace=NORTH), SOUTH, False, False),
        (Destination("slack", "C1", workspace=NORTH), None, True, False),
        (Destination("slack", "C1", workspace=NORTH), None, False, True),
        (Destination("slack", "C1"), NORTH, True, False),
        (Destination("slack", "C1"), NORTH, False, True),
        (Destination("slack", "C1"), None, False, True),
        (Destination("teams", "19:a", tenant_id="tenant-a"), "tenant-a", False, True),
        (Destination("teams", "19:a", tenant_id="tenant-a"), "tenant-b", False, False),
    ],
)
def test_a_home_shows_its_own_workspaces_destinations(
    dest: Destination, viewer: str | None, many: bool, shown: bool
) -> None:
    assert in_workspace(dest, viewer, many=many) is shown
