"""Domain objects and conversation outcomes as plain text, for the terminal (CLI and console chat).

Every public function's text goes through ``shown``: plain text needs no markup escaping, but a bidi
override in digest or user text would still turn the citation after it backwards in a terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec

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
from digestbot.delivery.watching import Notice
from digestbot.domain import Answer, AnswerItem, Hit, Issue, IssueSummary
from digestbot.render import words
from digestbot.render.bidi import strip_bidi
from digestbot.render.timeline import by_issue, entry_section, next_page, page_note

COMMAND = "/digest"
P = ParamSpec("P")


def shown(render: Callable[P, str]) -> Callable[P, str]:
    """A text renderer whose output has bidirectional controls removed (see ``render.bidi``)."""

    @functools.wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        return strip_bidi(render(*args, **kwargs))

    return wrapper


@shown
def summary_line(summary: IssueSummary) -> str:
    """One line per issue: date, title, and each section with its item count."""
    sections = ", ".join(f"{name} ({count})" for name, count in summary.sections)
    return f"{summary.date.isoformat()}  {summary.title}  —  {sections}"


@shown
def issue_text(issue: Issue) -> str:
    """The whole issue, sections and items, analysis indented under its item."""
    lines = [f"{issue.title} — {words.long_date(issue.date)}"]
    if issue.url:
        lines.append(issue.url)
    part: str | None = None
    for section in issue.sections:
        if section.part and section.part != part:
            part = section.part
            lines += ["", f"== {part} =="]
        lines += ["", f"## {section.name}"]
        for item in section.items:
            lines.append(f"  • {item.text}")
            lines += [f"      – {line}" for line in item.analysis]
    return "\n".join(lines)


@shown
def issue_overview(issue: Issue) -> str:
    """A short overview: title, date, and sections with item counts."""
    total = words.plural(sum(len(s.items) for s in issue.sections), "item")
    head = f"{issue.title} — {words.long_date(issue.date)} ({total})"
    body = [f"  {section.name}: {words.plural(len(section.items), 'item')}" for section in issue.sections]
    return "\n".join([head, *body])


@shown
def answer_text(answer: Answer, *, numbered: bool = False) -> str:
    """The lead (quoted, cited), one line per item used with its citation, related items, then notes.
    ``numbered`` numbers the items (the console's ``more N`` refers to them)."""
    if not answer.found:
        lines = [words.nothing_found(answer)]
    else:
        lines = [_lead(answer)]
        for number, item in enumerate(answer.items, 1):
            bullet = f"{number}." if numbered else "•"
            lines.append(f"{bullet} {item.answer_line} — {words.cite_hit(item.hit)}")
        if answer.related:
            lines.append("Related: " + "; ".join(words.cite_hit(hit) for hit in answer.related))
    lines += [f"({note})" for note in words.answer_notes(answer)]
    return "\n".join(lines)


def _lead(answer: Answer) -> str:
    if answer.lead is None:
        return words.lead_sentence(answer)
    return f"{answer.lead.text} — {words.cite_hit(answer.lead.hit)}"


@shown
def details_text(hits: Sequence[Hit]) -> str:
    """Items in full: citation, text, analysis."""
    blocks = []
    for hit in hits:
        lines = [words.cite_hit(hit), f"  {hit.text}", *(f"    – {line}" for line in hit.analysis)]
        if hit.url:
            lines.append(f"  {hit.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@shown
def help_text() -> str:
    """Help in the console's syntax (``/digest`` is optional at the prompt)."""
    width = max(len(topic.usage) for topic in words.HELP_TOPICS) + len(COMMAND) + 3
    lines = [words.HELP_INTRO]
    lines += [f"  {f'{COMMAND} {t.usage}':<{width}}{t.meaning}" for t in words.HELP_TOPICS]
    lines.append(f"  {'more N':<{width}}the full text and analysis of item N of the last answer")
    lines.append(f"  {'more':<{width}}the next page of the last timeline")
    lines.append(f"  {'> question':<{width}}a follow-up about the last answer's issue")
    lines.append("(/digest is optional here.) " + words.HELP_OUTRO)
    return "\n".join(lines)


@shown
def timeline_text(timeline: Timeline) -> str:
    """A page of a timeline: its heading, then each issue's heading and its items, one line each naming
    its section."""
    story = timeline.story
    if not story.found:
        return words.timeline_nothing(story)
    lines = [words.timeline_heading(story)]
    for group in by_issue(timeline.shown):
        lines.append(group.label)
        lines += [f"  • {item.line} — {entry_section(item)}" for item in group.items]
    lines += [f"({note})" for note in words.story_notes(story)]
    note, more = page_note(timeline), next_page(timeline)
    if note is not None:
        lines.append(note + (" (type “more” for the next page)" if more is not None else ""))
    return "\n".join(lines)


def _cited_line(item: AnswerItem) -> str:
    return f"  • {item.line} — {words.cite_hit(item.hit)}"


@shown
def watch_notice_text(notice: Notice) -> str:
    """A watch notice: the new issue's items about the topic, one cited line each."""
    topic = notice.watch.topic
    lines = [words.notice_heading(topic, notice.issue_date, len(notice.items))]
    lines += [_cited_line(item) for item in notice.items]
    lines.append(words.notice_footer(topic, ""))
    return "\n".join(lines)


@shown
def watches_text(watches: WatchList) -> str:
    """The user's watches, one per line."""
    lines = [words.watches_heading(len(watches.watches), watches.limit, "")]
    lines += [f"  • {watch.topic}" for watch in watches.watches]
    return "\n".join(lines)


def _watch_text(outcome: Watched | WatchFull | Unwatched) -> str:
    match outcome:
        case Watched(topic, added, count, limit):
            return words.watched_line(topic, added, count, limit)
        case WatchFull(_, limit):
            return words.watch_full_line(limit, "")
    return words.unwatched_line(outcome.topic, outcome.removed, "")


@shown
def outcome_text(outcome: Outcome) -> str:
    """Any conversation outcome as console text (not for ``Ignored``, which gets no reply)."""
    match outcome:
        case Answered(answer):
            text = answer_text(answer, numbered=True)
            return f"{text}\n(type “more 1” for the full item)" if answer.found else text
        case Latest(issue):
            return issue_overview(issue)
        case EmptyArchive():
            return words.EMPTY_ARCHIVE
        case Subscription(action, flag):
            return words.subscription_line(action.value, flag, place="console", command="subscribe")
        case Details(hits):
            return details_text(hits)
        case Timeline():
            return timeline_text(outcome)
        case Watched() | WatchFull() | Unwatched():
            return _watch_text(outcome)
        case WatchList():
            return watches_text(outcome)
        case Failed(reason):
            return words.failure_line(reason)
        case Help():
            return help_text()
        case Thanked():
            return words.THANKED
    raise ValueError(f"no text for {outcome!r}")
