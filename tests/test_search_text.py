"""The lexical tokenizer folds case, quotes, dashes and accents and keeps names like RockYou2024 whole."""

from __future__ import annotations

import pytest

from digestbot.search.text import content_tokens, fold_text, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("The “RockYou2024” leak", ["rockyou2024", "leak"]),
        ("Mélenchon’s alliance", ["melenchon", "alliance"]),
        ("Pezeshkian's PEZESHKIAN pezeshkian", ["pezeshkian", "pezeshkian", "pezeshkian"]),
        ("protests and elections", ["protest", "election"]),
        ("ceasefire/hostage deal", ["ceasefire", "hostage", "deal"]),
        ("Covid-19 crisis", ["covid", "19", "crisis"]),
        ("policies of countries", ["policy", "country"]),
        ("military cooperation, cooperate militarily", ["military", "cooperate", "cooperate", "military"]),
        ("NBSP\u00a0divides", ["nbsp", "divide"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def test_content_tokens_drop_words_about_the_digest() -> None:
    assert content_tokens("what was in the latest issue of the digest?") == []
    assert content_tokens("what did we say about Iran") == ["iran"]


def test_fold_text_matches_across_typography() -> None:
    assert fold_text("Israel – Gaza") == fold_text("israel - gaza")
    assert fold_text("Mélenchon’s") == "melenchon's"
