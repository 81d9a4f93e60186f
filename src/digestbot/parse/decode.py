"""Bytes -> text: size limit, binary detection, UTF-8 / UTF-16 / Windows-1252 / Latin-1 decoding."""

from __future__ import annotations

import codecs
import unicodedata

from digestbot.errors import ParseError

MAX_DOCUMENT_BYTES = 20 * 1000 * 1000
"""Largest document accepted (20 MB); anything bigger is refused before decoding."""

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.05
# UTF-8 with a few stray bytes: at most this many, and this many well-formed multi-byte characters per stray.
_MAX_STRAY_BYTES = 16
_MIN_STRAY_RATIO = 3


def check_size(size: int, *, source: str) -> None:
    """Refuse a document over ``MAX_DOCUMENT_BYTES``, saying how big it is."""
    if size > MAX_DOCUMENT_BYTES:
        raise ParseError(
            f"file is {size / 1e6:.1f} MB, over the {MAX_DOCUMENT_BYTES / 1e6:.0f} MB limit", source=source
        )


def decode(data: bytes | str, *, source: str) -> str:
    """Decode a document to text, refusing empty, oversized and binary input with a ``ParseError``."""
    if isinstance(data, str):
        # Lone surrogates (from a bad upstream decode) cannot be stored: they become "?".
        encoded = data.encode("utf-8", "replace")
        check_size(len(encoded), source=source)
        text = encoded.decode("utf-8")
    else:
        check_size(len(data), source=source)
        text = _decode_bytes(data, source=source)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ParseError("empty file", source=source)
    if "\x00" in text:
        raise ParseError("binary file (NUL bytes), not a digest", source=source)
    if _mostly_controls(text):
        raise ParseError("binary file (control characters), not a digest", source=source)
    return text


def _decode_bytes(data: bytes, *, source: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError("binary file (bad UTF-16), not a digest", source=source) from None
    if b"\x00" in data:
        raise ParseError("binary file (NUL bytes), not a digest", source=source)
    utf8 = _utf8(data)
    if utf8 is not None:
        return utf8
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        return data.decode("latin-1")


def _utf8(data: bytes) -> str | None:
    """``data`` as UTF-8, or None when it is not.

    A page cut off mid-character still counts (its broken last character is dropped), and so does UTF-8
    with a few stray bytes (each becomes U+FFFD): read as Windows-1252 instead, every curly quote, dash and
    bullet of the page would turn into mojibake and its bullets would no longer be recognised.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            return data[: error.start].decode("utf-8-sig")
    text = data.decode("utf-8-sig", "replace")
    stray = text.count("\ufffd")
    wide = len(text) - len(text.encode("ascii", "ignore")) - stray
    return text if stray <= _MAX_STRAY_BYTES and wide >= _MIN_STRAY_RATIO * stray else None


def _mostly_controls(text: str) -> bool:
    sample = text[:65536]
    controls = sum(
        1 for ch in sample if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in ("Cc", "Cs")
    )
    return controls > _MAX_CONTROL_SHARE * len(sample)
