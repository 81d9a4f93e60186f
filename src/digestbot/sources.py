"""Sources of digest documents: files, folders, web pages and RSS/Atom feeds.

Reading is separate from parsing: a source yields raw documents (bytes plus where they came from), or a
one-line error for a source that cannot be read, so one bad source never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx

from digestbot import __version__
from digestbot.errors import DigestbotError, ParseError, SourceError
from digestbot.parse import MAX_DOCUMENT_BYTES
from digestbot.store.polling import Validators

log = logging.getLogger(__name__)

# A .txt file's format is left to detection: saved web pages are often .txt files holding HTML.
SUFFIXES: dict[str, str | None] = {
    ".txt": None,
    ".text": None,
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
USER_AGENT = f"digestbot/{__version__} (weekly security digest bot; +https://pypi.org/project/digestbot/)"
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# Files in a digest folder that are never issues (a folder's own notes).
NOT_ISSUES = {"readme", "license", "licence", "changelog", "contributing"}
# A feed entry carrying at least this much HTML is the issue itself; a shorter one is a teaser to follow.
FULL_ENTRY_CHARS = 1500


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: its stable id, link, title and inline HTML (maybe only a teaser)."""

    id: str
    link: str
    title: str
    html: str


@dataclass(frozen=True)
class Fetched:
    """A fetched URL: body, content type and validators; ``not_modified`` for a 304."""

    body: bytes
    content_type: str
    validators: Validators
    not_modified: bool = False

    @property
    def is_feed(self) -> bool:
        """Whether the body is an RSS/Atom feed rather than a page."""
        return _looks_like_feed(self.body, self.content_type)

    def document(self, url: str) -> Document:
        """The body as a page document."""
        return Document(
            source=url, data=self.body, fmt="html" if "html" in self.content_type else None, url=url
        )


@dataclass(frozen=True)
class Document:
    """Raw bytes of one digest issue and where they came from."""

    source: str
    data: bytes
    fmt: str | None = None
    url: str | None = None


class SourceReader:
    """Turns locations (paths, folders, URLs) into documents."""

    def __init__(self, client: httpx.Client | None = None, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self._client = client
        self.max_bytes = max_bytes

    @property
    def client(self) -> httpx.Client:
        """The HTTP client, created on first use with timeouts and a truthful User-Agent."""
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(20.0, connect=10.0),
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            )
        return self._client

    def read_all(self, locations: list[str]) -> Iterator[Document | DigestbotError]:
        """Every document the locations name, in order; unreadable ones as errors."""
        for location in locations:
            try:
                yield from self.read(location)
            except DigestbotError as exc:
                yield exc

    def read(self, location: str) -> Iterator[Document | DigestbotError]:
        """The documents of one location: a file, each supported file of a folder, a page or a feed."""
        if is_url(location):
            yield from self._read_url(location)
            return
        path = Path(location)
        if path.is_dir():
            yield from self._read_folder(path)
        elif path.is_file():
            yield self._read_file(path)
        else:
            raise SourceError("no such file, folder or URL", source=location)

    def _read_folder(self, folder: Path) -> Iterator[Document | DigestbotError]:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        visible = [
            p
            for p in files
            if not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and p.stem.lower() not in NOT_ISSUES
        ]
        if not visible:
            raise SourceError("no digest files (.txt, .md, .html) in this folder", source=str(folder))
        for path in visible:
            try:
                yield self._read_file(path)
            except DigestbotError as exc:
                yield exc

    def _read_file(self, path: Path) -> Document:
        source = str(path)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ParseError(
                    f"file is {size / 1e6:.1f} MB, over the {self.max_bytes / 1e6:.0f} MB limit",
                    source=source,
                )
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read ({exc.strerror or exc})", source=source) from None
        return Document(source=source, data=data, fmt=SUFFIXES[path.suffix.lower()])

    def _read_url(self, url: str) -> Iterator[Document | DigestbotError]:
        fetched = self.fetch(url)
        if fetched.is_feed:
            for entry in self.feed_entries(url, fetched.body):
                try:
                    yield self.entry_document(entry)
                except DigestbotError as exc:
                    yield exc
        else:
            yield fetched.document(url)

    def feed_entries(self, feed_url: str, body: bytes) -> list[FeedEntry]:
        """The entries of an RSS/Atom feed, identified by id (or link), never by timestamp."""
        feed = feedparser.parse(body)
        if feed.bozo and not feed.entries:
            reason = feed.get("bozo_exception", "parse error")
            raise SourceError(f"not a readable RSS/Atom feed ({reason})", source=feed_url)
        entries = []
        for entry in feed.entries:
            link = str(entry.get("link") or feed_url)
            entry_id = str(entry.get("id") or link)
            entries.append(FeedEntry(entry_id, link, str(entry.get("title", "")), _entry_html(entry)))
        return entries

    def entry_document(self, entry: FeedEntry) -> Document:
        """A feed entry as a document: its own HTML when it carries the issue, else its linked page."""
        if len(entry.html) >= FULL_ENTRY_CHARS:
            # The entry title carries the issue's title block (and usually its date).
            page = f"<html><body><h1>{escape(entry.title)}</h1>{entry.html}</body></html>"
            return Document(source=entry.link, data=page.encode("utf-8"), fmt="html", url=entry.link)
        return self.fetch(entry.link).document(entry.link)

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET a URL with a size cap, conditionally when validators are given; SourceError on failure."""
        headers = _conditional_headers(validators)
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(b"", "", validators or Validators(), not_modified=True)
                response.raise_for_status()
                body = self._capped_body(url, response)
                got = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
                return Fetched(body, response.headers.get("content-type", "").lower(), got)
        except httpx.HTTPStatusError as exc:
            raise SourceError(f"HTTP {exc.response.status_code}", source=url) from None
        except httpx.HTTPError as exc:
            raise SourceError(f"cannot fetch ({type(exc).__name__}: {exc})", source=url) from None

    def _capped_body(self, url: str, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise SourceError(f"response is over the {self.max_bytes / 1e6:.0f} MB limit", source=url)
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Close the HTTP client, if one was opened."""
        if self._client is not None:
            self._client.close()


def is_url(location: str) -> bool:
    """Whether a location is an http(s) URL rather than a path."""
    return urlsplit(location).scheme in ("http", "https")


def _looks_like_feed(body: bytes, content_type: str) -> bool:
    if any(kind in content_type for kind in FEED_TYPES):
        return True
    head = body[:500].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in body[:2000].lower() or b"<feed" in body[:2000].lower())


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    contents = entry.get("content") or []
    values = [str(part.get("value", "")) for part in contents]
    best = max(values, key=len, default="")
    summary = str(entry.get("summary", ""))
    return best if len(best) >= len(summary) else summary


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers
