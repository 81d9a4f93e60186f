"""Telling a name the archive never saw from an English word it happens not to use."""

from __future__ import annotations

import pytest

from digestbot.search.lexicon import Vocabulary
from digestbot.search.text import content_tokens

ARCHIVE = Vocabulary.of(content_tokens("The mediator said the ransomware crew was arrested in Ostrand."))


# Each of these was taken for a name when the dictionary was the model's vocabulary alone, and cost a
# stranger's paraphrase its answer ("a dossier-selling firm with a leaky server").
@pytest.mark.parametrize(
    "question",
    [
        "a dossier-selling firm with a leaky server", "hardliners oppose the troop pullout",
        "the plebiscite was paused", "campaigners heckle the bosses", "the payout overhaul",
        "growers swapping calories", "halted tumour care", "defence centre analysed the manoeuvre",
        "mediators for the ransomware crews",
    ],
)  # fmt: skip
def test_english_words_are_not_names(question: str) -> None:
    assert ARCHIVE.unknown(content_tokens(question)) == []


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("anything on the okta support system breach?", ["okta"]),
        ("lockbit ransomware", ["lockbit"]),
        ("prigozhin mutiny", ["prigozhin"]),
        ("citrix bleed", ["citrix"]),
    ],
)
def test_names_the_archive_never_saw_are_unknown(question: str, names: list[str]) -> None:
    assert ARCHIVE.unknown(content_tokens(question)) == names


def test_a_word_sharing_a_stem_with_the_archive_is_known() -> None:
    assert ARCHIVE.unknown(content_tokens("ostrandish ransomwares")) == []
