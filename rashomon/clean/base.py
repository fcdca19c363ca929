"""What a cleaner returns before `rashomon.clean.clean` assembles the Article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rashomon.model import Removed

__all__ = ["Cleaned"]


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The article found in one page or scraped text, with its metadata and the audit of
    what was taken out. `paragraphs` are the body in reading order, title excluded."""

    paragraphs: tuple[str, ...]
    extractor: str
    removed: tuple[Removed, ...] = ()
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: date | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    url: str | None = None
    declared_language: str | None = None
