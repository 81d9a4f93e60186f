"""The command language every surface shares."""

from __future__ import annotations

import pytest

from digestbot.conversation import Command, Verb, parse_command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command(Verb.HELP)),
        ("   ", Command(Verb.HELP)),
        ("help", Command(Verb.HELP)),
        ("LATEST", Command(Verb.LATEST)),
        ("subscribe", Command(Verb.SUBSCRIBE)),
        (" unsubscribe ", Command(Verb.UNSUBSCRIBE)),
        ("status?", Command(Verb.STATUS)),
        ("iran", Command(Verb.ASK, "iran")),
        ("latest news on Veloria", Command(Verb.ASK, "latest news on Veloria")),
        ("help me find the ransomware item", Command(Verb.ASK, "help me find the ransomware item")),
        ("timeline iran", Command(Verb.TIMELINE, "iran")),
        ("Timeline of the Veloria – Drassk border?", Command(Verb.TIMELINE, "the Veloria – Drassk border")),
        ("timeline ransomware page 3", Command(Verb.TIMELINE, "ransomware", page=3)),
        ("timeline ransomware, page 0", Command(Verb.TIMELINE, "ransomware", page=1)),
        ("timeline", Command(Verb.TIMELINE, "")),
        ("how did the Drassk border dispute develop?", Command(Verb.TIMELINE, "the Drassk border dispute")),
        ("How has ransomware in 2025 evolved", Command(Verb.TIMELINE, "ransomware in 2025")),
        ("the story of Glasswing", Command(Verb.TIMELINE, "Glasswing")),
        ("what is the timeline of iran?", Command(Verb.TIMELINE, "iran")),
        ("watch ransomware", Command(Verb.WATCH, "ransomware")),
        ("Watch “Kestrel Dynamics”.", Command(Verb.WATCH, "Kestrel Dynamics")),
        ("unwatch ransomware", Command(Verb.UNWATCH, "ransomware")),
        ("watches", Command(Verb.WATCHES)),
        ("my watches?", Command(Verb.WATCHES)),
        ("watch", Command(Verb.WATCH, "")),
        ("watchtower breach in Drassk", Command(Verb.ASK, "watchtower breach in Drassk")),
        ("what is the timeline for elections", Command(Verb.TIMELINE, "elections")),
        ("hi", Command(Verb.HELP)),
        ("Good morning!", Command(Verb.HELP)),
        ("thanks!", Command(Verb.THANKS)),
        ("Ok, thanks.", Command(Verb.THANKS)),
        ("thank you", Command(Verb.THANKS)),
        ("hi, what about iran?", Command(Verb.ASK, "hi, what about iran?")),
        (
            "thanks to the sanctions, did exports fall?",
            Command(Verb.ASK, "thanks to the sanctions, did exports fall?"),
        ),
    ],
)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected
