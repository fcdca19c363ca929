"""Signals: how an article frames its story and how much it tells about itself.

Beside what reports of one event say, a reader comparing them wants to know how each one says it:
how much of it is the outlet's opinion or hedging rather than reported speech, which loaded or
sensational words the outlet chose (in its headline and its own sentences, never inside a direct
quote, since a speaker's words are not the outlet's), what promotional matter the cleaner took
out of its page, and whether it names an author and a date. `signals_of` gathers these for one
article and `profile_line` says who the outlet is.

The words come from rashomon/data/loaded_words.tsv (its opening comment says how it is matched);
`load_words(path)` reads another file in the same format and names the line that is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache

from rashomon.datafile import read_table
from rashomon.errors import RegistryError
from rashomon.model import Doc, Outlet, Signals, WordHit

__all__ = [
    "KINDS",
    "PROMOTIONAL",
    "Words",
    "default_words",
    "load_words",
    "profile_line",
    "signals_of",
]

KINDS = ("loaded", "sensational")
# Removed-line reasons (rashomon.clean.reasons) that mark promotional matter in the page.
PROMOTIONAL = ("spam", "ad")
OWNERSHIP = {"state": "state-owned", "public": "public-service", "private": "privately owned"}

_APOSTROPHES = "'\u2019"
_HYPHENS = "-\u2010\u2011"


class Words:
    """A word list: each term with its kind, and one pattern that finds them all."""

    def __init__(self, terms: dict[str, str]) -> None:
        self.terms = dict(terms)
        alternatives = "|".join(_pattern(t) for t in sorted(terms, key=lambda t: (-len(t), t)))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, matched text, kind) of every term in `text`, left to right."""
        if not self.terms:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.end(), match.group(), self.terms[_key(match.group())]


def load_words(path: str | os.PathLike[str] | None = None) -> Words:
    """Read a word list (by default the packaged rashomon/data/loaded_words.tsv). Raises
    RegistryError naming the file and line when the file cannot be read or a line is wrong."""
    text, label = read_table("loaded_words.tsv", path, "word list")
    return Words(_parse(text, label))


@lru_cache(maxsize=1)
def default_words() -> Words:
    """The packaged word list, loaded once."""
    return load_words()


def signals_of(doc: Doc, outlet: Outlet) -> Signals:
    """The framing and reliability signals of one article: the share of its claims in each
    stance, the loaded and sensational words of its headline and its own sentences, the
    promotional lines removed from its page, and what it leaves out ("byline", "date")."""
    article = doc.article
    stances: list[str] = [claim.stance for claim in doc.claims]
    return Signals(
        source=article.origin,
        outlet=outlet,
        claims=len(stances),
        opinion_share=_share(stances, "opinion"),
        hedged_share=_share(stances, "hedged"),
        reported_share=_share(stances, "reported"),
        words=(*_headline_hits(article.title), *_body_hits(doc)),
        promotional=tuple(r.text for r in article.removed if r.reason in PROMOTIONAL),
        missing=_missing(doc),
    )


def profile_line(outlet: Outlet) -> str:
    """Who the outlet is, in one line: "Example Agency: Ruritania, state-owned, state-affiliated
    (owned by the ministry of information; source: https://...)", or "example.org: unknown
    outlet (not in the registry)"."""
    if not outlet.known:
        unknown = "unknown outlet (not in the registry)"
        return f"{outlet.name}: {unknown}" if outlet.name else unknown
    parts = [_country(outlet.country), OWNERSHIP.get(outlet.ownership or "", "")]
    parts.append(_affiliation(outlet))
    return f"{outlet.name}: " + ", ".join(part for part in parts if part)


# ---------------------------------------------------------------- signals


def _share(stances: list[str], stance: str) -> float:
    return stances.count(stance) / len(stances) if stances else 0.0


def _headline_hits(title: str | None) -> Iterator[WordHit]:
    for start, end, text, kind in default_words().find(title or ""):
        yield WordHit("headline", start, end, text, kind)


def _body_hits(doc: Doc) -> Iterator[WordHit]:
    quoted = [(q.start, q.end) for q in doc.quotes if q.kind == "direct"]
    for start, end, text, kind in default_words().find(doc.article.text):
        if not any(start < q_end and q_start < end for q_start, q_end in quoted):
            yield WordHit("body", start, end, text, kind)


def _missing(doc: Doc) -> tuple[str, ...]:
    article = doc.article
    gaps = {"byline": not article.byline, "date": article.published is None}
    return tuple(name for name, gap in gaps.items() if gap)


# ---------------------------------------------------------------- the outlet


def _country(code: str | None) -> str:
    if not code:
        return ""
    if code == "INT":
        return "international"
    from rashomon.lexicon.names import gazetteer

    country = gazetteer().countries.get(code)
    return country.name if country is not None else code


def _affiliation(outlet: Outlet) -> str:
    if outlet.state_affiliated is None:
        return ""
    label = "state-affiliated" if outlet.state_affiliated else "not state-affiliated"
    why = "; ".join(part for part in (outlet.basis, _cited(outlet.source)) if part)
    return f"{label} ({why})" if why else label


def _cited(url: str) -> str:
    return f"source: {url}" if url else ""


# ---------------------------------------------------------------- reading the file


def _parse(text: str, label: str) -> dict[str, str]:
    terms: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        term, kind = _row(line, f"{label}, line {number}")
        if term in terms:
            raise RegistryError(
                f"{label}, line {number}: {term!r} is already listed on line {lines[term]}"
            )
        terms[term], lines[term] = kind, number
    return terms


def _row(line: str, where: str) -> tuple[str, str]:
    cells = line.split("\t")
    if len(cells) != 2:
        raise RegistryError(
            f"{where}: expected 2 tab-separated columns (term, kind), found {len(cells)}"
        )
    term, kind = (" ".join(cell.split()) for cell in cells)
    if not term or not any(ch.isalnum() for ch in term):
        raise RegistryError(f"{where}: the term is empty or has no letters")
    if term != term.lower():
        raise RegistryError(f"{where}: the term {term!r} must be lower case")
    if kind not in KINDS:
        raise RegistryError(f"{where}: kind must be {' or '.join(KINDS)}, not {kind!r}")
    return _key(term), kind


def _key(text: str) -> str:
    """A term as matched text is looked up: lower case, one straight apostrophe, one hyphen,
    single spaces."""
    folded = text.lower()
    for mark in _APOSTROPHES[1:]:
        folded = folded.replace(mark, "'")
    for mark in _HYPHENS[1:]:
        folded = folded.replace(mark, "-")
    return " ".join(folded.split())


def _pattern(term: str) -> str:
    """The regular expression of one term: any run of spaces between its words, any hyphen
    for a hyphen, a straight or curly apostrophe for an apostrophe."""
    return r"\s+".join("".join(_char(ch) for ch in word) for word in term.split())


def _char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return f"[{_APOSTROPHES}]"
    if ch in _HYPHENS:
        return f"[{_HYPHENS}]"
    return re.escape(ch)
