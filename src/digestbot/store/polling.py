"""What polled sources already gave us: seen documents and HTTP validators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from digestbot.store.db import Database
from digestbot.store.models import HttpCacheRow, SeenDocumentRow, utcnow
from digestbot.store.sql import insert


@dataclass(frozen=True)
class Validators:
    """ETag and Last-Modified of a URL's last successful fetch."""

    etag: str | None = None
    last_modified: str | None = None


class PollState:
    """Seen documents per source and HTTP validators per URL."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def seen(self, source: str, doc_id: str, digest: str | None = None) -> bool:
        """Whether this document was ingested before (with the same content, when a digest is given)."""
        with self.db.transaction() as session:
            row = session.get(SeenDocumentRow, (source, doc_id))
            return row is not None and (digest is None or row.digest == digest)

    def mark_seen(self, source: str, doc_id: str, digest: str) -> None:
        """Remember a document once it is ingested (the latest digest wins when two processes race)."""
        with self.db.transaction() as session:
            statement = insert(session, SeenDocumentRow).values(
                source=source, doc_id=doc_id, digest=digest, seen_at=utcnow()
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["source", "doc_id"],
                    set_={"digest": statement.excluded.digest, "seen_at": statement.excluded.seen_at},
                )
            )

    def validators(self, url: str) -> Validators:
        """The validators stored for a URL (empty when never fetched)."""
        with self.db.transaction() as session:
            row = session.scalar(select(HttpCacheRow).where(HttpCacheRow.url == url))
            return Validators() if row is None else Validators(row.etag, row.last_modified)

    def store_validators(self, url: str, validators: Validators) -> None:
        """Keep the validators of a successful fetch."""
        with self.db.transaction() as session:
            statement = insert(session, HttpCacheRow).values(
                url=url, etag=validators.etag, last_modified=validators.last_modified
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["url"],
                    set_={"etag": statement.excluded.etag, "last_modified": statement.excluded.last_modified},
                )
            )
