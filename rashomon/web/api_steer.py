"""The API's steering endpoints (rashomon.store.steer), beside rashomon.web.api's:

- GET /api/v1/compare?articles=ID,ID[,…] (or `articles` repeated): picked articles compared
  side by side, whatever their stories; nothing is stored.
- POST /api/v1/stories/merge, JSON `{"stories": [ID, ID, …]}`: the stories become one.
- POST /api/v1/stories/{id}/split, JSON `{"articles": [ID, …]}`: those articles (with their
  near-copies) leave the story for a story of their own.

The writes need the write token and pass the app's same-origin rule, as every write; a
body that is not JSON is 415. An unknown id is 404 naming it; a decision that cannot be
made (fewer than two stories or articles, an article of another story, a story left
empty) is 422 saying why. Either way nothing changed. A decision sticks: a later ingest
adds to the stories as they now are.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from rashomon.ingest.sniff import split_content_type
from rashomon.report import compare as compare_report
from rashomon.store import Store, read, steer
from rashomon.web.api_common import (
    ANNOTATE,
    PREFIX,
    article_summary,
    as_shown,
    messages,
    story_summary,
)
from rashomon.web.api_models import ArticleSummary, ComparisonOut, Error, StorySummary
from rashomon.web.auth import require_token

__all__ = ["parse_ids", "router"]

router = APIRouter(prefix=PREFIX, tags=["api"])

MAX_IDS = 200  # ids one request names
_ID = r"^[A-Za-z0-9]{1,64}$"


class PickedOut(BaseModel):
    """Picked articles compared side by side (not stored)."""

    comparison: ComparisonOut = Field(
        description="`rashomon compare -f json`'s record of the picked articles, as of a story "
        "of them that is not stored (its id starts with p)."
    )
    members: list[ArticleSummary]


class StoriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stories: list[Annotated[str, Field(pattern=_ID)]] = Field(min_length=2, max_length=MAX_IDS)


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[Annotated[str, Field(pattern=_ID)]] = Field(min_length=1, max_length=MAX_IDS)


class SteeredOut(BaseModel):
    """What a hand decision did."""

    kind: str = Field(description="merge or split.")
    story: StorySummary = Field(description="The merged story, or the one split off.")
    stories: list[StorySummary] = Field(description="Every story the decision left.")
    removed: list[str] = Field(description="Story ids that no longer exist (merged away).")
    moved: int = Field(description="How many articles changed story.")


_REFUSALS: dict[int | str, dict[str, Any]] = {
    404: {"model": Error, "description": "An id is not in the store (named)."},
    415: {"model": Error, "description": "The body is not JSON."},
    422: {"model": Error, "description": "The decision cannot be made as asked (why)."},
}


def parse_ids(values: list[str]) -> list[str]:
    """Ids from `?articles=A,B&articles=C`, in order, each once."""
    ids = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return list(dict.fromkeys(ids))


def _status(error: steer.Unknown | steer.Refused) -> HTTPException:
    return HTTPException(404 if isinstance(error, steer.Unknown) else 422, str(error))


@router.get(
    "/compare",
    response_model=PickedOut,
    summary="Compare picked articles",
    description=(
        "The side-by-side comparison (the claims matrix of a story) of two or more stored "
        "articles, named by id in `articles` (comma-separated, or repeated), whatever stories "
        f"they are in; nothing is stored. At most {steer.MAX_PICKED} articles. Claims' "
        "start/end are character offsets into the clean text of the member whose origin is "
        "their source."
    ),
    responses=_REFUSALS,
)
def compare_articles(
    request: Request,
    articles: Annotated[list[str], Query(description="Article ids.")],
) -> dict[str, Any]:
    store: Store = request.app.state.store
    ids = parse_ids(articles)
    try:
        picked = store.compare_articles(ids)
    except (steer.Unknown, steer.Refused) as error:
        raise _status(error) from None
    members = [found[0] for found in (read.article(store.db, i) for i in ids) if found]
    out = {
        "comparison": compare_report.record(picked.comparison),
        "members": [article_summary(a) for a in members],
    }
    return as_shown(request, out, [*picked.story.articles, *(a.origin for a in members)])


async def _json_body(request: Request, model: type[BaseModel]) -> Any:
    media_type, _ = split_content_type(request.headers.get("content-type", ""))
    if media_type != "application/json":
        raise HTTPException(415, "send application/json")
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as error:
        raise HTTPException(422, messages(error)) from None


def _steered(request: Request, done: steer.Steered) -> dict[str, Any]:
    db = request.app.state.store.db
    pages = {
        s: read.story(db, s, with_docs=False) for s in dict.fromkeys([done.story, *done.stories])
    }
    summaries = {s: story_summary(p.info) for s, p in pages.items() if p is not None}
    return {
        "kind": done.kind,
        "story": summaries[done.story],
        "stories": [summaries[s] for s in done.stories if s in summaries],
        "removed": done.removed,
        "moved": done.moved,
    }


def _steer(work: Any, *args: Any) -> steer.Steered:
    with ANNOTATE:  # one writer of the store's index at a time, as for POST
        try:
            result: steer.Steered = work(*args)
        except (steer.Unknown, steer.Refused) as error:
            raise _status(error) from None
    return result


@router.post(
    "/stories/merge",
    response_model=SteeredOut,
    summary="Merge stories by hand",
    description=(
        'Make the stories named in JSON `{"stories": [ID, ID, …]}` one story (it keeps the id '
        "of the one that began first) and compare it again. A later ingest never parts them. "
        "Needs the write token and the same-origin rule as every write."
    ),
    dependencies=[Depends(require_token)],
    responses=_REFUSALS,
)
async def merge_stories(request: Request) -> dict[str, Any]:
    wanted = await _json_body(request, StoriesIn)
    store: Store = request.app.state.store
    done = await run_in_threadpool(_steer, store.merge_stories, wanted.stories)
    return _steered(request, done)


@router.post(
    "/stories/{story_id}/split",
    response_model=SteeredOut,
    status_code=201,
    summary="Split articles off a story by hand",
    description=(
        'Move the articles named in JSON `{"articles": [ID, …]}` (and their near-copies) out '
        "of the story into a story of their own; both are compared again. A later ingest "
        "never puts them back. The part holding the story's first article keeps its id. "
        "Needs the write token and the same-origin rule as every write."
    ),
    dependencies=[Depends(require_token)],
    responses=_REFUSALS,
)
async def split_story(request: Request, story_id: str) -> dict[str, Any]:
    wanted = await _json_body(request, ArticlesIn)
    store: Store = request.app.state.store
    done = await run_in_threadpool(_steer, store.split_story, story_id, wanted.articles)
    return _steered(request, done)
