"""Markdown -> HTML (CommonMark via markdown-it-py); the HTML path does the rest."""

from __future__ import annotations

from markdown_it import MarkdownIt


def markdown_to_html(text: str) -> str:
    """Render Markdown to HTML: ``#`` headings become h-tags, ``-``/``*`` lists (nested) become <ul>.

    Line breaks are kept (``breaks``), so ``•`` and ``→`` lines inside one paragraph stay apart.
    """
    return str(MarkdownIt("commonmark", {"breaks": True}).render(text))
