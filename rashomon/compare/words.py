"""Words as the comparison sees them: tokens reduced to a comparable stem, the function words
that carry no content, and the word lists of `data/compare.toml` (negators, reversal verbs,
number bounds, opposite predicates).

A stem is the lowercased word with a few English inflections cut ("ministers" -> "minister",
"talks" -> "talk", "closed" and "close" -> "clos", "held" stays): crude, but the same cut on
both sides is all an overlap needs, and it leaves other languages' words whole enough to
match themselves."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Lists", "lists", "stem", "stems", "tokens"]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ed", "ly")
_SIBILANT_PLURAL = ("sses", "xes", "zes", "ches", "shes")


def tokens(text: str) -> list[str]:
    """The words of `text`, lowercased, apostrophes normalised ("Russia’s" -> "russia's")."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """`word` with a possessive and one common English inflection cut, when enough is left."""
    if word.endswith("'s"):
        word = word[:-2]
    word = _cut(word)
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


def _cut(word: str) -> str:
    if word.endswith(("ies", "ied")) and len(word) >= 6:
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith(_SIBILANT_PLURAL):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) >= 4:
        return word[:-1]
    return word


def stems(text: str, drop_stopwords: bool = True) -> list[str]:
    """The stems of the content words of `text`, in order (numbers kept)."""
    stop = lists().stopwords if drop_stopwords else frozenset()
    return [stem(w) for w in tokens(text) if w not in stop and not (len(w) == 1 and w.isalpha())]


@dataclass(frozen=True)
class Lists:
    """The word lists of data/compare.toml, as sets of words (or of stems, for antonyms)."""

    stopwords: frozenset[str]
    negators: frozenset[str]
    reversals: frozenset[str]
    at_least: tuple[str, ...]
    at_most: tuple[str, ...]
    about: tuple[str, ...]
    antonyms: frozenset[tuple[str, str]]
    first_person: frozenset[str]
    negators_other: frozenset[str] = frozenset()
    weekdays: tuple[tuple[str, int], ...] = ()  # (name, 0 = Monday .. 6)
    people: frozenset[str] = frozenset()
    furniture: re.Pattern[str] | None = None
    roles: frozenset[str] = frozenset()
    former: frozenset[str] = frozenset()
    headline_hedges: frozenset[str] = frozenset()
    headline_attribution: frozenset[str] = frozenset()
    allegation_cues: frozenset[str] = frozenset()  # stems
    list_openers: frozenset[str] = frozenset()
    list_nouns: frozenset[str] = frozenset()  # stems


@lru_cache(maxsize=1)
def lists() -> Lists:
    """The word lists, read once from the package data."""
    text = resources.files("rashomon").joinpath("data", "compare.toml").read_text("utf-8")
    data = tomllib.loads(text)
    pairs = set()
    for line in data["antonyms"].strip().splitlines():
        left, _, right = line.partition("|")
        a, b = stem(left.strip()), stem(right.strip())
        pairs.update({(a, b), (b, a)})
    return Lists(
        stopwords=frozenset(data["stopwords"].split()),
        negators=frozenset(data["negators"].split()),
        reversals=frozenset(stem(w) for w in data["reversals"].split()),
        at_least=_phrases(data["at_least"]),
        at_most=_phrases(data["at_most"]),
        about=_phrases(data["about"]),
        antonyms=frozenset(pairs),
        first_person=frozenset(data["first_person"].split()),
        negators_other=frozenset(data["negators_other"].split()),
        weekdays=_weekdays(data["weekdays"]),
        people=frozenset(data["people"].split()),
        furniture=re.compile("|".join(data["furniture"]), re.IGNORECASE),
        roles=frozenset(data["roles"].split()),
        former=frozenset(data["former"].split()),
        headline_hedges=frozenset(data["headline_hedges"].split()),
        headline_attribution=frozenset(data["headline_attribution"].split()),
        allegation_cues=frozenset(stem(w) for w in data["allegation_cues"].split()),
        list_openers=frozenset(data["list_openers"].split()),
        list_nouns=frozenset(stem(w) for w in data["list_nouns"].split()),
    )


def _weekdays(text: str) -> tuple[tuple[str, int], ...]:
    return tuple((name, n) for line in text.split("\n") for n, name in enumerate(line.split()))


def _phrases(phrases: list[str]) -> tuple[str, ...]:
    """Bound markers, longest first, so "no more than" is tried before "more than"."""
    return tuple(sorted(phrases, key=len, reverse=True))
