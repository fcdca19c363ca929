"""The records passed between stages. Frozen dataclasses; nothing else lives here.

RawDoc  --clean-->  Article  --annotate-->  Doc

Every record a stage returns is new; a stage never mutates what it was given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "Article",
    "Doc",
    "Hints",
    "Outcome",
    "ParagraphLanguage",
    "RawDoc",
    "Removed",
    "Result",
    "Span",
    "content_id",
]


def content_id(body: bytes) -> str:
    """The id of a document: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(body).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata that came with a document from its container (feed item, JSONL object, WARC
    headers). The cleaner prefers what the article itself says and falls back to these."""

    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    byline: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One input document as ingested, before any cleaning.

    `origin` names where it came from in words a user recognises: a path, `path#record-3`,
    a feed's path and item, a URL, or `<stdin>`.
    """

    id: str
    body: bytes
    media_type: str
    origin: str
    url: str | None = None
    fetched_at: datetime | None = None
    encoding: str | None = None
    hints: Hints = field(default_factory=Hints)

    @classmethod
    def from_bytes(cls, body: bytes, media_type: str, origin: str, **kwargs: object) -> RawDoc:
        return cls(id=content_id(body), body=body, media_type=media_type, origin=origin, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Removed:
    """A line or block the cleaner took out, kept for the audit.

    `reason` is a short code (see rashomon.clean.reasons); `position` is the line index in the
    input text (or the block index for HTML), so the removed lines can be put back in order.
    """

    text: str
    reason: str
    position: int


@dataclass(frozen=True, slots=True)
class ParagraphLanguage:
    """A paragraph whose language differs from the article's."""

    index: int
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the report without its page.

    `text` is the body's paragraphs joined by blank lines; every later span is a character
    offset into it. The title is not part of `text`.
    """

    id: str
    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: date | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    extractor: str = ""
    removed: tuple[Removed, ...] = ()
    foreign_paragraphs: tuple[ParagraphLanguage, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of `Article.text` found by a stage. `produced_by` names the stage and its
    version, e.g. "rashomon.quotes.v1"."""

    start: int
    end: int
    label: str
    produced_by: str


@dataclass(frozen=True, slots=True)
class Doc:
    """An article with named layers of spans (filled by the annotate stage)."""

    article: Article
    layers: dict[str, tuple[Span, ...]] = field(default_factory=dict)


class Outcome(StrEnum):
    """How a document's run ended. `ok`: processed; `skipped`: left out for a counted reason
    (a duplicate, no article text); `failed`: bad input, recorded with its reason."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Result:
    """What the pipeline reports for one input document.

    `reason` is a short code for the summary table ("ok", "duplicate", "empty", "binary", …);
    `detail` is the one clear line a user reads.
    """

    origin: str
    outcome: Outcome
    reason: str
    detail: str = ""
    id: str | None = None
    record: Article | Doc | None = None

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED
