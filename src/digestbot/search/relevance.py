"""The relevance policy: when a ranked item is about the question, not merely the nearest one.

One explicit value, built from settings at the entry point and passed to the search engine, so the real
model and the test fakes run the same policy code (with values calibrated for each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Calibrated with all-MiniLM-L6-v2 on the two seed issues plus 6 invented items (best-passage cosine of the
# top hit): 27 on-topic questions scored 0.39-0.80 on dense evidence alone ("RockYou2024" 0.39, "Midnight
# Blizzard" 0.42, "French elections" 0.60) and 0.25-0.34 where the words are rare ("compulsory hijab" 0.25,
# "China" 0.30, "Shejaiya operation" 0.34); 20 off-topic ones scored 0.04-0.31 ("weather forecast tomorrow"
# 0.31, "how do I reset my email password" 0.26, "recipe for banana bread" 0.19, "asdfgh" 0.19). With the
# rules below all 27 were relevant and none of the 20.
DEFAULT_THRESHOLD = 0.36
DEFAULT_FLOOR = 0.24  # an item with rare question words (or in a section the question names) may sit lower
# An item naming every entity the question names ("Ninefold forum": the item says where the attacker
# posted) is about it even when the rest of it is about something else: measured 0.16 for such a mention.
DEFAULT_NAMED_FLOOR = 0.1


@dataclass(frozen=True)
class RelevancePolicy:
    """Relevant: best-passage cosine at least ``threshold``; or at least ``floor`` for an item with strong
    lexical evidence (rare question words, a section the question names, an issue it picked); or at least
    ``named_floor`` for an item that names every entity the question names."""

    threshold: float = DEFAULT_THRESHOLD
    floor: float = DEFAULT_FLOOR
    named_floor: float = DEFAULT_NAMED_FLOOR

    def __post_init__(self) -> None:
        if not -1.0 <= self.named_floor <= self.floor <= self.threshold <= 1.0:
            raise ValueError(
                f"relevance: need -1 <= named floor ({self.named_floor}) <= floor ({self.floor})"
                f" <= threshold ({self.threshold}) <= 1"
            )

    def relevant(
        self,
        rows: Sequence[int],
        similarities: Sequence[float],
        evidence: set[int],
        named: frozenset[int] | set[int] = frozenset(),
    ) -> list[int]:
        """The rows (with their best-passage cosines) that are about the question."""
        return [
            row
            for row, sim in zip(rows, similarities, strict=True)
            if sim >= self.threshold
            or (row in evidence and sim >= self.floor)
            or (row in named and sim >= self.named_floor)
        ]
