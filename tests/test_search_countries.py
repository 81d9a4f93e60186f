"""Countries in every form: names, demonyms, capitals and codes, in questions and in items."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from digestbot.domain import Issue, Item, Section
from digestbot.search.countries import country_table
from digestbot.search.text import tokenize
from tests.search_support import new_engine, real_embedder


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("colombia", "Colombia"), ("colombian", "Colombia"), ("qatari", "Qatar"),
        ("emirati", "United Arab Emirates"), ("burkinabè", "Burkina Faso"), ("israelis", "Israel"),
        ("tehran", "Iran"), ("moscow", "Russia"), ("beijing", "China"), ("kyiv", "Ukraine"),
        ("washington", "United States"), ("american", "United States"), ("british", "United Kingdom"),
        ("uae", "United Arab Emirates"), ("uk", "United Kingdom"), ("usa", "United States"),
        ("saudi", "Saudi Arabia"), ("south korea", "South Korea"), ("french", "France"),
        ("britain", "United Kingdom"), ("sofia", "Bulgaria"), ("new delhi", "India"),
    ],
)  # fmt: skip
def test_a_question_names_a_country_in_any_form(typed: str, country: str) -> None:
    tokens = tokenize(typed)
    assert country_table().in_question(tokens, 0, typed) == (len(tokens), country)


@pytest.mark.parametrize("typed", ["us", "can", "gulf", "asian", "per", "guy"])
def test_words_and_descriptions_are_no_country(typed: str) -> None:
    assert country_table().in_question(tokenize(typed), 0, typed) is None


# Words of capitals and alternative spellings ("Flying Fish Cove", "Abode of Peace", "Taiwan, Province of
# China") and common words of long names ("Great Britain", "Heard Island") once named countries alone: a
# stranger's "fish waters" made a question about Christmas Island, and every item saying "great" was British.
@pytest.mark.parametrize(
    "typed", ["fish", "peace", "land", "province", "heard", "great", "christmas", "point", "king", "jose"]
)
def test_common_words_of_long_names_are_no_country(typed: str) -> None:
    assert country_table().in_question(tokenize(typed), 0, typed) is None
    assert country_table().in_text(tokenize(f"A {typed} of note"), f"A {typed} of note") == frozenset()


def test_brussels_is_the_european_union_not_belgium() -> None:
    assert country_table().in_question(["brussel"], 0, "brussels") is None
    assert country_table().in_question(["belgium"], 0, "belgium") == (1, "Belgium")


def test_us_in_capitals_in_a_question_is_the_united_states() -> None:
    assert country_table().in_question(["us"], 0, "US sanctions") == (1, "United States")


def test_an_item_names_countries_by_code_only_in_capitals() -> None:
    text = "Colombian officials met U.S. and UK envoys in Abu Dhabi; the US said AI and IT would help us."
    found = country_table().in_text(tokenize(text), text)
    assert found == {"Colombia", "United States", "United Kingdom", "United Arab Emirates"}


def _issue(text: str) -> Issue:
    return Issue(
        date(2025, 6, 3), "Weekly Security Digest", (Section("International Affairs", (Item(text),)),)
    )


def test_a_demonym_in_the_item_answers_the_country_in_the_question(tmp_path: Path) -> None:
    issues = [
        _issue("A Colombian presidential candidate was shot at a rally in Bogotá on Saturday."),
        Issue(
            date(2025, 6, 10),
            "Weekly Security Digest",
            (Section("Cyber", (Item("Ransomware hit a port."),)),),
        ),
    ]
    # The real model: the hashing fake cannot know that "Colombian" is about Colombia, only the table can.
    answer = new_engine(tmp_path, embedder=real_embedder(), issues=issues).search("colombia", k=5)
    assert answer.relevant and {hit.text[:11] for hit in answer.hits} >= {"A Colombian"}


def test_a_capital_stands_for_its_government(tmp_path: Path) -> None:
    issues = [_issue("Iranian negotiators rejected the proposal on enrichment limits.")]
    result = new_engine(tmp_path, issues=issues).search("what did tehran say about enrichment", k=5)
    assert result.relevant and result.hits[0].text.startswith("Iranian negotiators")


def test_a_country_the_archive_never_names_finds_nothing(tmp_path: Path) -> None:
    issues = [_issue("Iranian negotiators rejected the proposal on enrichment limits.")]
    assert not new_engine(tmp_path, issues=issues).search("mongolia enrichment", k=5).relevant
