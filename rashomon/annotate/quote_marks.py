"""Pass 1 of the quote finder: direct quotes are the stretches inside quote marks, across
sentences, nested marks left inside the outer quote.
"""

from __future__ import annotations

import bisect

from rashomon.annotate.quote_words import OPENING, SINGLE_OPEN

# ---------------------------------------------------------------- pass 1: quote marks


def find_marked(text: str) -> list[tuple[int, int]]:
    """Content spans (inside the marks) of every top-level quotation in `text`.

    Pairs marks within a paragraph; a quote still open at the paragraph's end closes there
    (a multi-paragraph quote reopens with a mark in the next one). Apostrophes are not marks.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n\n"):
        spans.extend((offset + s, offset + e) for s, e in _marked_in(paragraph))
        offset += len(paragraph) + 2
    return spans


def _marked_in(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i, n = 0, len(paragraph)
    while i < n:
        ch = paragraph[i]
        if paragraph.startswith(("''", "``"), i) and _opens_double(paragraph, i):
            found = paragraph.find("''", i + 2)
            stop = found if found > i + 2 else n
            span = stripped_span(paragraph, i + 2, stop)
            if span is not None:
                spans.append(span)
            i = stop + 2
            continue
        if ch in OPENING and _opens(paragraph, i):
            closing = _closing(paragraph, i)
            stop = closing if closing is not None else n
            span = stripped_span(paragraph, i + 1, stop)
            if span is not None:
                spans.append(span)
            i = stop + 1
            continue
        i += 1
    return spans


def _opens_double(text: str, i: int) -> bool:
    """Doubled apostrophes or backticks as quote marks (''…'' and ``…'' in wire copy)."""
    before = text[i - 1] if i else " "
    after = text[i + 2] if i + 2 < len(text) else " "
    return not before.isalnum() and after.isalnum()


def stripped_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without surrounding spaces and a trailing comma."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ',;“”"'):
        end -= 1
    return (start, end) if end > start else None


def _opens(text: str, i: int) -> bool:
    """A mark at `i` opens a quote: after a space, start or opening punctuation, before text."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if text[i] in SINGLE_OPEN or text[i] == "‘":
        return not before.isalnum() and (after.isalnum() or after in "[(")
    if text[i] == '"':
        return not before.isalnum() and not after.isspace()
    return not after.isspace()


def _closing(text: str, i: int) -> int | None:
    """Index of the mark that closes the quote opened at `i` (nested single marks skipped)."""
    closers = OPENING[text[i]]
    single = text[i] in SINGLE_OPEN or text[i] == "‘"
    j = i + 1
    while j < len(text):
        ch = text[j]
        if not single and text.startswith(("’’", "''"), j) and j > i + 1:
            return j  # two apostrophes closing a double quote (“…,’’ wire style)
        if ch in closers and j > i + 1:
            after = text[j + 1] if j + 1 < len(text) else " "
            if ch == "“" and text[i] != "„" and (after.isalnum() or text[j - 1].isspace()):
                pass  # an opening mark: a new quote starts here, this one never closed
            elif not single or not after.isalnum():
                return j
        j += 1
    return None


# ---------------------------------------------------------------- pass 3: assembly


class Inside:
    """Fast membership of a character offset in the direct-quote spans."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def contains(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]
