"""Two replicas on one database: an issue ingested through one is answerable on the other after its
archive check, from the vectors the first stored, without embedding anything (SQLite and PostgreSQL).
The same with real processes and the real model: tests/test_replicas.py."""

from __future__ import annotations

from pathlib import Path

from digestbot.app import build_core
from digestbot.core import Digestbot
from digestbot.domain import Issue
from digestbot.embedding.embed import HashingEmbedder
from digestbot.ingest.sources import SourceReader
from digestbot.search import SearchEngine
from digestbot.store import Archive, ChatState, Database, SaveOutcome
from tests.fakes import FAKE_POLICY, fake_settings

FIRST = """Northwind Risk’s Weekly Security Digest - March 4, 2031

Cyber / Defense Technology

  • Dockworkers in the port of Tirel walked out over a new shift system.
    • The strike may spread to Orlek.
"""
SECOND = """Northwind Risk’s Weekly Security Digest - March 11, 2031

Cyber / Defense Technology

  • The Zentrovax crew breached Kestrel Dynamics' payroll servers in Veloria.
    • Analysts expect copycat attacks within weeks.
"""


def replica(database_url: str, data: Path) -> tuple[Digestbot, HashingEmbedder]:
    embedder = HashingEmbedder()
    settings = fake_settings(data_dir=data, database_url=database_url)
    return build_core(settings, embedder=embedder), embedder


def write(folder: Path, name: str, text: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def test_an_issue_ingested_on_one_replica_is_answered_by_the_other(database_url: str, tmp_path: Path) -> None:
    one, _ = replica(database_url, tmp_path / "one")
    other, embedder = replica(database_url, tmp_path / "other")
    one.ingest([write(tmp_path / "in", "a.txt", FIRST)])
    other.engine.ensure_index()
    assert other.sync_index() is False  # nothing changed since it loaded

    one.ingest([write(tmp_path / "in", "b.txt", SECOND)])
    encoded = embedder.texts_encoded
    assert other.sync_index() is True
    assert embedder.texts_encoded == encoded  # every passage's vector came from the store
    answer = other.ask("Zentrovax payroll breach")
    assert answer.hits and answer.hits[0].date.isoformat() == "2031-03-11"
    assert other.sync_index() is False


class WatchedArchive(Archive):
    """An archive that lets the other replica check the moment an issue is committed, the worst time."""

    def __init__(self, db: Database, other: Digestbot) -> None:
        super().__init__(db)
        self.other = other

    def save_issue(self, issue: Issue, *, source: str) -> SaveOutcome:
        outcome = super().save_issue(issue, source=source)
        assert self.other.sync_index() is True
        return outcome


def test_the_vectors_are_stored_before_the_issue_is_visible(database_url: str, tmp_path: Path) -> None:
    other, embedder = replica(database_url, tmp_path / "other")
    other.ingest([write(tmp_path / "in", "a.txt", FIRST)])
    db = Database(database_url)
    archive = WatchedArchive(db, other)
    one = Digestbot(
        archive,
        ChatState(db),
        SearchEngine(archive, HashingEmbedder(), tmp_path / "one", FAKE_POLICY),
        SourceReader(),
    )
    encoded = embedder.texts_encoded
    one.ingest([write(tmp_path / "in", "b.txt", SECOND)])
    assert embedder.texts_encoded == encoded
    assert [hit.date.isoformat() for hit in other.ask("Zentrovax payroll breach").hits][:1] == ["2031-03-11"]
    db.close()
