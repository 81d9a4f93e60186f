"""Reading sources: files, folders, pages and feeds (served from loopback), with clear errors."""

from __future__ import annotations

import ipaddress
import logging
import re
from pathlib import Path
from typing import ClassVar

import pytest

from digestbot.errors import DigestbotError, ParseError, SourceError
from digestbot.ingest.links import LinkPolicy
from digestbot.ingest.sources import Document, SourceReader
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
    # The test site is on loopback: following its entry links needs the operator's opt-in.
    found = documents(SourceReader(links=LinkPolicy(allow_private=True)), site.url("/feed.xml"))
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


def full_entries(site: StaticSite, count: int) -> bytes:
    return rss((f"Digest - March {n}, 2031", site.url(f"/issue-{n}"), LONG_ENTRY) for n in range(count))


def test_files_of_unlisted_suffixes_are_read_by_their_content(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_bytes(rss([("Digest - March 11, 2031", "https://n.test/a", LONG_ENTRY)]))
    (tmp_path / "feed.rss").write_bytes(rss([("Digest - March 18, 2031", "", LONG_ENTRY)]))
    (tmp_path / "digest").write_text("Digest - March 4, 2031\n\nCyber\n\n• An item.\n")
    (tmp_path / "data.xml").write_text('<?xml version="1.0"?><config><a>1</a></config>')
    (tmp_path / "blob.bin").write_bytes(b"\x89PNG\x00\x00" * 50)
    names = ("feed.xml", "feed.rss", "digest", "data.xml", "blob.bin")
    xml_feed, rss_feed, plain, xml, blob = documents(SourceReader(), *(str(tmp_path / n) for n in names))
    assert isinstance(xml_feed, Document) and xml_feed.source == "https://n.test/a"
    assert xml_feed.url == "https://n.test/a" and b"March 11, 2031" in xml_feed.data
    # An entry without a link is named by the feed file, and cites no URL.
    assert isinstance(rss_feed, Document) and rss_feed.source == str(tmp_path / "feed.rss")
    assert rss_feed.url is None
    assert isinstance(plain, Document) and plain.fmt is None
    assert str(xml) == f"{tmp_path / 'data.xml'}: unsupported file type: XML that is not an RSS/Atom feed"
    assert isinstance(blob, SourceError) and "blob.bin: unsupported file type: binary file" in str(blob)


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "non-public address (169.254.169.254)"),
        ("http://127.0.0.1:8080/admin", "non-public address (127.0.0.1)"),
        ("http://[::1]/", "non-public address (::1)"),
        ("http://[::ffff:10.0.0.5]/", "non-public address (::ffff:a00:5)"),
        ("http://localhost/", "non-public address"),
        ("http://intranet.corp.test/", "non-public address (192.168.1.20)"),
        ("http://mixed.test/", "non-public address (10.1.2.3)"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("http://nowhere.invalid/", "cannot resolve"),
    ],
)
def test_feed_entry_links_to_private_or_odd_addresses_are_refused(link: str, reason: str) -> None:
    policy = LinkPolicy(resolver=FakeDns().resolve)
    with pytest.raises(SourceError, match=re.escape(reason)):
        policy.check(link)


def test_public_links_pass_and_the_operator_may_allow_private_ones() -> None:
    LinkPolicy(resolver=FakeDns().resolve).check("https://news.example/issue-1")
    LinkPolicy(allow_private=True, resolver=FakeDns().resolve).check("http://169.254.169.254/")
    with pytest.raises(SourceError, match="not an http"):
        LinkPolicy(allow_private=True).check("file:///etc/passwd")


class FakeDns:
    """A resolver with fixed answers (IP literals resolve to themselves, as getaddrinfo does)."""

    answers: ClassVar[dict[str, list[str]]] = {
        "news.example": ["93.184.216.34"],
        "intranet.corp.test": ["192.168.1.20"],
        "mixed.test": ["93.184.216.34", "10.1.2.3"],
        "localhost": ["127.0.0.1", "::1"],
    }

    def resolve(self, host: str) -> list[str]:
        if host in self.answers:
            return self.answers[host]
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            raise OSError(f"no such host {host}") from None


def test_a_teaser_linking_to_the_metadata_service_is_never_fetched(site: StaticSite) -> None:
    site.routes["/feed.xml"] = Route(
        rss([("Short", "http://169.254.169.254/latest/meta-data/", "Read more")]),
        content_type="application/rss+xml",
    )
    [error] = documents(SourceReader(), site.url("/feed.xml"))
    assert isinstance(error, SourceError) and "non-public address (169.254.169.254)" in str(error)
    assert [path for path, _ in site.requests] == ["/feed.xml"]  # the feed itself, on loopback, is fine


def test_every_redirect_of_an_entry_link_is_checked(site: StaticSite) -> None:
    """A host that passes the check but redirects to a private address: the redirect is not followed."""
    port = site.base_url.rsplit(":", 1)[1]
    site.routes["/hop"] = Route(b"", status=302, location=site.url("/secret"))
    site.routes["/secret"] = Route(PAGE)
    site.routes["/feed.xml"] = Route(rss([("Short", f"http://localhost:{port}/hop", "Read more")]))
    lying_dns = FakeDns()
    lying_dns.answers = {"localhost": ["93.184.216.34"]}  # passes the check; httpx still connects locally
    [error] = documents(SourceReader(links=LinkPolicy(resolver=lying_dns.resolve)), site.url("/feed.xml"))
    assert isinstance(error, SourceError) and "non-public address (127.0.0.1)" in str(error)
    assert [path for path, _ in site.requests] == ["/feed.xml", "/hop"]


def test_entries_per_feed_are_capped_with_one_log_line(
    site: StaticSite, caplog: pytest.LogCaptureFixture
) -> None:
    site.routes["/feed.xml"] = Route(full_entries(site, 60), content_type="application/rss+xml")
    with caplog.at_level(logging.WARNING, logger="digestbot.ingest.sources"):
        found = documents(SourceReader(max_feed_entries=50), site.url("/feed.xml"))
    assert len(found) == 50 and all(isinstance(d, Document) for d in found)
    [line] = [r.getMessage() for r in caplog.records if r.name == "digestbot.ingest.sources"]
    assert line.endswith("60 feed entries, reading the first 50 (max_feed_entries); the rest wait")
