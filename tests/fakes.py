"""Fakes shared by the tests: the hashing embedder's relevance policy, a core over given issues, and a
library that fails, to test the error paths of every surface.

``HashingEmbedder`` runs the same relevance policy code as the real model, with values calibrated for its
noisier cosines (hashed word features put on-topic questions at 0.2-0.6 against items sharing their words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from digestbot.app import build_core
from digestbot.conversation import Library
from digestbot.core import Digestbot
from digestbot.delivery.stories import Story
from digestbot.domain import Answer, AnswerItem, Destination, Hit, Issue, Lead
from digestbot.embedding.embed import HashingEmbedder
from digestbot.search.relevance import RelevancePolicy
from digestbot.settings import Settings

# The fitted model over the hashing fake's cosines (texts sharing words 0.2-0.6, unrelated ones up to 0.15
# through shared word prefixes): an unrelated text scores at most 0.15 there, a text with every question
# word at least 0.55; the operating point sits between, and a lead needs no more, so that the fakes, like
# the model, answer what their archive holds with a quoted lead.
FAKE_POLICY = RelevancePolicy(answer_from=0.35, confident_from=0.35)
FAKE_RELEVANCE: dict[str, Any] = {
    "relevance_answer_from": FAKE_POLICY.answer_from,
    "relevance_confident_from": FAKE_POLICY.confident_from,
}


def fake_settings(**values: Any) -> Settings:
    """Settings for a core that runs on the hashing embedder."""
    return Settings(**{**FAKE_RELEVANCE, **values})


def fake_core(settings: Settings, issues: Iterable[Issue] = (), **parts: Any) -> Digestbot:
    """The real core (store, index, search, answers) on the hashing embedder, holding ``issues``;
    ``parts`` go to ``build_core`` (publishers, destinations)."""
    core = build_core(settings.model_copy(update=FAKE_RELEVANCE), embedder=HashingEmbedder(), **parts)
    saved = [core.archive.save_issue(issue, source="test") for issue in issues]
    if saved:  # like a real process, one that only lists or shows issues never loads the index
        core.engine.refresh()
    return core


class FailingLibrary:
    """A ``Library`` whose questions, timelines and ``latest`` raise ``error`` (a broken database, say)."""

    def __init__(self, library: Library, error: Exception) -> None:
        self.library = library
        self.error = error

    def ask(self, question: str, *, k: int | None = None, issue_date: dt.date | None = None) -> Answer:
        raise self.error

    def latest(self) -> Issue | None:
        raise self.error

    def newest_date(self) -> dt.date | None:
        return self.library.newest_date()

    def hits(self, item_ids: Sequence[int]) -> list[Hit]:
        return self.library.hits(item_ids)

    def story(self, topic: str) -> Story:
        raise self.error

    def posts(self, issue_date: dt.date, platform: str) -> list[tuple[str, str]]:
        return self.library.posts(issue_date, platform)

    def channels(self, platform: str) -> list[Destination]:
        return self.library.channels(platform)


def hit_of(issue: Issue, section: int, item: int, score: float = 1.0) -> Hit:
    """A search hit for an item of a fictional issue."""
    part = issue.sections[section]
    found = part.items[item]
    return Hit(
        item_id=1000 * section + item + 1,
        date=issue.date,
        title=issue.title,
        section=part.name,
        text=found.text,
        analysis=found.analysis,
        score=score,
        url=issue.url,
        part=part.part,
    )


def answer_of(question: str, *hits: Hit, lead: str | None = None) -> Answer:
    """An answer using ``hits`` (each item's line is its text), led by ``lead`` from the first hit."""
    items = tuple(AnswerItem(hit, hit.text) for hit in hits)
    first = Lead(lead, hits[0]) if lead is not None and hits else None
    return Answer(query=question, lead=first, items=items)
