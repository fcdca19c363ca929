"""The plain-text cleaner's body and metadata: the main body as the densest run of good lines,
the lines kept around it, the title, byline, related block, publication date and outlet
signature, and the reason each removed line is given.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import urlsplit

from rashomon.clean.metadata import outlet_from_url
from rashomon.clean.reasons import REASONS
from rashomon.clean.text_cues import (
    GOOD,
    NEAR,
    SHORT,
    SIGNATURE,
    URL_DATE,
    Line,
    find_dates,
    make_date,
    normalise,
)
from rashomon.model import Hints


def _weight(lines: list[Line], pos: int) -> float:
    line = lines[pos]
    if line.cls == GOOD:
        if line.first != GOOD:
            return -10.0
        weight = float(min(line.chars, 1000)) - _GOOD_OFFSET
        # Body paragraphs come in runs; a good line alone between headlines and labels is a
        # teaser's blurb.
        prev = lines[pos - 1] if pos > 0 else None
        nxt = lines[pos + 1] if pos + 1 < len(lines) else None
        if not _good(prev) and not _good(nxt) and (_heading(prev) or _heading(nxt)):
            weight *= _ISOLATED
        return weight
    if line.reason in ("foreign-language", "foreign-script") and line.words >= 5:
        return -5.0  # a translation or quote in another language, not page furniture
    if line.marker:
        # Reader comments never sit inside an article: the body cannot run across them.
        return -_BARRIER if line.reason == "comments" else -_MARKER_COST
    return -(_BAD_BASE + min(line.chars, 300) * _BAD_PER_CHAR)


def _good(line: Line | None) -> bool:
    return line is not None and line.first == GOOD


def _heading(line: Line | None) -> bool:
    """A line that could head a teaser: short or near-good, no sentence ending, no cue."""
    return (
        line is not None
        and line.first in (SHORT, NEAR)
        and line.reason is None
        and not line.ends_sentence
    )


# Weights of the main-body search (tuned on AEB with a coarse grid, kept round).
_GOOD_OFFSET = 30.0  # a good line scores its length minus this
_ISOLATED = 0.2  # ...times this when no neighbour is good (teaser blurbs)
_MARKER_COST = 200.0  # a section marker ("Related", "Comments") after or inside the body
_BARRIER = 1e9  # a comments heading
_COMMENTS_AFTER = 500  # good characters before a comments heading that make it end the page
_BAD_BASE = 25.0  # a boilerplate line costs this
_BAD_PER_CHAR = 0.5  # ...plus this per character


def main_body(lines: list[Line]) -> tuple[int, int]:
    """The maximum-sum run of lines (good text scores its length, boilerplate costs)."""
    best, best_span = 0.0, (0, -1)
    run, run_start = 0.0, 0
    good_before, in_comments = 0, False
    for pos in range(len(lines)):
        w = _weight(lines, pos)
        line = lines[pos]
        if line.marker and line.reason == "comments" and good_before >= _COMMENTS_AFTER:
            in_comments = True  # a comments section after text: what follows is readers'
        if line.first == GOOD:
            good_before += line.chars
            if in_comments and w > 0:
                w *= _ISOLATED
        if run <= 0:
            run, run_start = w, pos
        else:
            run += w
        if run > best:
            best, best_span = run, (run_start, pos)
    return best_span


def select_lines(lines: list[Line], start: int, end: int) -> list[bool]:
    """Which lines are body: good lines of the main run, plus strongly body-like good lines
    just outside it (a lead cut off by a caption, a last paragraph after an inline ad)."""
    keep = [start <= pos <= end and line.cls == GOOD for pos, line in enumerate(lines)]
    if end < start:
        return keep
    for direction in (-1, 1):
        pos = start - 1 if direction < 0 else end + 1
        gap = 0
        while 0 <= pos < len(lines) and gap <= 3:
            line = lines[pos]
            if line.marker:
                break
            if line.cls == GOOD and line.chars >= 150 and line.density >= 0.3:
                keep[pos] = True
                gap = 0
            elif line.cls == GOOD:
                break
            else:
                gap += 1
            pos += direction
    _keep_opening_sentence(lines, keep, start)
    return keep


def _keep_opening_sentence(lines: list[Line], keep: list[bool], start: int) -> None:
    """A document that opens with a plain sentence directly above the body opens with its
    article: nothing of a page comes before it there. Keep that first line."""
    if start <= 0 or start >= len(lines) or not keep[start]:
        return
    first = lines[0]
    if (
        start == 1
        and first.reason is None
        and first.ends_sentence
        and first.words >= 6
        and first.density >= 0.2
        and not _title_case(first.stripped)
    ):
        keep[0] = True


# -- metadata -----------------------------------------------------------------------------------


def _headline_like(line: Line) -> bool:
    s = line.stripped
    if line.reason is not None and line.reason not in ("duplicate-line",):
        return False
    if not 3 <= line.words <= 30 or line.chars > 250 or line.dates:
        return False
    if s.endswith((",", ";", ":", "…")) or s.endswith(".") and not _title_case(s):
        return False  # a sentence, or a lead cut short ("…", "...")
    if "@" in s or "http" in s.lower() or "www." in s.lower():
        return False
    first = s[0]
    return first.isupper() or first.isdigit() or first in "\"“‘'«"


def _title_case(text: str) -> bool:
    """Most longer words capitalised, as in "Super PACs Target Latino Voters." (a headline
    some scrapers end with a full stop), never a plain sentence."""
    if text.endswith(("...", "..")):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) >= 4]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_TITLE_WINDOW = 80  # lines looked at above the body
_TITLE_CANDIDATES = 25  # headline-like lines weighed at most
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def find_title(lines: list[Line], start: int, keep: list[bool], hints: Hints) -> int | None:
    """The headline: among the headline-like lines above the body (or its first line, when it
    reads like one), the one whose words the lead repeats most, nearer lines winning ties.
    A headline's words come back in the first paragraphs; a section label, a byline or a
    related headline's do not."""
    if hints.title:
        wanted = normalise(hints.title)
        for pos, line in enumerate(lines):
            if normalise(line.stripped) == wanted:
                return pos
    first_kept = next((p for p, k in enumerate(keep) if k), len(lines))
    limit = min(start if start <= first_kept else first_kept, len(lines))
    candidates = _title_candidates(lines, keep, limit)
    if not candidates:
        return None
    lead = _lead_words(lines, keep, limit)  # the body from its first line
    lead_after = _lead_words(lines, keep, limit + 1)  # for the first line itself as headline
    repeats = Counter(normalise(line.stripped) for line in lines)
    best, best_score = candidates[0], -1.0
    for rank, pos in enumerate(candidates):
        words = lead_after if pos == limit else lead
        score = _overlap(lines[pos].stripped, words) + 0.15 / (1 + rank)
        if repeats[normalise(lines[pos].stripped)] > 1:
            score += 0.1  # shown twice: as the page title or breadcrumb and as the headline
        if 6 <= lines[pos].words <= 25:
            score += 0.1  # the usual length of a headline, not of a label
        if score > best_score:
            best, best_score = pos, score
    return best


def _title_candidates(lines: list[Line], keep: list[bool], limit: int) -> list[int]:
    """Headline-like lines above the body, nearest first (the body's first line first when it
    is a headline followed by body)."""
    found = []
    if limit < len(lines) and keep[limit] and lines[limit].words <= 20:
        line = lines[limit]
        if (
            _headline_like(line)
            and (not line.ends_sentence or _title_case(line.stripped))
            and limit + 1 < len(lines)
            and any(keep[limit + 1 : limit + 4])
        ):
            found.append(limit)
    for pos in range(limit - 1, max(-1, limit - _TITLE_WINDOW), -1):
        if not keep[pos] and _headline_like(lines[pos]):
            found.append(pos)
            if len(found) >= _TITLE_CANDIDATES:
                break
    return found


def _lead_words(lines: list[Line], keep: list[bool], first: int) -> set[str]:
    """Content words of the body lines from `first` on (up to about 1,500 characters)."""
    words: set[str] = set()
    taken = 0
    for pos in range(first, len(lines)):
        if keep[pos]:
            words.update(w.casefold() for w in _CONTENT_WORD.findall(lines[pos].stripped))
            taken += lines[pos].chars
            if taken > 1500:
                break
    return words


def _overlap(text: str, lead: set[str]) -> float:
    """Share of the line's content words the lead repeats, damped for lines of one or two
    words (a label like "Fox News" should not outscore a headline on one shared word)."""
    words = {w.casefold() for w in _CONTENT_WORD.findall(text)}
    return len(words & lead) / (len(words) + 1)


def find_byline(lines: list[Line], start: int, end: int) -> str | None:
    candidates = [(abs(pos - start), line.byline) for pos, line in enumerate(lines) if line.byline]
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def related_lines(lines: list[Line], start: int, end: int, title_pos: int | None) -> set[int]:
    """Lines after the body that belong to related-article blocks: a headline-like line with
    a date line or caption within two lines of it, or lines under a 'Related' marker."""
    related: set[int] = set()
    if end < start:
        return related
    under_marker = False
    for pos in range(end + 1, len(lines)):
        line = lines[pos]
        if line.marker:
            under_marker = line.reason == "related"
            continue
        if under_marker and line.reason is None:
            related.add(pos)
    for pos in range(end + 1, len(lines)):
        line = lines[pos]
        if pos == title_pos or not (line.dates or line.reason in ("caption", "photo-credit")):
            continue
        for other in range(max(end + 1, pos - 2), min(len(lines), pos + 3)):
            if other != pos and other != title_pos and _headline_like(lines[other]):
                related.update({pos, other})
    return related


def find_published(
    lines: list[Line],
    start: int,
    end: int,
    keep: list[bool],
    related: set[int],
    url: str | None,
) -> date | None:
    """The article's own date: a dateline opening the body, a date line or caption before the
    body (nearest first), a date line inside it, then one after it that is not part of a
    related block, then a date in the URL."""
    if end >= start:
        first_body = next((p for p in range(start, end + 1) if keep[p]), None)
        if first_body is not None:
            head = lines[first_body].stripped[:100]
            m = re.match(r"^[^\W\d_][^,(—–-]{0,40}?,?\s*", head)
            dates = find_dates(head)
            if m and dates and dates[0][0] <= 45:
                return dates[0][2]
    before = [p for p in range(0, max(start, 0)) if lines[p].dates and not keep[p]]
    for pos in reversed(before):
        if pos not in related:
            return lines[pos].dates[0][2]
    inside = [
        p
        for p in range(max(start, 0), end + 1)
        if lines[p].dates and (not keep[p] or lines[p].reason == "dateline")
    ]
    if inside:
        return lines[inside[0]].dates[0][2]
    after = [
        p
        for p in range(end + 1, len(lines))
        if lines[p].dates and p not in related and lines[p].reason in ("dateline", "byline")
    ]
    if after:
        return lines[after[0]].dates[0][2]
    if url:
        m = URL_DATE.search(urlsplit(url).path)
        if m:
            return make_date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    return None


def outlet_from_signatures(lines: list[Line]) -> str | None:
    """A '- Outlet Name' signature found on at least two lines."""
    counts: Counter[str] = Counter()
    for line in lines:
        if line.chars > 300:
            continue
        names = {m.group("name").strip() for m in SIGNATURE.finditer(line.stripped)}
        for name in names:
            if name[:1].isupper() and not find_dates(name) and len(name) >= 3:
                counts[name] += 1
    if not counts:
        return None
    name, n = min(counts.items(), key=lambda item: (-item[1], item[0]))  # ties: by name
    return name if n >= 2 else None


def template_key(url: str | None, outlet: str | None, hints: Hints) -> str | None:
    return outlet_from_url(url) or outlet or hints.outlet


def strip_outlet_suffix(title: str, outlet: str) -> str:
    for sep in (" - ", " | ", " – ", " — "):
        suffix = f"{sep}{outlet}"
        if title.endswith(suffix):
            return title[: -len(suffix)].strip()
    return title


# -- reasons ------------------------------------------------------------------------------------


def removal_reason(line: Line, pos: int, start: int, end: int, related: set[int]) -> str:
    if pos in related and line.reason in (None, "caption", "photo-credit", "dateline"):
        return "related"
    if line.reason:
        return line.reason if line.reason in REASONS else "boilerplate"
    if SIGNATURE.search(line.stripped) and line.words <= 8:
        return "outlet-signature"
    if start <= pos <= end:
        return "boilerplate"
    if line.words <= 6 and not line.ends_sentence:
        return "navigation"
    if line.cls == GOOD:
        return "outside-body"
    return "boilerplate"
