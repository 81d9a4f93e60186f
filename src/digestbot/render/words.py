"""The words every surface shares: dates, citations, periods, notes and the help topics.

Renderers (Slack, Teams, plain text) lay these out and escape them their own way; nothing outside
``render/`` words a domain value for a user.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from digestbot.delivery.stories import Story
from digestbot.domain import Answer, Hit, Period, PeriodKind

_POSSESSIVES = ("’s ", "‘s ", "'s ")


def short_date(day: dt.date) -> str:
    """How a date is written everywhere: "9 Jul 2024"."""
    return f"{day.day} {day:%b %Y}"


def long_date(day: dt.date) -> str:
    """A date in a heading: "9 July 2024"."""
    return f"{day.day} {day:%B %Y}"


def short_title(title: str) -> str:
    """The digest's name without a publisher's byline or a strapline.

    "Acme Corp’s Weekly Security Digest" -> "Weekly Security Digest"; "Acme – Weekly Digest" -> "Weekly
    Digest"; "Acme’s Weekly Digest | Global Security and Policy Insights" -> "Weekly Digest". A byline is
    up to four capitalised words before a possessive or a dash; a title without "Digest" is kept whole.
    """
    name = title.strip()
    if "digest" not in name.lower():
        return name
    head, sep, _strapline = name.partition(" | ")
    if sep and "digest" in head.lower():
        name = head.strip()
    for mark in (*_POSSESSIVES, " – ", " - ", " — "):
        byline, sep, rest = name.partition(mark)
        words = byline.split()
        if sep and "digest" in rest.lower() and 0 < len(words) <= 4 and all(w[:1].isupper() for w in words):
            return rest.strip()
    return name


def citation(title: str, day: dt.date, section: str) -> str:
    """How every item is cited: "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"."""
    return f"{short_title(title)}, {short_date(day)} · {section}"


def cite_hit(hit: Hit) -> str:
    """The citation of a search hit."""
    return citation(hit.title, hit.date, hit.section)


def plural(count: int, word: str) -> str:
    """ "1 item", "2 items"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_period(period: Period) -> str:
    """A date filter in words: "the 9 Jul 2024 issue", "issues from July 2024", "issues from Q3 2024",
    "issues since 2023", "issues from June to August 2022"."""
    start, end, kind = period.start, period.end, period.kind
    if start is None:
        return "every issue" if end is None else f"issues up to {short_date(end)}"
    if end is None:
        return f"issues since {_since(start)}"
    if kind is PeriodKind.ISSUE or start == end:
        return f"the {short_date(start)} issue"
    if kind is PeriodKind.QUARTER:
        return f"issues from Q{(start.month - 1) // 3 + 1} {start.year}"
    if kind is PeriodKind.HALF_YEAR:
        return f"issues from H{1 if start.month <= 6 else 2} {start.year}"
    return f"issues from {_span(start, end)}"


def _since(day: dt.date) -> str:
    if (day.month, day.day) == (1, 1):
        return str(day.year)
    return f"{day:%B %Y}" if day.day == 1 else short_date(day)


def _span(start: dt.date, end: dt.date) -> str:
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_months and (start.month, end.month) == (1, 12):
        return str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
    if whole_months and (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if whole_months:
        first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
        return f"{first} to {end:%B %Y}"
    return f"{short_date(start)} to {short_date(end)}"


def answer_notes(answer: Answer) -> list[str]:
    """What a surface says about how the answer was found (filters, widening, shortening)."""
    notes: list[str] = []
    if answer.widened_from is not None:
        notes.append(
            f"Nothing relevant in the {short_date(answer.widened_from)} issue; searched every issue."
        )
    elif answer.period is not None:
        notes.append(f"Searched {describe_period(answer.period)}.")
    if answer.nearest is not None:
        notes.append(f"No issue in that period; the nearest is the {short_date(answer.nearest)} issue.")
    if answer.shortened_to is not None:
        notes.append(f"Your question was shortened to {answer.shortened_to} characters.")
    return notes


def nothing_found(answer: Answer) -> str:
    """The honest answer when nothing in the archive is about the question."""
    topic = answer.query.strip(" ?!.") or "that"
    where = f" in {describe_period(answer.period)}" if answer.period is not None else ""
    return f"I found nothing in the digests about “{topic}”{where}. Try other words or a wider period."


def lead_sentence(answer: Answer) -> str:
    """The opening line of an answer with items but no quotable lead."""
    where = f" ({describe_period(answer.period)})" if answer.period is not None else ""
    if answer.closest:
        return f"Closest items I found{where}:"
    return f"Here is what the digests said{where}:"


@dataclass(frozen=True)
class HelpTopic:
    """One line of help: what to type after the surface's prefix, and what it does."""

    usage: str
    meaning: str


THANKED = "You're welcome. Ask me anything about the digest, or say help."
HELP_INTRO = "Ask me about any issue of the weekly security digest."
HELP_TOPICS = (
    HelpTopic("iran", "the latest on a topic, newest items first"),
    HelpTopic("what did we say about protests in July 2024?", "a question; dates become filters"),
    HelpTopic("ransomware in the last week of November 2024", "“last week”, “Q3 2024”, “spring 2025”…"),
    HelpTopic("latest", "the newest issue"),
    HelpTopic("timeline iran", "how a story developed across issues, oldest first (“page 2” for more)"),
    HelpTopic("watch ransomware", "a direct message when a new issue has items about it"),
    HelpTopic("unwatch ransomware | watches", "stop watching a topic; list what you watch"),
    HelpTopic("subscribe | unsubscribe | status", "weekly delivery here"),
    HelpTopic("help", "this list"),
)
HELP_OUTRO = (
    "Every answer cites the issue date and section of each item it uses. "
    "Dates are read relative to the newest issue in the archive."
)

SUBSCRIPTION = {
    ("subscribe", True): "Subscribed: new issues of the digest will be posted in this {place}.",
    ("subscribe", False): "This {place} is already subscribed to the digest.",
    ("unsubscribe", True): "Unsubscribed: new issues will no longer be posted in this {place}.",
    ("unsubscribe", False): "This {place} was not subscribed.",
    ("status", True): "This {place} is subscribed: new issues of the digest are posted here.",
    ("status", False): "This {place} is not subscribed. Send “{command}” to get new issues here.",
}

EMPTY_ARCHIVE = "The archive is empty: no issue has been ingested yet."
INVALID_ACTION = "That button's data was not what I sent, so I did nothing. Ask me again."
APOLOGY = "Sorry, something went wrong on my side. Please try again in a minute."


def subscription_line(action: str, flag: bool, *, place: str, command: str) -> str:
    """The reply to subscribe / unsubscribe (flag: it changed) or status (flag: subscribed)."""
    return SUBSCRIPTION[(action, flag)].format(place=place, command=command)


def failure_line(reason: str | None) -> str:
    """A failed request: the domain error's own (safe) message, or a generic apology."""
    return APOLOGY if reason is None else f"Sorry: {reason}"


# -- timelines and watches ------------------------------------------------------------------------------


def quoted(topic: str) -> str:
    """A user's topic in quotes: “ransomware”."""
    return f"“{topic}”"


def timeline_heading(story: Story) -> str:
    """ "Veloria – Drassk border: 6 items, 4 Mar 2025 – 13 Jan 2026" (one date when all share it)."""
    first, last = story.first, story.last
    if first is None or last is None:
        return story.topic
    span = short_date(first) if first == last else f"{short_date(first)} – {short_date(last)}"
    return f"{story.topic[:1].upper()}{story.topic[1:]}: {plural(len(story.items), 'item')}, {span}"


def timeline_nothing(story: Story) -> str:
    """A timeline with no item about its topic."""
    where = f" in {describe_period(story.period)}" if story.period is not None else ""
    return f"I found nothing in the digests about {quoted(story.topic)}{where}: no timeline to show."


def story_notes(story: Story) -> list[str]:
    """What a surface says about how a timeline was found (a date filter, a shortened topic)."""
    notes = [f"Searched {describe_period(story.period)}."] if story.period is not None else []
    if story.shortened_to is not None:
        notes.append(f"Your topic was shortened to {story.shortened_to} characters.")
    return notes


def timeline_range(first: int, last: int, total: int) -> str:
    """Which items of the story a page shows: "Items 11–20 of 25."."""
    return f"Items {first}–{last} of {total}."


def timeline_command(topic: str, page: int) -> str:
    """The command that shows another page of a timeline."""
    return f"timeline {topic} page {page}"


def watched_line(topic: str, added: bool, count: int, limit: int) -> str:
    """The reply to ``watch``."""
    if not added:
        return f"You already watch {quoted(topic)}."
    return (
        f"Watching {quoted(topic)}: when a new issue has items about it, you get a direct message "
        f"({count} of {limit} watches)."
    )


def watch_full_line(limit: int, prefix: str) -> str:
    """``watch`` refused at the limit (``prefix``: how the surface's commands start, e.g. "/digest ")."""
    return f"You already watch {limit} topics, the most allowed: “{prefix}unwatch <topic>” one first."


def unwatched_line(topic: str, removed: bool, prefix: str) -> str:
    """The reply to ``unwatch``."""
    if removed:
        return f"No longer watching {quoted(topic)}."
    return f"You were not watching {quoted(topic)}; “{prefix}watches” lists what you watch."


def watches_heading(count: int, limit: int, prefix: str) -> str:
    """The head of the ``watches`` list."""
    if count == 0:
        return f"You watch nothing yet. Try “{prefix}watch ransomware”."
    return f"You watch {plural(count, 'topic')} (of at most {limit}); a new issue about one is sent to you:"


NO_DIRECT_CHAT = (
    "I can't message you directly yet: open a 1:1 chat with me (Apps → digestbot → Chat) and say hello, "
    "and matches will arrive there."
)


def notice_heading(topic: str, day: dt.date, count: int) -> str:
    """The first line of a watch notice."""
    return f"New in the {short_date(day)} issue about {quoted(topic)}: {plural(count, 'item')}"


def notice_footer(topic: str, prefix: str) -> str:
    """Why the user got a notice, and how to stop it."""
    return f"You watch {quoted(topic)}. To stop: “{prefix}unwatch {topic}”."
