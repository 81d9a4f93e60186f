"""Heading names the digest has used for years (DESIGN.md, "What digests look like").

They settle what the layout alone cannot: a part from an empty section above a section, and where one
heading ends and the next starts when a page's line breaks are lost ("Global Security Matters
International Affairs"). Anything not listed still parses by the layout rules; a page's own headings are
added to the known names while it is read.
"""

from __future__ import annotations

import re

from digestbot.parse.normalize import fold

PART_NAMES = frozenset(
    {
        "global security matters", "covid-19 updates", "covid updates", "covid-19 update", "covid-19",
        "public health updates", "health updates", "pandemic updates", "global security and policy insights",
    }
)  # fmt: skip
SECTION_NAMES = frozenset(
    {
        "international affairs", "israel - gaza", "cyber / defense technology", "cyber and technology",
        "cyber / technology", "atmosphere of protest", "middle east", "europe", "asia", "africa", "americas",
        "latin america", "north america", "united states", "national security", "travel security",
        "military & defense", "military and defense", "domestic affairs", "middle east - north africa",
        "europe and eurasia", "russia - ukraine", "ukraine - russia", "asia-pacific", "asia pacific",
        "indo-pacific", "terrorism", "cybersecurity", "public health", "elections", "migration",
    }
)  # fmt: skip
# A heading's last word that marks it as one even with no sentence end before it ("... the far right
# International Affairs → ..."): section names end this way far more often than sentences do.
HEADING_ENDINGS = frozenset(
    {"affairs", "matters", "updates", "security", "technology", "defense", "defence", "protest", "east"}
)
_SPACES = re.compile(r"\s+")


def key(name: str) -> str:
    """A heading's name folded for comparison (case, dashes, quotes and spaces do not matter)."""
    return _SPACES.sub(" ", fold(name).replace("–", "-"))


def is_part_name(name: str) -> bool:
    """True for a part-level heading ("Global Security Matters", "Covid-19 Updates")."""
    return key(name) in PART_NAMES


def is_known_heading(name: str, seen: frozenset[str] = frozenset()) -> bool:
    """True for a listed part or section name, or one of ``seen`` (keys of the page's own headings)."""
    folded = key(name)
    return folded in PART_NAMES or folded in SECTION_NAMES or folded in seen
