"""The JSON API under /api/v1.

Reading (no token): one story with its comparison, members, blindspot and coverage per day,
one article with its annotation, the outlets and one outlet's profile; the stories list and
full-text search (with their filters) and the downloads are rashomon.web.api_stories's.
Writing (`require_token`): POST /api/v1/articles cleans, annotates and stores one article,
places it in a story and compares that story again. The
app's SameOrigin guard refuses a write from another origin and a text/plain or form body
before it gets here.

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

import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.concurrency import run_in_threadpool

from rashomon.errors import (
    EmptyInput,
    FetchError,
    InputError,
    Reason,
    RefusedURL,
    TooLarge,
    UnsupportedInput,
)
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.sniff import HEAD_BYTES, check_document, looks_like_html, split_content_type
from rashomon.model import Doc, Hints, Outcome, RawDoc, Result, Signals, content_id
from rashomon.report import annotate as annotate_report
from rashomon.report import compare as compare_report
from rashomon.report import stories as stories_report
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.web.auth import require_token
from rashomon.web.paths import hide_paths
from rashomon.web.story_facts import BlindspotOut, DayOut, blindspot_record, coverage_records

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["api"])

PREFIX = "/api/v1"
MAX_PAGE = 500
MAX_OFFSET = 2**31
MAX_QUERY = 1000
SNIPPET_OPEN, SNIPPET_CLOSE = read.SNIPPET_OPEN, read.SNIPPET_CLOSE
RAW_TYPES = ("text/html",)  # text/plain needs no preflight: see SIMPLE_TYPES in app.py
_XML_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)
# spaCy pipelines are not promised to be thread-safe, and the first POST loads the model:
# one document is annotated at a time.
_ANNOTATE = threading.Lock()


class Sort(StrEnum):
    """What the stories list sorts by (the keys of `rashomon.store.read.SORTS`)."""

    updated = "updated"
    date = "date"
    articles = "articles"
    outlets = "outlets"
    agree = "agree"
    only_in = "only_in"
    contradict = "contradict"
    label = "label"


# -- response models ---------------------------------------------------------------------------


class Error(BaseModel):
    detail: Any = Field(description="What is wrong, in words (a list for invalid parameters).")
    reason: str | None = Field(
        None, description="For a document that could not be stored: the short reason code."
    )


class StoryLinks(BaseModel):
    self: str = Field(description="This story in the API.")


class StorySummary(BaseModel):
    """One row of the stories list."""

    id: str
    label: str
    event_date: str | None = Field(description="The members' consensus date (ISO day).")
    first_seen: str | None = Field(description="The earliest member's publication date.")
    last_seen: str | None = Field(description="The latest member's publication date.")
    articles: int = Field(description="How many articles the story holds.")
    outlets: int = Field(description="How many outlets carried it.")
    outlet_names: list[str]
    agree: int = Field(description="Claim groups two or more independent outlets agree on.")
    only_in: int = Field(description="Claim groups only one outlet states.")
    contradict: int = Field(description="Claim groups whose facts disagree.")
    compared: bool = Field(
        description="False while the comparison is pending or older than the story's members."
    )
    compared_articles: int = Field(
        description="How many articles the story had when its comparison was made (0: none yet)."
    )
    updated_at: str
    links: StoryLinks


class StoryList(BaseModel):
    total: int = Field(description="How many stories there are in all.")
    items: list[StorySummary]


class ArticleLinks(BaseModel):
    self: str
    story: str | None = None


class ArticleSummary(BaseModel):
    """An article's metadata as stored."""

    id: str = Field(description="The content id: 16 hex digits of the SHA-256 of its input.")
    origin: str = Field(
        description="Where it came from: a URL, api:ID, or a file as file:DIGEST/NAME "
        "(its folder hidden unless serve.show_paths is on)."
    )
    url: str | None
    outlet: str
    title: str | None
    byline: str | None
    published: str | None
    language: str | None
    added_at: str
    story: str | None = Field(description="Its story's id (None until placed).")
    copy_of: str | None = Field(description="The article it is a near-identical copy of.")
    links: ArticleLinks


class DatedMentionOut(BaseModel):
    source: str
    text: str
    start: int
    end: int
    value: str
    anchor: str


class ClaimOut(BaseModel):
    source: str = Field(description="The origin of the article the offsets point into.")
    text: str
    start: int
    end: int
    outlet: str
    speaker: str | None
    stance: str


class ConflictOut(BaseModel):
    kind: str
    left: str
    right: str
    sources: list[str]


class GroupOut(BaseModel):
    id: str
    verdict: Literal["agree", "only_in", "contradict"]
    reason: str
    score: float
    outlets: list[str]
    missing: list[str]
    conflicts: list[ConflictOut]
    changes: list[ConflictOut]
    claims: list[ClaimOut]


class OverstatementOut(BaseModel):
    kind: Literal["number", "hedge", "attribution"]
    headline: str = Field(description="The fact as the headline states it.")
    body: str = Field(description="The fact as the body states it.")
    why: str
    evidence: ClaimOut


class HeadlineOut(BaseModel):
    source: str
    headline: str
    verdict: str
    score: float
    evidence: ClaimOut | None
    unbacked: list[str]
    quotation: bool
    elsewhere: ClaimOut | None
    elsewhere_verdict: str
    elsewhere_score: float
    also: ClaimOut | None
    overstates: list[OverstatementOut] = Field(
        default_factory=list,
        description="Where the headline says more than the body passage that backs it.",
    )


class RelayCount(BaseModel):
    relay: str
    quotes: int


class SpeakerCount(BaseModel):
    speaker: str
    quotes: int


class ProvenanceOut(BaseModel):
    source: str
    outlet: str
    via: list[RelayCount]
    attributed_quotes: int
    unattributed_quotes: int
    speakers: list[SpeakerCount]
    summary: str


class RelayOut(BaseModel):
    relay: str
    outlets: list[str]


class OutletProfile(BaseModel):
    """An outlet: the registry's entry when `known`, else what the store observed."""

    name: str
    domains: list[str]
    country: str | None
    languages: list[str]
    ownership: str | None
    state_affiliated: bool | None
    basis: str
    source: str
    aliases: list[str]
    known: bool
    articles: int


class WordOut(BaseModel):
    where: str
    start: int
    end: int
    text: str
    kind: str


class SignalsOut(BaseModel):
    outlet: OutletProfile
    profile: str
    claims: int
    opinion_share: float
    hedged_share: float
    reported_share: float
    words: list[WordOut]
    promotional: list[str]
    missing: list[str]


class ComparisonOut(BaseModel):
    """`rashomon compare -f json`'s record of one story."""

    id: str
    label: str
    articles: list[str]
    outlets: list[str]
    event_date: str | None
    participants: list[str]
    place: str | None
    languages: list[str]
    duplicates: list[list[str]]
    groups: list[GroupOut]
    headlines: list[HeadlineOut]
    provenance: list[ProvenanceOut]
    relays: list[RelayOut]
    signals: dict[str, SignalsOut] = Field(description="By article origin.")


class StoryDetail(BaseModel):
    """`rashomon stories -f json`'s record of the story, its comparison and its members."""

    id: str
    label: str
    articles: list[str] = Field(description="Member origins.")
    outlets: list[str]
    event_date: str | None
    participants: list[str]
    place: str | None
    languages: list[str]
    duplicates: list[list[str]] = Field(description="[copy, original] origin pairs.")
    dates: list[DatedMentionOut]
    first_seen: str | None
    last_seen: str | None
    updated_at: str
    agree: int
    only_in: int
    contradict: int
    compared: bool
    compared_articles: int
    comparison: ComparisonOut | None = Field(description="None while the comparison is pending.")
    members: list[ArticleSummary]
    blindspot: BlindspotOut = Field(
        description="The outlets the store knows (from other stories) that did not cover it."
    )
    coverage: list[DayOut] = Field(description="Its articles per day, the earliest first.")
    links: StoryLinks


class RemovedOut(BaseModel):
    text: str
    reason: str
    position: int


class ForeignParagraphOut(BaseModel):
    index: int
    language: str
    text: str


class EntityOut(BaseModel):
    text: str
    start: int
    end: int
    type: str
    canonical: str
    key: str
    role: str | None
    via: str


class TimeOut(BaseModel):
    text: str
    start: int
    end: int
    value: str | None
    granularity: str
    anchor: str
    relative: dict[str, Any] | None


class QuoteOut(BaseModel):
    kind: str
    text: str
    start: int
    end: int
    speaker: str | None
    speaker_span: list[int] | None
    cue: str | None
    cue_span: list[int] | None
    addressee: str | None
    addressee_span: list[int] | None
    via: list[str]
    anonymous: bool
    continues: int | None


class ClaimAnnotation(BaseModel):
    text: str
    start: int
    end: int
    stance: str
    quote: int | None
    numbers: list[str]
    dates: list[str]
    entities: list[str]
    negated: bool
    cues: list[str]


class Annotation(BaseModel):
    """`rashomon annotate -f json`'s record: every span an offset into `text`."""

    source: str
    id: str | None
    title: str | None
    outlet: str | None = Field(description="The outlet the page itself names, if any.")
    published: str | None
    language: str | None
    url: str | None = None
    canonical_url: str | None = None
    byline: str | None = None
    site_name: str | None = None
    extractor: str | None = None
    text: str | None
    removed: list[RemovedOut] = Field(description="Lines the cleaner took out, and why.")
    foreign_paragraphs: list[ForeignParagraphOut] = []
    sentences: list[list[int]]
    entities: list[EntityOut]
    times: list[TimeOut]
    quotes: list[QuoteOut]
    claims: list[ClaimAnnotation]
    limits: list[str]


class ArticleDetail(ArticleSummary):
    annotation: Annotation


class OutletLinks(BaseModel):
    self: str


class OutletSummary(BaseModel):
    name: str
    articles: int
    stories: int
    links: OutletLinks


class OutletList(BaseModel):
    total: int
    items: list[OutletSummary]


class ArticleSignals(BaseModel):
    """Framing signals of one of the outlet's articles, from its story's comparison."""

    source: str
    claims: int
    opinion_share: float
    hedged_share: float
    reported_share: float
    words: list[WordOut]
    promotional: list[str]
    missing: list[str]


class OutletDetail(BaseModel):
    name: str
    profile: OutletProfile
    description: str = Field(description="The profile in one line.")
    article_count: int
    story_count: int
    articles: list[ArticleSummary] = Field(description="The latest articles (at most `limit`).")
    stories: list[StorySummary] = Field(description="The latest stories (at most `limit`).")
    signals: list[ArticleSignals]
    links: OutletLinks


class SearchHit(BaseModel):
    article: ArticleSummary
    snippet: str = Field(description="Plain text around the matches ('…' where it is cut).")
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) offsets of the matched words within `snippet`."
    )
    title: str = Field(description="The title, plain text.")
    title_highlights: list[tuple[int, int]]


class SearchResults(BaseModel):
    query: str
    total: int = Field(description="How many articles match, over every page.")
    limit: int
    offset: int
    items: list[SearchHit]


class ArticleIn(BaseModel):
    """One article to store: `text` (plain) or `html` (a page), optionally with `url` as the
    address it was published at; or `url` alone, which is fetched."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The article's HTML page.")
    url: str | None = Field(
        None,
        max_length=4096,
        description="Alone: the page to fetch. With text or html: where it was published.",
    )
    title: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=500)
    published: str | None = Field(None, description="ISO date (or date and time).")
    language: str | None = Field(None, max_length=35)
    byline: str | None = Field(None, max_length=2000)

    @field_validator("published")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return iso_date(value)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return web_address(value)

    @model_validator(mode="after")
    def _one_source(self) -> ArticleIn:
        given = [name for name in ("text", "html") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError("give one of text or html, not both")
        if not given and self.url is None:
            raise ValueError("give the article: text, html, or a url to fetch")
        return self


class ArticleCreated(BaseModel):
    id: str
    story: str | None = Field(description="The story it was placed in.")
    created: bool = Field(description="False when the same content was stored already.")
    outlet: str
    title: str | None
    links: ArticleLinks


# -- helpers -------------------------------------------------------------------------------------


def iso_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from an ISO date or date and time; ValueError otherwise."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise ValueError("published must be an ISO date such as 2024-01-31") from None


def web_address(value: str | None) -> str | None:
    """An http(s) URL as given; ValueError for any other scheme (javascript:, file:, …)."""
    if value is None:
        return None
    scheme, sep, rest = value.strip().partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest:
        raise ValueError("url must be an http:// or https:// address")
    return value.strip()


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _page_size(request: Request, limit: int | None) -> int:
    return min(MAX_PAGE, limit if limit is not None else int(_settings(request)["serve.page_size"]))


def _story_links(story_id: str) -> dict[str, str]:
    return {"self": f"{PREFIX}/stories/{story_id}"}


def _article_links(article_id: str, story_id: str | None) -> dict[str, str | None]:
    return {
        "self": f"{PREFIX}/articles/{article_id}",
        "story": f"{PREFIX}/stories/{story_id}" if story_id else None,
    }


def _outlet_links(name: str) -> dict[str, str]:
    from urllib.parse import quote

    return {"self": f"{PREFIX}/outlets/{quote(name, safe='')}"}


def _story_summary(info: read.StoryInfo) -> dict[str, Any]:
    out = {name: getattr(info, name) for name in read.StoryInfo.__slots__}
    out["outlet_names"] = list(info.outlet_names)
    out["links"] = _story_links(info.id)
    return out


def _article_summary(info: read.ArticleInfo) -> dict[str, Any]:
    out = {name: getattr(info, name) for name in read.ArticleInfo.__slots__}
    out["links"] = _article_links(info.id, info.story)
    return out


def _shown(request: Request, content: dict[str, Any], origins: Iterable[str]) -> dict[str, Any]:
    """`content` with the server's file paths among `origins` hidden, unless
    `serve.show_paths` is on (see rashomon.web.paths)."""
    if _settings(request)["serve.show_paths"]:
        return content
    shown: dict[str, Any] = hide_paths(content, origins)
    return shown


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"no such {what}")


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


def _signals(s: Signals) -> dict[str, Any]:
    """An article's signals as `rashomon compare -f json` gives them, with their source (the
    outlet's profile is the page's own)."""
    out = compare_report.signals_record(s)
    del out["outlet"], out["profile"]
    return {"source": s.source, **out}


_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": Error, "description": "Not found."}}


# -- reading -------------------------------------------------------------------------------------


@router.get(
    "/stories/{story_id}",
    response_model=StoryDetail,
    summary="One story, compared",
    description=(
        "The story (`rashomon stories -f json`'s record), its comparison (`rashomon compare "
        "-f json`'s record; null while pending) and its members. Every claim's start/end is a "
        "character offset into the clean text of the member whose origin is its `source`."
    ),
    responses=_ERRORS,
)
def get_story(request: Request, story_id: str) -> dict[str, Any]:
    page = read.story(_store(request).db, story_id, with_docs=False)
    if page is None:
        raise _not_found("story")
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
        members=[_article_summary(a) for a in page.articles],
        blindspot=blindspot_record(_store(request).db, info.id),
        coverage=coverage_records(page.articles),
        links=_story_links(info.id),
    )
    return _shown(request, out, [*page.story.articles, *(a.origin for a in page.articles)])


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    summary="One article, annotated",
    description=(
        "The article's stored metadata and its annotation (`rashomon annotate -f json`'s "
        "record): the clean text, the lines removed from it, sentences, entities, times, "
        "quotes and claims, every span a character offset into `annotation.text`."
    ),
    responses=_ERRORS,
)
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    found = read.article(_store(request).db, article_id)
    if found is None:
        raise _not_found("article")
    info, doc = found
    result = Result(info.origin, Outcome.OK, Reason.OK, "", info.id, doc)
    annotation = annotate_report.record(result)
    for key in ("outcome", "reason", "detail"):
        annotation.pop(key, None)
    return _shown(request, {**_article_summary(info), "annotation": annotation}, [info.origin])


@router.get(
    "/outlets",
    response_model=OutletList,
    summary="List outlets",
    description="Every outlet in the store with its article and story counts, most articles first.",
)
def list_outlets(request: Request) -> dict[str, Any]:
    rows = read.outlets(_store(request).db)
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
    responses=_ERRORS,
)
def get_outlet(
    request: Request,
    name: str,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> dict[str, Any]:
    from rashomon.compare.signals import profile_line

    store = _store(request)
    found = read.outlet(store.db, name, limit=_page_size(request, limit))
    if found is None:
        raise _not_found("outlet")
    profile = asdict(found.outlet)
    out = {
        "name": found.outlet.name,
        "profile": profile,
        "description": profile_line(found.outlet),
        "article_count": found.article_count,
        "story_count": read.story_count(store.db, outlet=name),
        "articles": [_article_summary(a) for a in found.articles],
        "stories": [_story_summary(s) for s in found.stories],
        "signals": [_signals(s) for s in found.signals],
        "links": _outlet_links(name),
    }
    origins = [*(a.origin for a in found.articles), *(s.source for s in found.signals)]
    return _shown(request, out, origins)


# -- writing -------------------------------------------------------------------------------------

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
        with _ANNOTATE:
            result = annotate_one(raw, settings)
        if not isinstance(result.record, Doc):
            raise Refused(_status_of(result.reason), result.reason, result.detail)
        created = store.add([result]).stored > 0
        store.update()
    found = read.article(store.db, raw.id)
    if found is None:  # stored a moment ago: only a concurrent deletion could do this
        raise Refused(500, "internal-error", "the article was not found after storing it")
    return _article_summary(found[0]), created


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
    settings = _settings(request)
    try:
        query = _article_in_query(title, url, outlet, published, language, byline)
        if media_type == "application/json":
            load = _json_source(_with_query(_article_in(body), query), settings)
        else:
            load = partial(_given, _raw_from(body, media_type, charset, query))
        article, created = await run_in_threadpool(_store_one, _store(request), settings, load)
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


class OutletIn(BaseModel):
    """The outlet an article was published by, declared by the user."""

    model_config = ConfigDict(extra="forbid")

    outlet: str = Field(min_length=1, max_length=500)


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
    responses={**_ERRORS, 422: {"model": Error, "description": "No outlet given."}},
)
async def patch_article(request: Request, article_id: str) -> Any:
    media_type, _ = split_content_type(request.headers.get("content-type", ""))
    if media_type != "application/json":
        raise HTTPException(415, 'send application/json: {"outlet": NAME}')
    try:
        wanted = OutletIn.model_validate_json(await request.body())
    except ValidationError as error:
        raise HTTPException(422, _messages(error)) from None
    store = _store(request)
    if not store.known(article_id):
        raise _not_found("article")
    await run_in_threadpool(_correct, store, wanted.outlet, article_id)
    found = read.article(store.db, article_id)
    if found is None:
        raise _not_found("article")
    return _shown(request, _article_summary(found[0]), [found[0].origin])


def _correct(store: Store, outlet: str, article_id: str) -> None:
    with _ANNOTATE:  # one writer of the store's index at a time, as for POST
        store.correct_outlet(outlet, articles=[article_id])


def _article_in(body: bytes) -> ArticleIn:
    if not body.strip():
        raise EmptyInput("api", "the request has no body: send the article as JSON")
    try:
        return ArticleIn.model_validate_json(body)
    except ValidationError as error:
        raise HTTPException(422, _messages(error)) from None


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


def _messages(error: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors without the input they quote (it may be megabytes of article)."""
    return [
        {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]


def _error(refused: Refused) -> JSONResponse:
    return JSONResponse(
        {"detail": refused.message, "reason": refused.reason}, status_code=refused.status
    )
