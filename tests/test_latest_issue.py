"""The newest issue is cached by archive version (``Archive.latest_issue``): loaded once while nothing
changes, loaded again after any save, including one made through another handle on the same database
(another replica's or a ``digestbot ingest`` process's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from digestbot.domain import Issue, Item, Section
from digestbot.store import Archive, Database

DAY = dt.date(2031, 3, 4)


def make_issue(text: str, day: dt.date = DAY) -> Issue:
    items = (Item(text=text, analysis=(f"why {text} matters",)),)
    return Issue(date=day, title="Northwind’s Weekly Security Digest", sections=(Section("Cyber", items),))


@pytest.fixture
def other(database_url: str) -> Iterator[Archive]:
    """A second handle on the same database, as another process would hold it."""
    database = Database(database_url)
    yield Archive(database)
    database.close()


def test_an_empty_archive_has_no_latest_issue_until_one_is_saved(db: Database, other: Archive) -> None:
    archive = Archive(db)
    assert archive.latest_issue() is None
    other.save_issue(make_issue("the first item"), source="a.txt")
    assert archive.latest_issue() == make_issue("the first item")


def test_the_latest_issue_is_loaded_once_while_the_archive_is_unchanged(db: Database) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("an item"), source="a.txt")
    first = archive.latest_issue()
    assert first is not None and archive.latest_issue() is first  # the same object: not loaded again
    archive.save_issue(make_issue("an item"), source="a.txt")  # unchanged content: no new version
    assert archive.latest_issue() is first


def test_a_newer_issue_saved_through_another_handle_is_seen(db: Database, other: Archive) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("last week"), source="a.txt")
    assert archive.latest_issue() == make_issue("last week")
    newer = make_issue("this week", DAY + dt.timedelta(days=7))
    other.save_issue(newer, source="b.txt")
    assert archive.latest_issue() == newer


def test_a_correction_of_the_latest_issue_elsewhere_is_seen(db: Database, other: Archive) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("a first draft"), source="a.txt")
    assert archive.latest_issue() == make_issue("a first draft")
    other.save_issue(make_issue("the corrected text"), source="a.txt")
    assert archive.latest_issue() == make_issue("the corrected text")


def test_an_older_issue_saved_elsewhere_leaves_the_latest_as_it_was(db: Database, other: Archive) -> None:
    archive = Archive(db)
    archive.save_issue(make_issue("this week"), source="a.txt")
    other.save_issue(make_issue("a back issue", DAY - dt.timedelta(days=7)), source="b.txt")
    assert archive.latest_issue() == make_issue("this week")
