"""From what the user typed to the files it names, and from a file (or stdin) to documents.

A folder is walked recursively in name order, hidden files and folders left out, symbolic
links followed only when `ingest.follow_symlinks` is on (a path the user names directly is
always read, link or not). A glob (`*.html`, `**/*.txt`) is expanded the same way. A folder
or glob that gives no file to read is recorded as missing, never passed over in silence; a
file whose name is not valid UTF-8 is refused by name, since its name could not be shown,
written out or stored.

Each file's kind comes from its name, checked against its first bytes; WARC and JSONL files
are streamed, never read whole; a single document or a feed is read whole, but never more
than `ingest.max_bytes` (the file's size is checked before reading, the decompressed size of
gzip while decompressing).
"""

from __future__ import annotations

import fnmatch
import gzip
import io
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from rashomon.errors import (
    EmptyInput,
    InputError,
    MalformedInput,
    MissingInput,
    TooLarge,
    UnreadableInput,
    UnsupportedInput,
)
from rashomon.ingest.feeds import read_feed
from rashomon.ingest.jsonl import read_json, read_jsonl
from rashomon.ingest.sniff import (
    HEAD_BYTES,
    Kind,
    check_document,
    document_media_type,
    first_element,
    gunzip_capped,
    gunzip_head,
    is_gzip,
    kind_from_content,
    kind_from_name,
    read_capped,
)
from rashomon.ingest.warc import read_warc
from rashomon.model import RawDoc
from rashomon.settings import Settings

__all__ = ["STDIN", "expand", "read_file", "read_stream", "walk"]

STDIN = "<stdin>"
"""How standard input is named in origins and errors."""

_GLOB_CHARS = frozenset("*?[")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")

Fetch = Callable[[str], RawDoc]


def is_url(item: str) -> bool:
    """True for `scheme://…`; such inputs go to the fetcher, which refuses all but http(s)."""
    return _URL.match(item) is not None


def expand(item: str, settings: Settings) -> Iterator[Path | InputError]:
    """The files one typed input names: itself, the files under a folder, a glob's matches."""
    found = False
    for path in _expand(item, settings):
        found = True
        yield path
    if not found:
        where = "in this folder" if Path(item).expanduser().is_dir() else "among its matches"
        yield MissingInput(item, f"no files to read {where} ({_LEFT_OUT})")


_LEFT_OUT = "hidden ones, and symbolic links unless ingest.follow_symlinks is on, are left out"


def _expand(item: str, settings: Settings) -> Iterator[Path | InputError]:
    follow = settings.ingest.follow_symlinks
    path = Path(item).expanduser()
    if path.is_dir():
        yield from walk(path, follow=follow)
    elif path.exists():
        yield path
    elif path.is_symlink():
        yield MissingInput(item, "a broken symbolic link (its target does not exist)")
    elif _GLOB_CHARS & set(item):
        yield from _glob(item, follow)
    else:
        yield MissingInput(item, "no such file or folder")


def _glob(pattern: str, follow: bool) -> Iterator[Path | InputError]:
    matches = sorted(glob_paths(os.path.expanduser(pattern), follow=follow))
    if not matches:
        yield MissingInput(pattern, "no files match this pattern")
        return
    walked: set[tuple[int, int]] = set()
    given: set[Path] = set()
    for path in matches:
        if path.is_symlink() and not follow:
            continue
        found = walk(path, follow=follow, _seen=walked) if path.is_dir() else iter([path])
        for item in found:
            if isinstance(item, Path) and (item in given or not item.is_file()):
                continue  # a file matched and also under a matched folder is read once
            if isinstance(item, Path):
                given.add(item)
            yield item


def glob_paths(pattern: str, *, follow: bool) -> set[Path]:
    """The paths a glob matches (`**`: any depth), as Python's glob matches them, hidden names
    left out; but each folder is read at most once per part of the pattern (by device and
    inode), so a symbolic link back to a parent cannot make it loop, and links below the
    pattern's fixed start are followed only with `follow`."""
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if _GLOB_CHARS & set(part)), len(parts))
    start = Path(*parts[:fixed]) if fixed else Path(".")
    found: set[Path] = set()
    _match(start, parts[fixed:], follow, set(), found, relative=not fixed)
    return found


def _match(
    folder: Path,
    parts: tuple[str, ...],
    follow: bool,
    seen: set[tuple[int, int, int]],
    found: set[Path],
    *,
    relative: bool = False,
) -> None:
    """Add to `found` the paths under `folder` that `parts` match (`relative`: shown without
    the leading `./`, as glob shows them)."""
    if not parts:
        found.add(folder)
        return
    try:
        info = folder.stat()
    except OSError:
        return
    key = (info.st_dev, info.st_ino, len(parts))
    if key in seen or not stat.S_ISDIR(info.st_mode):
        return
    seen.add(key)
    head, rest = parts[0], parts[1:]
    for entry in _entries(folder, head, follow):
        path = Path(entry.name) if relative else Path(entry.path)
        if head != "**":
            _match(path, rest, follow, seen, found)
        elif _is_dir(entry):
            _match(path, parts, follow, seen, found)
        elif not rest:  # a last `**` matches files too
            found.add(path)
    if head == "**":
        _match(folder, rest, follow, seen, found, relative=relative)


def _entries(folder: Path, part: str, follow: bool) -> list[os.DirEntry[str]]:
    """The entries of `folder` that one part of a glob matches (`**`: all of them)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    hidden = part.startswith(".")
    chosen = []
    for entry in entries:
        if entry.name.startswith(".") and not hidden:
            continue
        if entry.is_symlink() and not follow:
            continue
        if part == "**" or fnmatch.fnmatchcase(entry.name, part):
            chosen.append(entry)
    return chosen


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def walk(
    folder: Path, *, follow: bool, _seen: set[tuple[int, int]] | None = None
) -> Iterator[Path | InputError]:
    """Every regular file under `folder`, in name order, hidden ones left out. A folder
    reached twice through links is walked once (links can make loops)."""
    seen = set() if _seen is None else _seen
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            return  # checked before reading it: a folder is read once, however it is reached
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield UnreadableInput(str(folder), f"cannot read the folder ({exc.strerror or exc})")
        return
    seen.add((info.st_dev, info.st_ino))
    for entry in entries:
        if entry.name.startswith(".") or (entry.is_symlink() and not follow):
            continue
        path = Path(entry.path)
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            continue
        if is_dir:
            yield from walk(path, follow=follow, _seen=seen)
        elif is_file:
            yield path


def read_file(
    path: Path, settings: Settings, fetch: Fetch | None = None
) -> Iterator[RawDoc | InputError]:
    """The documents in one file (one, or many for a WARC, feed or JSONL file)."""
    source = str(path)
    if not _is_text(source):
        yield UnsupportedInput(source, "the file name is not valid UTF-8 (rename it to read it)")
        return
    try:
        stream = path.open("rb")
        info = os.fstat(stream.fileno())
    except OSError as exc:
        yield UnreadableInput(source, f"cannot open the file ({exc.strerror or exc})")
        return
    size = info.st_size if stat.S_ISREG(info.st_mode) else None
    with stream:
        yield from read_stream(stream, source, settings, fetch, name=path.name, size=size)


def _is_text(name: str) -> bool:
    """False for a name with bytes that are not UTF-8 (Python holds them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_stream(
    stream: BinaryIO,
    source: str,
    settings: Settings,
    fetch: Fetch | None = None,
    *,
    name: str = "",
    size: int | None = None,
) -> Iterator[RawDoc | InputError]:
    """The documents in a byte stream named `source`. `name` (a file name) hints at the kind;
    `size`, when known, lets an oversized document be refused before it is read."""
    try:
        stream, head = _head(stream)
        if not head:
            raise EmptyInput(source, "the file is empty (0 bytes)")
        promised, _ = kind_from_name(name)
        gzipped = is_gzip(head)
        kind = _kind(promised, gunzip_head(head) if gzipped else head, source)
    except InputError as exc:
        yield exc
        return
    except OSError as exc:
        yield UnreadableInput(source, f"cannot read it ({exc.strerror or exc})")
        return
    if kind is Kind.WARC:
        yield from read_warc(stream, source, settings)
    elif kind is Kind.ARC:
        yield UnsupportedInput(source, _ARC)
    elif kind is Kind.JSONL:
        yield from _jsonl(stream, gzipped, source, settings, fetch)
    else:
        yield from _whole(stream, gzipped, size, (kind, promised), source, settings, fetch)


_ARC = (
    "an ARC archive (the Internet Archive's format before WARC), which is not read: "
    "convert it to WARC first (`warcio recompress` does)"
)


def _kind(promised: Kind | None, head: bytes, source: str) -> Kind:
    """The kind to read an input as: what its name says, unless its bytes say otherwise in a
    way the name cannot explain (an `.xml` file that is an HTML page)."""
    sniffed = kind_from_content(head)
    if promised is None or sniffed in (Kind.WARC, Kind.ARC):
        return sniffed  # an archive's header is no accident, whatever the name
    if promised is Kind.WARC:
        raise MalformedInput(source, "not a WARC archive (it does not open with a WARC header)")
    if promised is Kind.FEED and sniffed is not Kind.FEED:
        if sniffed is Kind.HTML:
            return Kind.HTML
        root = first_element(head)
        if root is not None:
            raise UnsupportedInput(
                source, f"an XML document with root <{root}>, not an RSS or Atom feed"
            )
    return promised


def _jsonl(
    stream: BinaryIO, gzipped: bool, source: str, settings: Settings, fetch: Fetch | None
) -> Iterator[RawDoc | InputError]:
    lines: BinaryIO = gzip.GzipFile(fileobj=stream, mode="rb") if gzipped else stream  # type: ignore[assignment]
    try:
        yield from read_jsonl(lines, source, settings, fetch)
    except (OSError, EOFError, zlib.error) as exc:
        yield MalformedInput(source, f"damaged gzip data ({exc or 'cut short'})")


def _whole(
    stream: BinaryIO,
    gzipped: bool,
    size: int | None,
    kinds: tuple[Kind, Kind | None],
    source: str,
    settings: Settings,
    fetch: Fetch | None,
) -> Iterator[RawDoc | InputError]:
    """A document, feed or JSON document read whole, within the size limit; `kinds` is the
    kind it is read as and the kind its name promised."""
    kind, promised = kinds
    limit = settings.ingest.max_bytes
    try:
        if size is not None and size > limit:
            raise TooLarge(source, f"{size:,} bytes, over {limit:,} (setting ingest.max_bytes)")
        if gzipped:
            body = gunzip_capped(stream, limit, source)
        else:
            body = read_capped(stream, limit, source)
        if kind is Kind.FEED:
            yield from read_feed(body, source)
            return
        if kind is Kind.JSON:
            yield from read_json(body, source, settings, fetch)
            return
        named = promised in (Kind.HTML, Kind.TEXT)
        check_document(body, source, named=named)
        media_type = document_media_type(body, promised if named else None)
    except InputError as exc:
        yield exc
        return
    except OSError as exc:
        yield UnreadableInput(source, f"cannot read it ({exc.strerror or exc})")
        return
    yield RawDoc.from_bytes(body, media_type, source)


def _head(stream: BinaryIO) -> tuple[BinaryIO, bytes]:
    """The stream's first bytes, and a stream that still starts at the beginning."""
    if stream.seekable():
        start = stream.tell()
        head = stream.read(HEAD_BYTES)
        stream.seek(start)
        return stream, head
    head = b""
    while len(head) < HEAD_BYTES:
        part = stream.read(HEAD_BYTES - len(head))
        if not part:
            break
        head += part
    return io.BufferedReader(_Replay(head, stream)), head


class _Replay(io.RawIOBase):
    """A stream that gives back bytes already read, then the rest of the original (stdin
    cannot be rewound after its first bytes were looked at)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = len(buffer)
        if self._head:
            data, self._head = self._head[:wanted], self._head[wanted:]
        else:
            data = self._rest.read(wanted)
        buffer[: len(data)] = data
        return len(data)
