"""Answers lead with a cited sentence, use only relevant items (one line each), admit when nothing is
relevant, and guard the question's size."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digestbot.answers import ask, compose_answer, item_line
from digestbot.domain import Hit, Period, PeriodKind
from digestbot.errors import DigestbotError
from digestbot.render.plain import answer_text
from digestbot.search import DateScope, SearchEngine, SearchResult
from tests.search_support import new_engine


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    return new_engine(tmp_path)


def _hit(item_id: int, text: str) -> Hit:
    return Hit(
        item_id, date(2024, 7, 9), "Acme Corp’s Weekly Security Digest", "Israel – Gaza", text, (), 0.03
    )


def test_only_relevant_items_are_used_each_as_one_line() -> None:
    hits = [_hit(1, "Talks resumed in Cairo. Both sides hesitate. A third sentence."), _hit(2, "Unrelated.")]
    scope = DateScope(date(2024, 7, 9), date(2024, 7, 9), PeriodKind.ISSUE)
    result = SearchResult(hits, True, "talks", frozenset({1}), scope)
    answer = compose_answer("talks in Cairo?", result)
    assert [item.hit.item_id for item in answer.items] == [1]
    assert answer.items[0].line == "Talks resumed in Cairo. Both sides hesitate."  # timelines show this
    assert answer.period == Period(date(2024, 7, 9), date(2024, 7, 9), PeriodKind.ISSUE)
    lines = answer_text(answer).splitlines()
    assert lines[0] == "Talks resumed in Cairo. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    # the lead is not repeated as its item's line: the line says what the item adds
    assert (
        lines[1]
        == "• Both sides hesitate. A third sentence. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    )


def test_an_item_the_lead_quotes_whole_says_so_instead_of_repeating_it() -> None:
    result = SearchResult([_hit(1, "Talks resumed in Cairo.")], True, "talks", frozenset({1}))
    lines = answer_text(compose_answer("talks", result)).splitlines()
    assert lines == [
        "Talks resumed in Cairo. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza",
        "• (quoted above) — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza",
    ]


def test_items_below_the_confident_level_are_offered_as_the_closest_found() -> None:
    hits = [_hit(1, "Talks resumed in Cairo."), _hit(2, "Both sides hesitate.")]
    result = SearchResult(hits, True, "go-between", frozenset({1, 2}), confident=False)
    answer = compose_answer("go-between", result)
    assert answer.closest and answer.lead is None and len(answer.items) == 2
    assert answer_text(answer).splitlines()[0] == "Closest items I found:"


def test_the_lead_is_the_sentence_that_answers_not_the_first() -> None:
    hits = [_hit(1, "Talks resumed in Cairo on Monday. The order of prisoner releases is disputed.")]
    result = SearchResult(hits, True, "prisoner releases order", frozenset({1}))
    answer = compose_answer("prisoner releases order", result)
    assert answer.lead is not None and answer.lead.text == "The order of prisoner releases is disputed."
    assert answer_text(answer).splitlines()[0] == (
        "The order of prisoner releases is disputed. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    )


def test_a_matching_analysis_passage_leads() -> None:
    hits = [_hit(1, "Talks resumed in Cairo.")]
    result = SearchResult(hits, True, "order", frozenset({1}), passages={1: "Order is disputed."})
    answer = compose_answer("order?", result)
    assert answer.lead is not None and answer.lead.text == "Order is disputed."


def test_nothing_relevant_is_said_honestly() -> None:
    result = SearchResult([_hit(1, "Talks resumed in Cairo.")], False, "banana bread", frozenset())
    answer = compose_answer("recipe for banana bread", result)
    assert not answer.found and answer.lead is None
    assert answer_text(answer).startswith("I found nothing in the digests about “banana bread”")


def test_a_long_item_is_summarised_by_its_first_sentence() -> None:
    long_sentence = "Word " * 100 + "end."
    assert item_line(_hit(1, long_sentence)).endswith("…")
    assert len(item_line(_hit(1, long_sentence))) <= 160


def test_ask_answers_from_the_archive(engine: SearchEngine) -> None:
    answer = ask(engine, "Glasswing ransomware in hospitals")
    assert answer.lead is not None and "Glasswing" in answer.lead.text
    assert "A ransomware gang called Glasswing" in answer_text(answer)
    assert "— Weekly Security Digest, 2 Jul 2024 · Cyber / Defense Technology" in answer_text(answer)


def test_ask_nonsense_finds_nothing(engine: SearchEngine) -> None:
    answer = ask(engine, "asdfgh")
    assert not answer.found
    assert answer_text(answer).startswith("I found nothing in the digests about “asdfgh”")


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_an_empty_question_is_a_user_error(engine: SearchEngine, question: str) -> None:
    with pytest.raises(DigestbotError, match="the question is empty"):
        ask(engine, question)


def test_a_long_question_is_capped_and_says_so(engine: SearchEngine) -> None:
    answer = ask(engine, "Glasswing ransomware " * 100, max_chars=60)
    assert len(answer.query) <= 60 and answer.shortened_to == 60
    assert "(Your question was shortened to 60 characters.)" in answer_text(answer)


def test_a_thread_question_stays_in_its_issue(engine: SearchEngine) -> None:
    answer = ask(engine, "what about the ransomware?", issue_date=date(2024, 7, 2))
    assert answer.hits and {hit.date for hit in answer.hits} == {date(2024, 7, 2)}
    assert answer.widened_from is None
