"""Documents out of JSON Lines: one JSON object a line, read a line at a time.

Each object carries the document as `html` or `text`, or only its `url` (then it is fetched),
with optional metadata: `title`, `published`, `outlet`, `byline` (or `author`), `language`.
A bad line is recorded as bad, naming `path:line N`, and the lines after it are still read;
a file of blank lines only is recorded as empty.

A `.json` file (or one whose bytes open as JSON does) holds one JSON document instead, read
whole: one such object, or an array of them (each named `path:item N`). One that turns out
to hold one object a line is read as JSON Lines.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from rashomon.errors import EmptyInput, InputError, MalformedInput, TooLarge, UnsupportedInput
from rashomon.model import Hints, RawDoc
from rashomon.settings import Settings

__all__ = ["FIELDS", "read_json", "read_jsonl"]

FIELDS = ("html", "text", "url", "title", "published", "outlet", "byline", "author", "language")
"""The keys read from each object; any others are ignored."""

Fetch = Callable[[str], RawDoc]


def read_jsonl(
    stream: BinaryIO, source: str, settings: Settings, fetch: Fetch | None = None
) -> Iterator[RawDoc | InputError]:
    """Each line of `stream` as a document (origin `source:line N`, N from 1), or the
    InputError that line deserves. `fetch` gets the URL of an object with only a `url`."""
    line_limit = settings.ingest.max_jsonl_line_bytes
    body_limit = settings.ingest.max_bytes
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


def read_json(
    body: bytes, source: str, settings: Settings, fetch: Fetch | None = None
) -> Iterator[RawDoc | InputError]:
    """The documents of one JSON document: an object, or an array of objects (origin
    `source:item N`, N from 1); each object is read as a JSON Lines object is."""
    limit = settings.ingest.max_bytes
    try:
        document = _parse(body, source)
    except _ExtraData:  # one JSON value after another: JSON Lines
        yield from read_jsonl(io.BytesIO(body), source, settings, fetch)
        return
    except InputError as exc:
        yield exc
        return
    if isinstance(document, dict):
        yield from _documents([(source, document)], limit, fetch)
    elif not isinstance(document, list):
        kind = type(document).__name__
        yield UnsupportedInput(source, f"a JSON {kind}, not an object or an array of objects")
    elif not document:
        yield EmptyInput(source, "an empty JSON array")
    else:
        items = [(f"{source}:item {n}", item) for n, item in enumerate(document, 1)]
        yield from _documents(items, limit, fetch)


def _documents(
    items: list[tuple[str, Any]], limit: int, fetch: Fetch | None
) -> Iterator[RawDoc | InputError]:
    for origin, item in items:
        try:
            if not isinstance(item, dict):
                raise MalformedInput(origin, f"expected a JSON object, got {type(item).__name__}")
            yield _from_item(item, origin, limit, fetch)
        except InputError as exc:
            yield exc


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        part = stream.readline(65536)
        if not part or part.endswith(b"\n"):
            return


def _document(line: bytes, origin: str, limit: int, fetch: Fetch | None) -> RawDoc:
    return _from_item(_object(line, origin), origin, limit, fetch)


def _from_item(item: dict[str, Any], origin: str, limit: int, fetch: Fetch | None) -> RawDoc:
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
    item = _parse(line, origin)
    if not isinstance(item, dict):
        raise MalformedInput(origin, f"expected a JSON object, got {type(item).__name__}")
    return item


class _ExtraData(MalformedInput):
    """More JSON after the first value."""


def _parse(data: bytes, origin: str) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        raise MalformedInput(origin, "not UTF-8 text (JSON Lines must be UTF-8)") from None
    except json.JSONDecodeError as exc:
        where = (
            f"line {exc.lineno}, column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        )
        error = _ExtraData if exc.msg == "Extra data" else MalformedInput
        raise error(origin, f"not valid JSON ({exc.msg} at {where})") from None
    except RecursionError:
        raise MalformedInput(origin, "JSON nested too deeply to read") from None
    except ValueError:  # json turns a long run of digits into an int, which Python limits
        digits = sys.get_int_max_str_digits()
        raise MalformedInput(origin, f"a JSON number of over {digits:,} digits") from None


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
