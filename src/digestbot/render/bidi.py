"""Bidirectional-text controls removed from untrusted text before any surface shows it.

An override (U+202E) or isolate (U+2067) inside digest or user text reorders everything after it on the
line until its terminator; clipping a line can keep the opener and drop the terminator, and then the
bot's own citation after it reads backwards. No digest needs these controls to be read (the characters
themselves carry their direction), so every renderer's escape removes them rather than balancing them.
"""

from __future__ import annotations

import re

# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), the LRM / RLM marks and the
# Arabic letter mark (U+061C).
BIDI_CHARS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"  # for a regex character class
BIDI_CONTROLS = re.compile(f"[{BIDI_CHARS}]")


def strip_bidi(text: str) -> str:
    """``text`` without bidirectional formatting characters."""
    return BIDI_CONTROLS.sub("", text)
