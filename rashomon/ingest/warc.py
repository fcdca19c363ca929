"""Pages out of WARC archives (plain or gzipped), streamed record by record with warcio.

A WARC holds everything a crawler saw: requests, metadata, images, scripts, redirects and
error pages. Only `response` (and `resource`) records that carry an HTML or plain-text page
with a 2xx status become documents; the rest are passed over without a word, since they
are the normal content of an archive and not bad input; an archive with no page at all is
recorded as empty. A page record without a WARC-Target-URI is recorded as malformed and the
archive goes on. A damaged archive (cut short, a Content-Length no record can have) yields
the documents read before the damage, then one MalformedInput for the rest; so does a record
whose Content-Length is not the length of its content (it is not followed by the blank lines
that end a record), the MalformedInput then naming that record, never stored cut or padded.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader

from rashomon.errors import EmptyInput, InputError, MalformedInput, TooLarge
from rashomon.ingest.sniff import check_document, split_content_type
from rashomon.model import RawDoc
from rashomon.settings import Settings

__all__ = ["PAGE_TYPES", "empty_message", "read_records", "read_warc"]

PAGE_TYPES = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
}
"""Content types of the records that are read, and the media type each becomes."""

_DOCUMENT_RECORDS = ("response", "resource")
_MAX_DIGITS = 18  # a Content-Length of 10**18 bytes (an exabyte) is already past any file


def read_warc(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawDoc | InputError]:
    """Each page in the archive on `stream`, as a RawDoc with origin `source#N` (N counts
    every record in the archive from 0, so `#N` finds the record again), url the record's
    WARC-Target-URI and fetched_at its WARC-Date."""
    told = 0
    for _, found in read_records(stream, source, settings):
        told += 1
        yield found
    if told == 0:
        yield EmptyInput(source, empty_message())


def empty_message() -> str:
    """Why an archive without a page is recorded as empty."""
    return f"no pages in the WARC archive (no {_PAGE})"


_PAGE = "HTML or text response or resource record with a 2xx status"


def read_records(
    stream: BinaryIO, source: str, settings: Settings, first: int = 0
) -> Iterator[tuple[int, RawDoc | InputError]]:
    """Each page (or error) in the records on `stream` with its record number: `first` for
    the first record on the stream, so that a part of an archive (whole records from
    record `first` on, `rashomon.ingest.warc_index`) is read as the whole archive reads
    it. Yields nothing for a stream without a page."""
    limit = settings.ingest.max_bytes
    index = first - 1
    archive = _Archive(stream)
    try:
        for index, record in enumerate(archive, first):
            found = _page(record, f"{source}#{index}", limit)
            if _cut_short(record):
                cut = f"WARC archive is cut short in record {index}"
                yield index, MalformedInput(f"{source}#{index}", cut)
                return
            if _misaligned(archive):
                yield index, MalformedInput(f"{source}#{index}", _wrong_length(record, index))
                return
            if found is not None:
                yield index, found
    except _CutShort:
        cut = f"WARC archive is cut short {_after(index)}"
        yield index + 1, MalformedInput(f"{source}#{index + 1}", cut)
    except _BadLength as exc:
        yield index + 1, MalformedInput(f"{source}#{index + 1}", f"WARC record {index + 1} {exc}")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as exc:
        where = f"{source}#{index + 1}"
        damaged = f"WARC archive is damaged {_after(index)}: {_say(exc)}"
        yield index + 1, MalformedInput(where, damaged)


def _after(index: int) -> str:
    return f"after record {index}" if index >= 0 else "before its first record"


class _CutShort(Exception):
    """The archive's gzip data ends in the middle of a member."""


class _BadLength(Exception):
    """A record's Content-Length is not a length a record can have; the records after it
    cannot be found."""


class _Loader(ArcWarcRecordLoader):
    """warcio's record loader, made to refuse a Content-Length no file can hold (warcio fails
    on it with an OverflowError) and to pass over a record without a WARC-Target-URI (warcio
    fails on it with an AttributeError; `_page` records it)."""

    def _detect_type_load_headers(self, *args: Any, **kwargs: Any) -> Any:
        found = super()._detect_type_load_headers(*args, **kwargs)
        _check_length(found[1].get_header("Content-Length"))
        return found

    def load_http_headers(self, rec_type: Any, uri: Any, stream: Any, length: Any) -> Any:
        return super().load_http_headers(rec_type, uri or "", stream, length)


def _check_length(value: str | None) -> None:
    if value is None:
        return  # a header cut short: _cut_short reports it
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise _BadLength(f"has a Content-Length of {shown!r}, not a length a record can have")


class _Archive(ArchiveIterator):
    """warcio's iterator, made to notice a gzipped archive that ends mid-record: warcio takes
    the end of the data there for the end of the archive and stops without a word. Its
    records are read by `_Loader`."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__(stream)
        self.loader = _Loader(verify_http=False, arc2warc=False)
        self.misaligned = False

    def _consume_blanklines(self) -> Any:
        """The blank lines after a record, as warcio reads them, but a record followed by
        no blank line (a wrong Content-Length) is noted in `misaligned`, not warned of on
        standard error with the next record read from the wrong place."""
        size = 0
        self.misaligned = False
        while line := self.reader.readline():
            if line.strip():
                self.misaligned = size == 0
                return line, size
            size += len(line)
        return None, size

    def _next_record(self, next_line: Any) -> Any:
        try:
            return super()._next_record(next_line)
        except EOFError:
            decompressor = getattr(getattr(self, "reader", None), "decompressor", None)
            if decompressor is not None and getattr(decompressor, "eof", True) is False:
                raise _CutShort from None
            raise


def _misaligned(archive: _Archive) -> bool:
    """True when the record just read is not followed by the blank lines that end a record:
    its Content-Length is shorter or longer than its content."""
    archive.read_to_end()
    return archive.misaligned


def _wrong_length(record: Any, index: int) -> str:
    length = record.rec_headers.get_header("Content-Length")
    return (
        f"WARC record {index} does not end where its Content-Length ({length}) says: its "
        "content is longer or shorter (and any records after it cannot be found)"
    )


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
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url:
        return MalformedInput(origin, f"WARC {record.rec_type} record without a WARC-Target-URI")
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
        url=url,
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
