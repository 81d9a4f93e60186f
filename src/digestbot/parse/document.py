"""parse_document(): bytes or text in any supported format -> one ``Issue``."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import urllib.parse
from pathlib import PurePosixPath

from digestbot.domain import Issue
from digestbot.errors import ParseError
from digestbot.parse.blocks import Block, text_to_blocks
from digestbot.parse.cleanup import clean_blocks
from digestbot.parse.dates import find_possible_date
from digestbot.parse.decode import decode
from digestbot.parse.html import parse_html
from digestbot.parse.issue_date import resolve_date
from digestbot.parse.limits import check_items, check_lines
from digestbot.parse.markdown import markdown_to_html
from digestbot.parse.structure import build_sections
from digestbot.parse.titles import DEFAULT_TITLE, split_title_block, title_from_line

FORMATS = ("text", "html", "markdown")
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_HTML_CONTENT = re.compile(r"<(?:body|p|li|ul|ol|div|article|h[1-6])\b[^>]*>", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^#{1,6} \S", re.MULTILINE)
# A text digest may quote a tag or two mid-sentence ("a fake <div> overlay"); HTML has many, or starts lines
# with them.
_HTML_MIN_TAGS = 4
_HTML_LINE_START = re.compile(
    r"^\s*<(?:body|p|li|ul|ol|div|article|h[1-6])\b[^>]*>", re.IGNORECASE | re.MULTILINE
)


def parse_document(
    data: bytes | str,
    *,
    source: str,
    fmt: str | None = None,
    url: str | None = None,
    date: dt.date | None = None,
) -> Issue:
    """Parse one digest issue.

    ``source`` (a file name, path or URL) names the document in errors and is a date hint; ``fmt`` is
    "text", "html" or "markdown", or None to detect it from the suffix or content; ``url`` is the issue's
    web address (also a date hint; defaults to ``source`` when that is an http(s) URL); ``date`` overrides
    any date found. Raises ``ParseError`` only.
    """
    text = decode(data, source=source)
    kind = fmt or detect_format(text, source=source)
    if kind != "html":
        check_lines(text, source=source)
    try:
        blocks, page_title = _to_blocks(text, kind, source=source)
    except RecursionError:
        raise ParseError("document is nested too deeply to read", source=source) from None
    head = split_title_block(blocks, source=source)
    sections = build_sections(head.rest)
    if not sections:
        raise ParseError("no digest items found", source=source)
    check_items(sections, source=source)
    url = url or (source if source.startswith(("http://", "https://")) else None)
    page = find_possible_date(page_title or "")
    day = resolve_date(date, head.dates, page, [hint for hint in (url, source) if hint], source=source)
    title = head.title or _page_title(page_title) or DEFAULT_TITLE
    return Issue(day, title, sections, url)


def detect_format(text: str, *, source: str) -> str:
    """The format of a document: "html", "markdown" or "text", by the source's suffix, else by content."""
    suffix = PurePosixPath(urllib.parse.urlsplit(source).path).suffix.lower()
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "<")) or _looks_like_html(text[:200_000]):
        return "html"
    if _MARKDOWN_HEADING.search(text[:200_000]):
        return "markdown"
    return "text"


def _looks_like_html(text: str) -> bool:
    if _HTML_LINE_START.search(text):
        return True
    # Stop at the fourth tag: a 20 MB page need not be scanned to the end.
    tags = itertools.islice(_HTML_CONTENT.finditer(text), _HTML_MIN_TAGS)
    return sum(1 for _ in tags) >= _HTML_MIN_TAGS


def _to_blocks(text: str, kind: str, *, source: str) -> tuple[list[Block], str | None]:
    if kind == "html":
        blocks, page_title = parse_html(text, source=source)
    elif kind == "markdown":
        blocks, page_title = parse_html(markdown_to_html(text), source=source)
    elif kind == "text":
        blocks, page_title = text_to_blocks(text), None
    else:
        raise ParseError(f"unknown format '{kind}' (expected one of {', '.join(FORMATS)})", source=source)
    return clean_blocks(blocks), page_title


def _page_title(page_title: str | None) -> str | None:
    return title_from_line(page_title, find_possible_date(page_title)) if page_title else None
