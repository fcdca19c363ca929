"""The ingest stage: what the user named -> RawDoc, one at a time.

Inputs are file paths, folders, globs, `-` for standard input, and http(s) URLs. Files may be
plain text, HTML (gzipped or not), WARC archives, RSS/Atom feeds or JSON Lines; see
`rashomon.ingest.files` for how a kind is told. Everything is yielded lazily, and a bad input
is yielded as its InputError (never raised), so one bad document never stops a batch; a reader
that crashes on an input is recorded as a ReaderCrash for it, and the next input is read.
Dedup is not done here: the pipeline does it by RawDoc id.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from rashomon.errors import EmptyInput, InputError, ReaderCrash, UnsupportedInput
from rashomon.ingest.feeds import read_feed
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.files import STDIN, expand, is_url, read_file, read_stream
from rashomon.ingest.progress import reading
from rashomon.ingest.sniff import HEAD_BYTES, looks_like_feed, looks_like_html
from rashomon.model import RawDoc
from rashomon.settings import Settings

__all__ = ["STDIN", "Fetcher", "ingest", "is_url"]

log = logging.getLogger(__name__)

_Fetch = Callable[[str], RawDoc]
_XML_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)


def ingest(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDoc | InputError]:
    """Every document the inputs name, in order, or the InputError of each bad one.

    `stdin` is read for `-` (default: the process's standard input). `fetcher` fetches URLs;
    without one, a Fetcher is made on the first URL and closed when the iteration ends."""
    own: list[Fetcher] = []

    def fetch(url: str) -> RawDoc:
        if fetcher is not None:
            return fetcher.fetch(url)
        if not own:
            own.append(Fetcher(settings))
        return own[0].fetch(url)

    try:
        for item in inputs:
            yield from _guarded(item, _one(item, settings, stdin, fetch))
    finally:
        for made in own:
            made.close()


def _one(
    item: str, settings: Settings, stdin: BinaryIO | None, fetch: _Fetch
) -> Iterator[RawDoc | InputError]:
    if item == "-":
        reading(STDIN)
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield EmptyInput(STDIN, "standard input is closed: nothing to read for '-'")
            return
        yield from read_stream(stream, STDIN, settings, fetch)
    elif is_url(item):
        reading(item)
        yield from _url(item, fetch)
    else:
        for found in expand(item, settings):
            reading(found if isinstance(found, Path) else found.source)
            if isinstance(found, InputError):
                yield found
            else:
                yield from _guarded(str(found), read_file(found, settings, fetch))


def _guarded(source: str, items: Iterator[RawDoc | InputError]) -> Iterator[RawDoc | InputError]:
    """The items of one input; should reading it crash, the items read so far, then one
    ReaderCrash naming `source` (a bug must not stop the batch)."""
    try:
        yield from items
    except Exception as exc:
        log.exception("reading %s crashed", source)
        yield ReaderCrash(source, f"internal error while reading it: {type(exc).__name__}: {exc}")


def _url(url: str, fetch: _Fetch) -> Iterator[RawDoc | InputError]:
    """The page at `url`; a fetched feed gives its items."""
    try:
        raw = fetch(url)
    except InputError as exc:
        yield exc
        return
    if raw.media_type not in _XML_TYPES:
        yield raw
        return
    head = raw.body[:HEAD_BYTES]
    if looks_like_feed(head):
        for item in read_feed(raw.body, raw.origin):
            yield item if isinstance(item, InputError) or item.url else replace(item, url=raw.url)
    elif looks_like_html(head):
        yield replace(raw, media_type="text/html")
    else:
        yield UnsupportedInput(url, f"{raw.media_type} that is not an RSS or Atom feed")
