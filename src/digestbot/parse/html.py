"""HTML -> blocks: keep the article, drop the page furniture, read headings and (nested) lists.

Beyond the text, the markup gives two things: heading levels (h1-h6), which tell a part from a section,
and nesting (nested lists, editors' indent classes and margins), which tells an item from its analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from digestbot.errors import ParseError
from digestbot.parse.blocks import BLANK, Block, classify
from digestbot.parse.headings import MAX_HEADING_CHARS
from digestbot.parse.nesting import check_nesting
from digestbot.parse.noise import is_noise

_REMOVED = (
    "nav, header, footer, aside, script, style, form, noscript, template, iframe, svg, button, select, "
    "[role=navigation], [role=search], [hidden]"
)
_NOISY_NAMES = (
    "sidebar", "breadcrumb", "share", "related", "comment", "menu", "widget", "search", "cookie",
    "newsletter", "signup", "subscribe", "social", "consent", "gdpr", "popup", "modal", "navigation",
    "respond",
)  # fmt: skip
_MOST_OF_THE_PAGE = 0.5
_KEPT_TAGS = frozenset({"html", "body", "main", "article"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre",
        "section", "summary", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_INDENT_CLASS = re.compile(r"\bindent-(\d)\b")
_INDENT_STYLE = re.compile(r"(?:margin|padding)-left\s*:\s*(\d+(?:\.\d+)?)(px|pt|r?em)\b")
_WORD_LIST_LEVEL = re.compile(r"mso-list\s*:\s*l\d+\s+level(\d)")
_PX_PER_UNIT = {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0}
_PX_PER_LEVEL = 40  # browsers indent a nested list by 40px
_BOLD_TAGS = frozenset({"strong", "b"})


def parse_html(html: str, *, source: str) -> tuple[list[Block], str | None]:
    """The blocks of a page's main text, and the page's <title> (None when absent)."""
    check_nesting(html, source=source)
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    page_title = _SPACES.sub(" ", title_node.text()).strip() if title_node is not None else None
    _drop_furniture(tree)
    root = _content_root(tree)
    blocks = _Walker().walk(root) if root is not None else []
    if not any(block.text for block in blocks):
        raise ParseError("HTML has no body text", source=source)
    return blocks, page_title or None


def html_to_text(html: str, *, source: str) -> str:
    """A page's main text as plain lines: headings and paragraphs apart, list items as ``•`` bullets.

    Page furniture (navigation, sidebars, share and search widgets, cookie and promotional lines) is dropped.
    """
    blocks, _ = parse_html(html, source=source)
    return render_blocks([block for block in blocks if block.kind == "blank" or not is_noise(block.text)])


def render_blocks(blocks: list[Block]) -> str:
    """Blocks as text in the bullet layout the text parser reads back to the same blocks."""
    lines: list[str] = []
    for block in blocks:
        if block.kind == "blank":
            if lines and lines[-1]:
                lines.append("")
        elif block.kind == "bullet":
            lines.append(" " * (block.depth + 2) + "• " + block.text)
        elif block.kind == "arrow":
            lines.append("→ " + block.text)
        else:
            lines.append(" " * block.depth + block.text)
    return "\n".join(lines).strip("\n") + "\n"


def _drop_furniture(tree: LexborHTMLParser) -> None:
    page_chars = len(tree.body.text()) if tree.body is not None else 0
    doomed = {node.mem_id: node for node in tree.css(_REMOVED) if not _titled_header(node)}
    doomed |= {node.mem_id: node for node in tree.css("[class], [id]") if _noisy(node, page_chars)}
    ids = set(doomed)
    # Destroying a node frees its subtree: pick the outermost doomed nodes before destroying any.
    outermost = [node for node in doomed.values() if not _has_ancestor_in(node, ids)]
    for node in outermost:
        node.decompose()


def _titled_header(node: LexborNode) -> bool:
    """An article's own <header> carries its title and date: keep it."""
    return node.tag == "header" and node.css_first("h1") is not None


def _noisy(node: LexborNode, page_chars: int) -> bool:
    """A sidebar, menu, share or search widget by its class or id ("site-search", "jp-relatedposts").

    Only the first and last part of a name count, so page builders' "elementor-widget-container" is content;
    and an element holding most of the page's text is content whatever its name ("no-sidebar").
    """
    if node.tag in _KEPT_TAGS:
        return False
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower().split()
    ends = [part for name in names for part in _end_parts(name)]
    if not any(end.startswith(_NOISY_NAMES) for end in ends):
        return False
    return len(node.text()) <= page_chars * _MOST_OF_THE_PAGE


def _end_parts(name: str) -> tuple[str, str]:
    parts = [part for part in re.split(r"[-_]+", name) if part]
    return (parts[0], parts[-1]) if parts else ("", "")


def _has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def _indent(node: LexborNode) -> int:
    """Nesting an editor expressed by a class (``ql-indent-1``), a Word list level or a left margin."""
    attributes = node.attributes
    style = attributes.get("style") or ""
    if found := _INDENT_CLASS.search(attributes.get("class") or ""):
        return int(found.group(1))
    if found := _WORD_LIST_LEVEL.search(style):
        return int(found.group(1)) - 1
    if found := _INDENT_STYLE.search(style):
        return int(float(found.group(1)) * _PX_PER_UNIT[found.group(2)] // _PX_PER_LEVEL)
    return 0


def _bold_heading(text: str) -> bool:
    """A short bold-only paragraph with no marker and no sentence end: a heading drawn with <strong>."""
    plain = classify(text).kind == "plain"
    return plain and len(text) <= MAX_HEADING_CHARS and not text.rstrip().endswith((".", "!", "?", ";", ","))


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    main = tree.css_first("main")
    if main is not None and main.text(strip=True):
        return main
    articles = [node for node in tree.css("article") if node.text(strip=True)]
    if articles:
        return max(articles, key=lambda node: len(node.text()))
    return tree.body


@dataclass
class _Walker:
    """Depth-first walk emitting one block per paragraph, heading, list item or <br>-separated line."""

    out: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    lists: int = 0
    items: list[bool] = field(default_factory=list)  # per open <li>: has its bullet been emitted?
    indents: list[int] = field(default_factory=list)  # per open block element: its indent class/style
    indent: int = 0  # sum of ``indents``
    heading: int | None = None
    bold: int = 0  # open <strong>/<b> elements
    loose: bool = False  # the buffer holds text outside any <strong>/<b>

    def walk(self, root: LexborNode) -> list[Block]:
        stack: list[tuple[LexborNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._leave(node)
                continue
            if node.is_text_node:
                self._text(node.text(deep=False) or "")
            elif node.is_element_node:
                self._enter(node)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
        self._flush()
        return self.out

    def _text(self, text: str) -> None:
        self.buffer.append(text)
        self.loose = self.loose or (self.bold == 0 and bool(text.strip()))

    def _enter(self, node: LexborNode) -> None:
        tag = node.tag or ""
        self.bold += tag in _BOLD_TAGS
        if tag == "br" or tag in _BLOCK_TAGS:
            self._flush()
        if tag in _BLOCK_TAGS:
            self.indents.append(_indent(node))
            self.indent += self.indents[-1]
        if tag in ("ul", "ol"):
            self.lists += 1
        elif tag == "li":
            self.items.append(False)
        elif tag in _HEADINGS:
            self.heading = _HEADINGS[tag]

    def _leave(self, node: LexborNode) -> None:
        tag = node.tag or ""
        self.bold -= tag in _BOLD_TAGS
        if tag not in _BLOCK_TAGS:
            return
        self._flush()
        if self.indents:
            self.indent -= self.indents.pop()
        if tag in ("ul", "ol"):
            self.lists = max(0, self.lists - 1)
        elif tag == "li" and self.items:
            self.items.pop()
        elif tag in _HEADINGS:
            self.heading = None
        if not self.items and not self.lists:
            self.out.append(BLANK)

    def _flush(self) -> None:
        raw = _SPACES.sub(" ", "".join(self.buffer))
        bold = not self.loose
        self.buffer.clear()
        self.loose = False
        text = raw.strip()
        if text:
            # &nbsp; indentation in front of a "•" is how some editors nest bullets: keep it as depth.
            lead = raw[: len(raw) - len(raw.lstrip())]
            self.out.append(self._block(text, sum(1 for ch in lead if ch != " "), bold=bold))

    def _block(self, text: str, indent: int, *, bold: bool = False) -> Block:
        depth = 2 * (max(0, self.lists - 1) + self.indent) + indent
        if self.heading is not None and not self.items:
            return Block("heading", text, level=self.heading)
        if bold and not self.items and _bold_heading(text):
            return Block("heading", text)
        if self.items and not self.items[-1]:
            self.items[-1] = True
            marked = classify(text, depth=depth)
            return Block("bullet", marked.text if marked.kind == "bullet" else text, depth)
        return classify(text, depth=depth, in_list=bool(self.items))
