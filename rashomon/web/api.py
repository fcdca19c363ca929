"""The JSON API under /api/v1.

Reading (no token): one story with its comparison, members, blindspot and coverage per day,
one article with its annotation, the outlets and one outlet's profile; the stories list and
full-text search (with their filters) and the downloads are rashomon.web.api_stories's.
Writing (`require_token`) is rashomon.web.api_writes's: POST /api/v1/articles cleans,
annotates and stores one article, places it in a story and compares that story again. The
app's SameOrigin guard refuses a write from another origin and a text/plain or form body
before it gets here. The models are in rashomon.web.api_models, what the routers share in
rashomon.web.api_common.

Every response is JSON (`application/json`); errors are `{"detail": …}` (a failed POST adds
`"reason"`, the short code the CLI counts by). Untrusted text (titles, bodies, URLs) comes
back exactly as it was stored, as JSON strings: nothing is rendered as HTML, and search
snippets carry their matches as `highlights`, [start, end] character offsets into the
snippet (Python string indices: Unicode code points), never as markup.

Offsets: every "start"/"end" of a story's comparison is a character offset into the clean
text of the article whose `origin` is the claim's "source" (the members list maps origins to
article ids; GET /api/v1/articles/{id} gives `annotation.text`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from rashomon import codec
from rashomon.errors import Reason
from rashomon.model import Outcome, Result, Signals
from rashomon.report import annotate as annotate_report
from rashomon.report import compare as compare_report
from rashomon.report import stories as stories_report
from rashomon.store import read
from rashomon.store.steer import successor
from rashomon.web.api_common import (
    ERRORS,
    MAX_PAGE,
    PREFIX,
    article_summary,
    as_shown,
    not_found,
    page_size,
    store_of,
    story_links,
    story_summary,
)
from rashomon.web.api_models import ArticleDetail, OutletDetail, OutletList, StoryDetail
from rashomon.web.story_facts import blindspot_record, coverage_records

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["api"])


def _outlet_links(name: str) -> dict[str, str]:
    from urllib.parse import quote

    return {"self": f"{PREFIX}/outlets/{quote(name, safe='')}"}


def _signals(s: Signals) -> dict[str, Any]:
    """An article's signals as `rashomon compare -f json` gives them, with their source (the
    outlet's profile is the page's own)."""
    out = compare_report.signals_record(s)
    del out["outlet"], out["profile"]
    return {"source": s.source, **out}


# -- reading -------------------------------------------------------------------------------------


def _merged_away(request: Request, story_id: str) -> HTTPException | None:
    """A 308 to the story a hand merge put this one's articles in, or None."""
    now = successor(store_of(request).db, story_id)
    if now is None or now == story_id:
        return None
    where = story_links(now)["self"]
    return HTTPException(308, f"story {story_id} was merged into {now}", {"Location": where})


@router.get(
    "/stories/{story_id}",
    response_model=StoryDetail,
    summary="One story, compared",
    description=(
        "The story (`rashomon stories -f json`'s record), its comparison (`rashomon compare "
        "-f json`'s record; null while pending) and its members. Every claim's start/end is a "
        "character offset into the clean text of the member whose origin is its `source`. "
        "A story merged into another by hand answers 308, its Location the story it is now."
    ),
    responses=ERRORS,
)
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    page = read.story(store_of(request).db, story_id, with_docs=False)
    if page is None:
        raise _merged_away(request, story_id) or not_found("story")
    info = page.info
    out = stories_report.record(page.story)
    out.update(
        first_seen=info.first_seen,
        last_seen=info.last_seen,
        updated_at=info.updated_at,
        agree=info.agree,
        only_in=info.only_in,
        contradict=info.contradict,
        compared=info.compared,
        compared_articles=info.compared_articles,
        comparison=compare_report.record(page.comparison) if page.comparison else None,
        members=[article_summary(a) for a in page.articles],
        blindspot=blindspot_record(store_of(request).db, info.id),
        coverage=coverage_records(page.articles),
        links=story_links(info.id),
    )
    return as_shown(request, out, [*page.story.articles, *(a.origin for a in page.articles)])


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    summary="One article, annotated",
    description=(
        "The article's stored metadata and its annotation (`rashomon annotate -f json`'s "
        "record): the clean text, the lines removed from it, sentences, entities, times, "
        "quotes and claims, every span a character offset into `annotation.text`."
    ),
    responses=ERRORS,
)
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    found = read.article(store_of(request).db, article_id)
    if found is None:
        raise not_found("article")
    info, doc = found
    result = Result(info.origin, Outcome.OK, Reason.OK, "", info.id, doc)
    annotation = annotate_report.record(result)
    for key in ("outcome", "reason", "detail"):
        annotation.pop(key, None)
    return as_shown(request, {**article_summary(info), "annotation": annotation}, [info.origin])


@router.get(
    "/outlets",
    response_model=OutletList,
    summary="List outlets",
    description="Every outlet in the store with its article and story counts, most articles first.",
)
def list_outlets(request: Request) -> dict[str, Any]:
    rows = read.outlets(store_of(request).db)
    items = [
        {"name": name, "articles": n, "stories": s, "links": _outlet_links(name)}
        for name, n, s in rows
    ]
    return {"total": len(items), "items": items}


@router.get(
    "/outlets/{name:path}",
    response_model=OutletDetail,
    summary="One outlet",
    description=(
        "The outlet's profile (the registry's entry, else what the store observed), how many "
        "articles and stories it has, its latest articles and stories, and the framing signals "
        "of its compared articles. The name is URL-encoded (it may hold spaces and colons)."
    ),
    responses=ERRORS,
)
def get_outlet(
    request: Request,
    name: str,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> dict[str, Any]:
    from rashomon.compare.signals import profile_line

    store = store_of(request)
    found = read.outlet(store.db, name, limit=page_size(request, limit))
    if found is None:
        raise not_found("outlet")
    profile = codec.encode(found.outlet, defaults=True)
    out = {
        "name": found.outlet.name,
        "profile": profile,
        "description": profile_line(found.outlet),
        "article_count": found.article_count,
        "story_count": read.story_count(store.db, outlet=name),
        "articles": [article_summary(a) for a in found.articles],
        "stories": [story_summary(s) for s in found.stories],
        "signals": [_signals(s) for s in found.signals],
        "links": _outlet_links(name),
    }
    origins = [*(a.origin for a in found.articles), *(s.source for s in found.signals)]
    return as_shown(request, out, origins)
