"""The digest parser: text, HTML and Markdown issues -> ``Issue(date, title, sections, url)``.

Public API: ``parse_document``, ``MAX_DOCUMENT_BYTES``, ``fold`` and ``html_to_text``. Every failure is a
``digestbot.errors.ParseError`` with a one-line message naming the source.

The pipeline: decode -> blocks (text lines, or HTML/Markdown elements) -> cleanup (``cleanup``: split
flattened lines, drop web-page noise, cut at "Related posts", drop the closing blurb) -> title block
(``titles``; the date by ``issue_date``) -> sections (``structure``). A section's ``part`` is the part heading
above it; when an issue has only part-level headings ("Global Security Matters", "Covid-19 Updates" with items
directly under them), each is a section with ``part=None``. Where a page lost its layout, text rules stand
in: ``inline_headings`` finds headings run into the text, ``commentary`` tells analysis from news, and
``vocabulary`` lists the heading names the digest has used. Item text keeps its original characters.
"""

from __future__ import annotations

from digestbot.parse.decode import MAX_DOCUMENT_BYTES
from digestbot.parse.document import parse_document
from digestbot.parse.html import html_to_text
from digestbot.parse.normalize import fold

__all__ = ["MAX_DOCUMENT_BYTES", "fold", "html_to_text", "parse_document"]
