"""Domain objects as plain text, for the terminal (CLI and console chat)."""

from __future__ import annotations

from digestbot.domain import Answer, Issue, IssueSummary


def summary_line(summary: IssueSummary) -> str:
    """One line per issue: date, title, and each section with its item count."""
    sections = ", ".join(f"{name} ({count})" for name, count in summary.sections)
    return f"{summary.date.isoformat()}  {summary.title}  —  {sections}"


def issue_text(issue: Issue) -> str:
    """The whole issue, sections and items, analysis indented under its item."""
    lines = [f"{issue.title} — {issue.date:%-d %B %Y}"]
    if issue.url:
        lines.append(issue.url)
    part: str | None = None
    for section in issue.sections:
        if section.part and section.part != part:
            part = section.part
            lines += ["", f"== {part} =="]
        lines += ["", f"## {section.name}"]
        for item in section.items:
            lines.append(f"  • {item.text}")
            lines += [f"      – {line}" for line in item.analysis]
    return "\n".join(lines)


def issue_overview(issue: Issue) -> str:
    """A short overview: title, date, and sections with item counts."""
    head = f"{issue.title} — {issue.date:%-d %B %Y} ({_count(sum(len(s.items) for s in issue.sections))})"
    body = [f"  {section.name}: {_count(len(section.items))}" for section in issue.sections]
    return "\n".join([head, *body])


def answer_text(answer: Answer) -> str:
    """The answer text (it cites every item), then any note it does not already say."""
    lines = [answer.text]
    lines += [f"({note})" for note in answer.notes if note not in answer.text]
    return "\n".join(lines)


def _count(items: int) -> str:
    return f"{items} item" if items == 1 else f"{items} items"
