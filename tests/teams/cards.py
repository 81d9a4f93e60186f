"""Reading cards in assertions."""

from __future__ import annotations

from typing import Any


def texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock's text in a card, in reading order."""
    found: list[str] = []

    def walk(elements: list[dict[str, Any]]) -> None:
        for element in elements:
            if element.get("type") == "TextBlock":
                found.append(element["text"])
            walk(element.get("items", []))

    walk(card["body"])
    return found
