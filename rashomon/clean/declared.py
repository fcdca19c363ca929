"""Where a plain-text report says it comes from, in its first lines.

Text copied or scraped from a page often keeps its address or a label on top: a line that is
only the page's URL, or `Source: Deutsche Welle` / `Outlet: …` / `Publisher: …` /
`Publication: …`. `declared_source` reads them from the first few non-blank lines, so that a
folder of texts shows its outlets rather than one pseudo-outlet per file. The text cleaner
removes such lines from the body as it does any metadata line; this module only reads them.
A label names the outlet; a URL alone gives it by its registered domain, as the cleaner
does for any URL it is given (`outlet_from_url`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Declared", "declared_source"]

HEAD_LINES = 6  # non-blank lines read from the top
HEAD_CHARS = 4000  # ... within the first characters, however long the text
MAX_NAME_CHARS = 80  # a longer label value is a sentence, not an outlet's name

_URL_LINE = re.compile(r"(?:url:\s*)?<?(https?://[^\s<>\"']+)>?", re.IGNORECASE)
_LABEL = re.compile(r"(?:source|outlet|publisher|publication)\s*:\s*(\S.*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Declared:
    """What the top of a text declares: the page's URL and the outlet's name (a label's)."""

    url: str | None = None
    outlet: str | None = None


def declared_source(text: str) -> Declared:
    """The URL line and outlet label among the first `HEAD_LINES` non-blank lines of `text`."""
    url = outlet = None
    for line in _head(text):
        found = _URL_LINE.fullmatch(line)
        if found and url is None:
            url = found.group(1)
            continue
        label = _LABEL.fullmatch(line)
        if label and outlet is None:
            value = label.group(1).strip()
            linked = _URL_LINE.fullmatch(value)
            if linked:
                url = url or linked.group(1)
            elif len(value) <= MAX_NAME_CHARS:
                outlet = value
    return Declared(url=url, outlet=outlet)


def _head(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text[:HEAD_CHARS].splitlines():
        line = raw.strip()
        if line:
            lines.append(line)
            if len(lines) == HEAD_LINES:
                break
    return lines
