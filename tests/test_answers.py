"""Answers cite every item they use, admit when nothing is relevant, and guard the question's size."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digestbot.answers import HELP_TEXT, ask, compose_answer, summary
from digestbot.domain import Hit
from digestbot.search import SearchEngine, SearchResult
from tests.search_support import new_engine


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    return new_engine(tmp_path)


def _hit(item_id: int, text: str) -> Hit:
    return Hit(
        item_id, date(2024, 7, 9), "Acme Corp’s Weekly Security Digest", "Israel – Gaza", text, (), 0.03
    )


def test_each_used_item_is_a_cited_bullet() -> None:
    hits = [_hit(1, "Talks resumed in Cairo. Both sides hesitate. A third sentence."), _hit(2, "Unrelated.")]
    result = SearchResult(hits, ["the 9 Jul 2024 issue"], True, "talks", frozenset({1}))
    answer = compose_answer("talks in Cairo?", result)
    assert answer.text == (
        "Here is what the digests said — the 9 Jul 2024 issue:\n"
        "• Talks resumed in Cairo. Both sides hesitate. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    )
    assert [hit.item_id for hit in answer.hits] == [1]
    assert answer.notes == ("the 9 Jul 2024 issue",)


def test_a_matching_analysis_sentence_is_quoted_with_its_item() -> None:
    hits = [_hit(1, "Talks resumed in Cairo.")]
    result = SearchResult(hits, [], True, "order", frozenset({1}), passages={1: "Order is disputed."})
    assert compose_answer("order?", result).text.splitlines()[1] == (
        "• Talks resumed in Cairo. … Order is disputed. — Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    )


def test_nothing_relevant_is_said_honestly() -> None:
    result = SearchResult([_hit(1, "Talks resumed in Cairo.")], [], False, "banana bread", frozenset())
    answer = compose_answer("recipe for banana bread", result)
    assert answer.text.startswith("I found nothing in the digests about “banana bread”")
    assert answer.hits == ()


def test_a_long_item_is_summarised_by_its_first_sentences() -> None:
    long_sentence = "Word " * 100 + "end."
    assert summary(_hit(1, long_sentence)).endswith("…")
    assert len(summary(_hit(1, long_sentence))) <= 300


def test_ask_answers_from_the_archive(engine: SearchEngine) -> None:
    answer = ask(engine, "Glasswing ransomware in hospitals")
    assert "A ransomware gang called Glasswing" in answer.text
    assert "— Weekly Security Digest, 2 Jul 2024 · Cyber / Defense Technology" in answer.text
    assert all(hit.item_id in {h.item_id for h in answer.hits} for hit in answer.hits)


def test_ask_nonsense_finds_nothing(engine: SearchEngine) -> None:
    answer = ask(engine, "asdfgh")
    assert answer.text.startswith("I found nothing in the digests about “asdfgh”")
    assert answer.hits == ()


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_an_empty_question_gets_help(engine: SearchEngine, question: str) -> None:
    assert ask(engine, question).text == HELP_TEXT


def test_a_long_question_is_capped_and_says_so(engine: SearchEngine) -> None:
    answer = ask(engine, "Glasswing ransomware " * 100, max_chars=60)
    assert len(answer.query) <= 60
    assert "question shortened to 60 characters" in answer.notes


def test_a_thread_question_stays_in_its_issue(engine: SearchEngine) -> None:
    answer = ask(engine, "what about the ransomware?", issue_date=date(2024, 7, 2))
    assert answer.hits and {hit.date for hit in answer.hits} == {date(2024, 7, 2)}
