"""The API's lists as an analyst steers them, under /api/v1 beside rashomon.web.api: the
stories list and search with their filters (rashomon.web.filters), a story's blindspot and
coverage per day, and the downloads of a story, of a filtered stories list and of a search.

Filters combine (AND) and work with the sort and the paging; `total` counts what passes them.
A bad value is a 422 whose `detail[0].loc` is `["query", PARAMETER]`. Downloads answer with
`Content-Disposition: attachment`; in CSV a text cell that would start a formula gets a
leading `'` (rashomon.web.exports).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from rashomon.store import browse, read
from rashomon.store.browse import Filters
from rashomon.web import exports
from rashomon.web.api_common import (
    ERRORS,
    MAX_OFFSET,
    MAX_PAGE,
    MAX_QUERY,
    PREFIX,
    article_summary,
    as_shown,
    not_found,
    page_size,
    settings_of,
    store_of,
    story_summary,
)
from rashomon.web.api_models import SearchResults, Sort, StoryList
from rashomon.web.filters import api_filters
from rashomon.web.paths import public_origin
from rashomon.web.story_facts import BlindspotOut, DayOut, blindspot_record, coverage_records

__all__ = ["EXPORT_MAX", "router"]

router = APIRouter(prefix=PREFIX, tags=["api"])

EXPORT_MAX = 10_000  # rows of a list download
SNIPPET_OPEN, SNIPPET_CLOSE = read.SNIPPET_OPEN, read.SNIPPET_CLOSE
FILTERS = "Filters (all optional, combined): `from`, `to`, `language`, `outlet`, `state`, "
Format = Literal["csv", "json"]
Filtered = Annotated[Filters, Depends(api_filters)]
_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, "application/json": {}}, "description": "A file."}
}


def _highlights(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its match markers, and where the marked words are in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == SNIPPET_OPEN:
            start = length
        elif char == SNIPPET_CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            out.append(char)
            length += 1
    return "".join(out), spans


def _shown_origin(request: Request) -> Any:
    return str if settings_of(request)["serve.show_paths"] else public_origin


# -- lists -----------------------------------------------------------------------------------


@router.get(
    "/stories",
    response_model=StoryList,
    summary="List stories",
    description=(
        "A page of stories, sorted by `sort` (`updated`, `date`, `articles`, `outlets`, "
        "`agree`, `only_in`, `contradict`, `label`; ties broken by id), with the total count "
        f"of the stories that pass the filters. `limit` defaults to the setting serve.page_size "
        f"and is at most {MAX_PAGE}.\n\n"
        + FILTERS
        + "`min_outlets`, `contradictions`: a story's day is its event date, else the day it "
        "was first seen; `language` and `outlet` need a member in it or from it; `state=yes` "
        "a member from a state-affiliated outlet, `no` none."
    ),
)
def list_stories(
    request: Request,
    filters: Filtered,
    sort: Annotated[Sort, Query(description="What to sort by.")] = Sort.updated,
    order: Annotated[Literal["asc", "desc"], Query(description="Sort direction.")] = "desc",
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    db = store_of(request).db
    infos = browse.stories(
        db,
        filters,
        sort=sort.value,
        descending=order == "desc",
        limit=page_size(request, limit),
        offset=offset,
    )
    total = browse.story_count(db, filters)
    return {"total": total, "items": [story_summary(i) for i in infos]}


@router.get(
    "/search",
    response_model=SearchResults,
    summary="Search articles",
    description=(
        "Articles holding every word of `q` (full text, diacritics folded; operators and "
        "punctuation are taken as plain words), the best first. Snippets are plain text; "
        "`highlights` are [start, end) offsets of the matched words within them.\n\n"
        + FILTERS
        + "`min_outlets`, `contradictions`: the day (published, else added), language, "
        "outlet and state affiliation are the article's own; `min_outlets` and "
        "`contradictions` its story's. `total` counts the hits that pass them."
    ),
)
def search(
    request: Request,
    filters: Filtered,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="The words to find.")] = "",
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    db = store_of(request).db
    size = page_size(request, limit)
    hits = browse.search(db, q, filters, limit=size, offset=offset)
    items = [_hit(hit) for hit in hits]
    total = browse.search_count(db, q, filters)
    out = {"query": q, "total": total, "limit": size, "offset": offset, "items": items}
    return as_shown(request, out, [hit.article.origin for hit in hits])


def _hit(hit: read.Hit) -> dict[str, Any]:
    snippet, spans = _highlights(hit.snippet)
    title, title_spans = _highlights(hit.title_snippet)
    return {
        "article": article_summary(hit.article),
        "snippet": snippet,
        "highlights": spans,
        "title": title,
        "title_highlights": title_spans,
    }


# -- one story -------------------------------------------------------------------------------


@router.get(
    "/stories/{story_id}/blindspot",
    response_model=BlindspotOut,
    summary="Outlets that did not cover a story",
    description=(
        "The outlets with articles in other stories of the store and none in this one, with "
        "their country, ownership and state affiliation where the outlet registry knows them, "
        "the most active first (most stories, then articles); at most `limit`, with `more` "
        "counting the rest."
    ),
    responses=ERRORS,
)
def get_blindspot(
    request: Request,
    story_id: str,
    limit: Annotated[int, Query(ge=0, le=MAX_PAGE)] = browse.BLINDSPOT_LIMIT,
) -> Any:
    db = store_of(request).db
    if read.story_state(db, story_id) is None:
        raise not_found("story")
    return blindspot_record(db, story_id, limit)


@router.get(
    "/stories/{story_id}/coverage",
    response_model=list[DayOut],
    summary="A story's articles per day",
    description=(
        "How many of the story's articles came each day (by publication date, else the day "
        "the store first saw them), the earliest day first; days with none are left out."
    ),
    responses=ERRORS,
)
def get_coverage(request: Request, story_id: str) -> Any:
    page = read.story(store_of(request).db, story_id, with_docs=False)
    if page is None:
        raise not_found("story")
    return coverage_records(page.articles)


# -- downloads -------------------------------------------------------------------------------


@router.get(
    "/stories/{story_id}/export",
    summary="Download a story",
    description=(
        "The story's members and its claims with their groups' verdicts, as a file: JSON "
        "(`{story, members, claims}`) or CSV of one `table`, `members` or `claims`."
    ),
    response_class=Response,
    responses={**ERRORS, **_DOWNLOAD},
)
def export_story(
    request: Request,
    story_id: str,
    format: Annotated[Format, Query(description="csv or json.")] = "json",
    table: Annotated[
        Literal["members", "claims"], Query(description="Which table a CSV holds.")
    ] = "members",
) -> Response:
    page = read.story(store_of(request).db, story_id, with_docs=False)
    if page is None:
        raise not_found("story")
    shown = _shown_origin(request)
    members = exports.member_rows(page.articles, shown)
    claims = exports.claim_rows(page.comparison, shown)
    data = {"story": story_summary(page.info), "members": members, "claims": claims}
    rows, columns = (
        (members, exports.MEMBER_COLUMNS) if table == "members" else (claims, exports.CLAIM_COLUMNS)
    )
    name = f"story-{story_id}" + (f"-{table}" if format == "csv" else "")
    return exports.download(name, format, columns, rows, data)


@router.get(
    "/export/stories",
    summary="Download the stories list",
    description=(
        f"Every story that passes the filters (at most {EXPORT_MAX}), sorted as the list is, "
        "as CSV or JSON. " + FILTERS + "`min_outlets`, `contradictions` (as on the list)."
    ),
    response_class=Response,
    responses=_DOWNLOAD,
)
def export_stories(
    request: Request,
    filters: Filtered,
    format: Annotated[Format, Query(description="csv or json.")] = "csv",
    sort: Annotated[Sort, Query(description="What to sort by.")] = Sort.updated,
    order: Annotated[Literal["asc", "desc"], Query(description="Sort direction.")] = "desc",
) -> Response:
    infos = browse.stories(
        store_of(request).db,
        filters,
        sort=sort.value,
        descending=order == "desc",
        limit=EXPORT_MAX,
    )
    rows = exports.story_rows(infos)
    return exports.download("stories", format, exports.STORY_COLUMNS, rows, rows)


@router.get(
    "/export/search",
    summary="Download search hits",
    description=(
        f"The articles that hold every word of `q` and pass the filters (at most {EXPORT_MAX}"
        "), the best first, as CSV or JSON, each with its snippet as plain text. "
        + FILTERS
        + "`min_outlets`, `contradictions` (as on search)."
    ),
    response_class=Response,
    responses=_DOWNLOAD,
)
def export_search(
    request: Request,
    filters: Filtered,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="The words to find.")] = "",
    format: Annotated[Format, Query(description="csv or json.")] = "csv",
) -> Response:
    hits = browse.search(store_of(request).db, q, filters, limit=EXPORT_MAX)
    rows = exports.hit_rows(hits, _shown_origin(request))
    return exports.download("search", format, exports.HIT_COLUMNS, rows, rows)
