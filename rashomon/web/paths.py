"""What the server shows of where an article came from: a URL or `api:ID` as it is, a file on
the server's disk as `file:DIGEST/NAME` (its name and record, the folder replaced by a short
digest), so a reader of the API or the pages learns nothing of the server's folders.

The digest keeps two `index.html` from different folders apart (an origin is a key in a
comparison); the same file gives the same shown origin on every response. The setting
`serve.show_paths` turns this off for a user serving their own store to themselves.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["hide_paths", "public_origin"]

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(//)?")
_RECORD = re.compile(r"(#\d+|#item-\d+|:line \d+|:item \d+)$")  # WARC, feed, JSON records


def public_origin(origin: str) -> str:
    """`origin` as the server shows it: unchanged unless it is a path with a folder."""
    if _SCHEME.match(origin) and not _is_drive(origin):
        return origin  # http://…, api:ID, file: already
    record = _RECORD.search(origin)
    path = origin[: record.start()] if record else origin
    folder, sep, name = path.replace("\\", "/").rpartition("/")
    if not sep:
        return origin  # a bare file name says nothing of the server's folders
    digest = hashlib.sha256(folder.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"file:{digest}/{name}{record.group(0) if record else ''}"


def _is_drive(origin: str) -> bool:
    """A Windows path such as C:\\news\\a.html, not a scheme."""
    return len(origin) > 2 and origin[1] == ":" and origin[0].isalpha() and origin[2] in "\\/"


def hide_paths(content: Any, origins: Iterable[str]) -> Any:
    """`content` (JSON-like: dicts, lists, strings) with every string and key equal to one
    of `origins` replaced by its public form; other strings, however path-like, untouched."""
    shown = {o: public_origin(o) for o in origins}
    shown = {o: p for o, p in shown.items() if o != p}
    return _replace(content, shown) if shown else content


def _key(key: Any, shown: dict[str, str]) -> Any:
    return shown.get(key, key) if isinstance(key, str) else key


def _replace(value: Any, shown: dict[str, str]) -> Any:
    if isinstance(value, str):
        return shown.get(value, value)
    if isinstance(value, dict):
        return {_key(k, shown): _replace(v, shown) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_replace(v, shown) for v in value]
    return value
