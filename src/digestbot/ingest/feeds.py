"""RSS/Atom feeds: telling a feed from a page, and reading its entries."""

from __future__ import annotations

from dataclasses import dataclass

import feedparser

from digestbot.errors import SourceError

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# A feed entry carrying at least this much HTML is the issue itself; a shorter one is a teaser to follow.
FULL_ENTRY_CHARS = 1500


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: its stable id, link, title and inline HTML (maybe only a teaser)."""

    id: str
    link: str
    title: str
    html: str


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a body is an RSS/Atom feed, by its content type or else by its first bytes."""
    if any(kind in content_type for kind in FEED_TYPES):
        return True
    head = body[:2000].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    roots = (b"<rss", b"<feed", b"<rdf:rdf")
    return head.startswith(roots) or (head.startswith(b"<?xml") and any(root in head for root in roots))


def parse_feed(source: str, body: bytes) -> list[FeedEntry]:
    """The entries of an RSS/Atom feed, identified by id (or link), never by timestamp. An entry without
    a link gets the feed's own location."""
    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        reason = feed.get("bozo_exception", "parse error")
        raise SourceError(f"not a readable RSS/Atom feed ({reason})", source=source)
    entries = []
    for entry in feed.entries:
        link = str(entry.get("link") or source)
        entry_id = str(entry.get("id") or link)
        entries.append(FeedEntry(entry_id, link, str(entry.get("title", "")), _entry_html(entry)))
    return entries


def _entry_html(entry: feedparser.FeedParserDict) -> str:
    contents = entry.get("content") or []
    values = [str(part.get("value", "")) for part in contents]
    best = max(values, key=len, default="")
    summary = str(entry.get("summary", ""))
    return best if len(best) >= len(summary) else summary
