"""The JSON API's writes under /api/v1 (`require_token`), beside rashomon.web.api's reading:

- POST /api/v1/articles: clean, annotate and store one article (JSON, a page as text/html,
  or a URL to fetch), place it in a story and compare that story again;
- PATCH /api/v1/articles/{id}: declare the outlet that published a stored article.

A document that cannot be stored is `Refused`: its HTTP status and the short reason code the
CLI counts by (`{"detail": …, "reason": …}`). The app's SameOrigin guard refuses a write from
another origin and a text/plain or form body before it gets here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from rashomon.errors import (
    EmptyInput,
    FetchError,
    InputError,
    RefusedURL,
    TooLarge,
    UnsupportedInput,
)
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.sniff import HEAD_BYTES, check_document, looks_like_html, split_content_type
from rashomon.model import Doc, Hints, RawDoc, content_id
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.web.api_common import (
    ANNOTATE,
    ERRORS,
    PREFIX,
    article_summary,
    as_shown,
    messages,
    not_found,
    settings_of,
    store_of,
)
from rashomon.web.api_models import (
    ArticleCreated,
    ArticleIn,
    ArticleSummary,
    Error,
    OutletIn,
    iso_date,
    web_address,
)
from rashomon.web.auth import require_token

__all__ = ["RAW_TYPES", "Refused", "make_fetcher", "router"]

router = APIRouter(prefix=PREFIX, tags=["api"])

RAW_TYPES = ("text/html",)  # text/plain needs no preflight: see SIMPLE_TYPES in app.py
_XML_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)


_BODY_DOC = {
    "required": True,
    "content": {
        "application/json": {"schema": ArticleIn.model_json_schema()},
        "text/html": {"schema": {"type": "string"}},
    },
}


class Refused(Exception):
    """A POSTed document that cannot be stored: the HTTP status, reason code and message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def _status_of(error: InputError | str) -> int:
    """The HTTP status for a document that failed with this error (or reason code)."""
    reason = error if isinstance(error, str) else error.reason
    if reason == RefusedURL.reason:
        return 400
    if reason == FetchError.reason:
        return 502
    if reason == TooLarge.reason:
        return 413
    if reason == "internal-error":
        return 500
    return 422


def _refused(error: InputError) -> Refused:
    return Refused(_status_of(error), error.reason, error.message)


def make_fetcher(settings: Settings) -> Fetcher:
    """The fetcher for a POSTed URL (tests replace it to fetch from a mock transport)."""
    return Fetcher(settings)


def _fetch(url: str, hints: Hints, settings: Settings) -> RawDoc:
    with make_fetcher(settings) as fetcher:
        raw = fetcher.fetch(url)
    if raw.media_type in _XML_TYPES:
        if not looks_like_html(raw.body[:HEAD_BYTES]):
            raise UnsupportedInput(
                url, f"{raw.media_type} is not an article (a feed: `rashomon ingest URL` reads it)"
            )
        raw = replace(raw, media_type="text/html")
    return replace(raw, hints=hints)


def _raw_from(body: bytes, media_type: str, charset: str | None, meta: ArticleIn) -> RawDoc:
    """The RawDoc of a POSTed article, its origin `api:ID`; InputError for an empty or binary
    body."""
    origin = f"api:{content_id(body)}"
    check_document(body, origin, named=True)
    return RawDoc.from_bytes(
        body, media_type, origin, url=meta.url, encoding=charset, hints=_hints(meta)
    )


def _json_source(meta: ArticleIn, settings: Settings) -> Callable[[], RawDoc]:
    """What gives the RawDoc of a JSON body: its text or html, else its url fetched."""
    if meta.text is not None:
        return partial(_given, _raw_from(meta.text.encode(), "text/plain", "utf-8", meta))
    if meta.html is not None:
        return partial(_given, _raw_from(meta.html.encode(), "text/html", "utf-8", meta))
    return partial(_fetch, meta.url or "", _hints(meta), settings)  # the model checks there is one


def _given(raw: RawDoc) -> RawDoc:
    return raw


def _hints(meta: ArticleIn) -> Hints:
    return Hints(
        title=meta.title,
        published=meta.published,
        outlet=meta.outlet,
        byline=meta.byline,
        language=meta.language,
    )


def _store_one(store: Store, settings: Settings, load: Callable[[], RawDoc]) -> tuple[Any, bool]:
    """Load (`load` may fetch), clean, annotate, store and place one document; the stored
    article's summary and whether it is new. Raises Refused."""
    from rashomon.pipeline import annotate_one

    try:
        raw = load()
    except InputError as error:
        raise _refused(error) from None
    created = False
    if not store.known(raw.id):
        with ANNOTATE:
            result = annotate_one(raw, settings)
        if not isinstance(result.record, Doc):
            raise Refused(_status_of(result.reason), result.reason, result.detail)
        created = store.add([result]).stored > 0
        store.update()
    found = read.article(store.db, raw.id)
    if found is None:  # stored a moment ago: only a concurrent deletion could do this
        raise Refused(500, "internal-error", "the article was not found after storing it")
    return article_summary(found[0]), created


_BESIDE = "The page's metadata for a raw body; beside a JSON body, fills what it leaves out."


@router.post(
    "/articles",
    response_model=ArticleCreated,
    status_code=201,
    summary="Add an article",
    description=(
        "Clean, annotate and store one article, place it in a story and compare that story "
        "again. The body is JSON (`ArticleIn`: exactly one of `text` or `html`, or a `url` "
        "alone to fetch it, plus optional metadata), or the page itself as `text/html`, its "
        "metadata then in the query parameters (plain text goes as JSON `text`: `text/plain`, "
        "like a form, is a type any site can make a browser send unasked, so every write "
        "refuses it with 415). 201 for a new article; 200 "
        "with `created` false when the same content is stored already (an article's id is the "
        "hash of its content, so POSTing it again changes nothing). A URL is fetched under the "
        "fetcher's policy: loopback, private and link-local addresses are refused (400). Needs "
        "`Authorization: Bearer TOKEN` when the server has a write token; from a browser, it "
        "must come from the server's own origin (403 otherwise). The first POST loads "
        "the language model, which takes a few seconds."
    ),
    dependencies=[Depends(require_token)],
    openapi_extra={"requestBody": _BODY_DOC},
    responses={
        200: {"model": ArticleCreated, "description": "Stored already: nothing changed."},
        400: {"model": Error, "description": "A URL refused by the fetch policy."},
        401: {"model": Error, "description": "The write token is missing or wrong."},
        403: {"model": Error, "description": "A write from another origin or site."},
        413: {"model": Error, "description": "The body or the article is too large."},
        415: {"model": Error, "description": "A body that is not JSON or HTML."},
        422: {"model": Error, "description": "Invalid fields, or no article in the input."},
        502: {"model": Error, "description": "The URL could not be fetched."},
    },
)
async def post_article(
    request: Request,
    response: Response,
    title: Annotated[str | None, Query(max_length=2000, description=_BESIDE)] = None,
    url: Annotated[str | None, Query(max_length=4096, description=_BESIDE)] = None,
    outlet: Annotated[str | None, Query(max_length=500, description=_BESIDE)] = None,
    published: Annotated[str | None, Query(description=_BESIDE + " An ISO date.")] = None,
    language: Annotated[str | None, Query(max_length=35, description=_BESIDE)] = None,
    byline: Annotated[str | None, Query(max_length=2000, description=_BESIDE)] = None,
) -> Any:
    media_type, charset = split_content_type(request.headers.get("content-type", ""))
    if media_type != "application/json" and media_type not in RAW_TYPES:
        shown = f"{media_type!r}" if media_type else "no content type"
        raise HTTPException(415, f"{shown}: send application/json or text/html")
    body = await request.body()
    settings = settings_of(request)
    try:
        query = _article_in_query(title, url, outlet, published, language, byline)
        if media_type == "application/json":
            load = _json_source(_with_query(_article_in(body), query), settings)
        else:
            load = partial(_given, _raw_from(body, media_type, charset, query))
        article, created = await run_in_threadpool(_store_one, store_of(request), settings, load)
    except InputError as error:
        return _error(_refused(error))
    except Refused as refused:
        return _error(refused)
    if not created:
        response.status_code = 200
    else:
        response.headers["Location"] = article["links"]["self"]
    return {
        "id": article["id"],
        "story": article["story"],
        "created": created,
        "outlet": article["outlet"],
        "title": article["title"],
        "links": article["links"],
    }


@router.patch(
    "/articles/{article_id}",
    response_model=ArticleSummary,
    summary="Correct an article's outlet",
    description=(
        'Declare the outlet that published a stored article (JSON `{"outlet": NAME}`); its '
        "story is compared again under the outlet it now has. An article whose URL belongs to "
        "an outlet of the registry keeps that outlet's name. Needs the write token and the "
        "same-origin rule as every write."
    ),
    dependencies=[Depends(require_token)],
    responses={**ERRORS, 422: {"model": Error, "description": "No outlet given."}},
)
async def patch_article(request: Request, article_id: str) -> Any:
    media_type, _ = split_content_type(request.headers.get("content-type", ""))
    if media_type != "application/json":
        raise HTTPException(415, 'send application/json: {"outlet": NAME}')
    try:
        wanted = OutletIn.model_validate_json(await request.body())
    except ValidationError as error:
        raise HTTPException(422, messages(error)) from None
    store = store_of(request)
    if not store.known(article_id):
        raise not_found("article")
    await run_in_threadpool(_correct, store, wanted.outlet, article_id)
    found = read.article(store.db, article_id)
    if found is None:
        raise not_found("article")
    return as_shown(request, article_summary(found[0]), [found[0].origin])


def _correct(store: Store, outlet: str, article_id: str) -> None:
    with ANNOTATE:  # one writer of the store's index at a time, as for POST
        store.correct_outlet(outlet, articles=[article_id])


def _article_in(body: bytes) -> ArticleIn:
    if not body.strip():
        raise EmptyInput("api", "the request has no body: send the article as JSON")
    try:
        return ArticleIn.model_validate_json(body)
    except ValidationError as error:
        raise HTTPException(422, messages(error)) from None


def _article_in_query(
    title: str | None,
    url: str | None,
    outlet: str | None,
    published: str | None,
    language: str | None,
    byline: str | None,
) -> ArticleIn:
    try:
        published, url = iso_date(published), web_address(url)
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return ArticleIn.model_construct(
        title=title, url=url, outlet=outlet, published=published, language=language, byline=byline
    )


_METADATA = ("title", "url", "outlet", "published", "language", "byline")


def _with_query(meta: ArticleIn, query: ArticleIn) -> ArticleIn:
    """The JSON body's metadata, with what only the query gives added (`?outlet=` beside a
    JSON body is honoured, not ignored); 422 when the two give a field different values."""
    added: dict[str, Any] = {}
    for name in _METADATA:
        mine, theirs = getattr(meta, name), getattr(query, name)
        if theirs is None:
            continue
        if mine is not None and mine != theirs:
            raise HTTPException(
                422, f"{name} is given twice with different values (the query and the body)"
            )
        added[name] = theirs
    return meta.model_copy(update=added) if added else meta


def _error(refused: Refused) -> JSONResponse:
    return JSONResponse(
        {"detail": refused.message, "reason": refused.reason}, status_code=refused.status
    )
