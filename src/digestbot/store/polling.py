"""What polled sources already gave us: seen documents and HTTP validators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from digestbot.store.db import Database
from digestbot.store.models import HttpCacheRow, SeenDocumentRow, utcnow


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
        """Remember a document once it is ingested."""
        with self.db.transaction() as session:
            row = session.get(SeenDocumentRow, (source, doc_id))
            if row is None:
                session.add(SeenDocumentRow(source=source, doc_id=doc_id, digest=digest, seen_at=utcnow()))
            else:
                row.digest, row.seen_at = digest, utcnow()

    def validators(self, url: str) -> Validators:
        """The validators stored for a URL (empty when never fetched)."""
        with self.db.transaction() as session:
            row = session.scalar(select(HttpCacheRow).where(HttpCacheRow.url == url))
            return Validators() if row is None else Validators(row.etag, row.last_modified)

    def store_validators(self, url: str, validators: Validators) -> None:
        """Keep the validators of a successful fetch."""
        with self.db.transaction() as session:
            row = session.get(HttpCacheRow, url)
            if row is None:
                session.add(
                    HttpCacheRow(url=url, etag=validators.etag, last_modified=validators.last_modified)
                )
            else:
                row.etag, row.last_modified = validators.etag, validators.last_modified
