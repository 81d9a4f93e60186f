"""Concurrent writers converge on one row and never raise: threads released together by a barrier, and
separate processes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pytest
from sqlalchemy import func, select

from digestbot.domain import Destination, Issue, Item, Section
from digestbot.store import Archive, ChatState, Database
from digestbot.store.models import ItemRow, SubscriptionRow, ThreadRow
from digestbot.store.outbox import Outbox
from digestbot.store.polling import PollState, Validators
from tests.outbox_support import post_to

T = TypeVar("T")
THREADS = 8
DAY = dt.date(2031, 3, 4)


def at_once(call: Callable[[int], T], count: int = THREADS) -> list[T]:
    """Run ``call(n)`` in ``count`` threads released at the same instant; re-raise the first failure."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = call(n)
        except BaseException as exc:  # noqa: BLE001  (re-raised below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def issue(*texts: str) -> Issue:
    items = tuple(Item(text=text, analysis=(f"Why {text} matters.",)) for text in texts)
    return Issue(date=DAY, title="Northwind’s Weekly Security Digest", sections=(Section("Cyber", items),))


def count(db: Database, column: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count(column))) or 0)


def test_concurrent_subscribes_of_one_destination_make_one_row(db: Database) -> None:
    chat = ChatState(db)
    dest = Destination("teams", "19:abc", service_url="https://connector.test/", tenant_id="t1")
    results = at_once(lambda n: chat.subscribe(dest, user=f"U{n}"))
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert count(db, SubscriptionRow.id) == 1
    assert chat.subscription("teams", "19:abc") == dest


def test_a_repeated_subscribe_refreshes_the_reference(db: Database) -> None:
    chat = ChatState(db)
    chat.subscribe(Destination("teams", "19:abc", service_url="https://old.test/"))
    assert (
        chat.subscribe(Destination("teams", "19:abc", service_url="https://new.test/", tenant_id="t"))
        is False
    )
    assert chat.subscribe(Destination("teams", "19:abc")) is False  # no reference given: the stored one stays
    assert chat.subscription("teams", "19:abc") == Destination("teams", "19:abc", "https://new.test/", "t")


def test_one_event_seen_at_once_by_many_is_first_seen_once(db: Database) -> None:
    chat = ChatState(db)
    assert sorted(at_once(lambda _: chat.first_sighting("Ev1"))) == [False] * (THREADS - 1) + [True]


def test_concurrent_remember_thread_makes_one_row_and_keeps_the_issue(db: Database) -> None:
    chat = ChatState(db)
    at_once(lambda n: chat.remember_thread("slack", "C1", "1.0", DAY if n % 2 else None))
    assert count(db, ThreadRow.id) == 1
    assert chat.thread("slack", "C1", "1.0") is not None
    assert chat.thread("slack", "C1", "1.0").issue_date == DAY  # type: ignore[union-attr]


def test_concurrent_vector_and_poll_writes_never_fail(db: Database) -> None:
    archive, polls = Archive(db), PollState(db)
    vectors = {f"h{n}": np.full(4, n, dtype=np.float32) for n in range(20)}

    def write(n: int) -> None:
        archive.put_vectors("m", vectors)
        polls.mark_seen("feed", "entry-1", f"digest-{n}")
        polls.store_validators("https://example.test/feed", Validators(f'"v{n}"', None))

    at_once(write)
    assert sorted(archive.get_vectors("m", list(vectors))) == sorted(vectors)
    assert polls.seen("feed", "entry-1")
    assert polls.validators("https://example.test/feed").etag is not None


def test_concurrent_claims_of_one_delivery_have_one_winner(db: Database) -> None:
    Archive(db).save_issue(issue("a"), source="x.txt")
    claims = at_once(lambda n: Outbox(db, holder=f"replica-{n}").claim(post_to(DAY, "slack", "C1")))
    assert sorted(claim.value for claim in claims) == sorted(["new"] + ["busy"] * (THREADS - 1))


def test_concurrent_saves_of_one_issue_store_it_once(db: Database) -> None:
    archive = Archive(db)
    outcomes = at_once(lambda _: archive.save_issue(issue("a", "b"), source="x.txt"))
    assert sorted(o.value for o in outcomes) == sorted(["added"] + ["unchanged"] * (THREADS - 1))
    assert count(db, ItemRow.id) == 2


def save_in_process(url: str, texts: tuple[str, ...], start: Any, results: Any) -> None:
    """A separate process: open the store, wait for the others, save the issue, report the outcome."""
    db = Database(url)
    start.wait()
    try:
        results.put(Archive(db).save_issue(issue(*texts), source="x.txt").value)
    except Exception as exc:  # noqa: BLE001  (reported to the test)
        results.put(f"error: {exc}")
    finally:
        db.close()


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        ([("a", "b"), ("a", "b")], ["added", "unchanged"]),
        ([("a", "b"), ("a", "b", "c")], ["added", "replaced"]),
    ],
    ids=["same-content", "two-versions"],
)
def test_two_processes_saving_one_issue_converge(
    database_url: str, versions: list[tuple[str, ...]], expected: list[str]
) -> None:
    Database(database_url).close()  # the schema first, so the race is the save's
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(len(versions)), spawn.Queue()
    workers = [
        spawn.Process(target=save_in_process, args=(database_url, v, start, results)) for v in versions
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert outcomes == sorted(expected)
    db = Database(database_url)
    try:
        stored = Archive(db).get_issue(DAY)
        assert stored is not None
        assert stored in [issue(*v) for v in versions]  # one whole version, never a mix
        assert count(db, ItemRow.id) == len(stored.sections[0].items)
    finally:
        db.close()


def test_the_archive_version_moves_only_when_an_issue_changes(db: Database) -> None:
    archive = Archive(db)
    start = archive.version()
    archive.save_issue(issue("a"), source="x.txt")
    added = archive.version()
    archive.save_issue(issue("a"), source="x.txt")
    assert archive.version() == added > start
    archive.save_issue(issue("a", "b"), source="x.txt")
    assert archive.version() > added
