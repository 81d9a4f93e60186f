"""Items of fictional issues as a timeline or a watch notice holds them, for the renderers' golden tests."""

from __future__ import annotations

from digestbot.domain import AnswerItem, Hit, Issue


def item_of(issue: Issue, section: int, item: int, line: str | None = None) -> AnswerItem:
    """Item ``item`` of section ``section`` of ``issue`` as a used item; its line is its text unless given."""
    part = issue.sections[section]
    found = part.items[item]
    hit = Hit(
        item_id=1000 * section + item + 1,
        date=issue.date,
        title=issue.title,
        section=part.name,
        text=found.text,
        analysis=found.analysis,
        score=1.0,
        url=issue.url,
        part=part.part,
    )
    return AnswerItem(hit, found.text if line is None else line)
