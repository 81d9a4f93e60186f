"""Citations and titles."""

from __future__ import annotations

import datetime as dt

import pytest

from digestbot.render.words import citation, short_title


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Interfor International‘s Weekly Security Digest", "Weekly Security Digest"),
        ("Interfor International’s Weekly Security Digest", "Weekly Security Digest"),
        ("Northwind's Weekly Digest | Global Security and Policy Insights", "Weekly Digest"),
        ("Harbourline – Weekly Digest", "Weekly Digest"),
        ("Weekly Digest | Security and Policy Insights", "Weekly Digest"),
        ("Harbourline Risk Insights", "Harbourline Risk Insights"),
        ("Weekly Security Digest", "Weekly Security Digest"),
        (
            "The world's week in risk, as seen by a very long-named consultancy",
            "The world's week in risk, as seen by a very long-named consultancy",
        ),
    ],
)
def test_short_title_drops_a_publisher_byline(title: str, short: str) -> None:
    assert short_title(title) == short


def test_citation_format() -> None:
    assert (
        citation("Acme’s Weekly Security Digest", dt.date(2024, 7, 9), "Israel – Gaza")
        == "Weekly Security Digest, 9 Jul 2024 · Israel – Gaza"
    )
