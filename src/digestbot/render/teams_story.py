"""Adaptive Cards for timelines, watches and watch notices (pure; escaping and limits in ``teams_cards``).

A timeline card has its heading and span, then each issue's linked heading and its items, each naming
its section, and a "More" button that sends the next page back (``digestbotTimeline`` in the submitted
data: topic and page). A watch
notice is a proactive 1:1 message listing a new issue's items about the watched topic, each cited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digestbot.conversation import Timeline, Unwatched, Watched, WatchFull, WatchList
from digestbot.delivery.watching import Notice
from digestbot.domain import AnswerItem
from digestbot.render import words
from digestbot.render.teams_cards import (
    Activity,
    Element,
    card,
    escape,
    fit,
    hit_cite,
    link,
    message,
    plain_block,
    text_block,
)
from digestbot.render.timeline import PageRef, by_issue, entry_section, next_ref, page_note

PREFIX = "@digestbot "
COMMAND_FIELD = "digestbotCommand"  # the command a button of an older card sends back (still understood)
TIMELINE_FIELD = "digestbotTimeline"  # the page (a ``PageRef``) a "More" button asks for
_CITE_STYLE: dict[str, Any] = {"size": "Small", "isSubtle": True, "spacing": "None"}


def page_button(title: str, ref: PageRef) -> Element:
    """A button that asks for a page of a timeline (Teams' messageBack): the bot reads the page from the
    submitted data, where it is a field of its own; the command stands in the text for the record."""
    back = {"type": "messageBack", "text": ref.command(), "displayText": title}
    data = {TIMELINE_FIELD: ref.model_dump(), "msteams": back}
    return {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": title, "data": data}]}


def _item(item: AnswerItem) -> Element:
    """An entry standing alone: its line and its whole citation."""
    return _entry(item, text_block(hit_cite(item.hit), **_CITE_STYLE))


def _entry(item: AnswerItem, cited: Element) -> Element:
    return {"type": "Container", "items": [plain_block(f"• {item.line}"), cited]}


def _grouped(items: Sequence[AnswerItem]) -> list[Element]:
    elements: list[Element] = []
    for group in by_issue(items):
        label = link(group.url, escape(group.label))
        elements.append(text_block(label, weight="Bolder", separator=True))
        elements += [_entry(item, plain_block(entry_section(item), **_CITE_STYLE)) for item in group.items]
    return elements


def timeline_message(timeline: Timeline) -> Activity:
    """A page of a timeline: heading with its span, each issue's items, the page note and "More"."""
    story = timeline.story
    if not story.found:
        return message(card([plain_block(words.timeline_nothing(story))]))
    head = [plain_block(words.timeline_heading(story), weight="Bolder")]
    body = _grouped(timeline.shown)
    body += [plain_block(note, isSubtle=True, size="Small") for note in words.story_notes(story)]
    note, more = page_note(timeline), next_ref(timeline)
    if note is not None:
        body.append(plain_block(note, isSubtle=True, size="Small"))
    if more is not None:
        body.append(page_button("More", more))
    cut = "More items than fit in one card; ask for a narrower topic or the next page."
    return message(fit(head, body, escape(cut)))


def watch_message(outcome: Watched | WatchFull | Unwatched | WatchList) -> Activity:
    """The reply to ``watch``, ``unwatch`` or ``watches``; says plainly when the user has no 1:1 chat
    with the bot yet, since watch notices can only go there."""
    lines: list[str] = []
    match outcome:
        case Watched(topic, added, count, limit, direct):
            lines = [words.watched_line(topic, added, count, limit)]
            lines += [] if direct else [words.NO_DIRECT_CHAT]
        case WatchFull(_, limit):
            lines = [words.watch_full_line(limit, PREFIX)]
        case Unwatched(topic, removed):
            lines = [words.unwatched_line(topic, removed, PREFIX)]
        case WatchList(watches, limit, direct):
            lines = [words.watches_heading(len(watches), limit, PREFIX)]
            lines += [f"• {watch.topic}" for watch in watches]
            lines += [] if direct or not watches else [words.NO_DIRECT_CHAT]
    return message(card([plain_block(line, spacing="None") for line in lines]))


def watch_notice(notice: Notice) -> Activity:
    """A watch notice (a proactive 1:1 message): the new issue's items about the topic, each cited."""
    topic = notice.watch.topic
    head = [plain_block(words.notice_heading(topic, notice.issue_date, len(notice.items)), weight="Bolder")]
    body = [_item(item) for item in notice.items]
    body.append(plain_block(words.notice_footer(topic, ""), isSubtle=True, size="Small", separator=True))
    return message(fit(head, body, escape("More items matched than fit in one card.")))
