"""Where the records of a WARC archive start, so that one archive can be read in parts.

A gzipped WARC as crawlers write it (Common Crawl, Heritrix, wget, warcio) holds one record
per gzip member. Member starts are record starts, but gzip has no index: the only way to
find them is to decompress. `scan_gzip` does that for one slice of the file's bytes,
independently of the other slices: it finds the first member that begins in the slice (the
gzip magic, checked by decompressing a whole WARC record from it), then follows the chain
of members from there to the first one that begins past the slice. `scan_plain` walks an
uncompressed WARC by its records' Content-Length, reading headers only.

`plan_parts` puts the slices' findings together on one machine and cuts the archive into
parts of whole records, each with the number of its first record, so that a part read on
its own gives exactly the documents and origins (`FILE#N`) reading the whole archive gives.
Whatever is not a chain of one-record members (a member holding several records or half of
one, damage, trailing bytes, an archive cut short) ends the chain: from there to the end
the archive is one part, read by the ordinary reader, which reports the damage as it does
on the whole file (that part reads the file again from its start, passing over the records
the other parts hold: the price of an odd archive). Nothing is guessed: an archive whose
slices do not join up exactly is read as one part from the point where they stop joining.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["Part", "Scan", "Window", "plan_parts", "scan_gzip", "scan_plain", "slices"]

GZIP_MEMBER = b"\x1f\x8b\x08"
_READ = 1 << 18  # bytes read from the file at a time
_OUTPUT = 1 << 20  # most decompressed bytes held at a time
_HEAD = 1 << 16  # a WARC record's header must end within this many bytes
_END = b"\r\n\r\n"
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,18})[ \t]*\r\n", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Scan:
    """What one slice [start, end) of an archive holds: the starts of the one-record members
    that begin in it (in order), where their chain stopped (`stop`: the start of the first
    member past the slice, the end of the file, or the start of what is not a one-record
    member), and whether it stopped at such an odd thing (`odd`). `stop` is None when no
    member begins in the slice."""

    start: int
    end: int
    members: tuple[int, ...]
    stop: int | None
    odd: bool


@dataclass(frozen=True, slots=True)
class Part:
    """Whole records of one archive: its bytes [start, end), the first of them record number
    `first` (counted from 0 over the whole archive, as origins `FILE#N` count)."""

    first: int
    start: int
    end: int
    whole: bool = False
    """The whole file, no record start found: to be read as a file of unknown kind."""
    skip: int = 0
    """Records at the start of the bytes that other parts hold: read, not yielded."""


def slices(size: int, part_bytes: int) -> list[tuple[int, int]]:
    """[start, end) slices of about `part_bytes` that cover a file of `size` bytes."""
    step = max(1, part_bytes)
    return [(start, min(size, start + step)) for start in range(0, max(size, 1), step)]


# ---------------------------------------------------------------------- gzip members


class _Member:
    """One gzip member being decompressed: how many compressed bytes it took, how long its
    content is, and the content's first and last bytes (all that is kept of it)."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.used = 0
        self.size = 0
        self.head = b""
        self.tail = b""

    def feed(self, data: bytes) -> bytes | None:
        """Decompress `data`; the bytes after the member's end once it has ended, else None."""
        inflate = self._inflate
        self._take(inflate.decompress(data, _OUTPUT))
        while inflate.unconsumed_tail and not inflate.eof:
            self._take(inflate.decompress(inflate.unconsumed_tail, _OUTPUT))
        if not inflate.eof:
            self.used += len(data)
            return None
        rest = inflate.unused_data
        self.used += len(data) - len(rest)
        return rest

    def _take(self, piece: bytes) -> None:
        if len(self.head) < _HEAD:
            self.head += piece[: _HEAD - len(self.head)]
        self.tail = (self.tail + piece)[-len(_END) :]
        self.size += len(piece)

    def one_record(self) -> bool:
        """True when the member's content is exactly one whole WARC record."""
        return _record_length(self.head) == self.size and self.tail == _END


def _record_length(head: bytes) -> int | None:
    """The length a WARC record whose first bytes are `head` has (header, content and the
    blank lines after it), or None when `head` does not open with a whole WARC header."""
    if not head.startswith(b"WARC/1."):
        return None
    header_end = head.find(_END)
    if header_end < 0:
        return None
    found = _LENGTH.search(head, 0, header_end + 2)
    if found is None:
        return None
    return header_end + len(_END) + int(found.group(1)) + len(_END)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    length: int
    one_record: bool


def _members(stream: BinaryIO, position: int) -> Iterator[_Found]:
    """The gzip members from `position` on, one after the other, until the data ends; the
    first that is not a whole one-record member (or not gzip at all) is the last yielded."""
    stream.seek(position)
    data = stream.read(_READ)
    while data:
        while len(data) < len(GZIP_MEMBER) and (more := stream.read(_READ)):
            data += more
        if not data.startswith(GZIP_MEMBER):
            yield _Found(position, 0, False)
            return
        member = _Member()
        try:
            while (rest := member.feed(data)) is None:
                data = stream.read(_READ)
                if not data:  # cut short inside the member
                    yield _Found(position, member.used, False)
                    return
        except zlib.error:
            yield _Found(position, 0, False)
            return
        yield _Found(position, member.used, member.one_record())
        if not member.one_record():
            return
        position += member.used
        data = rest or stream.read(_READ)


def _first_member(stream: BinaryIO, start: int, end: int) -> int | None:
    """The start of the first one-record member that begins in [start, end)."""
    position = start
    while position < end:
        stream.seek(position)
        window = stream.read(min(_READ, end - position) + len(GZIP_MEMBER) - 1)
        found = window.find(GZIP_MEMBER)
        if found < 0 or position + found >= end:
            if len(window) < len(GZIP_MEMBER):
                return None
            position += len(window) - len(GZIP_MEMBER) + 1
            continue
        candidate = position + found
        first = next(_members(stream, candidate), None)
        if first is not None and first.one_record:
            return candidate
        position = candidate + 1
    return None


def scan_gzip(stream: BinaryIO, start: int, end: int) -> Scan:
    """The one-record members that begin in the slice [start, end) of a gzipped archive."""
    begin = 0 if start == 0 else _first_member(stream, start, end)
    if begin is None:
        return Scan(start, end, (), None, False)
    members: list[int] = []
    stop = begin
    for found in _members(stream, begin):
        if found.start >= end:
            break
        if not found.one_record:
            return Scan(start, end, tuple(members), found.start, True)
        members.append(found.start)
        stop = found.start + found.length
    return Scan(start, end, tuple(members), stop, False)


# ---------------------------------------------------------------------- plain WARC


def scan_plain(stream: BinaryIO, size: int) -> Scan:
    """The records of an uncompressed archive, found by reading each record's header and
    skipping its content; stops (odd) at the first place that is not a whole record."""
    members: list[int] = []
    position = 0
    while position < size:
        length = _record_length(_header(stream, position))
        if length is None or position + length > size:
            return Scan(0, size, tuple(members), position, True)
        stream.seek(position + length - len(_END))
        if stream.read(len(_END)) != _END:
            return Scan(0, size, tuple(members), position, True)
        members.append(position)
        position += length
    return Scan(0, size, tuple(members), position, False)


def _header(stream: BinaryIO, position: int) -> bytes:
    """The first bytes of the record at `position`: enough for its header, most often."""
    stream.seek(position)
    head = stream.read(4096)
    if _END not in head and len(head) == 4096:
        head += stream.read(_HEAD - len(head))
    return head


# ---------------------------------------------------------------------- the parts


def plan_parts(scans: Sequence[Scan], size: int, part_bytes: int) -> list[Part]:
    """Parts of about `part_bytes` covering the whole archive of `size` bytes, from the
    scans of its slices: whole records with their numbers while the members join up, then
    the rest of the archive as one part: the whole file read again from its start, its
    first `skip` records (those of the other parts) passed over, since warcio reports what
    is odd (a member of several records, damage) a record earlier or later depending on
    where it started reading."""
    members, stop = _chain(sorted(scans, key=lambda s: s.start))
    bounds = [*members, stop]
    parts: list[Part] = []
    first = 0
    for index in range(1, len(bounds)):
        last = index == len(bounds) - 1
        if last or bounds[index + 1] - bounds[first] > part_bytes:
            parts.append(Part(first, bounds[first], bounds[index]))
            first = index
    if stop < size or not parts:
        parts.append(Part(0, 0, size, whole=not members, skip=len(members)))
    return parts


def _chain(scans: Sequence[Scan]) -> tuple[list[int], int]:
    """The member starts that follow each other from byte 0 without a gap, and where that
    chain ends."""
    members: list[int] = []
    expected = 0
    for scan in scans:
        if scan.stop is None:
            if scan.start <= expected < scan.end:
                break  # a member should begin here, and none was found
            continue
        if (scan.members[0] if scan.members else scan.stop) != expected:
            break
        members.extend(scan.members)
        expected = scan.stop
        if scan.odd:
            break
    return members, expected


class Window(io.RawIOBase):
    """The bytes [start, end) of a seekable binary file, read as a stream of their own."""

    def __init__(self, raw: BinaryIO, start: int, end: int) -> None:
        super().__init__()
        self._raw = raw
        self._left = end - start
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        view = memoryview(buffer)
        data = self._raw.read(min(len(view), self._left))
        view[: len(data)] = data
        self._left -= len(data)
        return len(data)
