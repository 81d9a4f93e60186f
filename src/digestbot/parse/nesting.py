"""How deep and how big a page is, counted before it is parsed: the HTML parser's time grows with depth
squared and its memory with the number of elements, so absurd markup is refused up front.

Depth is counted the way an HTML5 tree builder builds its stack of open elements, simplified in the safe
direction (a depth counted here is never less than the parser's, up to elements whose end tag may be left
out, which are not counted at all):

- a start tag opens an element, except void elements and those whose end tag may be left out; ``<div/>``
  opens one too (HTML ignores the slash outside SVG and MathML);
- an end tag closes the innermost open element of its name and everything still open inside it, unless
  an element in between stops it: for ``</span>``-like tags any "special" element (``div``, ``p``,
  ``table``…), for ``</div>``-like tags a scope boundary (``table``, ``td``, ``template``…). The parser
  ignores such an end tag, and so does the count; an end tag with nothing of its name open closes nothing.

So ``'<div></b>' * 100000`` is 100,000 levels deep, as it is for the parser.
"""

from __future__ import annotations

import re
from collections import defaultdict

from digestbot.errors import ParseError
from digestbot.parse.limits import check_elements

MAX_NESTING = 1000
_TAG = re.compile(r"<(/)?([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/)?>")
# Void elements, and elements whose end tag may be left out (an unclosed <p> or <li> does not nest).
_NO_NESTING_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
        "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body",
    }
)  # fmt: skip
# The HTML standard's "special" category, and the elements that bound "has an element in scope".
_SPECIAL = frozenset(
    {
        "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote",
        "body", "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div",
        "dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset",
        "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img",
        "input", "keygen", "li", "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed",
        "noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre", "script", "search",
        "section", "select", "source", "style", "summary", "table", "tbody", "td", "template",
        "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp",
    }
)  # fmt: skip
_SCOPE_BOUNDARIES = frozenset(
    {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "foreignobject"}
)
_FOREIGN = ("svg", "math")


class _OpenElements:
    """The stack of open elements, with the positions of each name and of the barriers, so that closing
    costs no more than the elements it pops."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.positions: defaultdict[str, list[int]] = defaultdict(list)
        self.special: list[int] = []
        self.boundaries: list[int] = []

    def open(self, name: str) -> None:
        position = len(self.names)
        self.names.append(name)
        self.positions[name].append(position)
        if name in _SPECIAL:
            self.special.append(position)
        if name in _SCOPE_BOUNDARIES:
            self.boundaries.append(position)

    def close(self, name: str) -> None:
        found = self.positions.get(name)
        if not found:
            return
        innermost = found[-1]
        barriers = self.boundaries if name in _SPECIAL else self.special
        if barriers and barriers[-1] > innermost:
            return
        while len(self.names) > innermost:
            top = self.names.pop()
            position = self.positions[top].pop()
            for marks in (self.special, self.boundaries):
                if marks and marks[-1] == position:
                    marks.pop()

    def foreign(self) -> bool:
        """Inside SVG or MathML, where ``<x/>`` closes itself."""
        return any(self.positions.get(name) for name in _FOREIGN)


def check_nesting(html: str, *, source: str) -> None:
    """Refuse markup nested over ``MAX_NESTING`` levels or with over ``limits.MAX_ELEMENTS`` elements."""
    stack = _OpenElements()
    elements = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if not closing:
            elements += 1
            check_elements(elements, source=source)
        if name in _NO_NESTING_TAGS or (self_closing and stack.foreign()):
            continue
        if closing:
            stack.close(name)
        else:
            stack.open(name)
            deepest = max(deepest, len(stack.names))
    if deepest > MAX_NESTING:
        raise ParseError(f"HTML is nested {deepest} levels deep, over the {MAX_NESTING} limit", source=source)
