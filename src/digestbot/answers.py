"""Answers: ranked items turned into a short plain-text answer in which every item used is cited.

"• <first sentence or two of the item> — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza". When nothing
relevant is found the answer says so instead of passing off the nearest unrelated items as an answer.
"""

from __future__ import annotations

from datetime import date

from digestbot.domain import Answer, Hit, citation
from digestbot.index.chunks import split_sentences
from digestbot.search import SearchEngine, SearchResult

SUMMARY_CHARS = 300
HELP_TEXT = (
    "Ask me about anything the weekly security digest has covered, for example "
    "“what did we say about the French elections?”, “Iran last week”, “cyber attacks in July 2024” "
    "or “what was in the July 9 issue?”. I answer from the digests only and cite the issue and section."
)


def summary(hit: Hit, limit: int = SUMMARY_CHARS) -> str:
    """The item's first sentence, or two when the first is short, cut to ``limit`` characters."""
    sentences = split_sentences(hit.text) or [hit.text.strip()]
    text = sentences[0]
    if len(text) < 120 and len(sentences) > 1:
        text = f"{text} {sentences[1]}"
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def compose_answer(question: str, result: SearchResult) -> Answer:
    """Plain text citing each item used; an honest "nothing found" when no hit is relevant."""
    notes = tuple(result.filters)
    used = [hit for hit in result.hits if hit.item_id in result.relevant_ids]
    if not result.relevant or not used:
        return Answer(query=question, text=_nothing(question, result), hits=(), notes=notes)
    scope = f" — {'; '.join(result.filters)}" if result.filters else ""
    lines = [f"Here is what the digests said{scope}:"]
    lines += [_bullet(hit, result.passages.get(hit.item_id)) for hit in used]
    return Answer(query=question, text="\n".join(lines), hits=tuple(used), notes=notes)


def _bullet(hit: Hit, matched: str | None) -> str:
    """ "• <summary>[ … <the analysis sentence that matched>] — <citation>"."""
    text = summary(hit)
    if matched and matched not in text:
        text = f"{text} … {matched}"
    return f"• {text} — {citation(hit.title, hit.date, hit.section)}"


def _nothing(question: str, result: SearchResult) -> str:
    topic = (result.query or question).strip(" ?!.") or question.strip()
    scope = f" ({'; '.join(result.filters)})" if result.filters else ""
    return f"I found nothing in the digests about “{topic}”{scope}. Try other words or a wider period."


def ask(
    engine: SearchEngine, question: str, *, k: int = 5, issue_date: date | None = None, max_chars: int = 500
) -> Answer:
    """Search and compose. An empty question gets the help text; a long one is cut to ``max_chars``."""
    question = " ".join(question.split())
    if not question:
        return Answer(query="", text=HELP_TEXT)
    capped: tuple[str, ...] = ()
    if len(question) > max_chars:
        question = question[:max_chars].rsplit(" ", 1)[0] or question[:max_chars]
        capped = (f"question shortened to {max_chars} characters",)
    answer = compose_answer(question, engine.search(question, k=k, issue_date=issue_date))
    return Answer(query=answer.query, text=answer.text, hits=answer.hits, notes=answer.notes + capped)
