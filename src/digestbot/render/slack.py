"""Slack messages: pure functions from conversation outcomes and domain objects to ``SlackMessage``.

Answers fit one screen — the question, the cited lead, one line per item with a "Details" button — and
the full item with its analysis is shown on demand. Escaping and limits live in ``slack_blocks``.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from digestbot.domain import Answer, AnswerItem, Hit, Issue, Section
from digestbot.render import words
from digestbot.render.slack_blocks import (
    Block,
    SlackMessage,
    actions,
    button,
    cite,
    context,
    escape,
    fallback,
    fit,
    header,
    link,
    mention,
    pack_lines,
    paginate,
    section,
)
from digestbot.render.slack_story import timeline_message, watch_message

COMMAND = "/digest"
SHARE_ACTION = "digest_share"
DETAILS_ACTION = "digest_details"
PLACE = "channel"


# -- items and issues ---------------------------------------------------------------------------------


def item_lines(text: str, analysis: Sequence[str]) -> list[str]:
    """An item as a bullet with its analysis indented under it."""
    return [f"• {escape(text)}", *(f"      ◦ {escape(line)}" for line in analysis)]


def hit_cite(hit: Hit) -> str:
    """The bold citation of a hit, linked to its issue."""
    return cite(hit.title, hit.date, hit.section, hit.url)


def section_blocks(issue: Issue, part: Section) -> list[Block]:
    """A section of an issue: its cited name, then its items packed into section blocks."""
    name = cite(issue.title, issue.date, part.name, issue.url)
    lines = [line for item in part.items for line in item_lines(item.text, item.analysis)]
    return pack_lines([name, *(lines or ["_No items in this section._"])])


def item_count(issue: Issue) -> int:
    """How many items the issue has."""
    return sum(len(part.items) for part in issue.sections)


def _overview(issue: Issue) -> str:
    sections = words.plural(len(issue.sections), "section")
    count = words.plural(item_count(issue), "item")
    return f"*{link(issue.url, words.short_date(issue.date))}* · {count} in {sections}"


def _issue_label(issue: Issue) -> str:
    return f"{issue.title} — {words.short_date(issue.date)}: {words.plural(item_count(issue), 'item')}"


def issue_message(issue: Issue) -> SlackMessage:
    """A whole issue (``/digest latest``): title, overview, then every section with its items."""
    body = [header(issue.title), section(_overview(issue))]
    body += [block for part in issue.sections for block in section_blocks(issue, part)]
    note = f"This issue is longer than one message: {link(issue.url, 'read it all')} or ask about a topic."
    return SlackMessage(fallback(_issue_label(issue)), fit(body, note))


def issue_post(issue: Issue) -> SlackMessage:
    """The short top-level post of a weekly delivery: title, date, sections with item counts."""
    names = [f"• {escape(part.name)} ({len(part.items)})" for part in issue.sections]
    body = [header(issue.title), section(_overview(issue)), *pack_lines(names)]
    tail = [context("The items follow in this thread. Reply here to ask about this issue.")]
    return SlackMessage(
        fallback(_issue_label(issue)), fit(body, "More sections than fit here; see the thread.", tail)
    )


def section_reply(issue: Issue, part: Section) -> list[SlackMessage]:
    """A section of a weekly delivery, as one or more thread replies that each keep Slack's limits."""
    label = words.citation(issue.title, issue.date, part.name)
    pages = paginate(section_blocks(issue, part))
    if len(pages) == 1:
        return [SlackMessage(fallback(label), pages[0])]
    return [SlackMessage(fallback(f"{label} ({n}/{len(pages)})"), page) for n, page in enumerate(pages, 1)]


# -- answers ------------------------------------------------------------------------------------------


def answer_message(answer: Answer, *, share: bool = False, shared_by: str | None = None) -> SlackMessage:
    """An answer on one screen: the question, the cited lead, one line per item used (each with a
    "Details" button), related items, notes; ``share`` adds "Share in channel", ``shared_by`` says who."""
    head = [section(f"*{escape(answer.query)}*")]
    if shared_by is not None:
        head.append(context(f"Shared by {mention(shared_by)}"))
    body = _answer_body(answer)
    body += [context(escape(note)) for note in words.answer_notes(answer)]
    tail = [actions(button(SHARE_ACTION, "Share in channel", answer.query))] if share else []
    note = "More items matched than fit in one message; ask a narrower question to see them."
    return SlackMessage(fallback(_answer_fallback(answer)), fit([*head, *body], note, tail))


def _answer_body(answer: Answer) -> list[Block]:
    if not answer.found:
        return [section(escape(words.nothing_found(answer)))]
    body: list[Block] = []
    if answer.lead is not None:
        body.append(section(f"{escape(answer.lead.text)}\n{hit_cite(answer.lead.hit)}"))
    else:
        body.append(section(escape(words.lead_sentence(answer))))
    body += [_item_block(item) for item in answer.items]
    if answer.related:
        related = "; ".join(escape(words.cite_hit(hit)) for hit in answer.related)
        body.append(context(f"Related: {related}"))
    return body


def _item_block(item: AnswerItem) -> Block:
    block = section(f"• {escape(item.answer_line)} — {hit_cite(item.hit)}")
    block["accessory"] = button(DETAILS_ACTION, "Details", str(item.hit.item_id))
    return block


def _answer_fallback(answer: Answer) -> str:
    if not answer.found:
        return words.nothing_found(answer)
    if answer.lead is not None:
        return f"{answer.lead.text} ({words.cite_hit(answer.lead.hit)})"
    return words.lead_sentence(answer)


def details_message(hits: Sequence[Hit]) -> SlackMessage:
    """Items in full: citation, text and analysis."""
    blocks = [
        block for hit in hits for block in pack_lines([hit_cite(hit), *item_lines(hit.text, hit.analysis)])
    ]
    label = "; ".join(words.cite_hit(hit) for hit in hits)
    return SlackMessage(fallback(label), fit(blocks, "The rest of this item did not fit in one message."))


# -- notices ------------------------------------------------------------------------------------------


def notice(line: str) -> SlackMessage:
    """A one-line message (confirmations, friendly errors)."""
    return SlackMessage(fallback(line), [section(escape(line))])


def help_message() -> SlackMessage:
    """``/digest help``, in Slack's syntax."""
    lines = [f"*{escape(words.HELP_INTRO)}*"]
    lines += [f"`{COMMAND} {escape(t.usage)}` — {escape(t.meaning)}" for t in words.HELP_TOPICS]
    lines.append("You can also mention me in a channel, reply in my threads, or message me directly.")
    lines.append("My Home tab shows the latest issue, your watches and the channels getting the digest.")
    return SlackMessage(
        fallback(words.HELP_INTRO), [section("\n".join(lines)), context(escape(words.HELP_OUTRO))]
    )


def subscription_message(outcome: Subscription) -> SlackMessage:
    """The reply to subscribe / unsubscribe / status."""
    line = words.subscription_line(
        outcome.action.value, outcome.flag, place=PLACE, command=f"{COMMAND} subscribe"
    )
    return notice(line)


def outcome_message(outcome: Outcome, *, share: bool = False, shared_by: str | None = None) -> SlackMessage:
    """Any conversation outcome as a Slack message (not for ``Ignored``, which gets no reply)."""
    match outcome:
        case Answered(answer):
            return answer_message(answer, share=share and answer.found, shared_by=shared_by)
        case Latest(issue):
            return issue_message(issue)
        case EmptyArchive():
            return notice(words.EMPTY_ARCHIVE)
        case Subscription():
            return subscription_message(outcome)
        case Details(hits):
            return details_message(hits)
        case Timeline():
            return timeline_message(outcome)
        case Watched() | WatchFull() | Unwatched() | WatchList():
            return watch_message(outcome)
        case Failed(reason):
            return notice(words.failure_line(reason))
        case Help():
            return help_message()
        case Thanked():
            return notice(words.THANKED)
    raise ValueError(f"no Slack message for {outcome!r}")
