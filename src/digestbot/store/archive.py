"""The archive: issues, their items, and stored embedding vectors."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from digestbot.domain import Hit, Issue, IssueSummary, Item, Section, content_hash
from digestbot.store.db import Database
from digestbot.store.models import ArchiveStateRow, IssueRow, ItemRow, VectorRow, utcnow
from digestbot.store.sql import insert


class SaveOutcome(enum.Enum):
    """What ``save_issue`` did."""

    ADDED = "added"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class StoredItem:
    """An item as stored, with its issue's identity: what the index and search work on."""

    id: int
    date: dt.date
    title: str
    url: str | None
    part: str | None
    section: str
    position: int
    text: str
    analysis: tuple[str, ...]
    content_hash: str


class Archive:
    """Issues and items, saved idempotently and replaced atomically."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._latest: tuple[int, Issue | None] | None = None  # (archive version, its newest issue)

    def save_issue(self, issue: Issue, *, source: str) -> SaveOutcome:
        """Store an issue. The same content twice changes nothing; a new version of a date replaces
        that issue's items in one transaction, so a failure part-way leaves the previous state.

        Safe across processes: the archive version is bumped first, which locks its row, so two saves
        of one date queue up and the second finds the first's (UNCHANGED or REPLACED, never an error).
        """
        digest = issue.content_hash
        if self._stored_hash(issue.date) == digest:
            return SaveOutcome.UNCHANGED  # the common re-ingest, without taking the write lock
        with self.db.transaction() as session:
            _bump_version(session)
            row = session.scalar(select(IssueRow).where(IssueRow.date == issue.date))
            if row is not None and row.content_hash == digest:
                session.rollback()  # a concurrent save stored it first: the version stays as it was
                return SaveOutcome.UNCHANGED
            outcome = SaveOutcome.ADDED if row is None else SaveOutcome.REPLACED
            if row is None:
                row = IssueRow(date=issue.date, ingested_at=utcnow())
                session.add(row)
            else:
                session.execute(delete(ItemRow).where(ItemRow.issue_id == row.id))
                session.expire(row, ["items"])
            row.title, row.url, row.source = issue.title, issue.url, source
            row.content_hash, row.updated_at = digest, utcnow()
            session.flush()
            session.add_all(_item_rows(row.id, issue))
        return outcome

    def version(self) -> int:
        """The archive's version: changes whenever an issue is added or replaced, by any process."""
        with self.db.transaction() as session:
            return session.scalar(select(ArchiveStateRow.version).where(ArchiveStateRow.id == 1)) or 0

    def _stored_hash(self, date: dt.date) -> str | None:
        with self.db.transaction() as session:
            return session.scalar(select(IssueRow.content_hash).where(IssueRow.date == date))

    def list_issues(self) -> list[IssueSummary]:
        """Every issue, oldest first, with section names and item counts in reading order.

        One pass over each item's section and part only: no item text is loaded."""
        issues = select(IssueRow.id, IssueRow.date, IssueRow.title, IssueRow.url).order_by(IssueRow.date)
        headings = select(ItemRow.issue_id, ItemRow.section, ItemRow.part).order_by(
            ItemRow.issue_id, ItemRow.position
        )
        with self.db.transaction() as session:
            counts = _section_counts(session.execute(headings))
            return [
                IssueSummary(date, title, url, counts.get(issue_id, ()))
                for issue_id, date, title, url in session.execute(issues)
            ]

    def get_issue(self, date: dt.date) -> Issue | None:
        """The issue of that date, rebuilt as parsed, or None. Linear in its items."""
        with self.db.transaction() as session:
            row = session.execute(
                select(IssueRow.id, IssueRow.title, IssueRow.url).where(IssueRow.date == date)
            ).first()
            if row is None:
                return None
            # Core rows, not ORM ones: a 40k-item issue spends half its load time in ORM row handling.
            items = session.connection().execute(
                select(ItemRow.section, ItemRow.part, ItemRow.text, ItemRow.analysis)
                .where(ItemRow.issue_id == row.id)
                .order_by(ItemRow.position)
            )
            return Issue(date=date, title=row.title, sections=_sections(items), url=row.url)

    def latest_issue(self) -> Issue | None:
        """The newest issue, or None for an empty archive. Loaded again only when the archive's version
        has changed (a save by any process, the check the search snapshot makes): a load is a query and
        every item of the issue, and under a burst of ``latest`` it was a third of the answers' Python."""
        version = self.version()  # read first: a save while the issue loads leaves it behind, so it reloads
        cached = self._latest
        if cached is not None and cached[0] == version:
            return cached[1]
        newest = self.latest_date()
        issue = None if newest is None else self.get_issue(newest)
        self._latest = (version, issue)
        return issue

    def latest_date(self) -> dt.date | None:
        """The newest issue's date, or None for an empty archive."""
        with self.db.transaction() as session:
            return session.scalar(select(func.max(IssueRow.date)))

    def issue_dates(self) -> list[dt.date]:
        """Every issue date, oldest first."""
        with self.db.transaction() as session:
            return list(session.scalars(select(IssueRow.date).order_by(IssueRow.date)))

    def items(self, ids: Iterable[int] | None = None) -> list[StoredItem]:
        """Stored items (all, or those ids), ordered by issue date then position."""
        query = select(ItemRow, IssueRow).join(IssueRow).order_by(IssueRow.date, ItemRow.position)
        if ids is not None:
            query = query.where(ItemRow.id.in_(list(ids)))
        with self.db.transaction() as session:
            return [_stored(item, issue) for item, issue in session.execute(query)]

    def item_keys(self) -> dict[int, str]:
        """Every item id with its content hash (cheap: no text), to tell which items changed."""
        with self.db.transaction() as session:
            return {
                item_id: digest
                for item_id, digest in session.execute(select(ItemRow.id, ItemRow.content_hash))
            }

    def fingerprint(self) -> str:
        """A hash of every item id and content: changes whenever the searchable archive changes."""
        with self.db.transaction() as session:
            rows = session.execute(select(ItemRow.id, ItemRow.content_hash).order_by(ItemRow.id))
            return content_hash(*(f"{item_id}:{digest}" for item_id, digest in rows))

    def get_vectors(self, model: str, text_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors of that model for those text hashes (missing ones are simply absent)."""
        found: dict[str, np.ndarray] = {}
        with self.db.transaction() as session:
            for start in range(0, len(text_hashes), 500):
                chunk = list(text_hashes[start : start + 500])
                query = select(VectorRow).where(VectorRow.model == model, VectorRow.text_hash.in_(chunk))
                for row in session.scalars(query):
                    found[row.text_hash] = np.frombuffer(row.data, dtype=np.float32).copy()
        return found

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors by text hash; existing ones are kept (same text, same model, same vector), also
        when another process stores the same ones at the same time."""
        if not vectors:
            return
        rows = [
            {"model": model, "text_hash": key, "dim": int(vec.shape[0]), "data": _as_bytes(vec)}
            for key, vec in vectors.items()
        ]
        with self.db.transaction() as session:
            statement = insert(session, VectorRow)
            session.execute(statement.on_conflict_do_nothing(index_elements=["model", "text_hash"]), rows)


def _bump_version(session: Session) -> None:
    """Version + 1 (the row is created on first use). On PostgreSQL this locks the row until commit."""
    statement = insert(session, ArchiveStateRow).values(id=1, version=1)
    session.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_={"version": ArchiveStateRow.version + 1})
    )


def _as_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


def _item_rows(issue_id: int, issue: Issue) -> list[ItemRow]:
    return [
        ItemRow(
            issue_id=issue_id,
            position=position,
            part=section.part,
            section=section.name,
            text=item.text,
            analysis=list(item.analysis),
            content_hash=item.content_hash,
            source_url=issue.url,
        )
        for position, (section, item) in enumerate(issue.items)
    ]


def _section_counts(
    rows: Iterable[tuple[int, str, str | None]],
) -> dict[int, tuple[tuple[str, int], ...]]:
    """Per issue, each run of consecutive items of one section and part: its name and length."""
    runs: dict[int, list[tuple[str, str | None, int]]] = {}
    for issue_id, section, part in rows:
        issue_runs = runs.setdefault(issue_id, [])
        if issue_runs and issue_runs[-1][:2] == (section, part):
            issue_runs[-1] = (section, part, issue_runs[-1][2] + 1)
        else:
            issue_runs.append((section, part, 1))
    return {issue_id: tuple((name, n) for name, _, n in found) for issue_id, found in runs.items()}


def _sections(rows: Iterable[tuple[str, str | None, str, list[str]]]) -> tuple[Section, ...]:
    """Consecutive items of the same section and part make one section. Each section's items are
    collected in a list and frozen once: rebuilding a tuple per item made loading quadratic."""
    runs: list[tuple[str, str | None, list[Item]]] = []
    for section, part, text, analysis in rows:
        if not runs or (runs[-1][0], runs[-1][1]) != (section, part):
            runs.append((section, part, []))
        runs[-1][2].append(Item(text=text, analysis=tuple(analysis)))
    return tuple(Section(name=name, part=part, items=tuple(items)) for name, part, items in runs)


def _stored(item: ItemRow, issue: IssueRow) -> StoredItem:
    return StoredItem(
        id=item.id,
        date=issue.date,
        title=issue.title,
        url=item.source_url or issue.url,
        part=item.part,
        section=item.section,
        position=item.position,
        text=item.text,
        analysis=tuple(item.analysis),
        content_hash=item.content_hash,
    )


def stored_hit(item: StoredItem, score: float = 0.0) -> Hit:
    """A stored item as a search hit (what answers and details show)."""
    return Hit(
        item_id=item.id, date=item.date, title=item.title, section=item.section, text=item.text,
        analysis=item.analysis, score=score, url=item.url, part=item.part,
    )  # fmt: skip
