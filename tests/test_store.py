"""The store: idempotent saves, atomic replacement, vectors, chat state (on SQLite and PostgreSQL: the
``db`` fixture)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import event

from digestbot.domain import Destination, Issue, Item, Section
from digestbot.store import Archive, ChatState, Database, SaveOutcome
from digestbot.store.models import ItemRow

DAY = dt.date(2031, 3, 4)


def make_issue(*texts: str, day: dt.date = DAY) -> Issue:
    items = tuple(Item(text=text, analysis=(f"why {text} matters",)) for text in texts)
    return Issue(
        date=day,
        title="Northwind’s Weekly Security Digest",
        sections=(Section(name="Cyber", items=items, part="Global Security Matters"),),
        url="https://example.test/digest",
    )


def test_same_issue_twice_changes_nothing(db: Database) -> None:
    archive = Archive(db)
    assert archive.save_issue(make_issue("a", "b"), source="x.txt") is SaveOutcome.ADDED
    ids = [item.id for item in archive.items()]
    assert archive.save_issue(make_issue("a", "b"), source="x.txt") is SaveOutcome.UNCHANGED
    assert [item.id for item in archive.items()] == ids


def test_correction_replaces_that_issues_items(db: Database) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("a", "b"), source="x.txt")
    archive.save_issue(make_issue("other", day=DAY + dt.timedelta(days=7)), source="y.txt")
    assert archive.save_issue(make_issue("a", "b", "c"), source="x.txt") is SaveOutcome.REPLACED
    assert [item.text for item in archive.items() if item.date == DAY] == ["a", "b", "c"]
    assert [item.text for item in archive.items() if item.date != DAY] == ["other"]


def test_failure_part_way_leaves_previous_state(db: Database) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("a", "b"), source="x.txt")
    before = archive.get_issue(DAY)

    def fail_on_third_item(_mapper: object, _connection: object, target: ItemRow) -> None:
        if target.position == 2:
            raise OSError("disk full")

    event.listen(ItemRow, "before_insert", fail_on_third_item)
    try:
        with pytest.raises(OSError, match="disk full"):
            archive.save_issue(make_issue("x", "y", "z"), source="x.txt")
    finally:
        event.remove(ItemRow, "before_insert", fail_on_third_item)
    assert archive.get_issue(DAY) == before
    assert archive.save_issue(make_issue("a", "b"), source="x.txt") is SaveOutcome.UNCHANGED


def test_round_trip_keeps_parts_sections_and_analysis(db: Database) -> None:
    archive = Archive(db)
    issue = make_issue("a", "b")
    archive.save_issue(issue, source="x.txt")
    assert archive.get_issue(DAY) == issue
    [summary] = archive.list_issues()
    assert summary.sections == (("Cyber", 2),)
    assert archive.latest_date() == DAY


def test_fingerprint_changes_with_content(db: Database) -> None:
    archive = Archive(db)
    empty = archive.fingerprint()
    archive.save_issue(make_issue("a"), source="x.txt")
    first = archive.fingerprint()
    archive.save_issue(make_issue("a2"), source="x.txt")
    assert len({empty, first, archive.fingerprint()}) == 3


def test_vectors_round_trip_and_are_kept(db: Database) -> None:
    archive = Archive(db)
    vector = np.arange(4, dtype=np.float32)
    archive.put_vectors("m", {"h1": vector})
    archive.put_vectors("m", {"h1": vector + 1})  # same key: the stored one is kept
    found = archive.get_vectors("m", ["h1", "missing"])
    assert list(found) == ["h1"]
    np.testing.assert_array_equal(found["h1"], vector)
    assert archive.get_vectors("other-model", ["h1"]) == {}


def test_subscriptions(db: Database) -> None:
    chat = ChatState(db)
    assert chat.subscribe(Destination("slack", "C1"), user="U1") is True
    assert chat.subscribe(Destination("slack", "C1")) is False
    chat.subscribe(Destination("teams", "19:abc", service_url="https://connector.test/"))
    assert [d.channel_id for d in chat.destinations("slack")] == ["C1"]
    assert chat.subscription("teams", "19:abc") == Destination("teams", "19:abc", "https://connector.test/")
    assert chat.unsubscribe("slack", "C1") is True
    assert chat.unsubscribe("slack", "C1") is False


def test_subscriptions_keep_their_workspace_and_leave_with_it(db: Database) -> None:
    chat = ChatState(db)
    chat.subscribe(Destination("slack", "C1", workspace="T1"))
    chat.subscribe(Destination("slack", "C2", workspace="T1"))
    chat.subscribe(Destination("slack", "C3", workspace="T2"))
    chat.subscribe(Destination("slack", "C4"))  # made with the single bot token: no workspace
    chat.subscribe(Destination("slack", "C4", workspace="T2"))  # subscribed again from a workspace
    assert chat.subscription("slack", "C4") == Destination("slack", "C4", workspace="T2")
    assert chat.subscribe(Destination("slack", "C1")) is False
    assert chat.subscription("slack", "C1") == Destination("slack", "C1", workspace="T1")  # kept

    assert chat.unsubscribe_workspace("slack", "T1") == 2
    assert chat.unsubscribe_workspace("teams", "T2") == 0  # another platform's is never touched
    assert [d.channel_id for d in chat.destinations()] == ["C3", "C4"]


def test_threads_and_seen_events(db: Database) -> None:
    chat = ChatState(db)
    assert chat.thread("slack", "C1", "1.0") is None
    chat.remember_thread("slack", "C1", "1.0", DAY)
    assert chat.thread("slack", "C1", "1.0") is not None
    assert chat.thread("slack", "C1", "1.0").issue_date == DAY  # type: ignore[union-attr]
    assert chat.first_sighting("Ev1") is True
    assert chat.first_sighting("Ev1") is False


def test_a_large_issue_round_trips_with_runs_of_sections_in_order(db: Database) -> None:
    """Loading used to rebuild a section's tuple per item (quadratic; 40k items took 7 s, see
    ``digestbot bench``). A section name that comes back later is a new run, as parsed."""
    archive = Archive(db)
    runs = [("Cyber", "Part A", 6000), ("Europe", "Part A", 1), ("Cyber", "Part A", 5000), ("Cyber", None, 2)]
    sections = tuple(
        Section(name, tuple(Item(f"{name} {n}", (f"why {n}",)) for n in range(count)), part)
        for name, part, count in runs
    )
    issue = Issue(DAY, "Weekly Security Digest", sections)
    archive.save_issue(issue, source="big.txt")
    archive.save_issue(make_issue("a", day=DAY + dt.timedelta(days=7)), source="x.txt")
    assert archive.get_issue(DAY) == issue
    assert [summary.sections for summary in archive.list_issues()] == [
        (("Cyber", 6000), ("Europe", 1), ("Cyber", 5000), ("Cyber", 2)),
        (("Cyber", 1),),
    ]
    assert archive.get_issue(DAY - dt.timedelta(days=1)) is None
