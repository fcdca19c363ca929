"""The page of picked articles compared side by side: GET /compare?articles=ID&articles=ID
(what the picking forms of the story and search pages submit; ids may also be given
comma-separated). It is the story page's comparison (the report's macros over a StoryView)
of a story of the picked articles that is not stored. When they lie in more than one story,
the page offers to merge those stories (a write through the API's protected route, see
templates/_steer.html). Fewer than two ids is a 400 page, an unknown id a 404 page naming it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from rashomon.report.compare_html import story_view
from rashomon.store import Store, read, steer
from rashomon.web.api_steer import parse_ids
from rashomon.web.pages import STORY_ANCHOR, bad_request, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, articles: Annotated[list[str] | None, Query()] = None
) -> HTMLResponse:
    store: Store = request.app.state.store
    ids = parse_ids(articles or [])
    try:
        picked = store.compare_articles(ids)
    except steer.Unknown as error:
        message = f"{error}."
        return render(request, "error.html", 404, title="Not found", message=message)
    except steer.Refused as error:
        return bad_request(request, f"To compare, {error}.")
    infos = [found[0] for found in (read.article(store.db, i) for i in ids) if found]
    view = story_view(picked.comparison, picked.docs, anchor=STORY_ANCHOR)
    return render(
        request,
        "compare_picked.html",
        title="Picked articles compared",
        picked=infos,
        stories=list(dict.fromkeys(a.story for a in infos if a.story)),
        s=view,
    )
