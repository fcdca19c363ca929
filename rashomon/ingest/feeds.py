"""Articles out of RSS and Atom feeds (feedparser).

A feed item becomes a document when it carries the article (full content, else its
summary); the feed's title, the item's title, date and author travel with it as Hints.
feedparser is lenient on purpose: a feed with small errors but readable items is read;
only a feed with errors and no items at all is recorded as malformed, and so is a feed with
a character reference to no character (`&#x110000;`, a surrogate), on which feedparser fails.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from rashomon.errors import EmptyInput, InputError, MalformedInput
from rashomon.ingest.sniff import has_markup
from rashomon.model import Hints, RawDoc

__all__ = ["read_feed"]

_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_SURROGATES = range(0xD800, 0xE000)


def read_feed(data: bytes, source: str) -> Iterator[RawDoc | InputError]:
    """Each item of the feed in `data` as a RawDoc with origin `source#item-N` (N from 0)."""
    bad = _bad_reference(data)
    if bad is not None:
        yield MalformedInput(
            source,
            f"not a readable RSS or Atom feed (the character reference {bad} names no character)",
        )
        return
    parsed = feedparser.parse(data)  # bytes, never a str: feedparser fetches str URLs
    if parsed.bozo and not parsed.entries:
        problem = str(parsed.get("bozo_exception") or "unreadable")
        yield MalformedInput(source, f"not a readable RSS or Atom feed ({problem})")
        return
    if not parsed.entries:
        yield EmptyInput(source, "the feed has no items")
        return
    outlet = _clean(parsed.feed.get("title"))
    language = _language(parsed.feed.get("language"))
    for index, entry in enumerate(parsed.entries):
        yield _item(entry, f"{source}#item-{index}", outlet, language)


def _bad_reference(data: bytes) -> str | None:
    """The first numeric character reference in the feed past U+10FFFF or to a surrogate
    (`&#x110000;`, `&#xD800;`), as written; None when there is none."""
    for found in _CHAR_REF.finditer(data):
        hexadecimal, decimal = found.groups()
        digits = (hexadecimal or decimal).lstrip(b"0") or b"0"
        point = int(digits, 16 if hexadecimal else 10) if len(digits) <= 8 else sys.maxsize
        if point > 0x10FFFF or point in _SURROGATES:
            return _shown(found.group().decode("ascii"))
    return None


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def _item(entry: Any, origin: str, outlet: str | None, language: str | None) -> RawDoc | InputError:
    text = _text(entry)
    link = _clean(entry.get("link"))
    if not text.strip():
        where = f" (its link: {link})" if link else ""
        return EmptyInput(origin, f"the feed item has no content or summary{where}")
    hints = Hints(
        title=_clean(entry.get("title")),
        published=_published(entry),
        outlet=outlet,
        byline=_clean(entry.get("author")),
        language=language,
    )
    media_type = "text/html" if has_markup(text) else "text/plain"
    return RawDoc.from_bytes(
        text.encode("utf-8"), media_type, origin, url=link, encoding="utf-8", hints=hints
    )


def _text(entry: Any) -> str:
    """The item's full content when it has one, else its summary."""
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            return str(value)
    return str(entry.get("summary") or "")


def _published(entry: Any) -> str | None:
    """The item's date as ISO 8601, keeping the feed's own UTC offset (converting to UTC, as
    feedparser's parsed dates do, can move an evening report to the next day)."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if value:
            parsed = _parse_date(str(value))
            if parsed is not None:
                return parsed.isoformat()
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return datetime(*value[:6], tzinfo=UTC).isoformat()
    return None


def _parse_date(value: str) -> datetime | None:
    """An RFC 822 date (RSS) or an RFC 3339 one (Atom); None for anything else."""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _language(value: object) -> str | None:
    """ "en" from "en-us": the primary language subtag, as the language stage names it."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().replace("_", "-").split("-")[0].lower() or None


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
