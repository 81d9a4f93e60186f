"""Polling configured sources for what is new since the last cycle.

Folder files are new when their content is; feed entries when their id (or link) is — never by timestamp,
since publishers edit dates; pages when their content is, fetched conditionally (ETag / Last-Modified).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from digestbot.errors import DigestbotError, SourceError
from digestbot.ingest.sources import Document, SourceReader, is_url
from digestbot.settings import SourceConfig
from digestbot.store.polling import PollState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Polled:
    """A new document, and how to remember it once it is ingested."""

    document: Document
    source: str
    doc_id: str
    digest: str


class SourcePoller:
    """Yields only the documents each source has that were not ingested before."""

    def __init__(self, reader: SourceReader, state: PollState) -> None:
        self.reader = reader
        self.state = state

    def poll(self, sources: Sequence[SourceConfig]) -> Iterator[Polled | DigestbotError]:
        """New documents of every source, in order; a broken source is one error, the others go on."""
        for source in sources:
            try:
                yield from self._poll_one(source)
            except DigestbotError as exc:
                yield exc

    def mark_ingested(self, polled: Polled) -> None:
        """Remember a document after it was stored, so later polls skip it."""
        self.state.mark_seen(polled.source, polled.doc_id, polled.digest)

    def _poll_one(self, source: SourceConfig) -> Iterator[Polled | DigestbotError]:
        if is_url(source.location):
            yield from self._poll_url(source.location)
            return
        if not Path(source.location).exists():
            raise SourceError("no such folder", source=source.location)
        for found in self.reader.read(source.location):
            if isinstance(found, DigestbotError):
                yield found
                continue
            digest = _digest(found.data)
            if not self.state.seen(source.location, found.source, digest):
                yield Polled(found, source.location, found.source, digest)

    def _poll_url(self, url: str) -> Iterator[Polled | DigestbotError]:
        fetched = self.reader.fetch(url, self.state.validators(url))
        if fetched.not_modified:
            log.debug("%s not modified", url)
            return
        if fetched.is_feed:
            yield from self._poll_feed(url, fetched.body)
        else:
            digest = _digest(fetched.body)
            if not self.state.seen(url, url, digest):
                yield Polled(fetched.document(url), url, url, digest)
        self.state.store_validators(url, fetched.validators)

    def _poll_feed(self, url: str, body: bytes) -> Iterator[Polled | DigestbotError]:
        fresh = [entry for entry in self.reader.feed_entries(url, body) if not self.state.seen(url, entry.id)]
        # A capped poll leaves the rest unseen: the next poll reads them.
        for entry in self.reader.capped(url, fresh):
            try:
                document = self.reader.entry_document(entry)
            except DigestbotError as exc:
                yield exc
                continue
            yield Polled(document, url, entry.id, _digest(document.data))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
