"""Bytes to text: which encoding a document is in, told as a browser would, then guessed.

Order of evidence:
1. a byte-order mark (UTF-8, UTF-16, UTF-32), which is then dropped;
2. the charset declared by the container (`RawDoc.encoding`: the HTTP header of a fetch or a
   WARC record), then, for HTML, `<meta charset>` / `http-equiv` / the XML declaration;
3. UTF-8, strictly;
4. UTF-8 with a few bad bytes replaced by U+FFFD, when good multi-byte characters
   outnumber them two to one (one bad byte must not make a UTF-8 text unreadable or
   mojibake);
5. charset-normalizer's best guess.

Two exceptions, both from how pages are served in practice: a single-byte charset (Latin-1,
Windows-1252, …) declared for bytes that are valid UTF-8 with non-ASCII in them loses to
UTF-8, since such a declaration is usually a server default and multi-byte UTF-8 sequences
almost never occur by chance in single-byte text; and, as in browsers (WHATWG Encoding),
"iso-8859-1" and "ascii" are read as Windows-1252. A decoding full of control characters
is not believed, whatever produced it. A declared label that names no charset is passed
over: an unknown one, and a Python codec that is not a text encoding (rot13, base64, idna).
"""

from __future__ import annotations

import codecs
import functools
import re

from charset_normalizer import from_bytes

from rashomon.errors import DecodeError
from rashomon.model import RawDoc

__all__ = ["declared_charset", "decode", "normalise_newlines"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_PRESCAN = 4096
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([a-zA-Z0-9_:.+-]+)""", re.I)
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ESCAPE_CODECS = frozenset({"unicode-escape", "raw-unicode-escape"})
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as surrogateescape keeps it
_STRAY_NULS = 8  # NUL characters a text may hold (and lose) and still be believed
# control characters text does not hold (tab, newlines, form feed, vertical tab and ESC are
# allowed); DEL counts too
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def decode(raw: RawDoc) -> str:
    """The text of a document, newlines normalised to \\n. Raises DecodeError naming
    `raw.origin` when no encoding explains the bytes."""
    body, from_bom = _strip_bom(raw.body)
    if from_bom is not None:
        try:
            return normalise_newlines(body.decode(from_bom))
        except UnicodeDecodeError:
            pass  # a BOM followed by something else: look further
    for encoding in _candidates(raw, body):
        text = _try(body, encoding)
        if text is not None:
            return normalise_newlines(text)
    mended = _nearly_utf8(body)
    if mended is not None and _plausible(mended):
        return normalise_newlines(mended)
    guess = _guess(body)
    if guess is not None and _plausible(guess):
        return normalise_newlines(guess)
    raise DecodeError(raw.origin, "bytes are not text in any known encoding")


def declared_charset(raw: RawDoc) -> str | None:
    """The charset the document declares: the container's, else (HTML) the page's own."""
    if raw.encoding:
        return raw.encoding
    if raw.media_type in _HTML_TYPES:
        head = raw.body[:_PRESCAN]
        found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        if found:
            return found.group(1).decode("ascii").lower()
    return None


def normalise_newlines(text: str) -> str:
    """\\r\\n and \\r (and the Unicode line and paragraph separators) become \\n; a stray
    byte-order mark at the start goes, and so do NUL characters (a few stray NUL bytes do
    not make a page binary; see `rashomon.ingest.sniff`)."""
    text = text.replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return text.removeprefix("\ufeff")


def _nearly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a character cut in two, one stray byte) read as UTF-8,
    each bad byte a U+FFFD; None unless the good multi-byte characters outnumber the bad
    bytes at least two to one (a legacy single-byte text has no good ones)."""
    text = body.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(text))
    good = sum(1 for char in text if ord(char) > 0x7F) - bad
    if bad == 0 or good < 2 * bad:
        return None
    return _ESCAPED.sub("\ufffd", text)


def _guess(body: bytes) -> str | None:
    """charset-normalizer's best reading of the bytes. Where Windows-1252 reads them as well
    as its pick (Central European code pages tie with it on French or Spanish), Windows-1252
    wins: it is by far the most common legacy encoding of web pages."""
    results = from_bytes(body)
    best = results.best()
    if best is None:
        return None
    for match in results:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + 0.01
            and match.coherence >= best.coherence - 0.05
        ):
            return str(match)
    return str(best)


def _strip_bom(body: bytes) -> tuple[bytes, str | None]:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :], encoding
    return body, None


def _candidates(raw: RawDoc, body: bytes) -> list[str]:
    """Encodings to try, in order (codec names, each once)."""
    found: list[str] = []
    declared = _codec(declared_charset(raw))
    if declared is not None:
        if _is_single_byte(declared) and _is_utf8_with_non_ascii(body):
            found.append("utf-8")
        elif raw.encoding or not declared.startswith(("utf-16", "utf-32")):
            # a page readable as ASCII cannot be UTF-16, whatever its <meta> says (WHATWG)
            found.append(declared)
    found.append("utf-8")
    unique: list[str] = []
    for name in found:
        name = codecs.lookup(name).name
        if name not in unique:
            unique.append(name)
    return unique


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, browser aliases applied; None if unknown or
    not a charset."""
    if not label:
        return None
    label = label.strip().lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    return name if _is_charset(name) else None


@functools.cache
def _is_charset(codec: str) -> bool:
    """False for codecs that are no document's charset: bytes-to-bytes ones (base64, rot13,
    zlib), Python's escape codecs, and those that cannot decode arbitrary bytes even with
    errors="replace" (idna, punycode, undefined)."""
    if codec in _ESCAPE_CODECS:
        return False
    try:
        _HIGH_BYTES.decode(codec, errors="replace")
    except (LookupError, UnicodeError):
        return False
    return True


def _is_single_byte(codec: str) -> bool:
    """True for one-byte-per-character codecs (Latin-1, Windows-125x, KOI8-R, …): they
    accept almost any bytes, so their succeeding proves little."""
    if codec.startswith("utf"):
        return False
    return len(_HIGH_BYTES.decode(codec, errors="replace")) == len(_HIGH_BYTES)


def _is_utf8_with_non_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try(body: bytes, encoding: str) -> str | None:
    try:
        text = body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _plausible(text) else None


def _plausible(text: str) -> bool:
    """False when more than 1% of the characters are control characters that text does not
    hold (a sign that binary was decoded by an encoding that accepts any byte). A few stray
    NULs are not counted: they are dropped from the text."""
    if text.count("\x00") <= _STRAY_NULS:
        text = text.replace("\x00", "")
    if not text:
        return True
    if len(text) > 80_000:  # the head and the tail tell binary from text; no need to scan all
        text = text[:64_000] + text[-16_000:]
    controls = len(_BAD_CONTROLS.findall(text))
    return controls <= max(2, len(text) // 100)
