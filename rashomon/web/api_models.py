"""The JSON API's pydantic models: what /api/v1 answers (the response models, named as the
OpenAPI schema's components) and what it accepts (`ArticleIn`, `OutletIn`, `Sort`), with the
checks of a request's date and URL fields (`iso_date`, `web_address`)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rashomon.web.story_facts import BlindspotOut, DayOut

__all__ = [
    "Annotation",
    "ArticleCreated",
    "ArticleDetail",
    "ArticleIn",
    "ArticleSummary",
    "ComparisonOut",
    "Error",
    "OutletDetail",
    "OutletIn",
    "OutletList",
    "SearchResults",
    "Sort",
    "StoryDetail",
    "StoryList",
    "StorySummary",
    "iso_date",
    "web_address",
]


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


# -- request fields ----------------------------------------------------------------------------


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


class OutletIn(BaseModel):
    """The outlet an article was published by, declared by the user."""

    model_config = ConfigDict(extra="forbid")

    outlet: str = Field(min_length=1, max_length=500)
