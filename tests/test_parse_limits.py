"""Hostile sizes: each refused with one line naming the file and the limit, before the cost is paid."""

from __future__ import annotations

import pytest

from digestbot.errors import ParseError
from digestbot.parse import parse_document
from digestbot.parse.limits import MAX_ELEMENTS, MAX_ITEM_CHARS, MAX_ITEMS_PER_ISSUE, MAX_LINES
from digestbot.parse.nesting import MAX_NESTING, check_nesting

HEAD = "Weekly Security Digest - July 30, 2024\n\nCyber\n\n"


def refusal(data: str, source: str) -> str:
    with pytest.raises(ParseError) as caught:
        parse_document(data, source=source)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_40k_item_reproduction_is_refused_naming_the_file_and_limit() -> None:
    # The issue's reproduction: python3 -c "...'  \u2022 Same item.\n'*40000"
    message = refusal(HEAD + "  \u2022 Same item.\n" * 40000, "i.txt")
    assert message == "i.txt: 40,000 items, over the limit of 5,000 items for one issue"


def test_a_240k_bullet_file_is_refused_before_its_lines_are_read() -> None:
    message = refusal(HEAD + "  \u2022 Same item number seventy-seven.\n" * 240_000, "big.txt")
    assert message == f"big.txt: more than {MAX_LINES:,} lines, over the limit for one issue"


def test_lines_of_any_kind_count_not_only_items() -> None:
    message = refusal(HEAD + "  \u2022 One item.\n" + "a\r" * MAX_LINES, "cr.md")
    assert "more than 60,000 lines" in message


def test_an_issue_at_the_item_limit_still_parses() -> None:
    issue = parse_document(HEAD + "  \u2022 Same item.\n" * MAX_ITEMS_PER_ISSUE, source="i.txt")
    assert len(issue.items) == MAX_ITEMS_PER_ISSUE


def test_an_item_too_long_to_be_one_is_refused() -> None:
    analysis = "    \u2022 " + "word " * (MAX_ITEM_CHARS // 5) + "\n"
    message = refusal(HEAD + "  \u2022 A short item.\n" + "  \u2022 Item two.\n" + analysis, "long.txt")
    assert message.startswith("long.txt: item 2 of section 'Cyber' is 20,")
    assert message.endswith("characters long, over the limit of 20,000")


def test_html_with_too_many_elements_is_refused_before_the_tree_is_built() -> None:
    page = "<h1>Weekly Security Digest - July 30, 2024</h1><h2>Cyber</h2><ul>" + "<li>a" * MAX_ELEMENTS
    message = refusal(page + "</ul>", "many.html")
    assert message == "many.html: more than 100,000 HTML elements, over the limit for one issue"


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<div></b>" * 100_000, 100_000),  # the issue's reproduction: stray end tags close nothing
        ("<div/>" * 2_000, 2_000),  # outside SVG and MathML the slash is ignored
        ("<span><div></span>" * 800, 1_600),  # a <div> in between: the parser ignores </span>
        ("<div><table></div>" * 600, 1_200),  # a table bounds the scope of </div>
    ],
    ids=["stray-end-tags", "self-closing-div", "end-tag-behind-a-block", "end-tag-behind-a-table"],
)
def test_nesting_is_counted_as_the_parser_builds_the_tree(html: str, depth: int) -> None:
    with pytest.raises(ParseError, match=f"nested {depth} levels deep, over the {MAX_NESTING} limit"):
        check_nesting(html, source="deep.html")


@pytest.mark.parametrize(
    "html",
    [
        "<div><p><span></div>" * 5_000,  # an end tag closes what is still open inside its element
        "<svg>" + '<path d="M0"/>' * 5_000 + "</svg>",  # in SVG the slash closes the element
        "<div>" + "<br><img src=x><input>" * 5_000 + "</div>",  # void elements never nest
        "<ul>" + "<li>item" * 5_000 + "</ul>",  # nor do elements whose end tag may be left out
    ],
    ids=["closed-by-parent", "svg", "void", "optional-end-tags"],
)
def test_wide_but_shallow_markup_passes(html: str) -> None:
    check_nesting(html, source="wide.html")
