"""Slack messages for timelines, watches and watch notices (pure; escaping and limits in ``slack_blocks``).

A timeline is a heading with its span, then each issue's linked heading and its items, one line each
naming its section; a "More" button (and the command it stands for) shows the next page: its value is a
``PageRef`` as JSON. A watch notice is a direct message listing a new issue's items about the watched
topic, each cited.
"""

from __future__ import annotations

from collections.abc import Sequence

from digestbot.conversation import Timeline, Unwatched, Watched, WatchFull, WatchList
from digestbot.delivery.watching import Notice
from digestbot.domain import AnswerItem
from digestbot.render import words
from digestbot.render.slack_blocks import (
    MAX_BUTTON_VALUE,
    Block,
    SlackMessage,
    actions,
    button,
    cite,
    context,
    escape,
    fallback,
    fit,
    link,
    pack_lines,
    section,
)
from digestbot.render.timeline import by_issue, entry_section, next_page, next_ref, page_note

PREFIX = "/digest "
TIMELINE_ACTION = "digest_timeline_more"
UNWATCH_ACTION = "digest_unwatch"


def cited_line(item: AnswerItem) -> str:
    """One item: its short line and its bold citation, linked to its issue."""
    hit = item.hit
    return f"• {escape(item.line)} — {cite(hit.title, hit.date, hit.section, hit.url)}"


def _grouped(items: Sequence[AnswerItem]) -> list[Block]:
    blocks: list[Block] = []
    for group in by_issue(items):
        label = f"*{link(group.url, escape(group.label))}*"
        entries = (f"• {escape(item.line)} — {escape(entry_section(item))}" for item in group.items)
        blocks += pack_lines([label, *entries])
    return blocks


def timeline_message(timeline: Timeline) -> SlackMessage:
    """A page of a timeline: heading with its span, each issue's items, the page note and "More"."""
    story = timeline.story
    if not story.found:
        line = words.timeline_nothing(story)
        return SlackMessage(fallback(line), [section(escape(line))])
    heading = words.timeline_heading(story)
    body = [section(f"*{escape(heading)}*"), *_grouped(timeline.shown)]
    body += [context(escape(note)) for note in words.story_notes(story)]
    tail: list[Block] = []
    note, more, ref = page_note(timeline), next_page(timeline), next_ref(timeline)
    if note is not None:
        hint = f" Next: `{escape(PREFIX + more)}`" if more is not None else ""
        tail.append(context(escape(note) + hint))
    if ref is not None:  # the page travels apart from the topic: shortening the topic cannot lose it
        tail.append(actions(button(TIMELINE_ACTION, "More", ref.fitted(MAX_BUTTON_VALUE))))
    cut = "More items than fit in one message; ask for a narrower topic or the next page."
    return SlackMessage(fallback(heading), fit(body, cut, tail))


def watch_message(outcome: Watched | WatchFull | Unwatched | WatchList) -> SlackMessage:
    """The reply to ``watch``, ``unwatch`` or ``watches`` (the list has a "Remove" button per watch)."""
    match outcome:
        case Watched(topic, added, count, limit):
            line = words.watched_line(topic, added, count, limit)
        case WatchFull(_, limit):
            line = words.watch_full_line(limit, PREFIX)
        case Unwatched(topic, removed):
            line = words.unwatched_line(topic, removed, PREFIX)
        case WatchList():
            return watches_message(outcome)
    return SlackMessage(fallback(line), [section(escape(line))])


def watches_message(listed: WatchList) -> SlackMessage:
    """The user's watches, each with a "Remove" button."""
    heading = words.watches_heading(len(listed.watches), listed.limit, PREFIX)
    blocks = [section(escape(heading))]
    for watch in listed.watches:
        block = section(f"• {escape(watch.topic)}")
        block["accessory"] = button(UNWATCH_ACTION, "Remove", str(watch.id))
        blocks.append(block)
    return SlackMessage(fallback(heading), fit(blocks, "More watches than fit here."))


def watch_notice(notice: Notice) -> SlackMessage:
    """A watch notice (a direct message): the new issue's items about the topic, each cited."""
    topic = notice.watch.topic
    heading = words.notice_heading(topic, notice.issue_date, len(notice.items))
    body = [section(f"*{escape(heading)}*"), *pack_lines(cited_line(item) for item in notice.items)]
    tail = [context(escape(words.notice_footer(topic, PREFIX)))]
    return SlackMessage(fallback(heading), fit(body, "More items matched than fit here.", tail))
