"""The timeline on the two real seed issues with the real model (the issue's "done when"): `/digest
timeline iran` lists the 2 Jul item before the 9 Jul item, and no French item."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digestbot.app import build_conversations, build_core
from digestbot.conversation import Message, Timeline
from digestbot.domain import Destination
from digestbot.render import slack as render
from digestbot.settings import load_settings


@pytest.mark.slow
def test_timeline_iran_on_the_seeds_is_oldest_first_and_precise(tmp_path: Path, seeds_dir: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    core = build_core(settings)
    assert not core.ingest([str(seeds_dir)]).failed
    message = Message("slack", Destination("slack", "C0SECUR01"), "U0ALICE01", "timeline iran")
    outcome = build_conversations(core, settings).handle(message)
    assert isinstance(outcome, Timeline)
    items = outcome.story.items
    dates = [item.hit.date for item in items]
    assert dt.date(2024, 7, 2) in dates and dt.date(2024, 7, 9) in dates
    assert dates == sorted(dates)
    assert all("iran" in f"{item.hit.text} {' '.join(item.hit.analysis)}".lower() for item in items)
    assert not any("french" in item.hit.text.lower() or "france" in item.hit.text.lower() for item in items)
    shown = render.outcome_message(outcome)
    text = str(shown.blocks)
    assert shown.text.startswith("Iran: ") and text.index("2 Jul 2024") < text.index("9 Jul 2024")
