"""Pages out of WARC archives (plain or gzipped), streamed record by record with warcio.

A WARC holds everything a crawler saw: requests, metadata, images, scripts, redirects and
error pages. Only `response` (and `resource`) records that carry an HTML or plain-text page
with a 2xx status become documents; the rest are passed over without a word, since they
are the normal content of an archive and not bad input. A damaged archive yields the
documents read before the damage, then one MalformedInput for the rest.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from rashomon.errors import InputError, MalformedInput, TooLarge
from rashomon.ingest.sniff import check_document, split_content_type
from rashomon.model import RawDoc
from rashomon.settings import Settings

__all__ = ["PAGE_TYPES", "read_warc"]

PAGE_TYPES = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
}
"""Content types of the records that are read, and the media type each becomes."""

_DOCUMENT_RECORDS = ("response", "resource")


def read_warc(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawDoc | InputError]:
    """Each page in the archive on `stream`, as a RawDoc with origin `source#N` (N counts
    every record in the archive from 0, so `#N` finds the record again), url the record's
    WARC-Target-URI and fetched_at its WARC-Date."""
    limit = settings["ingest.max_bytes"]
    index = -1
    try:
        for index, record in enumerate(_Archive(stream)):
            found = _page(record, f"{source}#{index}", limit)
            if _cut_short(record):
                yield MalformedInput(
                    f"{source}#{index}", f"WARC archive is cut short in record {index}"
                )
                return
            if found is not None:
                yield found
    except _CutShort:
        yield MalformedInput(f"{source}#{index + 1}", f"WARC archive is cut short {_after(index)}")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        where = f"{source}#{index + 1}"
        yield MalformedInput(where, f"WARC archive is damaged {_after(index)}: {_say(exc)}")


def _after(index: int) -> str:
    return f"after record {index}" if index >= 0 else "before its first record"


class _CutShort(Exception):
    """The archive's gzip data ends in the middle of a member."""


class _Archive(ArchiveIterator):
    """warcio's iterator, made to notice a gzipped archive that ends mid-record: warcio takes
    the end of the data there for the end of the archive and stops without a word."""

    def _next_record(self, next_line: Any) -> Any:
        try:
            return super()._next_record(next_line)
        except EOFError:
            decompressor = getattr(getattr(self, "reader", None), "decompressor", None)
            if decompressor is not None and getattr(decompressor, "eof", True) is False:
                raise _CutShort from None
            raise


def _cut_short(record: Any) -> bool:
    """True when the archive ended inside the record: before its declared Content-Length,
    or in its header (a WARC record without Content-Length is not whole). warcio hands out
    such a record as if it were complete."""
    if record.rec_headers.get_header("Content-Length") is None:
        return True
    raw = record.raw_stream
    while raw.read(65536):
        pass
    return getattr(raw, "limit", 0) > 0


def _page(record: Any, origin: str, limit: int) -> RawDoc | InputError | None:
    """The record as a document, an InputError if it is a page that cannot be read, or None
    for a record that is not a page."""
    if record.rec_type not in _DOCUMENT_RECORDS:
        return None
    content_type, charset = _content_type(record)
    media_type = PAGE_TYPES.get(content_type)
    if media_type is None or not _status_ok(record):
        return None
    body = record.content_stream().read(limit + 1)
    try:
        if len(body) > limit:
            raise TooLarge(origin, f"record is over {limit:,} bytes (setting ingest.max_bytes)")
        check_document(body, origin, named=True)
    except InputError as exc:
        return exc
    return RawDoc.from_bytes(
        body,
        media_type,
        origin,
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
        encoding=charset,
    )


def _content_type(record: Any) -> tuple[str, str | None]:
    """The page's media type and declared charset: from the HTTP headers of a response, from
    the WARC header of a resource."""
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    return split_content_type(headers.get_header("Content-Type") or "")


def _status_ok(record: Any) -> bool:
    if record.http_headers is None:
        return True
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2")


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _say(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 200 else text[:200] + "…"
