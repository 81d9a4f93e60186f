"""Search behaviour with the hashing fake: fusion, filters, section boost, scoping, relevance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digestbot.search import SearchEngine, SearchError
from digestbot.search.ranking import RRF_K, SECTION_BOOST, fuse
from tests.search_support import CYBER, JUL2, PROTESTS, new_engine


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    built = new_engine(tmp_path)
    built.ensure_index()
    return built


def test_rrf_prefers_items_both_rankings_agree_on() -> None:
    ranked = fuse([{1: 0.9, 2: 0.8, 3: 0.7}, {3: 12.0, 4: 5.0}], set(), size=10)
    assert ranked.rows[0] == 3
    assert ranked.scores[0] == pytest.approx(1 / (RRF_K + 3) + 1 / (RRF_K + 1), abs=1e-6)


def test_exact_ties_go_to_the_newer_item() -> None:
    ranked = fuse([{1: 0.9}, {8: 3.0}], set(), size=10)  # rows are in date order: 8 is newer
    assert ranked.rows == [8, 1]


def test_the_section_boost_is_a_nudge_not_a_filter() -> None:
    ranked = fuse([{1: 0.9, 2: 0.8, 3: 0.7, 4: 0.6, 5: 0.5}], {3, 5}, size=10)
    assert ranked.rows == [1, 3, 2, 5, 4]
    both = fuse([{1: 0.9, 2: 0.8}, {1: 2.0}], {2}, size=10)
    assert both.rows[0] == 1  # agreement of both rankings outweighs the boost
    assert SECTION_BOOST < 1 / (RRF_K + 1) - 1 / (RRF_K + 5)


def test_a_rare_term_ranks_first(engine: SearchEngine) -> None:
    result = engine.search("NightLantern2024")
    assert result.relevant
    assert result.hits[0].text.startswith("Researchers disclosed NightLantern2024")


def test_a_date_filter_returns_only_that_issue(engine: SearchEngine) -> None:
    result = engine.search("what did the July 2 issue say about elections", k=10)
    assert {hit.date for hit in result.hits} == {date(2024, 7, 2)}
    assert result.scope is not None and (result.scope.start, result.scope.end) == (JUL2, JUL2)
    assert result.query == "what did say about elections"
    assert "Marenne" in result.hits[0].text


def test_a_period_with_no_issues_says_so(engine: SearchEngine) -> None:
    result = engine.search("Iran in March 2019")
    assert result.hits == [] and not result.relevant
    assert result.scope is not None and (result.scope.start, result.scope.end) == (
        date(2019, 3, 1),
        date(2019, 3, 31),
    )
    assert result.nearest == date(2023, 11, 14)


def test_a_question_naming_only_a_period_lists_that_issue(engine: SearchEngine) -> None:
    result = engine.search("what was in last week's issue?", k=10)
    assert result.relevant and len(result.hits) == 5
    assert {hit.date for hit in result.hits} == {date(2024, 7, 9)}
    assert result.hits[0].text.startswith("Voters in the republic of Veloria")


def test_a_section_word_favours_that_section(engine: SearchEngine) -> None:
    hits = engine.search("cyber").hits
    assert hits[0].section == CYBER
    assert engine.search("protests", k=3).hits[0].section == PROTESTS


def test_a_thread_is_scoped_to_its_issue_first(engine: SearchEngine) -> None:
    result = engine.search("ransomware hospitals", issue_date=date(2024, 7, 2))
    assert result.relevant and {hit.date for hit in result.hits} == {date(2024, 7, 2)}
    assert result.widened_from is None


def test_a_thread_question_its_issue_cannot_answer_searches_everywhere(engine: SearchEngine) -> None:
    result = engine.search("Hydraweb botnet routers", issue_date=date(2024, 7, 2))
    assert result.hits[0].date == date(2023, 11, 14)
    assert result.widened_from == date(2024, 7, 2)


def test_an_explicit_date_beats_the_thread_issue(engine: SearchEngine) -> None:
    result = engine.search("cyber in 2023", issue_date=date(2024, 7, 2))
    assert {hit.date for hit in result.hits} == {date(2023, 11, 14)}


def test_nonsense_is_not_relevant(engine: SearchEngine) -> None:
    result = engine.search("qwxzv plokm")
    assert not result.relevant and result.relevant_ids == frozenset()


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_a_distinctive_item(engine: SearchEngine, mode: str) -> None:
    assert "Glasswing" in engine.search("Glasswing ransomware", mode=mode).hits[0].text


def test_bm25_mode_returns_only_lexical_matches(engine: SearchEngine) -> None:
    assert engine.search("qwxzv", mode="bm25").hits == []


def test_an_unknown_mode_is_a_search_error(engine: SearchEngine) -> None:
    with pytest.raises(SearchError, match="unknown search mode 'fuzzy'"):
        engine.search("Iran", mode="fuzzy")


def test_hits_carry_citation_fields(engine: SearchEngine) -> None:
    hit = engine.search("Strait of Kessar collision").hits[0]
    assert (hit.date, hit.section, hit.part) == (
        date(2024, 7, 9),
        "International Affairs",
        "Global Security Matters",
    )
    assert hit.title == "Acme Corp’s Weekly Security Digest"
    assert hit.url == "https://example.test/digest/2024-07-09"
    assert len(hit.analysis) == 4
