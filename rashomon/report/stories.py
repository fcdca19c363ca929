"""The `rashomon stories` output.

JSON: {"stories": [{"id", "label", "articles": [source…], "outlets", "event_date",
"participants", "place", "languages", "duplicates": [[copy, original]…],
"dates": [{"source", "text", "start", "end", "value", "anchor"}]}],
"failed": [{"source", "outcome", "reason", "detail"}]}: every input that yielded a report is in
exactly one story's "articles"; inputs that did not are in "failed" with their reason.
JSONL: one story per line. Text and Markdown are for reading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from rashomon.errors import Reason
from rashomon.model import Outcome, Result, Story
from rashomon.report.clean import md_escape

__all__ = ["FORMATS", "failed_records", "record", "write"]

FORMATS = ("json", "jsonl", "text", "markdown")


def record(story: Story) -> dict[str, Any]:
    """The JSON-ready record of one story."""
    return {
        "id": story.id,
        "label": story.label,
        "articles": list(story.articles),
        "scores": list(story.scores) if story.scores else [None] * len(story.articles),
        "outlets": list(story.outlets),
        "event_date": story.event_date,
        "participants": list(story.participants),
        "place": story.place,
        "languages": list(story.languages),
        "duplicates": [list(pair) for pair in story.duplicates],
        "dates": [
            {
                "source": m.source,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "value": m.value,
                "anchor": m.anchor,
            }
            for m in story.dates
        ],
    }


def failed_records(results: Sequence[Result]) -> list[dict[str, Any]]:
    return [
        {"source": r.origin, "outcome": str(r.outcome), "reason": r.reason, "detail": r.detail}
        for r in results
        if r.outcome is Outcome.FAILED
        or (r.outcome is Outcome.SKIPPED and r.reason != Reason.DUPLICATE)
    ]


def write(stories: Sequence[Story], results: Sequence[Result], fmt: str, out: TextIO) -> None:
    """Write the stories (and the inputs that yielded no report) in `fmt`."""
    if fmt == "json":
        payload = {"stories": [record(s) for s in stories], "failed": failed_records(results)}
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for story in stories:
            out.write(json.dumps(record(story), ensure_ascii=False) + "\n")
    elif fmt == "text":
        out.write("".join(_text(s) for s in stories))
    elif fmt == "markdown":
        out.write("# Stories\n\n" + "".join(_markdown(s) for s in stories))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _summary(story: Story) -> str:
    reports = len(story.articles)
    outlets = len(story.outlets)
    return (
        f"{story.event_date or 'undated'} · {reports} report{'s' * (reports != 1)}"
        f" · {outlets} known outlet{'s' * (outlets != 1)}"
        f" · {', '.join(story.languages) or '-'}"
    )


def _facts(story: Story, escape: Callable[[str], str]) -> list[str]:
    """ "name: value" lines for participants, place and outlets."""
    facts = [f"participants: {escape(', '.join(story.participants)) or '-'}"]
    if story.place:
        facts.append(f"place: {escape(story.place)}")
    if story.outlets:
        facts.append(f"outlets: {escape(', '.join(story.outlets))}")
    return facts


def _reports(story: Story, escape: Callable[[str], str]) -> list[str]:
    """One line per report, a copy naming its original."""
    copies = dict(story.duplicates)
    return [
        escape(source) + (f" (copy of {escape(copies[source])})" if source in copies else "")
        for source in story.articles
    ]


def _text(story: Story) -> str:
    lines = [f"== {story.id} · {_summary(story)}", f"   {story.label}"]
    lines += [f"   {fact}" for fact in _facts(story, str)]
    lines += [f"   - {report}" for report in _reports(story, str)]
    shown = set()
    for m in story.dates:
        if m.anchor == "story" and (m.source, m.text, m.value) not in shown:
            shown.add((m.source, m.text, m.value))
            lines.append(f'   date: "{m.text}" in {m.source} -> {m.value} (against the story)')
    return "\n".join(lines) + "\n\n"


def _markdown(story: Story) -> str:
    lines = [f"## {md_escape(story.label) or story.id}", "", f"*{md_escape(_summary(story))}*", ""]
    lines += [f"- {fact}" for fact in _facts(story, md_escape)]
    lines.append("- reports:")
    lines += [f"  - {report}" for report in _reports(story, md_escape)]
    return "\n".join(lines) + "\n\n"
