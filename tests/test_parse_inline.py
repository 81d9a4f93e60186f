"""The text rules that stand in for lost layout: headings run into text, and commentary told from news."""

from __future__ import annotations

import pytest

from digestbot.parse.commentary import reads_as_commentary
from digestbot.parse.inline_headings import split_run, split_tail


@pytest.mark.parametrize(
    ("text", "item", "heads"),
    [
        # After a sentence end, a Title Case tail is a heading, known or not.
        ("Veloria voted. Veloria – Drassk Border ", "Veloria voted.", ["Veloria – Drassk Border"]),
        ("Veloria voted. Global Security Matters International Affairs", "Veloria voted.",
         ["Global Security Matters", "International Affairs"]),
        # No sentence end: only a known name, or one ending in a heading word after a content word.
        ("votes from the far right International Affairs ", "votes from the far right",
         ["International Affairs"]),
        ("votes from the far right Middle East", "votes from the far right", ["Middle East"]),
        ("ships were delayed again Maritime Security", "ships were delayed again", ["Maritime Security"]),
        ("ships calling at Port Caldera Maritime Security", "ships calling at Port Caldera Maritime Security",
         []),
        # Sentences that end without their full stop keep their last words.
        ("gains to the far right ", "gains to the far right", []),
        ("made by the Ostmark Ministry of Defense", "made by the Ostmark Ministry of Defense", []),
        ("talks with President Oskar Lind", "talks with President Oskar Lind", []),
        ("Veloria voted. The turnout was low", "Veloria voted. The turnout was low", []),
    ],
)  # fmt: skip
def test_split_tail(text: str, item: str, heads: list[str]) -> None:
    assert split_tail(text, frozenset()) == (item, heads)


def test_split_tail_uses_the_pages_own_headings() -> None:
    seen = frozenset({"harbour watch"})
    assert split_tail("cargo was seized Harbour Watch", seen) == ("cargo was seized", ["Harbour Watch"])
    assert split_tail("cargo was seized Harbour Watch", frozenset()) == ("cargo was seized Harbour Watch", [])


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (
            "Global Security Matters International Affairs",
            ["Global Security Matters", "International Affairs"],
        ),
        ("Global Security Matters Veloria – Drassk", ["Global Security Matters", "Veloria – Drassk"]),
        ("Covid-19 Updates Vaccination Drive", ["Covid-19 Updates", "Vaccination Drive"]),
        ("Regional Affairs Middle East", ["Regional Affairs", "Middle East"]),
        ("International Affairs", ["International Affairs"]),
        ("Veloria – Drassk Border", ["Veloria – Drassk Border"]),
    ],
)
def test_split_run(run: str, expected: list[str]) -> None:
    assert split_run(run) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Moreover, the opposition has already said it would join the coalition.",
        "Still, a deal remains possible before the summit.",
        "Altogether, it is unlikely that the ceasefire will hold through the winter.",
        "Zooming out, this fits a pattern of brief escalations.",
        "We expect the coalition to hold until the budget.",
        "Expect a legal challenge before the constitutional court.",
        "It is unlikely that the broker will face a fine.",
        "The fact that the court allowed the vote likely reflects pressure from the street.",
        "This likely signals that the Greens want an early election.",
        "That, of course, is not to suggest that the region will be calm.",
        "The move follows quiet mediation and is likely to hold.",
    ],
)
def test_commentary(line: str) -> None:
    assert reads_as_commentary(line)


@pytest.mark.parametrize(
    "line",
    [
        "The Ostmark Federation expelled two Drassk diplomats on Monday.",
        "On Monday, Veloria’s parliament voted to extend the peacekeeping mandate.",
        "This week, researchers linked the GreyMoth crew to three hospital attacks.",
        "Still reeling from the floods, Drassk asked Ostmark for emergency loans.",
        "According to a Lausanne think tank, arms sales reached a record last year.",
        "The deal gives Veloria’s farmers a fuel subsidy until 2026.",
        "Analysts expect the central bank to raise rates again.",
        "“It is reasonable to expect more cases this winter,” the health minister said.",
        "Officials said the attack would likely be claimed by the Ashen Hand.",
    ],
)
def test_news(line: str) -> None:
    assert not reads_as_commentary(line)
