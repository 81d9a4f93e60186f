"""Passages: every word of a long item is embedded somewhere, each passage fits the model's window."""

from __future__ import annotations

from datetime import date

from digestbot.domain import content_hash
from digestbot.index import chunk_item, header, words_per_chunk
from tests.search_support import STRAIT_ANALYSIS

DAY = date(2024, 7, 9)
TEXT = "Patrol boats from two navies collided in the Strait of Kessar. Four sailors are missing."


def test_a_short_item_is_one_passage_starting_with_its_date_and_section() -> None:
    chunks = chunk_item(
        7, DAY, "Israel – Gaza", "Talks resumed in Cairo.", ("Both sides hesitate.",), budget=128
    )
    assert [chunk.text for chunk in chunks] == [
        "9 July 2024 · Israel – Gaza · Talks resumed in Cairo. Both sides hesitate."
    ]
    assert chunks[0].item_id == 7
    assert chunks[0].text_hash == content_hash(chunks[0].text)


def test_a_long_item_is_split_and_every_word_is_kept() -> None:
    chunks = chunk_item(1, DAY, "International Affairs", TEXT, STRAIT_ANALYSIS, budget=words_per_chunk(256))
    assert len(chunks) >= 2
    embedded = " ".join(chunk.text for chunk in chunks).split()
    for word in (TEXT + " " + " ".join(STRAIT_ANALYSIS)).split():
        assert word in embedded
    head = header(DAY, "International Affairs")
    assert all(chunk.text.startswith(head) for chunk in chunks)
    # Later passages repeat the item's lead sentence, so an analysis passage still says what it is about.
    assert all("Strait of Kessar" in chunk.text for chunk in chunks)


def test_passages_fit_the_window() -> None:
    budget = words_per_chunk(256)
    chunks = chunk_item(1, DAY, "International Affairs", TEXT, STRAIT_ANALYSIS, budget=budget)
    lead_and_header = len(header(DAY, "International Affairs").split()) + 2 + 25
    assert all(len(chunk.text.split()) <= budget + lead_and_header for chunk in chunks)


def test_one_huge_paragraph_is_windowed() -> None:
    paragraph = " ".join(f"word{i}." if i % 20 == 19 else f"word{i}" for i in range(1000))
    chunks = chunk_item(1, DAY, "Cyber", paragraph, (), budget=100)
    assert len(chunks) >= 10
    assert "word999." in chunks[-1].text


def test_passages_are_stable_across_runs() -> None:
    first = chunk_item(1, DAY, "Cyber", TEXT, STRAIT_ANALYSIS, budget=128)
    again = chunk_item(1, DAY, "Cyber", TEXT, STRAIT_ANALYSIS, budget=128)
    assert [c.text_hash for c in first] == [c.text_hash for c in again]
