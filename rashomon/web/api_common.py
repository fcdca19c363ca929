"""What the /api/v1 routers share (rashomon.web.api, api_writes, api_stories, api_steer): the
prefix and the paging limits, the store and settings of a request, the summaries and links of
stories and articles, the hiding of server paths, the 404 and the 422 of an invalid body."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException, Request
from pydantic import ValidationError

from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.web.api_models import Error
from rashomon.web.paths import hide_paths

__all__ = [
    "ANNOTATE",
    "ERRORS",
    "MAX_OFFSET",
    "MAX_PAGE",
    "MAX_QUERY",
    "PREFIX",
    "article_links",
    "article_summary",
    "as_shown",
    "messages",
    "not_found",
    "page_size",
    "settings_of",
    "store_of",
    "story_links",
    "story_summary",
]

PREFIX = "/api/v1"
MAX_PAGE = 500
MAX_OFFSET = 2**31
MAX_QUERY = 1000
# spaCy pipelines are not promised to be thread-safe, and the first POST loads the model:
# one document is annotated at a time.
ANNOTATE = threading.Lock()


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def page_size(request: Request, limit: int | None) -> int:
    return min(
        MAX_PAGE, limit if limit is not None else int(settings_of(request)["serve.page_size"])
    )


def story_links(story_id: str) -> dict[str, str]:
    return {"self": f"{PREFIX}/stories/{story_id}"}


def article_links(article_id: str, story_id: str | None) -> dict[str, str | None]:
    return {
        "self": f"{PREFIX}/articles/{article_id}",
        "story": f"{PREFIX}/stories/{story_id}" if story_id else None,
    }


def story_summary(info: read.StoryInfo) -> dict[str, Any]:
    out = {name: getattr(info, name) for name in read.StoryInfo.__slots__}
    out["outlet_names"] = list(info.outlet_names)
    out["links"] = story_links(info.id)
    return out


def article_summary(info: read.ArticleInfo) -> dict[str, Any]:
    out = {name: getattr(info, name) for name in read.ArticleInfo.__slots__}
    out["links"] = article_links(info.id, info.story)
    return out


def as_shown(request: Request, content: dict[str, Any], origins: Iterable[str]) -> dict[str, Any]:
    """`content` with the server's file paths among `origins` hidden, unless
    `serve.show_paths` is on (see rashomon.web.paths)."""
    if settings_of(request)["serve.show_paths"]:
        return content
    shown: dict[str, Any] = hide_paths(content, origins)
    return shown


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"no such {what}")


def messages(error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors without the input they quote (it may be megabytes of article)."""
    return [
        {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "Not found."}}
