"""Does a headline say more than the body passage that backs it?

A headline check finds the body's best support for a headline (compare/headlines.py); this
module reads the headline against that support for three ways of saying more than it:

- number: a figure of the same unit larger than any the support gives ("50 killed" over a
  body's "killed 30"), or the support's upper bound dropped ("up to 50" -> "50"). Figures the
  two can both mean ("about 40" and "38") are no overstatement, nor a smaller figure (it may
  be an earlier count). Not weighed: a headline's question, a list's count ("10 ways", "Top
  5"), a year, an ordinal ("3rd week"), a number that names an item ("#18", "No. 5").
- hedge: the support hedges ("may", "reportedly", "is believed to") and the headline, a
  statement with a finite verb, neither hedges nor attributes.
- attribution: the support is somebody's allegation (a quote whose cue is "alleged",
  "claimed", "accused", ...) and the headline states it in its own voice.

The hedge and attribution checks need the support to back the headline fully ("supported"),
a headline in English, and a parse of it (the spaCy model `annotate.model`, loaded only when
a support hedges or alleges). A headline worded as somebody's words attributes by its form,
so only its figures are read. Each finding keeps both sides' words and a line on what the
headline adds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from rashomon.compare.conflicts import compatible
from rashomon.compare.units import Number, Unit, claim_ref, text_numbers
from rashomon.compare.words import lists, stem, tokens
from rashomon.model import ClaimRef, Overstatement, Stance

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["overstatements", "states_flatly"]

_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEARS = (1900.0, 2100.0)
_FINITE = frozenset({"VBZ", "VBP", "VBD", "MD"})
_QUOTE_MARKS = ('"', "“", "”", "«", "»")


def overstatements(
    headline: str,
    quotation: bool,
    support: Sequence[Unit],
    full: bool,
    asserts: Callable[[str], bool],
) -> tuple[Overstatement, ...]:
    """Where `headline` says more than its `support` (the body units that back it best;
    `full` when they back it fully). `asserts(headline)` says whether the headline is a
    statement in its own voice (a finite verb, no hedge, no attribution)."""
    if not support or headline.rstrip().endswith("?"):
        return ()
    found = _numbers(headline, support)
    if quotation or not full or _guarded(headline):
        return tuple(found)
    loose = _hedges(support) + _allegations(support)
    if loose and asserts(headline):
        found += loose
    return tuple(found)


def _guarded(headline: str) -> bool:
    """Whether the headline hedges, or says that somebody else says it."""
    words = set(tokens(headline))
    vocabulary = lists()
    return (
        bool(words & vocabulary.headline_hedges)
        or bool(words & vocabulary.headline_attribution)
        or any(m in headline for m in _QUOTE_MARKS)
        or ": " in headline[:60]
    )


def _numbers(headline: str, support: Sequence[Unit]) -> list[Overstatement]:
    found = []
    for number in text_numbers(headline):
        if not _weighable(number, headline):
            continue
        pool = [(n, u) for u in support for n in _figures(u) if n.unit == number.unit]
        said = _overstated(number, [n for n, _ in pool]) if pool else None
        if said is not None:
            unit = next(u for n, u in pool if n is said)
            found.append(
                _finding("number", number.text, said.text, unit, _number_why(number, said))
            )
    return found


def _figures(unit: Unit) -> tuple[Number, ...]:
    """The support's figures read from its sentence as the headline's are read (the claim
    finder's normal form can drop a bound: "up to 200 homes" -> "200 homes")."""
    return tuple(n for n in _sentence_numbers(unit.sentence[2]) if not _ORDINAL.search(n.text))


@lru_cache(maxsize=4096)
def _sentence_numbers(text: str) -> tuple[Number, ...]:
    return text_numbers(text)


def _weighable(number: Number, headline: str) -> bool:
    """A headline figure that counts something the body can give: not bare, not a year,
    not an ordinal, not the count of a list."""
    if not number.unit or _ORDINAL.search(number.text):
        return False
    if _YEARS[0] <= number.value <= _YEARS[1] and number.step == 1.0 and number.bound == "=":
        return False
    return not _list_count(number, headline) and not _numbered(number, headline)


def _numbered(number: Number, headline: str) -> bool:
    """'Signal #18', 'No. 5', 'Episode 12': a number that names an item, not a count."""
    digits = re.escape(f"{number.value:g}")
    return bool(
        re.search(rf"(?:#|\bno\.|\bepisode|\bpart|\bvol\.?|\bissue)\s*{digits}\b", headline, re.I)
    )


def _list_count(number: Number, headline: str) -> bool:
    """'10 ways to …', 'Top 5 …', 'The 7 best …': the count of the article's own items."""
    words = tokens(headline)
    digits = f"{number.value:g}"
    if digits not in words:
        return False
    at = words.index(digits)
    before = words[at - 1] if at else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    vocabulary = lists()
    return before in vocabulary.list_openers or stem(after) in vocabulary.list_nouns


def _overstated(number: Number, body: list[Number]) -> Number | None:
    """The body figure `number` overstates, or None: it is above every figure of its unit
    the support gives, or it drops the upper bound of the one it equals."""
    fits = [n for n in body if compatible(number, n)]
    if fits:
        dropped = [n for n in fits if _drops_bound(number, n)]
        return dropped[0] if len(dropped) == len(fits) else None
    if all(number.value > n.value for n in body):
        return max(body, key=lambda n: n.value)
    return None


def _drops_bound(number: Number, said: Number) -> bool:
    return said.bound == "<=" and number.bound == "=" and said.value == number.value


def _number_why(number: Number, said: Number) -> str:
    if _drops_bound(number, said):
        return f'the body gives "{said.text}" as an upper bound; the headline drops the bound'
    return f'the headline\'s "{number.text}" is more than the body\'s "{said.text}"'


def _hedges(support: Sequence[Unit]) -> list[Overstatement]:
    for unit in support:
        if unit.claim.stance == Stance.HEDGED and unit.claim.cues:
            cue = ", ".join(unit.claim.cues)
            why = f'the body hedges it ("{cue}"); the headline states it as fact'
            return [_finding("hedge", "stated as fact", cue, unit, why)]
    return []


def _allegations(support: Sequence[Unit]) -> list[Overstatement]:
    cues = lists().allegation_cues
    for unit in support:
        cue = " ".join(unit.claim.cues)
        if unit.claim.stance == Stance.REPORTED and {stem(w) for w in tokens(cue)} & cues:
            who = f"{unit.speaker}'s allegation" if unit.speaker else "an allegation"
            why = f'the body gives it as {who} ("{cue}"); the headline as fact'
            said = f"{unit.speaker}: {cue}" if unit.speaker else cue
            return [_finding("attribution", "stated as fact", said, unit, why)]
    return []


def _finding(kind: str, headline: str, body: str, unit: Unit, why: str) -> Overstatement:
    start, end, text = unit.sentence
    evidence: ClaimRef = replace(claim_ref(unit), start=start, end=end, text=text)
    return Overstatement(kind, headline, body, evidence, why)


@lru_cache(maxsize=4096)
def states_flatly(model: str, headline: str) -> bool:
    """`asserts` for `overstatements`: whether an English headline has a finite verb (or
    "to" + a verb with a subject: "Minister to resign"), parsed by the spaCy pipeline
    `model`."""
    from rashomon.annotate.nlp import load

    parsed = load(model)(headline)
    for token in parsed:
        if token.tag_ in _FINITE and token.pos_ in ("VERB", "AUX"):
            return True
        if (
            token.tag_ == "VB"
            and _has_subject(token)
            and any(c.lower_ == "to" for c in token.children)
        ):
            return True  # "Minister to resign"; not "a guide to sleep", "how to sleep"
    return False


def _has_subject(token: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
