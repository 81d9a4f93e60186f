"""A synthetic ten-year archive, generated from the bundled sample digests.

Items of the samples are recombined week by week, with place and organisation names varied, and written
as real text digests (the 2024 bullet layout), so the benchmark ingests through the real parser.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from digestbot.domain import Item
from digestbot.ingest.sources import NOT_ISSUES
from digestbot.parse import parse_document

PLACES = (
    "Veloria",
    "Drassk",
    "Quentara",
    "Ostrava Minor",
    "Kesmir",
    "Tallmark",
    "Brevania",
    "Orlek",
    "Sundvall",
    "Marrowgate",
    "Estelund",
    "Pyrrhos",
    "Calvanne",
    "Nordhaven",
    "Irridia",
    "Soltane",
    "Vashmir",
    "Kaltberg",
)
ORGS = (
    "Kestrel Dynamics",
    "Halvard Medical Group",
    "Tessaline Bank",
    "Black Meridian",
    "Corvid Systems",
    "Amberline Energy",
    "Northgate Ports",
    "Silverfen Telecom",
    "Obsidian Rail",
    "Lumen Freight",
)
SECTIONS = (
    "International Affairs",
    "Regional Conflicts",
    "Cyber / Defense Technology",
    "Atmosphere of Protest",
)
FIRST_WEEK = dt.date(2016, 1, 5)  # a Tuesday
ITEMS_PER_SECTION = 5


def sample_items(samples: Path) -> list[Item]:
    """Every item of every bundled sample issue."""
    items: list[Item] = []
    for path in sorted(samples.iterdir()):
        if path.suffix in (".txt", ".md", ".html") and path.stem.lower() not in NOT_ISSUES:
            issue = parse_document(path.read_bytes(), source=str(path))
            items += [item for _, item in issue.items]
    return items


def vary(text: str, rng: random.Random) -> str:
    """The same item about other places and organisations."""
    for name in PLACES:
        if name in text:
            text = text.replace(name, rng.choice(PLACES))
    for name in ORGS:
        if name in text:
            text = text.replace(name, rng.choice(ORGS))
    return text


def issue_text(day: dt.date, sections: list[tuple[str, list[Item]]]) -> str:
    """A digest in the 2024 bullet layout."""
    lines = [
        f"Northwind Risk’s Weekly Security Digest - {day:%B} {day.day}, {day.year}",
        "",
        "Global Security Matters",
        "",
    ]
    for name, items in sections:
        lines += [name, ""]
        for item in items:
            lines.append(f"  • {item.text}")
            lines += [f"    • {line}" for line in item.analysis]
        lines.append("")
    return "\n".join(lines)


def write_archive(folder: Path, samples: Path, weeks: int, *, seed: int = 7) -> int:
    """Write ``weeks`` weekly issues into ``folder``; returns the number of items written."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = sample_items(samples)
    rng = random.Random(seed)
    total = 0
    for week in range(weeks):
        day = FIRST_WEEK + dt.timedelta(weeks=week)
        sections = []
        for name in SECTIONS:
            chosen = [rng.choice(pool) for _ in range(ITEMS_PER_SECTION)]
            items = [Item(vary(i.text, rng), tuple(vary(a, rng) for a in i.analysis)) for i in chosen]
            sections.append((name, items))
            total += len(items)
        (folder / f"{day.isoformat()}.txt").write_text(issue_text(day, sections), encoding="utf-8")
    return total


def new_issue_text(day: dt.date, marker: str) -> str:
    """One fresh issue whose first item names ``marker`` (to check it is searchable at once)."""
    item = Item(f"{marker} was named as the operator behind a wave of attacks on {PLACES[0]}'s ports.")
    return issue_text(day, [("Cyber / Defense Technology", [item])])
