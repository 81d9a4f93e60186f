"""Adaptive Card renderers for Microsoft Teams: pure functions from domain objects to message activities.

The building blocks — escaping, limits, elements, cards and their size — are in ``teams_cards`` (the one
place where Teams' limits and escaping are enforced; re-exported here); timelines, watches and watch
notices are laid out in ``teams_story``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digestbot.conversation import (
    Answered,
    Details,
    EmptyArchive,
    Failed,
    Help,
    Latest,
    Outcome,
    Subscription,
    Thanked,
    Timeline,
    Unwatched,
    Watched,
    WatchFull,
    WatchList,
)
from digestbot.delivery.outbox import issue_key
from digestbot.domain import Answer, AnswerItem, Hit, Issue
from digestbot.render import words
from digestbot.render.teams_cards import (
    CARD_CONTENT_TYPE,
    ISSUE_KEY_FIELD,
    MAX_ACTIVITY_BYTES,
    MAX_CARD_BYTES,
    Activity,
    Element,
    card,
    escape,
    fit,
    hit_cite,
    hit_container,
    link,
    message,
    plain_block,
    section_elements,
    size,
    text_block,
)
from digestbot.render.teams_story import timeline_message, watch_message

__all__ = [
    "CARD_CONTENT_TYPE",
    "ISSUE_KEY_FIELD",
    "MAX_ACTIVITY_BYTES",
    "MAX_CARD_BYTES",
    "Activity",
    "Element",
    "answer_message",
    "details_message",
    "empty_archive_message",
    "escape",
    "help_message",
    "issue_message",
    "notice_message",
    "outcome_message",
    "size",
    "subscription_message",
]


# -- messages -------------------------------------------------------------------------------------------


def answer_message(answer: Answer) -> Activity:
    """An answer on one screen: the question, the cited lead, one line per item used, each with its full
    text and analysis behind a "Details" toggle; related items and notes last."""
    head = [plain_block(answer.query or "Help", weight="Bolder")]
    body = _answer_body(answer)
    body += [plain_block(note, isSubtle=True, size="Small") for note in words.answer_notes(answer)]
    note = "More items matched than fit in one card; ask a narrower question to see them."
    return message(fit(head, body, escape(note)))


def _answer_body(answer: Answer) -> list[Element]:
    if not answer.found:
        return [plain_block(words.nothing_found(answer))]
    if answer.lead is not None:
        lead = [plain_block(answer.lead.text), text_block(hit_cite(answer.lead.hit), **_CITE_STYLE)]
    else:
        lead = [plain_block(words.lead_sentence(answer))]
    body: list[Element] = [{"type": "Container", "items": lead}]
    body += [_item_container(item, number) for number, item in enumerate(answer.items, 1)]
    if answer.related:
        related = "; ".join(words.cite_hit(hit) for hit in answer.related)
        body.append(plain_block(f"Related: {related}", isSubtle=True, size="Small"))
    return body


_CITE_STYLE: dict[str, Any] = {"size": "Small", "isSubtle": True, "spacing": "None"}


def _item_container(item: AnswerItem, number: int) -> Element:
    """One used item: its line and citation, then its full text and analysis, hidden until "Details"."""
    hit, target = item.hit, f"details-{number}"
    details = {
        "type": "Container",
        "id": target,
        "isVisible": False,
        "items": [plain_block(hit.text), *(plain_block(f"→ {line}", isSubtle=True) for line in hit.analysis)],
    }
    toggle = {"type": "Action.ToggleVisibility", "title": "Details", "targetElements": [target]}
    return {
        "type": "Container",
        "separator": True,
        "items": [
            plain_block(f"• {item.answer_line}"),
            text_block(hit_cite(hit), **_CITE_STYLE),
            details,
            {"type": "ActionSet", "actions": [toggle], "spacing": "None"},
        ],
    }


def details_message(hits: Sequence[Hit]) -> Activity:
    """Items in full (citation, text, analysis)."""
    return message(fit([], [hit_container(hit) for hit in hits], escape("The rest did not fit in one card.")))


def issue_message(issue: Issue) -> Activity:
    """A whole issue (weekly delivery and ``latest``): title, date, every section with its items cited.

    The issue key is in the activity's channelData and is the id of the card's first element, so a post
    can be told apart from any other."""
    key = issue_key(issue.date)
    items = sum(len(part.items) for part in issue.sections)
    overview = f"{link(issue.url, escape(words.short_date(issue.date)))} · {words.plural(items, 'item')}"
    overview += f" in {words.plural(len(issue.sections), 'section')}"
    head = [
        {"type": "Container", "id": key, "items": [plain_block(issue.title, weight="Bolder", size="Large")]},
        text_block(overview, isSubtle=True, spacing="None"),
    ]
    body = [element for part in issue.sections for element in section_elements(issue, part)]
    note = f"This issue is longer than one card: {link(issue.url, 'read it all')} or ask me about a topic."
    return message(fit(head, body, note), channel_data={ISSUE_KEY_FIELD: key})


def notice_message(line: str) -> Activity:
    """A one-line reply (confirmations, friendly errors)."""
    return message(card([plain_block(line)]))


def help_message() -> Activity:
    """``help``, in Teams' syntax (mention the bot, or just type in a 1:1 chat)."""
    lines = [text_block(escape(words.HELP_INTRO), weight="Bolder")]
    lines += [
        text_block(f"`@digestbot {escape(topic.usage)}` — {escape(topic.meaning)}", spacing="None")
        for topic in words.HELP_TOPICS
    ]
    lines.append(plain_block("In a 1:1 chat with me, no mention is needed.", isSubtle=True))
    lines.append(plain_block(words.HELP_OUTRO, isSubtle=True, size="Small"))
    return message(card(lines))


def empty_archive_message() -> Activity:
    """What ``latest`` and questions get before any issue was ingested."""
    return notice_message(words.EMPTY_ARCHIVE)


def subscription_message(outcome: Subscription) -> Activity:
    """The reply to subscribe / unsubscribe / status."""
    line = words.subscription_line(
        outcome.action.value, outcome.flag, place="conversation", command="@digestbot subscribe"
    )
    return notice_message(line)


def outcome_message(outcome: Outcome) -> Activity:
    """Any conversation outcome as a Teams message (not for ``Ignored``, which gets no reply)."""
    match outcome:
        case Answered(answer):
            return answer_message(answer)
        case Latest(issue):
            return issue_message(issue)
        case EmptyArchive():
            return empty_archive_message()
        case Subscription():
            return subscription_message(outcome)
        case Details(hits):
            return details_message(hits)
        case Timeline():
            return timeline_message(outcome)
        case Watched() | WatchFull() | Unwatched() | WatchList():
            return watch_message(outcome)
        case Failed(reason):
            return notice_message(words.failure_line(reason))
        case Help():
            return help_message()
        case Thanked():
            return notice_message(words.THANKED)
    raise ValueError(f"no Teams message for {outcome!r}")
