"""The command language every surface shares: a verb alone, a verb and a topic, or a question.

``help``, ``latest``, ``subscribe``, ``unsubscribe``, ``status`` and ``watches`` (alone, any case,
trailing punctuation allowed) are commands; ``timeline <topic> [page N]``, ``watch <topic>`` and
``unwatch <topic>`` take a topic; "how did X develop?", "timeline of X" and "the story of X" are asked
as timelines; an empty text or a greeting ("hi", "good morning") is help; a thank-you or an
acknowledgement ("thanks!", "ok") gets a short reply; anything else is a question. Each surface strips its
own prefix (``/digest``, an @mention) before parsing.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Verb(enum.Enum):
    """What the user asked for."""

    HELP = "help"
    LATEST = "latest"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    STATUS = "status"
    TIMELINE = "timeline"
    WATCH = "watch"
    UNWATCH = "unwatch"
    WATCHES = "watches"
    THANKS = "thanks"
    ASK = "ask"


@dataclass(frozen=True)
class Command:
    """A parsed command: a verb, the question (ASK) or topic (TIMELINE, WATCH, UNWATCH), and for a
    timeline the page asked for."""

    verb: Verb
    question: str = ""
    page: int = 1


_ALONE = {"help", "latest", "subscribe", "unsubscribe", "status", "watches"}
_KEYWORDS = {verb.value: verb for verb in Verb if verb.value in _ALONE} | {"my watches": Verb.WATCHES}
# Small talk, said alone: searching the archive for "thanks" answered with five unrelated items.
_GREETINGS = {"hi", "hello", "hey", "hiya", "yo", "good morning", "good afternoon", "good evening",
    "hi there", "hello there", "hey there"}  # fmt: skip
_THANKS = {"thanks", "thank you", "thanks a lot", "thank you very much", "many thanks", "thx", "ty",
    "cheers", "ok", "okay", "k", "ok thanks", "great", "great thanks", "cool", "nice", "got it", "perfect",
    "ta"}  # fmt: skip
_KEYWORDS |= {greeting: Verb.HELP for greeting in _GREETINGS} | {thanks: Verb.THANKS for thanks in _THANKS}
_WITH_TOPIC = {"timeline": Verb.TIMELINE, "watch": Verb.WATCH, "unwatch": Verb.UNWATCH}
_TIMELINE_OF = re.compile(r"^(?:of|for|on|about)\s+", re.IGNORECASE)
_PAGE = re.compile(r"^(?P<topic>.*?)[\s,]+page\s+(?P<page>\d{1,4})$", re.IGNORECASE)
_STORIES = (
    re.compile(
        r"^how\s+(?:did|has|have|had)\s+(?P<topic>.+?)\s+(?:develop|developed|evolve|evolved|unfold|unfolded)"
        r"(?:\s+over\s+time)?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:show\s+me\s+|give\s+me\s+|what(?:'s|\s+is|\s+was)\s+)?(?:a\s+|the\s+)?timeline\s+(?:of|for|on)\s+"
        r"(?P<topic>.+)$",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:tell\s+me\s+)?the\s+story\s+(?:of|behind)\s+(?P<topic>.+)$", re.IGNORECASE),
)


def parse_command(text: str) -> Command:
    """The command a message's text names (see the module docstring)."""
    words = " ".join(text.split())
    if not words:
        return Command(Verb.HELP)
    bare = words.lower().rstrip("?!.,:;)( ").replace(",", "")
    if bare in _KEYWORDS:
        return Command(_KEYWORDS[bare])
    head, _, rest = words.partition(" ")
    verb = _WITH_TOPIC.get(head.lower().rstrip("?!.:"))
    if verb is Verb.TIMELINE:
        return _timeline(_TIMELINE_OF.sub("", rest))
    if verb is not None:
        return Command(verb, question=_topic(rest))
    for pattern in _STORIES:
        found = pattern.match(words.rstrip("?!. "))
        if found is not None:
            return _timeline(found["topic"])
    return Command(Verb.ASK, question=words)


def _timeline(rest: str) -> Command:
    paged = _PAGE.match(_topic(rest))
    if paged is None:
        return Command(Verb.TIMELINE, question=_topic(rest))
    return Command(Verb.TIMELINE, question=_topic(paged["topic"]), page=max(int(paged["page"]), 1))


def _topic(text: str) -> str:
    """A topic as typed, without surrounding quotes or trailing punctuation."""
    return text.strip().rstrip("?!.").strip().strip("\"'“”‘’«»").strip()
