"""The command language every surface shares: a verb alone, or a question.

``help``, ``latest``, ``subscribe``, ``unsubscribe`` and ``status`` (alone, any case, trailing punctuation
allowed) are commands; an empty text is help; anything else is a question. Each surface strips its own
prefix (``/digest``, an @mention) before parsing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verb(enum.Enum):
    """What the user asked for."""

    HELP = "help"
    LATEST = "latest"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    STATUS = "status"
    ASK = "ask"


@dataclass(frozen=True)
class Command:
    """A parsed command: a verb, and for ASK the question."""

    verb: Verb
    question: str = ""


_KEYWORDS = {verb.value: verb for verb in Verb if verb is not Verb.ASK}


def parse_command(text: str) -> Command:
    """The command a message's text names (see the module docstring)."""
    words = " ".join(text.split())
    if not words:
        return Command(Verb.HELP)
    verb = _KEYWORDS.get(words.lower().rstrip("?!. "))
    if verb is not None:
        return Command(verb)
    return Command(Verb.ASK, question=words)
