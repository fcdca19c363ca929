"""What kind of input a file is, told from its name and its first bytes.

File names lie (a `.html` that is really a PDF, a scraped page saved without an extension),
so every single document is checked by content as well: magic bytes of common binaries, NUL
bytes, and for unknown names whether the bytes are text at all. Gzip is opened with a cap on
the decompressed size, so a small "gzip bomb" cannot fill memory.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from enum import StrEnum
from typing import BinaryIO

from charset_normalizer import from_bytes

from rashomon.errors import EmptyInput, MalformedInput, TooLarge, UnsupportedInput

__all__ = [
    "HEAD_BYTES",
    "Kind",
    "binary_kind",
    "check_document",
    "document_media_type",
    "first_element",
    "gunzip_capped",
    "gunzip_head",
    "has_markup",
    "is_gzip",
    "kind_from_content",
    "kind_from_name",
    "looks_like_feed",
    "looks_like_html",
    "looks_like_text",
    "read_capped",
    "split_content_type",
    "strip_bom",
]

HEAD_BYTES = 8192
"""How much of an input is looked at to tell its kind."""

GZIP_MAGIC = b"\x1f\x8b"

_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


class Kind(StrEnum):
    """How an input file is read: one document, or a container of many."""

    HTML = "text/html"
    TEXT = "text/plain"
    WARC = "warc"
    FEED = "feed"
    JSONL = "jsonl"
    JSON = "json"
    ARC = "arc"
    """The Internet Archive's format before WARC, told by its bytes, to be refused."""


_NAME_KINDS: dict[str, Kind] = {
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
    ".txt": Kind.TEXT,
    ".warc": Kind.WARC,
    ".rss": Kind.FEED,
    ".atom": Kind.FEED,
    ".xml": Kind.FEED,
    ".jsonl": Kind.JSONL,
    ".ndjson": Kind.JSONL,
    ".json": Kind.JSON,
}

# (offset, magic bytes, what it is). Checked in order; the first match names the file. Magic
# that is plain ASCII letters and could open a text file ("MZ", "ID3") is left out: those
# formats carry NUL bytes early, which the NUL check catches.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x01\x00", "an icon file"),
    (0, b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument/EPUB file)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\xfd7zXZ\x00", "an xz-compressed file"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    (0, b"\x7fELF", "an executable (ELF)"),
    (0, b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (0, b"\xca\xfe\xba\xbe", "a Java class or macOS executable"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"{\\rtf", "an RTF document"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\x1a\x45\xdf\xa3", "a Matroska/WebM video"),
    (0, b"\x00\x01\x00\x00\x00", "a font file"),
    (257, b"ustar", "a tar archive"),
)

_RIFF_KINDS = {b"WEBP": "a WEBP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}

_HTML_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|span|br|article|section|main|"
    rb"header|footer|nav|h[1-6]|a\s|img|script|style|link|table|ul|ol|li)\b",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^<>]*)?/?>|</[a-zA-Z][a-zA-Z0-9:-]*\s*>")
_SKIPPABLE = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w:.-]*)")
_FEED_ROOTS = {"rss", "feed", "rdf:rdf"}
# Control bytes that text does not contain (tab, newlines, form feed and escape allowed).
_STRAY_NULS = 8  # NUL bytes a text's first HEAD_BYTES may hold and still be text
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B} | {0x7F}


def kind_from_name(name: str) -> tuple[Kind | None, bool]:
    """The kind a file's name promises, and whether the name says it is gzipped
    (`page.html.gz` -> (HTML, True)). (None, …) when the name says nothing we know."""
    lowered = name.lower()
    gzipped = lowered.endswith(".gz")
    if gzipped:
        lowered = lowered[:-3]
    dot = lowered.rfind(".")
    suffix = lowered[dot:] if dot > 0 else ""
    return _NAME_KINDS.get(suffix), gzipped


def split_content_type(value: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from a Content-Type of "text/html; charset=UTF-8";
    ("", None) when there is none."""
    media_type, _, parameters = value.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        key, _, found = parameter.partition("=")
        if key.strip().lower() == "charset" and found.strip().strip("\"'"):
            charset = found.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def is_gzip(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC)


def strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _has_wide_bom(data: bytes) -> bool:
    """UTF-16/32 text is full of NUL bytes; with a BOM it is still text."""
    return data.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    )


def binary_kind(head: bytes) -> str | None:
    """What binary the bytes look like ("a PDF document"), or None if they may be text."""
    for offset, magic, what in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return what
    if head.startswith(b"RIFF") and head[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[head[8:12]]
    if head[4:8] == b"ftyp":
        return "an MP4/MOV video or HEIC image"
    if is_gzip(head):
        return "a gzip-compressed file"
    if not _has_wide_bom(head) and not _stray_nuls_only(head[:HEAD_BYTES]):
        return "a binary file (it has NUL bytes)"
    return None


def _stray_nuls_only(head: bytes) -> bool:
    """True when the bytes have no NUL, or a few stray ones in what is otherwise text (a
    page saved with a NUL in it is still a page; the decoder drops them). Binaries have
    NULs by the hundred."""
    nuls = head.count(b"\x00")
    if nuls == 0:
        return True
    return nuls <= _STRAY_NULS and looks_like_text(head.replace(b"\x00", b""))


def first_element(head: bytes) -> str | None:
    """The name of the first element in markup ("rss", "html"), after the XML declaration,
    comments, doctype and whitespace; None if the bytes do not open with markup."""
    data = strip_bom(head)
    position = 0
    while True:
        skipped = _SKIPPABLE.match(data, position)
        if not skipped or skipped.end() == position:
            break
        position = skipped.end()
    found = _FIRST_ELEMENT.match(data, position)
    return found.group(1).decode("ascii", "replace").lower() if found else None


def looks_like_feed(head: bytes) -> bool:
    """True when the first element is an RSS, Atom or RSS 1.0 (RDF) root."""
    return first_element(head) in _FEED_ROOTS


def looks_like_html(head: bytes) -> bool:
    """True when the bytes carry common HTML tags (not just any angle brackets: plain text
    quoting `<name@example.com>` is still plain text)."""
    return _HTML_TAG.search(strip_bom(head)) is not None


def has_markup(text: str) -> bool:
    """True when a string (a feed item, a JSONL field) holds any tag at all."""
    return _ANY_TAG.search(text) is not None


def _looks_like_jsonl(head: bytes) -> bool:
    first = strip_bom(head).lstrip()
    return (
        first.startswith(b"{")
        and b"\n" in first
        and first.split(b"\n", 1)[0].rstrip().endswith(b"}")
    )


_JSON_DOCUMENT = re.compile(rb'\s*[\[{]\s*[\[{"\]}]')


def _looks_like_json(head: bytes) -> bool:
    """True for an array or object opening as JSON does (`[{`, `{"`), not as text may."""
    return _JSON_DOCUMENT.match(strip_bom(head)) is not None


def kind_from_content(head: bytes) -> Kind:
    """The kind of an input told by its first bytes alone (already decompressed)."""
    body = strip_bom(head)
    if body.startswith(b"WARC/"):
        return Kind.WARC
    if body.startswith(b"filedesc://"):
        return Kind.ARC
    if looks_like_feed(body):
        return Kind.FEED
    if looks_like_html(body):
        return Kind.HTML
    if _looks_like_jsonl(body):
        return Kind.JSONL
    if _looks_like_json(body):
        return Kind.JSON
    return Kind.TEXT


def looks_like_text(head: bytes) -> bool:
    """True when the bytes read as text: valid UTF-8 (allowing a character cut at the end of
    the sample), or an encoding charset-normalizer is confident about, with few control
    characters either way."""
    if not head:
        return True
    if _has_wide_bom(head):
        return True
    controls = sum(1 for byte in head if byte in _CONTROL)
    if controls > max(2, len(head) // 100):
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return True
    return from_bytes(head).best() is not None


def document_media_type(body: bytes, promised: Kind | None) -> str:
    """The media type of one document: what its name promised, else what its bytes show."""
    if promised in (Kind.HTML, Kind.TEXT):
        return str(promised)
    return str(Kind.HTML) if looks_like_html(body[:HEAD_BYTES]) else str(Kind.TEXT)


def check_document(body: bytes, source: str, *, named: bool) -> None:
    """Raise the InputError a single document deserves: EmptyInput for nothing or only
    whitespace, UnsupportedInput for a binary. `named` is True when the file name already
    says text or HTML; otherwise the bytes must also read as text."""
    if not strip_bom(body).strip():
        raise EmptyInput(source, "empty (no text in it)")
    head = body[:HEAD_BYTES]
    what = binary_kind(head)
    if what is None and not named and not looks_like_text(head):
        what = "a binary file"
    if what is not None:
        raise UnsupportedInput(source, f"looks like {what}, not text or HTML")
    if _has_wide_bom(body) and not _decodes(body):
        raise UnsupportedInput(source, "looks like a binary file, not text or HTML")


def _decodes(body: bytes) -> bool:
    encoding = "utf-32" if body.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) else "utf-16"
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def read_capped(stream: BinaryIO, limit: int, source: str, what: str = "input") -> bytes:
    """Read a whole stream, but never more than `limit` bytes: past that, TooLarge."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(source, f"{what} is over {limit:,} bytes (setting ingest.max_bytes)")
    return data


def gunzip_capped(stream: BinaryIO, limit: int, source: str) -> bytes:
    """Decompress gzip data, stopping at `limit` decompressed bytes (a guard against gzip
    bombs: a few KB can expand to gigabytes)."""
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            data = unzipped.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise MalformedInput(source, f"damaged gzip data ({exc or 'truncated'})") from None
    if len(data) > limit:
        raise TooLarge(source, f"decompresses to over {limit:,} bytes (setting ingest.max_bytes)")
    return data


def gunzip_head(head: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first decompressed bytes of gzip data, for sniffing; b"" if it will not open."""
    try:
        return zlib.decompressobj(wbits=31).decompress(head, size)
    except zlib.error:
        return b""
