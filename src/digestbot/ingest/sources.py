"""Sources of digest documents: files, folders, web pages and RSS/Atom feeds.

Reading is separate from parsing: a source yields raw documents (bytes plus where they came from), or a
one-line error for a source that cannot be read, so one bad source never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from digestbot import __version__
from digestbot.errors import DigestbotError, ParseError, SourceError
from digestbot.ingest.feeds import FULL_ENTRY_CHARS, FeedEntry, looks_like_feed, parse_feed
from digestbot.ingest.links import LinkPolicy
from digestbot.parse import MAX_DOCUMENT_BYTES
from digestbot.parse.decode import decode
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
# Files in a digest folder that are never issues (a folder's own notes).
NOT_ISSUES = {"readme", "license", "licence", "changelog", "contributing"}
MAX_REDIRECTS = 5
DEFAULT_MAX_FEED_ENTRIES = 50


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
        return looks_like_feed(self.body, self.content_type)

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
    """Turns locations (paths, folders, URLs) into documents.

    ``links`` decides which feed entry links may be fetched (by default only public http(s) addresses);
    ``max_feed_entries`` caps the entries read from one feed at a time.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        links: LinkPolicy | None = None,
        max_feed_entries: int = DEFAULT_MAX_FEED_ENTRIES,
    ) -> None:
        self._client = client
        self.max_bytes = max_bytes
        self.links = links or LinkPolicy()
        self.max_feed_entries = max_feed_entries

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
            yield from self._read_file(path)
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
                yield from self._read_file(path)
            except DigestbotError as exc:
                yield exc

    def _read_file(self, path: Path) -> Iterator[Document | DigestbotError]:
        """A file of a listed suffix as it is; any other by its content: a feed's entries, a digest in
        text, HTML or Markdown, or SourceError "unsupported file type"."""
        source, data = str(path), self._file_bytes(path)
        suffix = path.suffix.lower()
        if suffix in SUFFIXES:
            yield Document(source=source, data=data, fmt=SUFFIXES[suffix])
        elif looks_like_feed(data):
            yield from self._read_feed(source, data)
        else:
            _check_readable(data, source=source)
            yield Document(source=source, data=data)

    def _file_bytes(self, path: Path) -> bytes:
        source = str(path)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise ParseError(
                    f"file is {size / 1e6:.1f} MB, over the {self.max_bytes / 1e6:.0f} MB limit",
                    source=source,
                )
            return path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read ({exc.strerror or exc})", source=source) from None

    def _read_url(self, url: str) -> Iterator[Document | DigestbotError]:
        fetched = self.fetch(url)
        if fetched.is_feed:
            yield from self._read_feed(url, fetched.body)
        else:
            yield fetched.document(url)

    def _read_feed(self, source: str, body: bytes) -> Iterator[Document | DigestbotError]:
        for entry in self.capped(source, self.feed_entries(source, body)):
            try:
                yield self.entry_document(entry)
            except DigestbotError as exc:
                yield exc

    def feed_entries(self, source: str, body: bytes) -> list[FeedEntry]:
        """The entries of an RSS/Atom feed (at a URL or in a file), identified by id (or link)."""
        return parse_feed(source, body)

    def capped(self, source: str, entries: list[FeedEntry]) -> list[FeedEntry]:
        """The first ``max_feed_entries`` entries; one log line says how many more wait."""
        if len(entries) > self.max_feed_entries:
            log.warning(
                "%s: %d feed entries, reading the first %d (max_feed_entries); the rest wait",
                source,
                len(entries),
                self.max_feed_entries,
            )
        return entries[: self.max_feed_entries]

    def entry_document(self, entry: FeedEntry) -> Document:
        """A feed entry as a document: its own HTML when it carries the issue, else its linked page,
        fetched only if the link policy allows it."""
        if len(entry.html) >= FULL_ENTRY_CHARS:
            # The entry title carries the issue's title block (and usually its date).
            page = f"<html><body><h1>{escape(entry.title)}</h1>{entry.html}</body></html>"
            url = entry.link if is_url(entry.link) else None  # never cite a javascript: or file: link
            return Document(source=entry.link, data=page.encode("utf-8"), fmt="html", url=url)
        return self.fetch(entry.link, untrusted=True).document(entry.link)

    def fetch(self, url: str, validators: Validators | None = None, *, untrusted: bool = False) -> Fetched:
        """GET a URL with a size cap, conditionally when validators are given; SourceError on failure.
        ``untrusted`` (a link a feed wrote) checks the URL and every redirect against the link policy."""
        headers = _conditional_headers(validators)
        try:
            with self._get(url, headers, untrusted=untrusted) as response:
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

    @contextmanager
    def _get(self, url: str, headers: dict[str, str], *, untrusted: bool) -> Iterator[httpx.Response]:
        request = self.client.build_request("GET", url, headers=headers)
        for _ in range(MAX_REDIRECTS + 1):
            if untrusted:
                self.links.check(str(request.url))
            response = self.client.send(request, stream=True, follow_redirects=not untrusted)
            if response.next_request is None:
                try:
                    yield response
                finally:
                    response.close()
                return
            response.close()
            request = response.next_request
        raise SourceError(f"more than {MAX_REDIRECTS} redirects", source=url)

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


def _check_readable(data: bytes, *, source: str) -> None:
    """Check that a file of an unlisted suffix is a digest the parser may read (text, HTML, Markdown: it
    tells them apart itself); SourceError "unsupported file type" for binary files and XML that is
    neither a feed nor a page."""
    try:
        text = decode(data, source="")
    except ParseError as exc:
        raise SourceError(f"unsupported file type: {exc}", source=source) from None
    head = text[:4096].lstrip().lower()
    if head.startswith("<?xml") and "<html" not in head:
        raise SourceError("unsupported file type: XML that is not an RSS/Atom feed", source=source)


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers
