"""The plain-text cleaner's line classes: the body's language and script, each line's first
class (a boilerplate reason, or good / near / short by length and stopword density), lines in
another language, and jusText's context rules for short and near lines.
"""

from __future__ import annotations

from rashomon.clean.text_cues import (
    BAD,
    BYLINE,
    BYLINE_STOP,
    CAPTION,
    COUNTER,
    CREDIT,
    DATE_WORDS,
    END_MARKER_REASONS,
    GOOD,
    NEAR,
    PHOTO_COPYRIGHT,
    REPORTING_CREDIT,
    SHORT,
    WORD,
    Line,
    find_dates,
    is_upper,
    line_cue,
    scripts,
)
from rashomon.settings import Settings

# -- body language and script ------------------------------------------------------------------


def body_language(
    tokens: list[list[str]], stoplists: dict[str, frozenset[str]], hint: str | None
) -> str | None:
    """The language whose stopwords cover most of the longer lines' words."""
    if hint and hint.lower()[:2] in stoplists:
        return hint.lower()[:2]
    long_lines = [t for t in tokens if len(t) >= 8] or tokens
    total = sum(len(t) for t in long_lines)
    best, best_hits = None, 0
    for code, stops in stoplists.items():
        hits = sum(sum(w in stops for w in toks) for toks in long_lines)
        if hits > best_hits:
            best, best_hits = code, hits
    if total and best_hits < 0.12 * total:
        return None  # no stoplist fits this text: length and punctuation decide
    return best


def body_script(lines: list[Line]) -> str | None:
    long_lines = [line.stripped for line in lines if line.chars >= 60] or [
        line.stripped for line in lines
    ]
    counts = scripts("".join(long_lines))
    return counts.most_common(1)[0][0] if counts else None


# -- classification -----------------------------------------------------------------------------


def classify(
    line: Line,
    toks: list[str],
    script: str | None,
    cjk_body: bool,
    max_short: int,
    stops: frozenset[str],
) -> None:
    """A line's first class, with the reason when a boilerplate cue fires."""
    s = line.stripped
    line.dates = find_dates(s) if any(c.isdigit() for c in s) else []
    name = _byline_name(line)
    if name:
        line.byline = name
        line.cls, line.reason = BAD, "byline"
        return
    reason = _form_reason(line, script)
    if reason:
        line.cls, line.reason = BAD, reason
        return
    cue = line_cue(line)
    if cue:
        line.cls, line.reason = BAD, cue
        line.marker = cue in END_MARKER_REASONS and line.words <= 6
        return
    reason = _credit_reason(line)
    if reason:
        line.cls, line.reason = BAD, reason
        return
    _classify_by_length(line, cjk_body, max_short, stops)


def _byline_name(line: Line) -> str | None:
    """The author's name when the line is a short "By ..." byline."""
    m = BYLINE.match(line.stripped)
    if m and line.words <= 14 and not line.ends_sentence or (m and line.words <= 6):
        name = BYLINE_STOP.sub("", m.group("name")).strip(" ,.-|")
        if name and name[0].isupper() and len(name.split()) <= 12:
            return name
    return None


def _form_reason(line: Line, script: str | None) -> str | None:
    """Boilerplate told by the line's form: another script, a date line, a counter, no words,
    a photo copyright."""
    s = line.stripped
    if script and not line.dates:  # another script than the body's
        counts = scripts(s)
        total = sum(counts.values())
        if total >= 3 and counts.get(script, 0) < 0.3 * total:
            return "foreign-script"
    if line.dates and _is_date_line(line):
        return "dateline"
    if COUNTER.match(s):
        return "counter"
    if line.words == 0:
        return "ui"
    if line.words <= 30 and PHOTO_COPYRIGHT.match(s):
        return "photo-credit"
    return None


def _credit_reason(line: Line) -> str | None:
    """Credits, captions, reporting credits and lines in capitals (checked after the cues)."""
    s = line.stripped
    if line.words <= 30 and CREDIT.search(s):
        return "photo-credit"
    if line.words <= 40 and CAPTION.search(s):
        return "caption"
    if REPORTING_CREDIT.match(s) and line.words <= 60:
        return "credit-line"
    if is_upper(s) and line.words >= 3:
        return "boilerplate"
    return None


def _classify_by_length(line: Line, cjk_body: bool, max_short: int, stops: frozenset[str]) -> None:
    """Generic: length and stopword density (jusText's classes)."""
    if cjk_body:
        if line.chars >= 60:
            line.cls = GOOD
        elif line.chars >= 25 and line.ends_sentence:
            line.cls = NEAR
        else:
            line.cls = SHORT
        return
    d = line.density
    if not stops:
        d = 0.3  # no stoplist for this language: length decides
    sentence_like = line.chars >= 100 and d >= 0.25 or line.chars >= 50 and d >= 0.3
    if line.ends_sentence and sentence_like or line.chars >= 200 and d >= 0.3:
        line.cls = GOOD
    elif line.words <= max_short and not line.ends_sentence or line.chars < 30:
        line.cls = SHORT
    elif d >= 0.15 or line.ends_sentence and d >= 0.1:
        line.cls = NEAR
    else:
        line.cls, line.reason = BAD, None


def _is_date_line(line: Line) -> bool:
    """A line that is mostly a date ('Published 31 January 2024, 10:42 GMT')."""
    rest = line.stripped
    for s, e, _ in reversed(line.dates):
        rest = rest[:s] + " " + rest[e:]
    rest = DATE_WORDS.sub(" ", rest)
    words = WORD.findall(rest)
    return len(words) <= 3


def mark_foreign_language(
    lines: list[Line],
    tokens: list[list[str]],
    stoplists: dict[str, frozenset[str]],
    language: str,
    settings: Settings,
) -> None:
    own = stoplists.get(language, frozenset())
    suspects = []
    for line, toks in zip(lines, tokens, strict=True):
        # a line marked bad only for lacking the body's stopwords may be in another language
        if (line.cls == BAD and line.reason is not None) or len(toks) < 5:
            continue
        own_density = sum(t in own for t in toks) / len(toks)
        for code, stops in stoplists.items():
            if code == language:
                continue
            other = sum(t in stops for t in toks) / len(toks)
            if other >= 0.25 and other > 2 * own_density + 0.05:
                suspects.append(line)
                break
    if not suspects:
        return
    try:
        from rashomon.clean.language import detect
    except ImportError:  # pragma: no cover - lingua is a dependency
        return
    min_conf = settings.language.min_confidence
    for line in suspects:
        found, confidence = detect(line.stripped, settings)
        if found and found != language and confidence >= min_conf:
            line.cls, line.reason = BAD, "foreign-language"


def revise(lines: list[Line]) -> None:
    """jusText's context rules: short lines take their neighbours' class, near-good lines are
    body unless boilerplate lies on both sides. Each line's nearest classified neighbours are
    found in one pass each way, so a long run of short lines costs linear time."""
    classes = [line.cls for line in lines]
    before, after = _nearest(classes, _SURE, -1), _nearest(classes, _SURE, 1)
    near_before = _nearest(classes, _SURE_OR_NEAR, -1)
    near_after = _nearest(classes, _SURE_OR_NEAR, 1)
    for pos, line in enumerate(lines):
        if classes[pos] != SHORT:
            continue
        prev, nxt = before[pos], after[pos]
        if prev == GOOD and nxt == GOOD:
            line.cls = GOOD
        elif prev == BAD and nxt == BAD:
            line.cls = BAD
        elif (prev == BAD and near_before[pos] == NEAR) or (nxt == BAD and near_after[pos] == NEAR):
            line.cls = GOOD
        else:
            line.cls = BAD
    classes = [line.cls for line in lines]
    before, after = _nearest(classes, _SURE, -1), _nearest(classes, _SURE, 1)
    for pos, line in enumerate(lines):
        if classes[pos] == NEAR:
            line.cls = BAD if before[pos] == BAD and after[pos] == BAD else GOOD


_SURE = frozenset((GOOD, BAD))
_SURE_OR_NEAR = frozenset((GOOD, BAD, NEAR))


def _nearest(classes: list[str], wanted: frozenset[str], step: int) -> list[str]:
    """For each line, the class of the nearest line before it (`step` -1) or after it (1)
    whose class is in `wanted`; BAD past the edge of the text."""
    found = [BAD] * len(classes)
    last = BAD
    order = range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1)
    for pos in order:
        found[pos] = last
        if classes[pos] in wanted:
            last = classes[pos]
    return found
