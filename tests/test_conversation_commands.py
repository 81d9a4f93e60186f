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
    ],
)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text) == expected
