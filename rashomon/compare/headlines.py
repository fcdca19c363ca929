"""Headline checks: does a report's own body back its headline, and what in the rest of the
story comes closest?

A headline's content words are weighed by their rarity in the story (a word every report
uses, like the two countries of a bilateral meeting, backs little) and names count as one
token whatever their spelling ("US" = "United States"). Each claim of a body backs the share
of that weight whose words it contains: `score`. The best claim is the evidence; the verdict
is "supported" from `compare.headline_supported`, "partly" from `compare.headline_partly`,
else "unsupported". Across languages, where words cannot meet, the claim vectors' cosine
stands in.

What the best support backs, the headline may still overstate: a larger figure, a dropped
hedge or bound, an allegation stated as fact (compare/overstate.py; `overstates`).

A headline often joins two sentences of its body: when the best sentence alone does not
support it and a second one backs clearly more of it together with the best, the two are
scored together and the second is `also`.

A headline worded as somebody's words ("Minister: We will …", or mostly in quotation marks)
claims that somebody said them. It is checked against quotes only, and "supported" also
needs the quoted words themselves: most of the headline's words, function words included,
in the same order in one quote; otherwise the best it gets is "partly".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rashomon.compare.overstate import overstatements, states_flatly
from rashomon.compare.units import Unit, claim_ref
from rashomon.compare.words import lists, stem, stems, tokens
from rashomon.lexicon.names import gazetteer
from rashomon.model import ClaimRef, Doc, HeadlineCheck, HeadlineVerdict

__all__ = ["Thresholds", "check_headlines", "quotation_words"]

ECHO_WORDS = 4  # a shorter headline may open a sentence of its body by chance
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_COLON_QUOTE = re.compile(r"^(?P<speaker>[^:]{2,60}):\s+(?P<words>.+)$")
_QUOTED = re.compile(r"[\"“«‘'](?P<words>[^\"”»’]{8,})[\"”»’]")
VERBATIM = 0.6  # share of a quotation headline's words a quote must hold, in order
COSINE_FLOOR, COSINE_SPAN = 0.3, 0.5  # a cosine of 0.3 backs nothing, 0.8 everything
WORDS_SHARE = 0.7  # in one language: 0.7 of the score from words, 0.3 from the vectors
SECOND_GAIN = 0.1  # how much more two sentences must back than the best one alone


@dataclass(frozen=True, slots=True)
class Thresholds:
    supported: float
    partly: float
    model: str = ""  # the spaCy pipeline that parses a headline for overstatement; "" none

    def verdict(self, score: float) -> HeadlineVerdict:
        if score >= self.supported:
            return HeadlineVerdict.SUPPORTED
        return HeadlineVerdict.PARTLY if score >= self.partly else HeadlineVerdict.UNSUPPORTED


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


@dataclass
class _Context:
    """What every headline of a story is checked against."""

    units: Sequence[Unit]
    vectors: np.ndarray
    names: Mapping[str, str]
    weights: Mapping[str, float]
    thresholds: Thresholds
    claim_terms: list[set[str]]
    sentence_terms: list[set[str]]
    quotes: list[int]

    def weight(self, term: str) -> float:
        return self.weights.get(term, self.weights["\0max"])

    def asserts(self, headline: str) -> bool:
        """Whether the headline is a statement (a finite verb), by the thresholds' model."""
        model = self.thresholds.model
        return bool(model) and states_flatly(model, headline)


def check_headlines(
    docs: Sequence[Doc],
    units: Sequence[Unit],
    vectors: np.ndarray,
    embed_texts: Callable[[Sequence[str]], np.ndarray],
    thresholds: Thresholds,
) -> list[HeadlineCheck]:
    """A HeadlineCheck for every doc with a headline (units and vectors: all the story's
    claims; `embed_texts` turns texts into unit vectors like the claim vectors)."""
    titled = [d for d in docs if d.article.title and d.article.title.strip()]
    if not titled:
        return []
    names = _name_index(docs)
    claim_terms = [_terms(u, names, u.text, u.content) for u in units]
    sentences: dict[tuple[str, int], set[str]] = {}
    sentence_terms = []
    for u in units:
        key = (u.source, u.sentence[0])
        if key not in sentences:
            sentences[key] = _terms(u, names, u.sentence[2], frozenset(stems(u.sentence[2])))
        sentence_terms.append(sentences[key])
    context = _Context(
        units,
        vectors,
        names,
        _weights(claim_terms),
        thresholds,
        claim_terms,
        sentence_terms,
        [i for i, u in enumerate(units) if u.claim.quote is not None],
    )
    head_vectors = embed_texts([(d.article.title or "").strip() for d in titled])
    return [_check(d, v, context) for d, v in zip(titled, head_vectors, strict=True)]


def _check(doc: Doc, vector: np.ndarray, ctx: _Context) -> HeadlineCheck:
    headline = (doc.article.title or "").strip()
    quoted = quotation_words(headline)
    terms = _headline_terms(quoted or headline, ctx.names)
    pool = ctx.quotes if quoted else range(len(ctx.units))
    source = doc.article.origin
    own = [i for i in pool if ctx.units[i].source == source and not _echo(headline, ctx.units[i])]
    others = [i for i in pool if ctx.units[i].source != source]
    cosines = ctx.vectors @ vector if len(ctx.units) else np.zeros(0)
    language = doc.article.language or ""
    best, score, unbacked = _best(own, list(terms), quoted, cosines, language, ctx)
    other, other_score, _ = _best(others, list(terms), quoted, cosines, language, ctx)
    second = None
    if quoted is None and best is not None and unbacked and score < ctx.thresholds.supported:
        second, score, unbacked = _second(own, best, score, list(terms), cosines, language, ctx)
    verdict = _verdict(score, best, quoted, ctx)
    support = [ctx.units[i] for i in (best, second) if i is not None]
    if verdict == HeadlineVerdict.UNSUPPORTED:
        support = []  # nothing backs it: there is no support for it to overstate
    full = verdict == HeadlineVerdict.SUPPORTED and language == "en"
    return HeadlineCheck(
        source=source,
        headline=headline,
        verdict=verdict,
        score=round(score, 3),
        evidence=_evidence(ctx.units[best], quoted) if best is not None else None,
        unbacked=tuple(terms[t] for t in unbacked),
        quotation=quoted is not None,
        elsewhere=_evidence(ctx.units[other], quoted) if other is not None else None,
        elsewhere_verdict=_verdict(other_score, other, quoted, ctx),
        elsewhere_score=round(other_score, 3),
        also=_evidence(ctx.units[second], quoted) if second is not None else None,
        overstates=overstatements(headline, quoted is not None, support, full, ctx.asserts),
    )


def _echo(headline: str, u: Unit) -> bool:
    """Whether a sentence of the body is the headline repeated atop it (the same words, maybe
    with the body's first sentence run on): a headline is never its own evidence."""
    head, sentence = tokens(headline), tokens(u.sentence[2])
    return len(head) >= ECHO_WORDS and sentence[: len(head)] == head


def _second(
    candidates: Sequence[int],
    best: int,
    score: float,
    wanted: list[str],
    cosines: np.ndarray,
    language: str,
    ctx: _Context,
) -> tuple[int | None, float, list[str]]:
    """A second sentence of the body that backs what the best one leaves out ("Protesters
    greet leaders in Oslo": the protest in one sentence, the leaders in Oslo in another).
    Taken only when the two together back clearly more (SECOND_GAIN) than the best alone:
    (its index or None, the score of the two, the terms still unbacked)."""
    total = sum(ctx.weight(t) for t in wanted) or 1.0
    have = ctx.sentence_terms[best]
    meaning = _meaning(cosines[best])
    top, top_score = None, score
    for i in candidates:
        if ctx.sentence_terms[i] is have or ctx.units[i].language != language:
            continue
        backed = sum(ctx.weight(t) for t in wanted if t in have or t in ctx.sentence_terms[i])
        joint = WORDS_SHARE * backed / total + (1 - WORDS_SHARE) * meaning
        if joint > top_score:
            top, top_score = i, joint
    if top is None or top_score < score + SECOND_GAIN:
        return None, score, [t for t in wanted if t not in have]
    both = have | ctx.sentence_terms[top]
    return top, top_score, [t for t in wanted if t not in both]


def _meaning(cosine: float) -> float:
    return float(np.clip((cosine - COSINE_FLOOR) / COSINE_SPAN, 0.0, 1.0))


def _evidence(u: Unit, quoted: str | None) -> ClaimRef:
    """A quotation headline's evidence is the quote's claim; any other's the whole sentence."""
    ref = claim_ref(u)
    if quoted is not None:
        return ref
    start, end, text = u.sentence
    return replace(ref, start=start, end=end, text=text)


def _verdict(score: float, best: int | None, quoted: str | None, ctx: _Context) -> HeadlineVerdict:
    verdict = ctx.thresholds.verdict(score)
    if verdict != HeadlineVerdict.SUPPORTED or quoted is None or best is None:
        return verdict
    words = ctx.units[best].words
    return HeadlineVerdict.PARTLY if _in_order(tokens(quoted), words) < VERBATIM else verdict


def _best(
    candidates: Sequence[int],
    wanted: list[str],
    quoted: str | None,
    cosines: np.ndarray,
    language: str,
    ctx: _Context,
) -> tuple[int | None, float, list[str]]:
    """The candidate claim backing most of the headline: (index, score, unbacked terms)."""
    total = sum(ctx.weight(t) for t in wanted) or 1.0
    passages = ctx.claim_terms if quoted else ctx.sentence_terms
    best, best_score, best_missing = None, 0.0, list(wanted)
    for i in candidates:
        meaning = _meaning(cosines[i])
        if ctx.units[i].language == language:
            have = passages[i]
            backed = sum(ctx.weight(t) for t in wanted if t in have)
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


def _terms(u: Unit, names: Mapping[str, str], text: str, content: frozenset[str]) -> set[str]:
    """The terms of a passage: its stems, its claim's names and the story's names in it."""
    have = set(content)
    have.update("§" + e for e in u.claim.entities)
    have.update("§" + names[n] for n in _phrases(tokens(text)) if n in names)
    return have


def _phrases(words: Sequence[str]) -> set[str]:
    return {" ".join(words[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}


def _weights(passages: Sequence[set[str]]) -> dict[str, float]:
    """Rarity of each term over the story's claims; "\0max" for a term no claim uses."""
    df: Counter[str] = Counter()
    for terms in passages:
        df.update(terms)
    n = max(1, len(passages))
    weights = {t: math.log1p(n / c) for t, c in df.items()}
    weights["\0max"] = math.log1p(n)
    return weights


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
