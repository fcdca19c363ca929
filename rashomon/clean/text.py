"""The plain-text cleaner: keeps the article of a scraped page and removes the page.

Text copied or scraped from a web page carries the page with it: menus and section labels,
photo credits and captions, share / subscribe / log-in / comment prompts, related headlines
with their own dates, ads, counters, UI strings, lines in another script. No library handles
this for plain text, so this is a line-and-block classifier in the manner of jusText:

1. Each non-blank line gets features (characters, words, stopword density in the body's
   language, sentence ending, script, date, byline) and a first class: `bad` with a reason
   when a boilerplate cue fires (lexicons of UI phrases in a few languages, credit and
   caption patterns, counters, another script or language, a learned outlet template), else
   `good`, `near` or `short` from length and stopword density.
2. Context decides `short` and `near` lines: between good lines they are body, among
   boilerplate they are boilerplate (jusText's revision rules).
3. The main body is the densest contiguous run of good lines (a maximum-sum segment where good
   text scores by its length and boilerplate costs); section markers such as "Most read" or
   "Leave a Reply" stop it. Good lines outside it are kept only when they are strongly
   body-like and close to it.
4. Metadata comes from the text itself: the title is the nearest headline-like line before
   the body; the outlet a repeated "- Outlet Name" signature (or the URL's domain); the date
   from a dateline, a caption or a date line before or in the body, never from a related
   item after it; the byline from a "By ..." line.

Every removed non-blank line is kept in `removed` with a reason code (rashomon.clean.reasons)
and its line index. Body lines keep their exact characters (trailing whitespace stripped).

This module runs the passes; the cues of step 1 are in `text_cues`, the classes of steps 1 and
2 in `text_classes`, the main body and the metadata of steps 3 and 4 in `text_body`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import lru_cache

from rashomon.clean.base import Cleaned
from rashomon.clean.metadata import outlet_from_url
from rashomon.clean.templates import TemplateStore
from rashomon.clean.text_body import (
    find_byline,
    find_published,
    find_title,
    main_body,
    outlet_from_signatures,
    related_lines,
    removal_reason,
    select_lines,
    strip_outlet_suffix,
    template_key,
)
from rashomon.clean.text_classes import (
    body_language,
    body_script,
    classify,
    mark_foreign_language,
    revise,
)
from rashomon.clean.text_cues import BAD, EXTRA_STOPLISTS, SENTENCE_END, WORD, Line
from rashomon.lexicon.stopwords import stoplists_for
from rashomon.model import Hints, Removed
from rashomon.settings import Settings

__all__ = ["EXTRACTOR", "clean_text"]

EXTRACTOR = "rashomon.text.v1"


# ---------------------------------------------------------------------------------------------
# The cleaner
# ---------------------------------------------------------------------------------------------


def clean_text(
    text: str,
    *,
    url: str | None = None,
    hints: Hints = Hints(),  # noqa: B008 - Hints is frozen
    settings: Settings | None = None,
    templates: TemplateStore | None = None,
) -> Cleaned:
    """Strip scraped plain text to its article: paragraphs, metadata and the audit.

    Never raises on odd text; every non-blank input line ends either in `paragraphs` or in
    `removed` (with its reason code and line index).
    """
    settings = settings if settings is not None else _default_settings()
    languages = tuple(dict.fromkeys((*settings.language.languages, *EXTRA_STOPLISTS)))
    stoplists = stoplists_for(languages)
    lines, tokens = _read_lines(text)
    if not lines:
        return Cleaned(paragraphs=(), extractor=EXTRACTOR, url=url)

    # The body's language and script from the longer lines.
    language = body_language(tokens, stoplists, hints.language)
    stops = stoplists.get(language or "", frozenset())
    script = body_script(lines)
    _set_densities(lines, tokens, stops)
    outlet = outlet_from_signatures(lines)
    outlet_key = template_key(url, outlet, hints)

    # Pass 1: first classes.
    max_short = settings.clean.text.max_short_line_words
    _first_classes(lines, tokens, script, stops, max_short, templates, outlet_key)
    # Same-script lines in another language (cheap pre-filter, lingua confirms).
    if settings.clean.text.foreign_language and language:
        mark_foreign_language(lines, tokens, stoplists, language, settings)
    for line in lines:
        line.first = line.cls

    revise(lines)  # Pass 2: context.
    start, end = main_body(lines)  # Pass 3: the main body.
    keep = select_lines(lines, start, end)

    title_pos, byline, related, published = _metadata(lines, start, end, keep, hints, url)
    if outlet is None and url:
        outlet = outlet_from_url(url)
    paragraphs, removed = _assemble(lines, keep, title_pos, start, end, related)
    if templates is not None and outlet_key:
        templates.observe(outlet_key, (line.stripped for line in lines))

    return Cleaned(
        paragraphs=tuple(paragraphs),
        extractor=EXTRACTOR,
        removed=tuple(removed),
        title=_title(lines, title_pos, outlet),
        outlet=outlet,
        byline=byline,
        published=published,
        url=url,
        declared_language=language,
    )


def _read_lines(text: str) -> tuple[list[Line], list[list[str]]]:
    """Pass 0: a record and the lower-cased word tokens of every non-blank line."""
    lines: list[Line] = []
    tokens: list[list[str]] = []
    for i, raw in enumerate(text.splitlines()):
        stripped = raw.strip()
        if not stripped:
            continue
        toks = [w.lower() for w in WORD.findall(stripped)]
        tokens.append(toks)
        lines.append(
            Line(
                index=i,
                text=raw.rstrip(),
                stripped=stripped,
                words=len(toks),
                chars=len(stripped),
                density=0.0,
                ends_sentence=stripped.endswith(SENTENCE_END)
                and not stripped.endswith(("...", "…", "...)", "…)")),
            )
        )
    return lines, tokens


def _set_densities(lines: list[Line], tokens: list[list[str]], stops: frozenset[str]) -> None:
    """Each line's stopword density in the body's language (digits not counted as words)."""
    for line, toks in zip(lines, tokens, strict=True):
        words = [t for t in toks if not t.isdigit()]
        if words and stops:
            line.density = sum(t in stops for t in words) / len(words)


def _first_classes(
    lines: list[Line],
    tokens: list[list[str]],
    script: str | None,
    stops: frozenset[str],
    max_short: int,
    templates: TemplateStore | None,
    outlet_key: str | None,
) -> None:
    """Classify each line alone, then mark the outlet's template lines and short repeats."""
    cjk_body = script in ("cjk", "thai")
    repeats = Counter(line.stripped for line in lines)
    for line, toks in zip(lines, tokens, strict=True):
        classify(line, toks, script, cjk_body, max_short, stops)
        if (
            line.cls != BAD
            and templates is not None
            and outlet_key
            and templates.is_furniture(outlet_key, line.stripped)
        ):
            line.cls, line.reason = BAD, "template"
        if (
            line.cls != BAD
            and repeats[line.stripped] > 1
            and line.chars < 120
            and not (line.ends_sentence and line.words >= 6)
        ):
            line.cls, line.reason = BAD, line.reason or "duplicate-line"


def _metadata(
    lines: list[Line], start: int, end: int, keep: list[bool], hints: Hints, url: str | None
) -> tuple[int | None, str | None, set[int], date | None]:
    """The title's line, the byline, the related-block lines and the publication date."""
    title_pos = find_title(lines, start, keep, hints)
    byline = find_byline(lines, start, end)
    related = related_lines(lines, start, end, title_pos)
    published = find_published(lines, start, end, keep, related, url)
    return title_pos, byline, related, published


def _assemble(
    lines: list[Line],
    keep: list[bool],
    title_pos: int | None,
    start: int,
    end: int,
    related: set[int],
) -> tuple[list[str], list[Removed]]:
    """The body paragraphs (repeated long lines once) and every other line with its reason."""
    paragraphs: list[str] = []
    removed: list[Removed] = []
    seen_body: set[str] = set()
    for pos, line in enumerate(lines):
        if pos == title_pos:
            removed.append(Removed(line.text, "title", line.index))
            continue
        if keep[pos]:
            if line.stripped in seen_body and line.words >= 6:
                removed.append(Removed(line.text, "duplicate-line", line.index))
                continue
            seen_body.add(line.stripped)
            paragraphs.append(line.text)
            continue
        removed.append(
            Removed(line.text, removal_reason(line, pos, start, end, related), line.index)
        )
    return paragraphs, removed


def _title(lines: list[Line], title_pos: int | None, outlet: str | None) -> str | None:
    """The title line's text, without a trailing " - Outlet" suffix."""
    title = lines[title_pos].stripped if title_pos is not None else None
    if title and outlet:
        title = strip_outlet_suffix(title, outlet)
    return title


@lru_cache(maxsize=1)
def _default_settings() -> Settings:
    return Settings()
