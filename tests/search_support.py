"""Shared helpers for the search tests: a small fictional archive and a once-per-session real model.

Every issue below is invented for these tests (names, places and events are fictional).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from digestbot.domain import Issue, Item, Section
from digestbot.embedding.embed import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from digestbot.search import SearchEngine
from digestbot.search.relevance import RelevancePolicy
from digestbot.store import Archive, Database
from tests.fakes import FAKE_POLICY

TITLE = "Acme Corp’s Weekly Security Digest"
INTL, GAZA, CYBER, PROTESTS = (
    "International Affairs",
    "Israel – Gaza",
    "Cyber / Defense Technology",
    "Protests",
)

STRAIT_ANALYSIS = (
    "Naval officials on both sides blamed the other crew for ignoring radio warnings, and each government "
    "summoned the other's ambassador within hours. Regional diplomats fear that a second incident could draw "
    "in the larger powers that hold basing rights along the coast, and several of them have urged a hotline. "
    "Opposition parties in both capitals demanded public inquiries into the rules of engagement in force on "
    "the night, and veterans' groups called for the exercise programme to be suspended until they report.",
    "The strait carries roughly a fifth of the region's container traffic, and shipping companies have "
    "already begun to adjust their schedules. Port authorities reported queues of vessels waiting for "
    "clearance while the coast guards of both countries inspected the debris field and searched for sailors. "
    "Fishing cooperatives on the northern shore kept their boats in harbour for a second day, and the ferry "
    "operator that links the two capitals cancelled its evening crossings until further notice.",
    "Analysts note that the exercise area overlapped with a disputed fishing zone that both navies patrol, "
    "which has produced a long series of minor confrontations over the past decade. None of those previous "
    "encounters led to a collision, which is why this one is seen as a dangerous escalation by observers. "
    "Both navies have since announced larger exercises for the autumn, and neither has agreed to share the "
    "recordings from the bridge of the vessels involved with the other side or with a neutral investigator.",
    "Underwriters in Lisbon raised war-risk insurance premiums for tankers crossing the strait by forty "
    "percent, a cost that will ultimately be passed on to importers of heating oil across the continent. "
    "Traders expect freight rates to stay elevated until a formal incident-at-sea agreement is signed.",
)


D2023, JUN4, JUN25, JUL2, JUL9 = (
    date(2023, 11, 14),
    date(2024, 6, 4),
    date(2024, 6, 25),
    date(2024, 7, 2),
    date(2024, 7, 9),
)

# (issue date, section, item text, analysis), in reading order.
ROWS: list[tuple[date, str, str, tuple[str, ...]]] = [
    (D2023, INTL, "Leaders of six northern states met in Halvik to agree on rules for new Arctic "
     "shipping lanes opened by melting sea ice.", ()),
    (D2023, CYBER, "A botnet named Hydraweb hijacked 300,000 home routers and used them to flood "
     "government portals with traffic.", ()),
    (JUN4, INTL, "A severe drought in the Sarn valley cut grain harvests by half and pushed bread "
     "prices to a record high in the capital.", ()),
    (JUN4, CYBER, "A phishing campaign targeted airline loyalty accounts, stealing air miles from "
     "thousands of frequent flyers.", ()),
    (JUN25, PROTESTS, "Dock workers in Port Averly walked out over automation plans, halting "
     "container traffic for three days.", ()),
    (JUN25, CYBER, "Police dismantled a call-centre scam network that impersonated bank fraud teams.", ()),
    (JUL2, INTL, "The coastal state of Marenne held snap parliamentary elections after the prime "
     "minister dissolved the assembly; the nationalist bloc won the first round.", ()),
    (JUL2, GAZA, "Cross-border fire between Israel and Hezbollah intensified, with drones "
     "striking towns in the north and thousands of residents evacuated.", ()),
    (JUL2, CYBER, "A ransomware gang called Glasswing encrypted hospital systems across the "
     "northern province, forcing ambulances to be diverted to other cities.", ()),
    (JUL2, PROTESTS, "Student protests over tuition fees turned violent in Corvale as riot police "
     "cleared the main university campus.", ()),
    (JUL9, INTL, "Voters in the republic of Veloria elected Tamsin Orrel president after a runoff "
     "with record turnout, ending two decades of single-party rule.",
     ("Orrel campaigned on anti-corruption reforms and a thaw with neighbouring states.",)),
    (JUL9, INTL, "Patrol boats from two neighbouring navies collided during a night exercise in "
     "the Strait of Kessar, sinking one vessel and leaving four sailors missing.", STRAIT_ANALYSIS),
    (JUL9, GAZA, "Negotiators in Cairo reported progress on a phased ceasefire and hostage release "
     "framework, although both sides still dispute the sequencing of the first phase.", ()),
    (JUL9, CYBER, "Researchers disclosed NightLantern2024, a compilation of nine billion leaked "
     "passwords posted on a criminal forum, and urged companies to force password resets.", ()),
    (JUL9, PROTESTS, "Farmers blockaded highways around the capital of Dravonia to protest new fuel "
     "taxes, dumping manure in front of the agriculture ministry.", ()),
]  # fmt: skip


def fictional_issues() -> list[Issue]:
    """Five invented issues: 14 Nov 2023, 4 Jun, 25 Jun, 2 Jul and 9 Jul 2024."""
    issues = []
    for day in sorted({row[0] for row in ROWS}):
        sections: list[Section] = []
        for _, name, text, analysis in (row for row in ROWS if row[0] == day):
            if not sections or sections[-1].name != name:
                sections.append(Section(name=name, part="Global Security Matters"))
            last = sections[-1]
            sections[-1] = Section(last.name, (*last.items, Item(text, analysis)), last.part)
        url = f"https://example.test/digest/{day.isoformat()}"
        issues.append(Issue(date=day, title=TITLE, sections=tuple(sections), url=url))
    return issues


# An issue to ingest after the index is built.
NEW_ISSUE = Issue(
    date=date(2024, 7, 16),
    title=TITLE,
    sections=(
        Section(
            CYBER, (Item("A worm called Quillfeather spread through unpatched print servers in Ostrander."),)
        ),
        Section(INTL, (Item("The Veloria parliament confirmed Tamsin Orrel's first cabinet."),)),
    ),
)


def new_archive(tmp_path: Path, issues: list[Issue] | None = None) -> Archive:
    """A SQLite archive under ``tmp_path`` holding the issues (the fictional ones by default)."""
    archive = Archive(Database(f"sqlite:///{tmp_path / 'digestbot.db'}"))
    for issue in fictional_issues() if issues is None else issues:
        archive.save_issue(issue, source="test")
    return archive


def new_engine(
    tmp_path: Path, embedder: Embedder | None = None, issues: list[Issue] | None = None
) -> SearchEngine:
    """A search engine over a fresh archive, with the hashing fake unless told otherwise (each with the
    relevance policy calibrated for it)."""
    archive = new_archive(tmp_path, issues)
    if embedder is None:
        return SearchEngine(archive, HashingEmbedder(), tmp_path / "index", FAKE_POLICY)
    return SearchEngine(archive, embedder, tmp_path / "index", RelevancePolicy())


@lru_cache(maxsize=1)
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    return SentenceTransformerEmbedder()
