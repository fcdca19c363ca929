"""What the API says about a story beyond its record: its blindspot (the outlets the store
knows that did not cover it) and its coverage per day, as pydantic models and the records
that fill them. Both the story's own endpoint and its sub-resources use these (rashomon.web.api
and rashomon.web.api_stories), so they sit below both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from rashomon.store import browse, read
from rashomon.store.sqlite import Database

__all__ = ["BlindspotOut", "DayOut", "MissingOut", "blindspot_record", "coverage_records"]


class MissingOut(BaseModel):
    """An outlet with articles in other stories and none in this one."""

    name: str
    country: str | None = Field(description="ISO country code, where the registry knows it.")
    ownership: str | None = Field(description="state, public or private, where known.")
    state_affiliated: bool | None = Field(description="The registry's word; null: unknown.")
    known: bool = Field(description="Whether the outlet registry lists it.")
    articles: int = Field(description="Its articles in the store.")
    stories: int = Field(description="The stories it covered.")
    link: str


class BlindspotOut(BaseModel):
    outlets: list[MissingOut] = Field(description="The most active first (stories, articles).")
    more: int = Field(description="How many more outlets did not cover it.")
    total: int = Field(description="Every outlet of the store that did not cover it.")


class DayOut(BaseModel):
    day: str = Field(description="ISO day.")
    articles: int = Field(description="Articles that day.")
    published: int = Field(
        description="Of those, how many by their publication date (the others by the day the "
        "store first saw them)."
    )


def blindspot_record(db: Database, story_id: str, limit: int = browse.BLINDSPOT_LIMIT) -> Any:
    found = browse.blindspot(db, story_id, limit=limit)
    return {
        "outlets": [_missing(m) for m in found.outlets],
        "more": found.more,
        "total": found.total,
    }


def _missing(m: browse.Missing) -> dict[str, Any]:
    o = m.outlet
    return {
        "name": o.name,
        "country": o.country,
        "ownership": o.ownership,
        "state_affiliated": o.state_affiliated,
        "known": o.known,
        "articles": m.articles,
        "stories": m.stories,
        "link": f"/api/v1/outlets/{quote(o.name, safe='')}",
    }


def coverage_records(articles: Sequence[read.ArticleInfo]) -> list[dict[str, Any]]:
    return [
        {"day": d.day, "articles": d.articles, "published": d.published}
        for d in browse.coverage(articles)
    ]
