"""Domain objects as JSON-ready dicts: the CLI's ``--json`` contract (see DESIGN.md)."""

from __future__ import annotations

from typing import Any

from digestbot.domain import Answer, Hit, Issue, IssueSummary
from digestbot.ingest.ingest_report import IngestResult
from digestbot.render import words
from digestbot.render.plain import answer_text


def summary_dict(summary: IssueSummary) -> dict[str, Any]:
    """{date, title, url, sections: [{name, items}]} with item counts."""
    return {
        "date": summary.date.isoformat(),
        "title": summary.title,
        "url": summary.url,
        "sections": [{"name": name, "items": count} for name, count in summary.sections],
    }


def issue_dict(issue: Issue) -> dict[str, Any]:
    """{date, title, url, sections: [{name, part, items: [{text, analysis}]}]}."""
    return {
        "date": issue.date.isoformat(),
        "title": issue.title,
        "url": issue.url,
        "sections": [
            {
                "name": section.name,
                "part": section.part,
                "items": [{"text": item.text, "analysis": list(item.analysis)} for item in section.items],
            }
            for section in issue.sections
        ],
    }


def hit_dict(hit: Hit) -> dict[str, Any]:
    """{date, section, text, analysis, score, url, title}."""
    return {
        "date": hit.date.isoformat(),
        "section": hit.section,
        "text": hit.text,
        "analysis": list(hit.analysis),
        "score": round(hit.score, 4),
        "url": hit.url,
        "title": hit.title,
    }


def answer_dict(answer: Answer) -> dict[str, Any]:
    """{query, answer, lead, hits: [...], related: [...], notes}: ``answer`` is the plain-text answer,
    ``hits`` the items it uses (``line``: how the answer shows each one)."""
    lead = None
    if answer.lead is not None:
        lead = {"text": answer.lead.text, "citation": words.cite_hit(answer.lead.hit)}
    return {
        "query": answer.query,
        "answer": answer_text(answer),
        "lead": lead,
        "hits": [{**hit_dict(item.hit), "line": item.answer_line} for item in answer.items],
        "related": [hit_dict(hit) for hit in answer.related],
        "notes": words.answer_notes(answer),
    }


def ingest_dict(result: IngestResult) -> dict[str, Any]:
    """{source, date, outcome, error}."""
    return {
        "source": result.source,
        "date": result.date.isoformat() if result.date else None,
        "outcome": result.outcome.value if result.outcome else None,
        "error": result.error,
    }
