"""Bad input: each is one ParseError with a one-line message naming the source and the problem."""

from __future__ import annotations

import pytest

from digestbot.errors import ParseError
from digestbot.parse import MAX_DOCUMENT_BYTES, parse_document

SOURCE = "inbox/bad-digest.txt"


def parse_error(data: bytes | str, *, source: str = SOURCE, fmt: str | None = None) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_document(data, source=source, fmt=fmt)
    message = str(caught.value)
    assert "\n" not in message
    assert source in message
    assert caught.value.source == source
    return caught.value


@pytest.mark.parametrize("data", [b"", "", b"   \n\t\n", "\ufeff\n", b"\xef\xbb\xbf"])
def test_empty(data: bytes | str) -> None:
    assert str(parse_error(data)).endswith("empty file")


def test_binary_with_nul_bytes() -> None:
    assert str(parse_error(b"PK\x03\x04\x00\x00digest.docx\x00\x00")).endswith(
        "binary file (NUL bytes), not a digest"
    )


def test_binary_mostly_control_characters() -> None:
    assert "binary file" in str(parse_error(bytes(range(1, 32)) * 40))


def test_over_the_size_limit_before_decoding() -> None:
    data = b"x" * (MAX_DOCUMENT_BYTES + 1)
    assert str(parse_error(data)).endswith("file is 20.0 MB, over the 20 MB limit")


def test_size_limit_message_names_the_size() -> None:
    data = b"\x00" * 52_400_000  # binary too: the size is checked first
    assert "file is 52.4 MB, over the 20 MB limit" in str(parse_error(data))


def test_text_over_the_limit() -> None:
    assert "over the 20 MB limit" in str(parse_error("é" * (MAX_DOCUMENT_BYTES // 2 + 1)))


def test_page_with_no_recognisable_items() -> None:
    text = (
        "Kestrel Weekly Digest – June 4, 2024\n\nAbout Us\n\nKestrel Advisory helps companies in Veloria.\n"
    )
    assert str(parse_error(text)).endswith("no digest items found")


def test_random_prose_has_no_items() -> None:
    assert str(parse_error("just some words on a page\nand another line of them\n")).endswith(
        "no digest items found"
    )


def test_html_with_no_body_text() -> None:
    html = (
        "<html><head><title>Digest</title></head><body><nav>Home Blog</nav><script>x()</script></body></html>"
    )
    assert str(parse_error(html, source="page.html")).endswith("HTML has no body text")


def test_html_that_is_all_furniture() -> None:
    html = (
        "<html><body><footer><p>© 2024 Kestrel</p></footer>"
        "<aside><ul><li>Top risks</li></ul></aside></body></html>"
    )
    assert str(parse_error(html, source="https://example.org/blog/")).endswith("HTML has no body text")


def test_unknown_format() -> None:
    assert "unknown format 'pdf'" in str(parse_error("Digest\n• item\n", fmt="pdf"))


def test_invalid_date_names_the_line() -> None:
    error = parse_error("\nKestrel Weekly Digest – February 30, 2024\n\nAffairs\n\n• Veloria voted.\n")
    assert error.line == 2
    assert str(error).startswith(f"{SOURCE}:2: invalid date 'February 30, 2024'")


def test_text_with_lone_surrogates_still_parses() -> None:
    text = "Kestrel Weekly Digest – June 4, 2024\n\nAffairs\n\n• Veloria \ud800voted.\n"
    item = parse_document(text, source="s.txt").sections[0].items[0]
    assert item.text == "Veloria ?voted."
    item.content_hash  # noqa: B018 - storable: hashing encodes to UTF-8


def test_absurdly_nested_html_is_refused_before_parsing() -> None:
    error = parse_error("<ul><li>" * 50_000, source="deep.html")
    assert "nested 50000 levels deep, over the 1000 limit" in str(error)
