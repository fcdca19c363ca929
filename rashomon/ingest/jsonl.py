"""Documents out of JSON Lines: one JSON object a line, read a line at a time.

Each object carries the document as `html` or `text`, or only its `url` (then it is fetched),
with optional metadata: `title`, `published`, `outlet`, `byline` (or `author`), `language`.
A bad line is recorded as bad, naming `path:line N`, and the lines after it are still read;
a file of blank lines only is recorded as empty.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from rashomon.errors import EmptyInput, InputError, MalformedInput, TooLarge
from rashomon.model import Hints, RawDoc
from rashomon.settings import Settings

__all__ = ["FIELDS", "read_jsonl"]

FIELDS = ("html", "text", "url", "title", "published", "outlet", "byline", "author", "language")
"""The keys read from each object; any others are ignored."""

Fetch = Callable[[str], RawDoc]


def read_jsonl(
    stream: BinaryIO, source: str, settings: Settings, fetch: Fetch | None = None
) -> Iterator[RawDoc | InputError]:
    """Each line of `stream` as a document (origin `source:line N`, N from 1), or the
    InputError that line deserves. `fetch` gets the URL of an object with only a `url`."""
    line_limit = settings["ingest.max_jsonl_line_bytes"]
    body_limit = settings["ingest.max_bytes"]
    number = blank = 0
    while line := stream.readline(line_limit + 1):
        number += 1
        origin = f"{source}:line {number}"
        if len(line) > line_limit and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield TooLarge(
                origin, f"line is over {line_limit:,} bytes (setting ingest.max_jsonl_line_bytes)"
            )
            continue
        if not line.strip():
            blank += 1
            continue
        try:
            yield _document(line, origin, body_limit, fetch)
        except InputError as exc:
            yield exc
    if blank == number:
        yield EmptyInput(source, "no JSON objects in it, only blank lines")


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        part = stream.readline(65536)
        if not part or part.endswith(b"\n"):
            return


def _document(line: bytes, origin: str, limit: int, fetch: Fetch | None) -> RawDoc:
    item = _object(line, origin)
    hints = Hints(
        title=_field(item, "title", origin),
        published=_field(item, "published", origin),
        outlet=_field(item, "outlet", origin),
        byline=_field(item, "byline", origin) or _field(item, "author", origin),
        language=_field(item, "language", origin),
    )
    url = _field(item, "url", origin)
    for key, media_type in (("html", "text/html"), ("text", "text/plain")):
        if key in item and item[key] is not None:
            return _from_text(item, key, media_type, origin, url, hints, limit)
    if url is None:
        raise MalformedInput(origin, "the object has none of `html`, `text` or `url`")
    if fetch is None:
        raise MalformedInput(origin, f"the object has only a url ({url}) and fetching is off")
    return _fetched(url, origin, hints, fetch)


def _object(line: bytes, origin: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except UnicodeDecodeError:
        raise MalformedInput(origin, "not UTF-8 text (JSON Lines must be UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise MalformedInput(origin, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise MalformedInput(origin, "JSON nested too deeply to read") from None
    except ValueError:  # json turns a long run of digits into an int, which Python limits
        digits = sys.get_int_max_str_digits()
        raise MalformedInput(origin, f"a JSON number of over {digits:,} digits") from None
    if not isinstance(item, dict):
        raise MalformedInput(origin, f"expected a JSON object, got {type(item).__name__}")
    return item


def _field(item: dict[str, Any], key: str, origin: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedInput(origin, f"`{key}` must be a string, got {type(value).__name__}")
    return _valid_text(value).strip() or None


def _valid_text(value: str) -> str:
    """The string with any lone surrogate (JSON allows `\\ud800`) made a `?`: such a string
    is not text and cannot be written out or stored."""
    return value.encode("utf-8", errors="replace").decode("utf-8")


def _from_text(
    item: dict[str, Any],
    key: str,
    media_type: str,
    origin: str,
    url: str | None,
    hints: Hints,
    limit: int,
) -> RawDoc:
    value = item[key]
    if not isinstance(value, str):
        raise MalformedInput(origin, f"`{key}` must be a string, got {type(value).__name__}")
    body = value.encode("utf-8", errors="replace")  # a lone surrogate from \ud800 becomes ?
    if not value.strip():
        raise EmptyInput(origin, f"`{key}` is empty")
    if len(body) > limit:
        raise TooLarge(origin, f"`{key}` is over {limit:,} bytes (setting ingest.max_bytes)")
    return RawDoc.from_bytes(body, media_type, origin, url=url, encoding="utf-8", hints=hints)


def _fetched(url: str, origin: str, hints: Hints, fetch: Fetch) -> RawDoc:
    """The page at the line's url, named after the line, with the line's hints."""
    try:
        raw = fetch(url)
    except InputError as exc:
        raise type(exc)(origin, f"{url}: {exc.message}") from None
    return replace(raw, origin=origin, hints=hints)
