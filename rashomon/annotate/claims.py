"""Claims: the units a report puts forward, each with whose voice it is in.

Every sentence becomes a claim unit; a sentence that carries several independent claims is
cut into clauses: at a semicolon with a subject on each side, and before a verb coordinated
with a main predicate when it has its own subject ("Prices rose 5%, and unemployment fell").
A cut is made only when both sides keep at least three words. Paragraph breaks always end a
unit, even where spaCy runs a sentence across them.

Stance, first rule that applies:

- reported: the unit is inside a Quote's content. A sentence that carries a quote is cut at
  the content's edges: the content (as the quote module drew it) becomes the reported unit,
  with `quote` set to the quote's index; the attribution frame around it ("Petrov said",
  ", as quoted by the Russian ministry") is not a claim and is dropped when it holds the
  quote's cue or speaker. A stretch outside the content with no cue or speaker is the
  outlet's own when it has a subject; without one it is a piece of the quoted sentence the
  quote's span left out, and is reported with the nearest quote. A quote of fewer than three
  words does not cut: the whole sentence is reported when the quote's cue or speaker lies in
  it ('He called the plan "a farce"'), and the quote is ignored otherwise (scare quotes).
  Nested quotes count as their outer quote. `cues` holds the quote's cue.
- reported, with `quote` None: no Quote covers the unit, but the outlet attributes it
  ("according to ...", "citing ...", cue "according to"), or at least half its words stand
  between double quotation marks (cue "quoted"). Whose voice it is matters more to a later
  stage than how sure the outlet sounds. Words between quotation marks never count as
  opinion or hedge cues.
- opinion: the outlet evaluates or addresses the reader: evaluative words ("bad",
  "disgraceful", "unfortunately", "clearly", "of course", "sort of", "really"), a verbless
  lead ("More bad news for ..."), a question or exclamation, first or second person, an
  imperative, or should/must/ought. Opinion beats hedged; its cues then include the hedges.
- hedged: the outlet's assertion carries a hedge: seem, appear to, suggest that, may, might,
  could, reportedly, allegedly, apparently, likely, possibly, "is believed to", ...
- asserted: anything else.

`numbers`: spaCy's CARDINAL, ORDINAL, MONEY, PERCENT and QUANTITY entities (and stray
numerals outside any entity), written in a readable normal form: commas dropped, number
words as digits ("two soldiers" -> "2 soldiers", "first" -> "1st"), the counted noun kept
("3,000 troops" -> "3000 troops"), percent as "%", currencies as codes ("$5 million" ->
"5 million USD"). Counts like "the two countries" are kept: "two" against "three" soldiers
is exactly what a contradiction check needs.
`dates`: the values (or the text, when unresolved) of the TimeExprs inside the unit.
`entities`: the canonical names of the Entity mentions inside the unit, once each, in order.
`negated`: the unit's main predicate (or its xcomp chain) has a `neg` dependent ("not",
"n't", "never"; "not only" does not count), "no longer", a "no"/"nobody"/"nothing"
argument, or is deny/refuse/fail/decline with a clause ("refused to comment"). A reported
unit whose quote's cue is a denial ("denied", "rejected") flips it.

One pass over sentences and tokens; quotes, entities and times are looked up by bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rashomon.annotate.nlp import sentences_of, text_of
from rashomon.model import Claim, Quote, Stance, TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["find_claims"]

PRODUCED_BY = "rashomon.claims.v1"


def _list(words: str) -> list[str]:
    return words.split()


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


MIN_WORDS = 3

_JOINTS = frozenset({",", ";", ":", "-", "\u2013", "\u2014"})
_EDGE = " \t\r\n\u00a0,;:-\u2013\u2014"
_OPENING = frozenset({"\u201c", "\u00ab", "\u201e"})
_CLOSING = frozenset({"\u201d", "\u00bb"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_ARGUMENTS = _SUBJECTS | {"dobj", "attr", "obj"}
_PREDICATE_POS = frozenset({"VERB", "AUX"})
_NUMERIC = frozenset({"CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})

_EVALUATIVE = _set(
    """bad sad sadly unfortunately fortunately thankfully hopefully regrettably shocking
    disgraceful outrageous scandalous shameful shamefully absurd ridiculous appalling
    deplorable despicable disgusting terrible terribly awful horrible dreadful pathetic
    stupid foolish reckless incompetent disastrous brilliant wonderful excellent fantastic
    amazing astonishing remarkable incredible unbelievable laudable admirable commendable
    unacceptable inexcusable blatant blatantly shamelessly hypocritical hypocrisy nonsense
    farce travesty fiasco debacle disgrace notorious infamous clearly obviously surely
    undoubtedly certainly frankly honestly really truly utterly sheer so-called"""
)
_EVALUATIVE_PAIRS = frozenset({("of", "course"), ("so", "called"), ("needless", "to")})
_VAGUE_NOUNS = frozenset({"sort", "kind"})
_LEADS = frozenset({"more", "another", "yet", "what", "how", "so"})
_PERSONAL = _set("i me my mine myself we us our ours ourselves you your yours yourself yourselves")
_RECOMMEND = frozenset({"should", "must", "ought"})

_HEDGE_MODALS = frozenset({"may", "might", "could"})
_HEDGE_WORDS = _set(
    """reportedly allegedly apparently possibly probably perhaps maybe presumably supposedly
    purportedly seemingly arguably likely unlikely possible probable alleged purported
    unconfirmed"""
)
_HEDGE_VERBS = frozenset({"seem"})
_HEDGE_IF_CLAUSE = frozenset({"appear", "suggest"})
_HEDGE_PASSIVE = frozenset(
    {"believe", "think", "say", "understand", "expect", "report", "rumor", "rumour", "suppose"}
)
_CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "acomp", "attr", "oprd"})

_NEGATIVE_VERBS = frozenset({"deny", "refuse", "fail", "decline"})
_NOBODY = frozenset({"nobody", "nothing", "none", "noone"})
_DENIAL_CUES = _set(
    """deny denies denied denying reject rejects rejected rejecting refute refutes refuted
    dismiss dismisses dismissed"""
)

_SMALL = {
    w: i
    for i, w in enumerate(
        _list("""zero one two three four five six seven eight nine ten eleven twelve thirteen
        fourteen fifteen sixteen seventeen eighteen nineteen""")
    )
}
_SMALL.update(
    {
        w: 10 * i
        for i, w in enumerate(_list("twenty thirty forty fifty sixty seventy eighty ninety"), 2)
    }
)
_ORDINALS = {
    w: i
    for i, w in enumerate(
        _list("""first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
        thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth
        twentieth"""),
        1,
    )
}
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "₹": "INR", "₴": "UAH"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "rupee": "INR",
    "rupees": "INR",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
}


@dataclass(frozen=True, slots=True)
class _Segment:
    """Tokens [a, b) of one sentence piece, clipped to characters [lo, hi)."""

    a: int
    b: int
    lo: int
    hi: int
    quote: int | None = None


class _Sorted:
    """Spans sorted by start, for bisecting the ones inside a character range."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = sorted(items, key=lambda x: (x.start, x.end))
        self.starts = [x.start for x in self.items]

    def within(self, start: int, end: int) -> list[Any]:
        i = bisect_left(self.starts, start)
        found = []
        while i < len(self.items) and self.starts[i] < end:
            if self.items[i].end <= end:
                found.append(self.items[i])
            i += 1
        return found


class _QuoteFeed:
    """Quotes in text order, handed out to the sentence pieces they overlap (one sweep)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.order = sorted(range(len(quotes)), key=lambda i: (quotes[i].start, -quotes[i].end))
        self.quotes = quotes
        self.next = 0
        self.open: list[int] = []

    def overlapping(self, start: int, end: int) -> list[int]:
        """Indices of the outermost quotes overlapping [start, end), in text order."""
        while self.next < len(self.order) and self.quotes[self.order[self.next]].start < end:
            self.open.append(self.order[self.next])
            self.next += 1
        self.open = [i for i in self.open if self.quotes[i].end > start]
        found: list[int] = []
        for i in self.open:
            q = self.quotes[i]
            if q.end <= start or q.start >= end:
                continue
            if found and self.quotes[found[-1]].end >= q.end:
                continue  # nested inside the previous one
            found.append(i)
        return found


class _Facts:
    """What a claim is filled from: the article's quotes, entity mentions, times and numeric
    entities, sorted for bisection."""

    def __init__(
        self, sdoc: SpacyDoc, quotes: Sequence[Quote], mentions: Any, times: Sequence[TimeExpr]
    ) -> None:
        self.quotes = quotes
        self.text = text_of(sdoc)
        self.entities = _Sorted(getattr(mentions, "entities", None) or ())
        self.times = _Sorted(times)
        self.numeric = [e for e in sdoc.ents if e.label_ in _NUMERIC]
        self.numeric_starts = [e.start for e in self.numeric]
        self.token_starts = [t.idx for t in sdoc] if quotes else []
        self.marked = _marked(sdoc)


def find_claims(
    sdoc: SpacyDoc, quotes: list[Quote], mentions: Any, times: list[TimeExpr]
) -> list[Claim]:
    """The claim units of the parsed article `sdoc`, in text order."""
    facts = _Facts(sdoc, quotes, mentions, times)
    feed = _QuoteFeed(quotes)
    claims: list[Claim] = []
    for a, b in _pieces(sdoc):
        active = feed.overlapping(*_chars(sdoc, a, b))
        for seg in _segments(sdoc, a, b, quotes, active, facts.token_starts):
            for ca, cb in _clauses(sdoc, seg.a, seg.b):
                bounds = _bounds(sdoc, facts.text, ca, cb, seg)
                if bounds is not None:
                    claims.append(_claim(sdoc, bounds, seg, facts))
    return claims


# -- units ---------------------------------------------------------------------------------


def _pieces(sdoc: SpacyDoc) -> Iterable[tuple[int, int]]:
    """Token ranges of the sentences, cut again at line breaks, without the break tokens."""
    for sent in sentences_of(sdoc):
        a = sent.start
        for t in sent:
            if t.is_space and "\n" in t.text:
                if t.i > a:
                    yield a, t.i
                a = t.i + 1
        if sent.end > a:
            yield a, sent.end


def _chars(sdoc: SpacyDoc, a: int, b: int) -> tuple[int, int]:
    last = sdoc[b - 1]
    return sdoc[a].idx, last.idx + len(last.text)


def _words(sdoc: SpacyDoc, a: int, b: int) -> int:
    return sum(1 for i in range(a, b) if not (sdoc[i].is_punct or sdoc[i].is_space))


def _tokens_inside(token_starts: list[int], sdoc: SpacyDoc, lo: int, hi: int) -> tuple[int, int]:
    """The token range lying wholly inside characters [lo, hi)."""
    a = bisect_left(token_starts, lo)
    b = bisect_left(token_starts, hi)
    while b > a and sdoc[b - 1].idx + len(sdoc[b - 1].text) > hi:
        b -= 1
    return a, b


def _segments(
    sdoc: SpacyDoc,
    a: int,
    b: int,
    quotes: Sequence[Quote],
    active: list[int],
    token_starts: list[int],
) -> list[_Segment]:
    """A sentence piece cut into quote contents (reported) and the stretches between them.
    A stretch holding a quote's cue or speaker is the attribution frame and is left out; one
    with a subject of its own is the outlet's; one without (a fragment of the quoted
    sentence the quote's span left out) is reported with the nearest quote."""
    lo, hi = _chars(sdoc, a, b)
    contents: list[_Segment] = []
    whole: int | None = None
    for qi in active:
        q = quotes[qi]
        cs, ce = max(q.start, lo, contents[-1].hi if contents else lo), min(q.end, hi)
        ta, tb = _tokens_inside(token_starts, sdoc, cs, ce)
        if _words(sdoc, ta, tb) >= MIN_WORDS:
            contents.append(_Segment(ta, tb, cs, ce, qi))
        elif whole is None and _frames(q, lo, hi):
            whole = qi
    if not contents:
        return [_Segment(a, b, lo, hi, whole)]
    frames = [quotes[qi] for qi in active]
    out: list[_Segment] = []
    pos = a
    for seg in [*contents, _Segment(b, b, hi, hi)]:
        if seg.a > pos:
            glo, ghi = _chars(sdoc, pos, seg.a)
            if not any(_frames(q, glo, ghi) for q in frames):
                near = out[-1].quote if out else seg.quote
                owner = None if _has_subject(sdoc, pos, seg.a) else near
                out.append(_Segment(pos, seg.a, glo, ghi, owner))
        if seg.b > seg.a:
            out.append(seg)
        pos = max(pos, seg.b)
    return out


def _has_subject(sdoc: SpacyDoc, a: int, b: int) -> bool:
    return any(sdoc[i].dep_ in _SUBJECTS for i in range(a, b))


def _marked(sdoc: SpacyDoc) -> bytearray:
    """1 for each token between double quotation marks (the marks reset at line breaks)."""
    flags = bytearray(len(sdoc))
    inside = False
    for t in sdoc:
        text = t.text
        if text in _OPENING or (text == '"' and not inside):
            inside = True
        elif text in _CLOSING or text == '"' or "\n" in text:
            inside = False
        elif inside:
            flags[t.i] = 1
    return flags


def _frames(q: Quote, lo: int, hi: int) -> bool:
    """Whether [lo, hi) holds the quote's cue or speaker."""
    return any(s is not None and s[0] < hi and s[1] > lo for s in (q.cue_span, q.speaker_span))


def _clauses(sdoc: SpacyDoc, a: int, b: int) -> list[tuple[int, int]]:
    """Tokens [a, b) cut into independent clauses; each keeps at least MIN_WORDS words."""
    cuts = sorted(set(_semicolon_cuts(sdoc, a, b)) | set(_conj_cuts(sdoc, a, b)))
    ranges: list[tuple[int, int]] = []
    start = a
    for cut in cuts:
        if _words(sdoc, start, cut) >= MIN_WORDS and _words(sdoc, cut, b) >= MIN_WORDS:
            ranges.append((start, _trim_joint(sdoc, start, cut)))
            start = cut
    ranges.append((start, b))
    return ranges


def _trim_joint(sdoc: SpacyDoc, a: int, b: int) -> int:
    """The end of a clause without the ", and" / ";" that joined it to the next."""
    while b > a + 1 and (sdoc[b - 1].dep_ == "cc" or sdoc[b - 1].text in _JOINTS):
        b -= 1
    return b


def _semicolon_cuts(sdoc: SpacyDoc, a: int, b: int) -> list[int]:
    """Cuts after semicolons that have a subject on both sides."""
    stops = [i for i in range(a, b) if sdoc[i].text == ";"]
    if not stops:
        return []
    bounds = [a - 1, *stops, b]
    has_subject = [
        _has_subject(sdoc, lo + 1, hi) for lo, hi in zip(bounds, bounds[1:], strict=False)
    ]
    return [stop + 1 for n, stop in enumerate(stops) if has_subject[n] and has_subject[n + 1]]


def _conj_cuts(sdoc: SpacyDoc, a: int, b: int) -> list[int]:
    """Cuts before predicates coordinated with a main predicate that have their own subject."""
    top = {i for i in range(a, b) if not a <= sdoc[i].head.i < b or sdoc[i].head.i == i}
    cuts = []
    for i in range(a, b):
        t = sdoc[i]
        if t.dep_ != "conj" or t.head.i not in top or t.pos_ not in _PREDICATE_POS:
            continue
        top.add(i)
        edge = t.left_edge.i
        if edge > t.head.i and edge > a and any(c.dep_ in _SUBJECTS for c in t.children):
            cuts.append(edge)
    return cuts


def _bounds(
    sdoc: SpacyDoc, text: str, a: int, b: int, seg: _Segment
) -> tuple[int, int, int, int] | None:
    """Tokens [a, b) clipped to the segment and trimmed of edge spaces and joints: the
    (token start, token end, char start, char end) of a unit, or None when it is too short."""
    lo, hi = _chars(sdoc, a, b)
    start, end = max(lo, seg.lo), min(hi, seg.hi)
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    while a < b and sdoc[a].idx < start:
        a += 1
    while b > a and sdoc[b - 1].idx + len(sdoc[b - 1].text) > end:
        b -= 1
    if _words(sdoc, a, b) < MIN_WORDS or not any(c.isalpha() for c in text[start:end]):
        return None
    return a, b, start, end


def _claim(
    sdoc: SpacyDoc, bounds: tuple[int, int, int, int], seg: _Segment, facts: _Facts
) -> Claim:
    """The claim on one unit: its stance, negation, numbers, dates and entities."""
    a, b, start, end = bounds
    span = sdoc[a:b]
    head = _predicate(span)
    negated = _negated(head)
    if seg.quote is not None:
        cue = (facts.quotes[seg.quote].cue or "").lower()
        stance, cues = Stance.REPORTED, tuple(c for c in (cue,) if c)
        if cue.split(" ", 1)[0] in _DENIAL_CUES:
            negated = not negated
    else:
        stance, cues = _stance(span, head, facts.text, start, end, facts.marked)
    return Claim(
        start=start,
        end=end,
        text=facts.text[start:end],
        stance=stance,
        quote=seg.quote,
        numbers=tuple(_numbers(span, facts)),
        dates=tuple(dict.fromkeys(t.value or t.text for t in facts.times.within(start, end))),
        entities=tuple(dict.fromkeys(e.canonical for e in facts.entities.within(start, end))),
        negated=negated,
        cues=cues,
        produced_by=PRODUCED_BY,
    )


# -- stance --------------------------------------------------------------------------------


def _predicate(span: SpacySpan) -> Token:
    """The unit's main predicate: its first verb whose head lies outside it (else its root)."""
    roots = [t for t in span if not span.start <= t.head.i < span.end or t.head.i == t.i]
    for t in roots:
        if t.pos_ in _PREDICATE_POS:
            return t
    return roots[0] if roots else span.root


def _stance(
    span: SpacySpan, head: Token, text: str, start: int, end: int, marked: bytearray
) -> tuple[Stance, tuple[str, ...]]:
    """The outlet's stance toward its own unit, and the words that decided it. Words inside
    quotation marks are someone else's and decide nothing; a unit mostly inside them is
    reported (with the cue "quoted")."""
    opinion: list[str] = []
    hedges: list[str] = []
    attributed: list[str] = []
    verbless = head.pos_ not in _PREDICATE_POS
    inside = words = pair_start = 0
    prev = ""
    for k, t in enumerate(span):
        word = t.lower_
        if not (t.is_punct or t.is_space):
            words += 1
            inside += marked[t.i]
        if marked[t.i]:
            pass
        elif (prev, word) == ("according", "to") or word == "citing":
            attributed.append("according to" if word == "to" else word)
        elif _evaluative(t, prev, word):
            pair = (prev, word) in _EVALUATIVE_PAIRS
            opinion.append(text[pair_start : t.idx + len(t)].lower() if pair else word)
        elif word in _VAGUE_NOUNS and _vague(span, k):
            opinion.append(f"{word} of")
        elif _addresses(t, word):
            opinion.append(word)
        elif _hedge(t, word):
            hedges.append(word)
        if not (t.is_space or t.is_punct):
            prev, pair_start = word, t.idx
    if attributed:
        return Stance.REPORTED, tuple(attributed)
    if 2 * inside >= words:
        return Stance.REPORTED, ("quoted",)
    opinion.extend(_editorial_form(span, head, text[start:end], verbless))
    if opinion:
        return Stance.OPINION, tuple(dict.fromkeys(_in_order(span, opinion + hedges)))
    if hedges:
        return Stance.HEDGED, tuple(dict.fromkeys(hedges))
    return Stance.ASSERTED, ()


def _evaluative(t: Token, prev: str, word: str) -> bool:
    if (prev, word) in _EVALUATIVE_PAIRS:
        return True
    return word in _EVALUATIVE and t.pos_ in ("ADJ", "ADV", "NOUN", "INTJ")


def _addresses(t: Token, word: str) -> bool:
    """First or second person, or a should/must/ought recommendation."""
    if t.tag_ == "MD":
        return word in _RECOMMEND
    return word in _PERSONAL and t.tag_ in ("PRP", "PRP$")


def _vague(span: SpacySpan, k: int) -> bool:
    """'a sort of synergy', 'kind of strange', but not 'this kind of attack'."""
    if k + 1 >= len(span) or span[k + 1].lower_ != "of":
        return False
    before = span[k - 1] if k > 0 else None
    return before is None or before.lower_ == "a" or before.pos_ not in ("DET", "ADJ", "PRON")


def _hedge(t: Token, word: str) -> bool:
    if t.tag_ == "MD":
        return word in _HEDGE_MODALS
    if word in _HEDGE_WORDS:
        return True
    lemma = t.lemma_.lower()
    if t.pos_ not in _PREDICATE_POS:
        return False
    if lemma in _HEDGE_VERBS:
        return True
    deps = {c.dep_ for c in t.children}
    if lemma in _HEDGE_IF_CLAUSE:
        return bool(deps & _CLAUSE_DEPS)
    return lemma in _HEDGE_PASSIVE and "auxpass" in deps and "xcomp" in deps


def _editorial_form(span: SpacySpan, head: Token, text: str, verbless: bool) -> list[str]:
    """Cues in the unit's form: a question or exclamation, a verbless lead, an imperative."""
    cues = []
    if text.rstrip("\"'”’)").endswith(("?", "!")):
        cues.append(text.rstrip("\"'”’)")[-1])
    words = [t for t in span if not (t.is_punct or t.is_space)]
    if verbless and words and words[0].lower_ in _LEADS:
        cues.append(words[0].lower_)
    if (
        words
        and head.i == words[0].i
        and head.tag_ == "VB"
        and not any(c.dep_ in _SUBJECTS or c.dep_ in ("aux", "auxpass") for c in head.children)
    ):
        cues.append(head.lower_)
    return cues


def _in_order(span: SpacySpan, cues: list[str]) -> list[str]:
    """Cues sorted by where their first word occurs in the unit."""
    where: dict[str, int] = {}
    for t in span:
        where.setdefault(t.lower_, t.i)
    return sorted(cues, key=lambda c: where.get(c.split()[0], 1 << 30))


# -- negation ------------------------------------------------------------------------------


def _negated(head: Token) -> bool:
    """Whether the main predicate (or its xcomp chain) is negated."""
    t: Token | None = head
    while t is not None:
        if _negated_here(t):
            return True
        t = next((c for c in t.children if c.dep_ == "xcomp"), None)
    return False


def _negated_here(t: Token) -> bool:
    clause = False
    for c in t.children:
        if c.dep_ == "neg" and not (c.lower_ == "not" and _next_word(c) == "only"):
            return True
        if c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children):
            return True
        if c.dep_ in _ARGUMENTS and _nobody(c):
            return True
        clause = clause or c.dep_ in ("xcomp", "ccomp")
    return clause and t.lemma_.lower() in _NEGATIVE_VERBS


def _nobody(t: Token) -> bool:
    if t.lower_ in _NOBODY or (t.lower_ == "one" and _prev_word(t) == "no"):
        return True
    return any(c.dep_ == "det" and c.lower_ == "no" for c in t.children)


def _next_word(t: Token) -> str:
    return t.nbor(1).lower_ if t.i + 1 < len(t.doc) else ""


def _prev_word(t: Token) -> str:
    return t.nbor(-1).lower_ if t.i > 0 else ""


# -- numbers, dates, entities --------------------------------------------------------------


def _numbers(span: SpacySpan, facts: _Facts) -> list[str]:
    """Numbers in the unit in normal form: numeric entities, then stray numerals."""
    found: list[tuple[int, str]] = []
    numeric, starts = facts.numeric, facts.numeric_starts
    i = bisect_left(starts, span.start)
    while i < len(numeric) and starts[i] < span.end:
        if numeric[i].end <= span.end:
            found.append((numeric[i].start, _normal(numeric[i])))
        i += 1
    for t in span:
        if t.like_num and t.pos_ == "NUM" and not t.ent_type_:
            found.append((t.i, _with_noun(_number_words([t.text]), t, t.i + 1)))
    return [n for _, n in sorted(found)]


def _normal(ent: SpacySpan) -> str:
    """A numeric entity as a readable, comparable string."""
    words = [t.text for t in ent]
    text = ent.text
    if _is_percent(words):
        return _percent(words)
    if ent.label_ == "MONEY":
        return _money(words)
    if ent.label_ == "ORDINAL":
        return _with_noun(_ordinal(text), ent.root, ent.end)
    number = _number_words(words)
    if ent.label_ == "CARDINAL":
        return _with_noun(number, ent.root, ent.end)
    return number


def _with_noun(number: str, root: Token, after: int) -> str:
    """'3000' + 'troops' when the number counts (or orders) the noun right after it."""
    head = root.head
    if root.dep_ in ("nummod", "amod") and head.i >= after and head.pos_ in ("NOUN", "PROPN"):
        return f"{number} {_CURRENCY_WORDS.get(head.lower_, head.text)}"
    return number


def _is_percent(words: list[str]) -> bool:
    return any(w.lower() in ("%", "percent", "cent") for w in words)


def _percent(words: list[str]) -> str:
    """['12', 'percent'] -> '12%', ['3.5', 'per', 'cent'] -> '3.5%'."""
    marked = [
        "%" if w.lower() in ("%", "percent", "cent") else w for w in words if w.lower() != "per"
    ]
    return _number_words(marked).replace(" %", "%")


def _money(words: list[str]) -> str:
    code = None
    rest = []
    for w in words:
        sign = w[-1:] if w[-1:] in _CURRENCY_SIGNS else None
        if sign and (len(w) == 1 or w[:-1].isalpha()):
            code = code or _CURRENCY_SIGNS[sign]
        elif w.lower() in _CURRENCY_WORDS:
            code = code or _CURRENCY_WORDS[w.lower()]
        elif w[:1] in _CURRENCY_SIGNS and _is_numeral(w[1:]):
            code = code or _CURRENCY_SIGNS[w[:1]]
            rest.append(w[1:])
        else:
            rest.append(w)
    amount = _number_words(rest)
    return f"{amount} {code}" if code else amount


def _is_numeral(w: str) -> bool:
    return bool(re.fullmatch(r"[\d.,]+", w))


def _number_words(words: list[str]) -> str:
    """Words of a number with digits for number words and no thousands commas:
    ['Two', 'hundred', 'and', 'fifty'] -> '250', ['3,000'] -> '3000', ['5', 'million'] ->
    '5 million'."""
    out: list[str] = []
    total = current = None
    for w in words:
        lw = w.lower()
        if lw in _SMALL:
            current = (current or 0) + _SMALL[lw]
        elif lw == "hundred" and current is not None:
            current *= 100
        elif lw == "thousand" and current is not None:
            total, current = (total or 0) + current * 1000, 0
        elif lw in ("-", "and") and current is not None:
            continue
        else:
            if current is not None:
                out.append(str((total or 0) + current))
                total = current = None
            out.append(w.replace(",", "") if _is_numeral(w) else w)
    if current is not None:
        out.append(str((total or 0) + current))
    return " ".join(out)


def _ordinal(text: str) -> str:
    n = _ORDINALS.get(text.lower())
    if n is None:
        return text
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
