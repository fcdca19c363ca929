"""The downloads the pages link to: a story (its members and its claims with their verdicts)
and a list of stories or search hits, as CSV or JSON, with the headers that make a browser
save them.

CSV is for spreadsheets, and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@`
(or a tab or carriage return before one) as a formula: such a text cell gets a leading `'`,
so it opens as the text it is (numbers are written as numbers). JSON is the data as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi.responses import Response

from rashomon.model import Comparison
from rashomon.store import read
from rashomon.store.export import neutral

__all__ = [
    "CLAIM_COLUMNS",
    "HIT_COLUMNS",
    "MEMBER_COLUMNS",
    "STORY_COLUMNS",
    "claim_rows",
    "csv_text",
    "download",
    "hit_rows",
    "member_rows",
    "neutral",
    "story_rows",
]

MEMBER_COLUMNS = (
    "id", "origin", "url", "outlet", "title", "byline", "published", "language", "added_at",
    "copy_of",
)  # fmt: skip
CLAIM_COLUMNS = (
    "group", "verdict", "reason", "outlet", "source", "stance", "speaker", "text", "start", "end",
)  # fmt: skip
STORY_COLUMNS = (
    "id", "label", "event_date", "first_seen", "last_seen", "articles", "outlets",
    "outlet_names", "agree", "only_in", "contradict", "compared", "updated_at",
)  # fmt: skip
HIT_COLUMNS = (
    "id", "title", "outlet", "published", "language", "story", "url", "origin", "snippet",
)  # fmt: skip
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
Row = dict[str, Any]


def csv_text(columns: Sequence[str], rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutral(row.get(c)) for c in columns])
    return out.getvalue()


def download(name: str, fmt: str, columns: Sequence[str], rows: list[Row], data: Any) -> Response:
    """`rows` as CSV, or `data` as JSON, as a file to save named `name`.csv / .json."""
    safe = _SAFE_NAME.sub("-", name).strip("-") or "rashomon"
    if fmt == "csv":
        body, media = csv_text(columns, rows), "text/csv; charset=utf-8"
    else:
        body = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        media = "application/json"
    headers = {"content-disposition": f'attachment; filename="{safe}.{fmt}"'}
    return Response(body, media_type=media, headers=headers)


def member_rows(articles: Sequence[read.ArticleInfo], shown: Callable[[str], str]) -> list[Row]:
    return [
        {**{c: getattr(a, c) for c in MEMBER_COLUMNS}, "origin": shown(a.origin)} for a in articles
    ]


def claim_rows(comparison: Comparison | None, shown: Callable[[str], str]) -> list[Row]:
    """One row per claim of every claim group, with its group's verdict and reason."""
    if comparison is None:
        return []
    return [
        {
            "group": g.id,
            "verdict": g.verdict,
            "reason": g.reason,
            "outlet": c.outlet,
            "source": shown(c.source),
            "stance": c.stance,
            "speaker": c.speaker,
            "text": c.text,
            "start": c.start,
            "end": c.end,
        }
        for g in comparison.groups
        for c in g.claims
    ]


def story_rows(infos: Iterable[read.StoryInfo]) -> list[Row]:
    return [
        {
            **{c: getattr(i, c) for c in STORY_COLUMNS if c != "outlet_names"},
            "outlet_names": "; ".join(i.outlet_names),
        }
        for i in infos
    ]


def hit_rows(hits: Iterable[read.Hit], shown: Callable[[str], str]) -> list[Row]:
    def plain(text: str) -> str:
        return text.replace(read.SNIPPET_OPEN, "").replace(read.SNIPPET_CLOSE, "")

    return [
        {
            "id": h.article.id,
            "title": h.article.title,
            "outlet": h.article.outlet,
            "published": h.article.published,
            "language": h.article.language,
            "story": h.article.story,
            "url": h.article.url,
            "origin": shown(h.article.origin),
            "snippet": plain(h.snippet),
        }
        for h in hits
    ]
