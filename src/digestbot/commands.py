"""The chat command language shared by every surface: ``/digest <command or question>``."""

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
    """``help``, ``latest``, ``subscribe``, ``unsubscribe``, ``status`` (alone, any case) are commands;
    an empty text is help; anything else is a question."""
    words = text.strip()
    if not words:
        return Command(Verb.HELP)
    verb = _KEYWORDS.get(words.lower().rstrip("?!. "))
    if verb is not None:
        return Command(verb)
    return Command(Verb.ASK, question=words)


HELP_TEXT = """\
Ask me about any issue of the weekly security digest. For example:
  /digest iran                          items about Iran, newest first when equally relevant
  /digest what did we say about protests in July 2024?
  /digest the July 9 issue on cyber     dates become filters: "last week", "this month",
                                        "in July 2024", "since June", "in 2023", "the July 9 issue"
                                        (relative to the newest issue in the archive)
  /digest latest                        the newest issue
  /digest subscribe | unsubscribe | status   weekly delivery to this channel
Every answer cites the issue date and section of each item it uses."""
