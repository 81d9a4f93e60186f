"""Polling: only new documents; feeds deduplicated by id, never by timestamp; conditional GETs (the poll
state on SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from digestbot.errors import DigestbotError, SourceError
from digestbot.ingest.poller import Polled, SourcePoller
from digestbot.ingest.sources import SourceReader
from digestbot.settings import SourceConfig
from digestbot.store import Database
from digestbot.store.polling import PollState
from tests.http_support import Route, StaticSite, rss

BODY = (
    "<h2>Cyber</h2><ul>"
    + "<li>Kestrel Dynamics reported an intrusion at its Orlek plant.</li>" * 40
    + "</ul>"
)


@pytest.fixture
def poller(db: Database) -> SourcePoller:
    return SourcePoller(SourceReader(), PollState(db))


def take(poller: SourcePoller, *locations: str) -> list[Polled | DigestbotError]:
    found = list(poller.poll([SourceConfig(location=location) for location in locations]))
    for item in found:
        if isinstance(item, Polled):
            poller.mark_ingested(item)
    return found


def test_feed_entries_are_new_once_even_when_timestamps_change(
    site: StaticSite, poller: SourcePoller
) -> None:
    entries = [
        ("Digest - March 4, 2031", site.url("/a"), BODY),
        ("Digest - March 11, 2031", site.url("/b"), BODY),
    ]
    site.routes["/feed"] = Route(rss(entries, "Tue, 04 Mar 2031 09:00:00 GMT"), "application/rss+xml")
    assert len(take(poller, site.url("/feed"))) == 2
    site.routes["/feed"] = Route(rss(entries, "Wed, 05 Mar 2031 10:30:00 GMT"), "application/rss+xml")
    assert take(poller, site.url("/feed")) == []
    entries.append(("Digest - March 18, 2031", site.url("/c"), BODY))
    site.routes["/feed"] = Route(rss(entries, "Wed, 05 Mar 2031 10:30:00 GMT"), "application/rss+xml")
    [new] = take(poller, site.url("/feed"))
    assert isinstance(new, Polled) and new.doc_id == site.url("/c")


def test_conditional_get_skips_unchanged_page(site: StaticSite, poller: SourcePoller) -> None:
    site.routes["/page"] = Route(b"<html><body>x</body></html>", etag='"v1"')
    assert len(take(poller, site.url("/page"))) == 1
    assert take(poller, site.url("/page")) == []
    assert site.requests[-1][1].get("If-None-Match") == '"v1"'


def test_new_file_in_watched_folder(tmp_path: Path, poller: SourcePoller) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "2031-03-04.txt").write_text("one")
    assert len(take(poller, str(folder))) == 1
    assert take(poller, str(folder)) == []
    (folder / "2031-03-11.txt").write_text("two")
    (folder / "2031-03-04.txt").write_text("one, corrected")
    assert sorted(Path(p.doc_id).name for p in take(poller, str(folder)) if isinstance(p, Polled)) == [
        "2031-03-04.txt",
        "2031-03-11.txt",
    ]


def test_a_broken_source_does_not_stop_the_others(
    site: StaticSite, poller: SourcePoller, tmp_path: Path
) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "2031-03-04.txt").write_text("one")
    found = take(poller, "http://127.0.0.1:9/feed", str(tmp_path / "missing"), str(tmp_path / "w"))
    assert [type(item) for item in found] == [SourceError, SourceError, Polled]


def test_unmarked_documents_come_back(tmp_path: Path, poller: SourcePoller) -> None:
    (tmp_path / "2031-03-04.txt").write_text("one")
    first = list(poller.poll([SourceConfig(location=str(tmp_path))]))
    again = list(poller.poll([SourceConfig(location=str(tmp_path))]))
    assert len(first) == len(again) == 1  # a failed ingest is retried next cycle


def test_a_huge_feed_is_read_a_capped_number_of_entries_per_poll(
    site: StaticSite, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 10,000-entry feed used to mean 10,000 fetches and log lines in one cycle."""
    reader = SourceReader(max_feed_entries=5)
    poller = SourcePoller(reader, PollState(Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")))
    entries = [(f"Digest - March {n}, 2031", site.url(f"/{n}"), BODY) for n in range(1, 8)]
    site.routes["/feed"] = Route(rss(entries), "application/rss+xml")
    with caplog.at_level(logging.WARNING, logger="digestbot.ingest.sources"):
        first = take(poller, site.url("/feed"))
    assert [p.doc_id for p in first if isinstance(p, Polled)] == [site.url(f"/{n}") for n in range(1, 6)]
    [line] = [r.getMessage() for r in caplog.records if r.name == "digestbot.ingest.sources"]
    assert "7 feed entries, reading the first 5" in line
    site.routes["/feed"] = Route(rss(entries), "application/rss+xml")  # no ETag: fetched again
    assert [p.doc_id for p in take(poller, site.url("/feed")) if isinstance(p, Polled)] == [
        site.url("/6"),
        site.url("/7"),
    ]
