"""Answers: ranked items turned into a structured answer — a cited lead, then one line per item used.

The lead is the sentence (or two) of the best item that best matches the question, quoted as written;
each used item is one short line. When nothing relevant is found the answer has no items, and every
surface says so honestly instead of passing off the nearest unrelated items. Wording is the renderers'.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from digestbot.domain import Answer, AnswerItem, Hit, Lead
from digestbot.errors import DigestbotError
from digestbot.index.chunks import split_sentences
from digestbot.search import SearchEngine, SearchResult
from digestbot.search.text import best_sentence, clip, content_tokens

LINE_CHARS = 110
LEAD_CHARS = 240


def item_line(hit: Hit, limit: int = LINE_CHARS) -> str:
    """The item's first sentence, or two when the first is short, cut to ``limit`` characters."""
    sentences = split_sentences(hit.text) or [hit.text.strip()]
    text = sentences[0]
    if len(text) < 60 and len(sentences) > 1:
        text = f"{text} {sentences[1]}"
    return clip(text, limit)


def lead_for(question: str, hit: Hit, matched: str | None) -> Lead:
    """The sentence of the best item that best matches the question (its matched passage first)."""
    sentence = matched or best_sentence(hit.text, content_tokens(question))
    return Lead(text=clip(sentence, LEAD_CHARS), hit=hit)


def compose_answer(question: str, result: SearchResult) -> Answer:
    """The answer a search result supports: only the relevant hits are used."""
    used = [hit for hit in result.hits if hit.item_id in result.relevant_ids] if result.relevant else []
    period = result.scope.period if result.scope is not None else None
    base = Answer(
        query=result.query or question,
        period=period,
        nearest=result.nearest,
        widened_from=result.widened_from,
    )
    if not used:
        return base
    related = tuple(hit for hit in result.hits if hit.item_id in result.related_ids)
    items = tuple(AnswerItem(hit, item_line(hit)) for hit in used)
    if not result.confident:  # offered as the closest items found: nothing is quoted as the answer
        return replace(base, items=items, related=related, newest_first=result.newest_first, closest=True)
    if result.newest_first:  # the latest on a topic: the newest item, as it opens
        lead = Lead(text=item_line(used[0], LEAD_CHARS), hit=used[0])
    else:
        lead = lead_for(result.query or question, used[0], result.passages.get(used[0].item_id))
    items = (replace(items[0], after_lead=_after_lead(used[0], lead.text)), *items[1:])
    return replace(base, lead=lead, items=items, related=related, newest_first=result.newest_first)


QUOTED_ABOVE = "(quoted above)"


def _after_lead(hit: Hit, lead: str) -> str:
    """The line of the lead's own item: what it says beyond the lead, never the lead again."""
    quoted = lead.rstrip("…").strip()
    sentences = [s for s in split_sentences(hit.text) or [hit.text] if s.strip() and s.strip() not in quoted]
    rest = [s for s in sentences if not quoted.startswith(s.strip()[: max(len(quoted) - 1, 1)])]
    return clip(" ".join(rest), LINE_CHARS) if rest else QUOTED_ABOVE


def ask(
    engine: SearchEngine,
    question: str,
    *,
    k: int = 5,
    issue_date: date | None = None,
    max_chars: int = 500,
    mode: str = "hybrid",
) -> Answer:
    """Search and compose. A question longer than ``max_chars`` is cut (and the answer says so)."""
    question = " ".join(question.split())
    if not question:
        raise DigestbotError("the question is empty: ask about a topic, e.g. “ransomware in 2024”")
    shortened: int | None = None
    if len(question) > max_chars:
        question = question[:max_chars].rsplit(" ", 1)[0] or question[:max_chars]
        shortened = max_chars
    answer = compose_answer(question, engine.search(question, k=k, issue_date=issue_date, mode=mode))
    return answer if shortened is None else replace(answer, shortened_to=shortened)
