"""Headings run into the text around them, once a page's line breaks are lost.

Two cases: the tail of an item's text before the next item marker ("... into third place. Israel – Gaza
→ ..."), and several headings run together ("Global Security Matters International Affairs").

A tail is a heading when, after the item's last sentence end, it reads like one (short, Title Case). With no
sentence end before it ("... the far right International Affairs → ..."), only a Title Case run of words
can be one, and only when it is a known name (see ``vocabulary``; a page's own headings count), or ends in
a heading word ("Affairs", "Security") after a word that does not introduce a name ("the", "of", "by"):
a sentence that ends without its full stop rarely ends that way.

A third case: a labelled heading, a short name and a colon with an optional Title Case headline
("... his rule. Kalvaria: Night Raid on Velgrad, President Orsk Captured→ ..."), at an item boundary: after a
sentence end, at the start of the text, or (``after_heading``) after other headings.
"""

from __future__ import annotations

import re

from digestbot.parse.headings import looks_like_heading
from digestbot.parse.normalize import tidy
from digestbot.parse.vocabulary import HEADING_ENDINGS, is_known_heading, key

_LAST_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\s{2,}")
_WORD = re.compile(r"\S+")
_JOINERS = frozenset({"of", "and", "the", "&", "–", "-", "—", "/", "|", "in", "for", "on"})
_NAME_LEADS = frozenset(
    {"the", "a", "an", "of", "by", "from", "with", "to", "in", "at", "for", "on", "and", "or", "said", "its"}
)
_MAX_RUN_WORDS = 8
_MAX_LABEL_WORDS = 4
_LABEL_WORD = r"(?:[A-Z0-9][\w'’.&/-]*|[–&/-]|of|and|the)"
# A label: a capitalised word and up to three more, then a colon closing a word.
_LABEL_TEXT = rf"[A-Z0-9][\w'’.&/-]*(?:\s+{_LABEL_WORD}){{0,{_MAX_LABEL_WORDS - 1}}}:(?=\s|$)"
_LABEL = re.compile(rf"(?<!\S){_LABEL_TEXT}")
_LABEL_STARTS = re.compile(rf"(?<!\S)(?=({_LABEL_TEXT}))")  # every start, overlapping ones included
_ENDS_SENTENCE = (".", "!", "?", "…", '"', "”", "’", ")")


def split_tail(text: str, seen: frozenset[str]) -> tuple[str, list[str]]:
    """An item's text and the headings trailing after it (none when the tail is not a heading)."""
    if (labelled := split_labelled(text, seen)) is not None:
        return labelled
    ends = list(_LAST_SENTENCE_END.finditer(text))
    cut = ends[-1].end() if ends else 0
    heads = [tidy(piece) for piece in _LINE_BREAK.split(text[cut:]) if tidy(piece)]
    if cut and heads and all(looks_like_heading(head) for head in heads):
        return tidy(text[:cut]), [name for head in heads for name in split_run(head, seen)]
    return _known_tail(text, seen)


def _known_tail(text: str, seen: frozenset[str]) -> tuple[str, list[str]]:
    """A known heading (or one ending in a heading word) closing ``text`` with no sentence end before it."""
    words = list(_WORD.finditer(text))
    start = _title_run_start(words)
    for first in range(max(start, 1), len(words)):
        name = tidy(text[words[first].start() :])
        if words[first].group() in _JOINERS or not _capitalised(words[first].group()):
            continue
        known = is_known_heading(name, seen) or (first == start and _ends_like_heading(words, first))
        if (known or _shouted(words, first)) and looks_like_heading(name):
            return tidy(text[: words[first].start()]), split_run(name, seen)
    return tidy(text), []


def _title_run_start(words: list[re.Match[str]]) -> int:
    """Index of the first word of the Title Case run that closes ``words`` (len(words) when none)."""
    start = len(words)
    while start > 0 and len(words) - start < _MAX_RUN_WORDS:
        word = words[start - 1].group()
        if not (_capitalised(word) or word.lower() in _JOINERS):
            break
        start -= 1
    while start < len(words) and not _capitalised(words[start].group()):
        start += 1
    return start


def _ends_like_heading(words: list[re.Match[str]], first: int) -> bool:
    run = [match.group() for match in words[first:]]
    before = words[first - 1].group().lower() if first > 0 else ""
    last = re.sub(r"\W+$", "", run[-1]).lower()
    return len(run) >= 2 and last in HEADING_ENDINGS and before not in _NAME_LEADS


def _shouted(words: list[re.Match[str]], first: int) -> bool:
    """An ALL-CAPS run of two or more words after a word in lower or Title Case ("... the truce MIDDLE
    EAST →"): a sentence rarely ends in capitals, while part and section headings are often set in them."""
    run = [match.group() for match in words[first:] if any(char.isalpha() for char in match.group())]
    before = words[first - 1].group()
    return len(run) >= 2 and all(word.isupper() for word in run) and not before.isupper()


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def split_run(text: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """Headings run together, split where a known name starts or ends: "Global Security Matters
    International Affairs" -> ["Global Security Matters", "International Affairs"]. A known name whole, or
    a run with no known name at its start or end, stays one heading."""
    if is_known_heading(text, seen):
        return [text]
    cuts = [match.start() for match in _WORD.finditer(text)][1:]
    for cut in reversed(cuts):
        head, rest = tidy(text[:cut]), tidy(text[cut:])
        if is_known_heading(head, seen) and looks_like_heading(rest):
            return [head, *split_run(rest, seen)]
    for cut in cuts:
        head, rest = tidy(text[:cut]), tidy(text[cut:])
        if is_known_heading(rest, seen) and looks_like_heading(head):
            return [*split_run(head, seen), rest]
    return [text]


def split_known_end(text: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """A line that a known heading closes, cut before it ("5 min read Middle East" -> ["5 min read",
    "Middle East"]); other lines whole, or split as a run of headings."""
    cuts = [match.start() for match in _WORD.finditer(text)][1:]
    for cut in cuts:
        head, rest = tidy(text[:cut]), tidy(text[cut:])
        if is_known_heading(rest, seen):
            return [head, rest] if not looks_like_heading(head) else [*split_run(head, seen), rest]
    return split_run(text, seen)


def heading_keys(headings: list[str]) -> frozenset[str]:
    """The comparison keys of a page's own headings, for ``seen``."""
    return frozenset(key(heading) for heading in headings)


def is_labelled_heading(text: str) -> bool:
    """A short name and a colon, then nothing or a Title Case headline ("Kalvaria: Orsk Captured")."""
    found = _LABEL.match(text)
    if found is None or not looks_like_heading(found.group()[:-1]):
        return False
    rest = tidy(text[found.end() :])
    return not rest or (looks_like_heading(rest) and _LABEL.search(rest) is None)


def split_labelled(
    text: str, seen: frozenset[str] = frozenset(), *, after_heading: bool = False
) -> tuple[str, list[str]] | None:
    """``text`` cut before the labelled heading that closes it at an item boundary, with the headings
    (a run of names before the label split off: "Latin America Kalvaria: ..."), or None."""
    for found in _LABEL_STARTS.finditer(text):
        before, head = tidy(text[: found.start()]), tidy(text[found.start() :])
        after_name = after_heading and looks_like_heading(before)
        boundary = not before or before.endswith(_ENDS_SENTENCE) or after_name
        if boundary and is_labelled_heading(head):
            *names, label = split_known_end(found.group(1)[:-1], seen)
            headline = head[len(found.group(1)) :]
            return before, [*names, f"{label}:{headline}" if headline else label]
    return None
