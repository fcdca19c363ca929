"""Headline checks: does a report's own body back its headline, and what in the rest of the
story comes closest?

A headline's content words are weighed by their rarity in the story (a word every report
uses, like the two countries of a bilateral meeting, backs little) and names count as one
token whatever their spelling ("US" = "United States"). Each claim of a body backs the share
of that weight whose words it contains: `score`. The best claim is the evidence; the verdict
is "supported" from `compare.headline_supported`, "partly" from `compare.headline_partly`,
else "unsupported". Across languages, where words cannot meet, the claim vectors' cosine
stands in.

A headline worded as somebody's words ("Minister: We will …", or mostly in quotation marks)
claims that somebody said them. It is checked against quotes only, and "supported" also
needs the quoted words themselves: most of the headline's words, function words included,
in the same order in one quote; otherwise the best it gets is "partly".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rashomon.annotate.entities import gazetteer
from rashomon.compare.units import Unit, claim_ref
from rashomon.compare.words import lists, stem, stems, tokens
from rashomon.model import ClaimRef, Doc, HeadlineCheck

__all__ = ["Thresholds", "check_headlines", "quotation_words"]

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_COLON_QUOTE = re.compile(r"^(?P<speaker>[^:]{2,60}):\s+(?P<words>.+)$")
_QUOTED = re.compile(r"[\"“«‘'](?P<words>[^\"”»’]{8,})[\"”»’]")
VERBATIM = 0.6  # share of a quotation headline's words a quote must hold, in order
COSINE_FLOOR, COSINE_SPAN = 0.3, 0.5  # a cosine of 0.3 backs nothing, 0.8 everything
WORDS_SHARE = 0.7  # in one language: 0.7 of the score from words, 0.3 from the vectors


@dataclass(frozen=True, slots=True)
class Thresholds:
    supported: float
    partly: float

    def verdict(self, score: float) -> str:
        if score >= self.supported:
            return "supported"
        return "partly" if score >= self.partly else "unsupported"


def quotation_words(headline: str) -> str | None:
    """The words a headline puts in somebody's mouth, or None when it is not so worded."""
    m = _COLON_QUOTE.match(headline.strip())
    if m:
        words = m["words"].strip()
        quoted = _QUOTED.search(words)
        if quoted:
            return quoted["words"]
        if set(tokens(words)) & lists().first_person:
            return words.strip("\"“”«»'‘’ ")
    quoted = _QUOTED.search(headline)
    if quoted and len(tokens(quoted["words"])) >= 0.5 * len(tokens(headline)):
        return quoted["words"]
    return None


def check_headlines(
    docs: Sequence[Doc],
    units: Sequence[Unit],
    vectors: np.ndarray,
    embed_texts,
    thresholds: Thresholds,
) -> list[HeadlineCheck]:
    """A HeadlineCheck for every doc with a headline (units and vectors: all the story's
    claims; `embed_texts` turns texts into unit vectors like the claim vectors)."""
    titled = [d for d in docs if d.article.title and d.article.title.strip()]
    if not titled:
        return []
    names = _name_index(docs)
    weights = _weights(units, names)
    head_vectors = embed_texts([d.article.title or "" for d in titled])
    quotes = _quote_units(units)
    checks = []
    for doc, vector in zip(titled, head_vectors, strict=True):
        checks.append(_check(doc, vector, units, vectors, quotes, names, weights, thresholds))
    return checks


def _check(doc, vector, units, vectors, quotes, names, weights, thresholds) -> HeadlineCheck:
    headline = (doc.article.title or "").strip()
    quoted = quotation_words(headline)
    terms = _headline_terms(quoted or headline, names)
    wanted = list(terms)
    pool = quotes if quoted else list(range(len(units)))
    source = doc.article.origin
    own = [i for i in pool if units[i].source == source]
    others = [i for i in pool if units[i].source != source]
    cosines = vectors @ vector if len(units) else np.zeros(0)
    best, score, unbacked = _best(own, wanted, quoted, units, cosines, names, weights, doc)
    other, other_score, _ = _best(others, wanted, quoted, units, cosines, names, weights, doc)
    return HeadlineCheck(
        source=source,
        headline=headline,
        verdict=_verdict(score, best, quoted, units, thresholds),
        score=round(score, 3),
        evidence=_evidence(units[best], quoted) if best is not None else None,
        unbacked=tuple(terms[t] for t in unbacked),
        quotation=quoted is not None,
        elsewhere=_evidence(units[other], quoted) if other is not None else None,
        elsewhere_verdict=_verdict(other_score, other, quoted, units, thresholds),
        elsewhere_score=round(other_score, 3),
    )


def _evidence(u: Unit, quoted: str | None) -> ClaimRef:
    """A quotation headline's evidence is the quote's claim; any other's the whole sentence."""
    ref = claim_ref(u)
    if quoted is not None:
        return ref
    start, end, text = u.sentence
    return replace(ref, start=start, end=end, text=text)


def _verdict(score, best, quoted, units, thresholds: Thresholds) -> str:
    verdict = thresholds.verdict(score)
    if verdict != "supported" or quoted is None or best is None:
        return verdict
    return "partly" if _in_order(tokens(quoted), units[best].words) < VERBATIM else verdict


def _best(candidates, wanted, quoted, units, cosines, names, weights, doc):
    """The candidate claim backing most of the headline: (index, score, unbacked words)."""
    total = sum(weights.get(t, weights["\0max"]) for t in wanted) or 1.0
    language = doc.article.language or ""
    best, best_score, best_missing = None, 0.0, list(wanted)
    for i in candidates:
        u = units[i]
        meaning = float(np.clip((cosines[i] - COSINE_FLOOR) / COSINE_SPAN, 0.0, 1.0))
        if u.language == language:
            have = _unit_terms(u, names, whole_sentence=quoted is None)
            backed = sum(weights.get(t, weights["\0max"]) for t in wanted if t in have)
            score = WORDS_SHARE * backed / total + (1 - WORDS_SHARE) * meaning
            missing = [t for t in wanted if t not in have]
        else:
            score, missing = meaning, []
        if score > best_score:
            best, best_score, best_missing = i, score, missing
    return best, best_score, best_missing


# -- terms ----------------------------------------------------------------------------------


def _name_index(docs: Sequence[Doc]) -> dict[str, str]:
    """Every name mention seen in the story (lowercased) -> its canonical name."""
    found: dict[str, str] = {}
    for doc in docs:
        for e in doc.entities:
            if e.type in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"):
                found.setdefault(e.text.lower(), e.canonical)
                found.setdefault(e.canonical.lower(), e.canonical)
    return found


def _headline_terms(text: str, names: Mapping[str, str]) -> dict[str, str]:
    """The headline's content stems, name mentions replaced by "§canonical" (names the story
    uses, else those the place and organisation tables know: "EU" = "European Union"), each
    with the words the headline wrote it in."""
    words = _WORD.findall(text)
    terms: dict[str, str] = {}
    i = 0
    while i < len(words):
        for size in (4, 3, 2, 1):
            if size > len(words) - i:
                continue
            canonical = _name(" ".join(words[i : i + size]), names)
            if canonical:
                terms.setdefault("§" + canonical, " ".join(words[i : i + size]))
                i += size
                break
        else:
            w = words[i].lower().replace("’", "'")
            if w not in lists().stopwords and not (len(w) == 1 and w.isalpha()):
                terms.setdefault(stem(w), words[i])
            i += 1
    return terms


def _name(phrase: str, names: Mapping[str, str]) -> str | None:
    found = names.get(phrase.lower())
    if found or not phrase[:1].isupper():
        return found
    gaz = gazetteer()
    named = gaz.org(phrase) or gaz.place(phrase)
    if named is not None:
        return named.canonical
    country = gaz.demonym(phrase)
    return country.name if country else None


def _unit_terms(u: Unit, names: Mapping[str, str], whole_sentence: bool = False) -> set[str]:
    """The terms of a claim (or of the whole sentence it stands in): stems and names."""
    text = u.sentence[2] if whole_sentence else u.text
    words = tokens(text)
    have = set(stems(text)) if whole_sentence else set(u.content)
    have.update("§" + e for e in u.claim.entities)
    have.update("§" + names[n] for n in _phrases(words) if n in names)
    return have


def _phrases(words: Sequence[str]) -> set[str]:
    return {" ".join(words[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}


def _weights(units: Sequence[Unit], names: Mapping[str, str]) -> dict[str, float]:
    """Rarity of each term over the story's claims; "\\0max" for a term no claim uses."""
    df: Counter[str] = Counter()
    for u in units:
        df.update(_unit_terms(u, names))
    n = max(1, len(units))
    weights = {t: math.log1p(n / c) for t, c in df.items()}
    weights["\0max"] = math.log1p(n)
    return weights


def _quote_units(units: Sequence[Unit]) -> list[int]:
    """The claims that carry somebody's words (inside a quote)."""
    return [i for i, u in enumerate(units) if u.claim.quote is not None]


def _in_order(wanted: Sequence[str], words: Sequence[str]) -> float:
    """Share of `wanted` found in `words` in the same order (longest common subsequence)."""
    skip = lists().first_person
    wanted = [w for w in wanted if w not in skip]
    if not wanted:
        return 0.0
    prev = [0] * (len(words) + 1)
    for w in wanted:
        row = [0]
        for j, x in enumerate(words):
            row.append(prev[j] + 1 if w == x else max(prev[j + 1], row[j]))
        prev = row
    return prev[-1] / len(wanted)
