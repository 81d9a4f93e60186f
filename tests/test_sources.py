"""Reading sources: files, folders, pages and feeds (served from loopback), with clear errors."""

from __future__ import annotations

from pathlib import Path

from digestbot.errors import DigestbotError, ParseError, SourceError
from digestbot.sources import Document, SourceReader
from tests.http_support import Route, StaticSite, rss

PAGE = (
    b"<html><body><article><h1>Digest - March 4, 2031</h1><ul><li>An item.</li></ul></article></body></html>"
)
LONG_ENTRY = "<h2>Cyber</h2><ul>" + "<li>A long enough item about Kestrel Dynamics.</li>" * 60 + "</ul>"


def documents(reader: SourceReader, *locations: str) -> list[Document | DigestbotError]:
    return list(reader.read_all(list(locations)))


def test_folder_yields_supported_files_in_order(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "c.html", "notes.pdf", ".hidden.txt", "README.md"):
        (tmp_path / name).write_text("x")
    found = documents(SourceReader(), str(tmp_path))
    assert [Path(d.source).name for d in found if isinstance(d, Document)] == ["a.txt", "b.md", "c.html"]
    assert [d.fmt for d in found if isinstance(d, Document)] == [None, "markdown", "html"]


def test_missing_path_and_empty_folder_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [missing, empty] = documents(SourceReader(), str(tmp_path / "nope.txt"), str(tmp_path / "empty"))
    assert isinstance(missing, SourceError) and "nope.txt: no such file" in str(missing)
    assert isinstance(empty, SourceError) and "no digest files" in str(empty)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    [error] = documents(SourceReader(max_bytes=1024), str(big))
    assert isinstance(error, ParseError) and "big.txt" in str(error) and "limit" in str(error)


def test_page_is_fetched_with_a_truthful_user_agent(site: StaticSite) -> None:
    site.routes["/digest-march-4-2031/"] = Route(PAGE)
    [document] = documents(SourceReader(), site.url("/digest-march-4-2031/"))
    assert isinstance(document, Document)
    assert (
        document.data == PAGE and document.fmt == "html" and document.url == site.url("/digest-march-4-2031/")
    )
    assert site.requests[0][1]["User-Agent"].startswith("digestbot/")


def test_feed_entries_inline_or_followed(site: StaticSite) -> None:
    site.routes["/teaser"] = Route(PAGE)
    site.routes["/feed.xml"] = Route(
        rss(
            [
                ("Digest - March 11, 2031", site.url("/full"), LONG_ENTRY),
                ("Short", site.url("/teaser"), "Read more"),
            ]
        ),
        content_type="application/rss+xml",
    )
    found = documents(SourceReader(), site.url("/feed.xml"))
    assert [d.source for d in found if isinstance(d, Document)] == [site.url("/full"), site.url("/teaser")]
    inline = found[0]
    assert isinstance(inline, Document) and b"<h1>Digest - March 11, 2031</h1>" in inline.data
    assert [path for path, _ in site.requests] == ["/feed.xml", "/teaser"]


def test_http_errors_and_oversized_responses(site: StaticSite) -> None:
    site.routes["/gone"] = Route(b"no", status=410)
    site.routes["/huge"] = Route(b"x" * 5000)
    gone, huge = documents(SourceReader(max_bytes=1000), site.url("/gone"), site.url("/huge"))
    assert isinstance(gone, SourceError) and "HTTP 410" in str(gone)
    assert isinstance(huge, SourceError) and "limit" in str(huge)


def test_unreachable_host_is_an_error_not_a_crash() -> None:
    [error] = documents(SourceReader(), "http://127.0.0.1:9/never")
    assert isinstance(error, SourceError) and "cannot fetch" in str(error)
