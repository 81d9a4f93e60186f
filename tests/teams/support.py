"""Fictional issues, a real core over them, and uvicorn on a loopback port for the Teams tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.applications import Starlette

from digestbot.app import build_conversations
from digestbot.conversation import Conversations
from digestbot.core import Digestbot
from digestbot.domain import Issue, Item, Section
from digestbot.settings import Settings
from digestbot.teams import build_teams_routes
from tests.fakes import fake_core, fake_settings

TITLE = "Northwind’s Weekly Security Digest"

ISSUE_MAR_4 = Issue(
    date=dt.date(2031, 3, 4),
    title=TITLE,
    url="https://digest.example/2031-03-04",
    sections=(
        Section(
            "Harbor Security",
            (
                Item(
                    "Port authorities in Westmark raised the *alert* level after a "
                    "[drone](https://evil.example) sighting over pier #4.",
                    ("Expect delays at <at>container</at> terminals; `cargo_manifest` checks doubled.",),
                ),
            ),
            part="Global Security Matters",
        ),
        Section(
            "Cyber / Defense Technology",
            (Item("A ransomware gang hit the Eastport water utility, encrypting billing servers."),),
        ),
    ),
)

ISSUE_MAR_11 = Issue(
    date=dt.date(2031, 3, 11),
    title=TITLE,
    url=None,
    sections=(
        Section("Elections", (Item("- Observers reported calm voting in the Lakeshore regional election."),)),
        Section("Empty Heading"),
    ),
)


def build_world_core(data_dir: Path, *issues: Issue) -> Digestbot:
    """The real core, over a fresh SQLite file, with the hashing embedder and the given issues."""
    return fake_core(fake_settings(data_dir=data_dir), issues)


def teams_asgi(settings: Settings, core: Digestbot | Conversations, **options: object) -> Starlette:
    """A Starlette app with just the Teams routes, as the shared server would mount them."""
    conversations = core if isinstance(core, Conversations) else build_conversations(core)
    return Starlette(routes=build_teams_routes(settings, conversations, **options))  # type: ignore[arg-type]
