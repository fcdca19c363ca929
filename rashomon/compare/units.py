"""The units a comparison aligns: every claim of every report in a story, with what can be
compared across reports — its content words, the names it mentions, its numbers (value, unit,
bound), its dates resolved to days, whose words it is and whether it is negated.

Dates the annotator could not place (a weekday in an undated report) take the day the story
resolved them to (`Story.dates`), so "Wednesday" in one report meets "January 31" in another.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rashomon.clean.text_cues import furniture_reason
from rashomon.compare.words import lists, stem, stems, tokens
from rashomon.model import Claim, ClaimRef, Doc, Entity, Stance, Story
from rashomon.outlets.registry import name_key

__all__ = [
    "Number",
    "Unit",
    "claim_ref",
    "is_furniture",
    "parse_number",
    "text_numbers",
    "units_of",
]

PLACE_TYPES = ("GPE", "LOC", "FAC")
SENTENCE_CLAIMS = "rashomon.compare.sentences.v1"
MAX_DIGITS = 9  # a figure longer than this is an id, a phone number or an address
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(
    r"^(?P<pre>.*?)(?P<num>\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?(?P<unit>.*)$"
)
_SEPARATORS = "\\s.,'’\u00a0\u202f"
_WRITTEN_NUMBER = re.compile(
    rf"(?<![\w.,'’])(?P<number>\d{{1,3}}(?:[{_SEPARATORS}]\d{{3}})+|\d+(?:[.,]\d+)?)"
    r"(?!\d)\s?(?P<unit>%|[^\W\d_]{3,})?"
)
_GROUPED = re.compile(rf"\d{{1,3}}(?:[{_SEPARATORS}]\d{{3}})+")
_BRACKETS = re.compile(r"\([^()]*\)")
_CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# money also takes the short scale words: "$135 bn", "€2.5m"
_MONEY_SCALE = {
    **_SCALE,
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "tn": 1e12,
}


@dataclass(frozen=True, slots=True)
class Number:
    """A number as a claim states it: `value`, the `unit` it counts (a stem, "%" or a
    currency code; "" when bare), and its `bound`: "=" exact, ">=" at least, "<=" at most,
    "~" about. `text` is the annotator's normal form ("more than 50 people"); `step` the
    place of its last written digit, how far a rounded figure may be off."""

    value: float
    unit: str
    bound: str
    text: str
    step: float = 1.0  # the precision it is written to: "5.1 million" 1e5, "40000" 1e4


@dataclass(frozen=True, slots=True)
class Unit:
    """One claim of one report, ready to compare."""

    index: int
    source: str
    outlet: str
    language: str
    published: str | None
    claim: Claim
    words: tuple[str, ...]
    content: frozenset[str]
    names: frozenset[str]
    numbers: tuple[Number, ...]
    days: frozenset[str]
    calendar_days: frozenset[str]
    places: tuple[str, ...]
    speaker: str | None
    speaker_type: str | None
    via: tuple[str, ...]
    quoted: bool
    sentence: tuple[int, int, str]  # the sentence the claim stands in: start, end, text
    day_text: str = ""  # how the claim names its day ("early Saturday", "on Dec. 30")
    weekdays: frozenset[int] = frozenset()  # weekday names in the claim, 0 = Monday
    negated: bool = False  # the claim, or its sentence in a language read word by word, denies
    roles: tuple[tuple[str, str], ...] = ()  # (role, person): "health minister", "Jens Spahn"

    @property
    def text(self) -> str:
        return self.claim.text


def parse_number(text: str) -> Number | None:
    """'more than 3000 troops' -> Number(3000, 'troop', '>=', ...); None without digits."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    value = float(m["num"]) * _SCALE.get(m["scale"] or "", 1.0)
    unit_words = m["unit"].split()
    unit = stem(unit_words[-1].lower()) if unit_words else ""
    if m["unit"].lstrip().startswith("%"):
        unit = "%"
    elif unit and not unit.isalpha():
        return None  # "49-44", a phone number, a range: not one quantity
    step = _step(m["num"]) * _SCALE.get(m["scale"] or "", 1.0)
    return Number(value, unit, _bound(m["pre"].lower().strip()), text, step)


def text_numbers(text: str) -> tuple[Number, ...]:
    """The numbers of a text no claim finder read (a headline), parsed as a claim's are: with
    their unit, bound, currency and counted verb ("50 killed", "up to $2 bn")."""
    parsed = [n for n in map(parse_number, _numbers_in(text)) if n]
    return tuple(_counted(_money(n, text), text) for n in parsed)


def _step(digits: str) -> float:
    """The place of the last written digit: "5.1" -> 0.1, "40000" -> 10000, "12" -> 1."""
    whole, _, decimals = digits.partition(".")
    if decimals:
        return 10.0 ** -len(decimals)
    if len(whole) < 4 or not whole.strip("0"):
        return 1.0  # a count under a thousand is exact: "20 killed" is not "24 killed"
    return 10.0 ** (len(whole) - len(whole.rstrip("0")))


def _money(n: Number, text: str) -> Number:
    """A bare figure written as money ("$135 bn", "€2.5 million") in the currency's code and
    at its scale, so "$135 bn" meets "$185.5 billion" and not "135 people"."""
    if n.unit or n.bound != "=":
        return n
    digits = re.escape(f"{n.value:g}")
    m = re.search(rf"(?P<cur>[$€£¥])\s?{digits}(?![\d.])\s?(?P<scale>[a-z]+)?", text, re.I)
    if not m:
        return n
    scale = _MONEY_SCALE.get((m["scale"] or "").lower(), 1.0)
    return Number(n.value * scale, _CURRENCY[m["cur"]], n.bound, m.group(0).strip(), n.step * scale)


def _counted(n: Number, text: str, rules: bool = True) -> Number:
    """A bare number takes the word before it as its unit ("killed 20" -> "^kill"), so that
    "killed 20" and "killed 26" are the same quantity told twice; numbers stay bare when
    the word before is a function word or absent."""
    if n.unit and (not rules or n.unit not in _people()):
        return n
    digits = f"{n.value:g}" if n.value < 1e6 else ""
    at = text.find(digits) if digits else -1
    before = tokens(text[:at]) if at > 0 else []
    if not before or before[-1] in lists().stopwords or before[-1].isdigit():
        return n
    if n.unit and not before[-1].endswith(("ed", "ing")):
        return n  # "at least 9 people" keeps its unit; "killed 26 people" counts the killed
    return Number(n.value, "^" + stem(before[-1]), n.bound, n.text, n.step)


@lru_cache(maxsize=1)
def _people() -> frozenset[str]:
    return frozenset(stem(w) for w in lists().people)


def _bound(prefix: str) -> str:
    words = lists()
    for bound, markers in (("<=", words.at_most), (">=", words.at_least), ("~", words.about)):
        if any(_ends_with_words(prefix, m) for m in markers):
            return bound
    return "="


def units_of(
    docs: Sequence[Doc], outlets: Sequence[str], story: Story | None = None, rules: bool = True
) -> list[Unit]:
    """Every claim of `docs` (outlets[i] published docs[i]) as a Unit, in document order.
    `rules` False reads figures, weekdays and denials as before the fact rules."""
    resolved = {(m.source, m.start): m.value for m in (story.dates if story else ())}
    found: list[Unit] = []
    for doc, outlet in zip(docs, outlets, strict=True):
        for claim in doc.claims or _sentence_claims(doc):
            if rules and is_furniture(claim.text):
                continue
            found.append(_unit(len(found), doc, outlet, claim, resolved, rules))
    return found


FURNITURE_WORDS = 40  # a longer claim is a sentence of the story, whatever words it has


def is_furniture(text: str) -> bool:
    """Whether a claim is page furniture ("Follow us on …", a newsletter form, a paywall
    notice, a press-release footer): by the cleaner's line cues or the list in compare.toml."""
    if len(text.split()) > FURNITURE_WORDS:
        return False
    pattern = lists().furniture
    return furniture_reason(text) is not None or bool(pattern and pattern.search(text))


def _sentence_claims(doc: Doc) -> list[Claim]:
    """A report in a language the claim finder does not read is compared sentence by sentence:
    each sentence a claim of unknown stance, with the names and dates found in it (the
    multilingual vectors and the names still align it with claims in other languages)."""
    text = doc.article.text
    found = []
    for start, end in doc.sentences:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if len(text[start:end].split()) < 3:
            continue
        names = [e.canonical for e in doc.entities if start <= e.start and e.end <= end]
        numbers = tuple(_numbers_in(text[start:end]))
        dates = [t.value or t.text for t in doc.times if start <= t.start and t.end <= end]
        found.append(
            Claim(
                start,
                end,
                text[start:end],
                stance=Stance.UNKNOWN,
                numbers=numbers,
                dates=tuple(dict.fromkeys(dates)),
                entities=tuple(dict.fromkeys(names)),
                produced_by=SENTENCE_CLAIMS,
            )
        )
    return found


def _unit(
    index: int,
    doc: Doc,
    outlet: str,
    claim: Claim,
    resolved: dict[tuple[str, int], str],
    rules: bool = True,
) -> Unit:
    article = doc.article
    quote = doc.quotes[claim.quote] if claim.quote is not None else None
    speaker_type = _entity_type(doc.entities, quote.speaker_span) if quote else None
    parsed = [n for n in map(parse_number, claim.numbers) if n]
    if rules:
        parsed = [_money(n, claim.text) for n in parsed]
    numbers = tuple(_counted(n, claim.text, rules) for n in parsed)
    return Unit(
        index=index,
        source=article.origin,
        outlet=outlet,
        language=article.language or "",
        published=article.published.isoformat() if article.published else None,
        claim=claim,
        words=tuple(tokens(claim.text)),
        content=frozenset(w for w in stems(claim.text) if not w.isdigit()),
        names=frozenset(name_key(e) for e in claim.entities if name_key(e)),
        numbers=numbers,
        days=_days(doc, claim, resolved),
        calendar_days=_days(doc, claim, {}, calendar_only=True),
        places=_places(doc, claim),
        speaker=quote.speaker if quote and not quote.anonymous else None,
        speaker_type=speaker_type,
        via=quote.via if quote else (),
        quoted=quote is not None and quote.kind == "direct",
        sentence=_sentence(doc, claim),
        day_text=_day_text(doc, claim),
        weekdays=_weekdays(claim.text) if rules else frozenset(),
        negated=claim.negated or (rules and _denies(claim.text)),
        roles=_roles(doc, _sentence(doc, claim)) if rules else (),
    )


def _days(
    doc: Doc, claim: Claim, resolved: dict[tuple[str, int], str], calendar_only: bool = False
) -> frozenset[str]:
    """The days the claim's time expressions name, as YYYY-MM-DD; with `calendar_only`, only
    those written as a calendar date ("January 31"), not counted from a weekday or "yesterday"."""
    days = set()
    for t in doc.times:
        if t.start < claim.start or t.end > claim.end:
            continue
        if calendar_only and t.relative and ("unit" in t.relative or "weekday" in t.relative):
            continue
        value = t.value if t.value and _DAY.match(t.value) else None
        value = value or resolved.get((doc.article.origin, t.start))
        if value and _DAY.match(value):
            days.add(value)
    return frozenset(days)


ROLE_WORDS = 4  # most words of a title before a name ("Deputy Foreign Minister")


def _roles(doc: Doc, sentence: tuple[int, int, str]) -> tuple[tuple[str, str], ...]:
    """The roles the sentence gives people by a title right before their name: (role, name),
    the role lowercased ("health minister"); a former or outgoing holder, or a role given to
    two people in one sentence, is left out."""
    start, end, _ = sentence
    text = doc.article.text
    found: dict[str, set[str]] = {}
    for e in doc.entities:
        if e.type != "PERSON" or e.start < start or e.end > end:
            continue
        role = _title_before(text[max(start, e.start - 60) : e.start])
        if role:
            found.setdefault(role, set()).add(e.canonical)
    return tuple((role, next(iter(p))) for role, p in found.items() if len(p) == 1)


def _title_before(text: str) -> str:
    words = text.split()
    if not words or stem(words[-1].lower().strip(",")) not in _role_nouns():
        return ""
    title: list[str] = []
    for w in reversed(words[-ROLE_WORDS:]):
        plain = w.lower().strip(",")
        titled = (w[:1].isupper() or plain in _role_nouns()) and not w.endswith((",", ".", ":"))
        if not titled and w is not words[-1]:
            break
        title.insert(0, plain)
    if set(title) & lists().former:
        return ""
    return " ".join(w for w in title if w not in lists().stopwords)


@lru_cache(maxsize=1)
def _role_nouns() -> frozenset[str]:
    return frozenset(stem(w) for w in lists().roles)


def _denies(text: str) -> bool:
    return bool(set(tokens(text)) & lists().negators_other)


def _weekdays(text: str) -> frozenset[int]:
    """The weekdays `text` names, by the weekday lists of every language; one in brackets
    ("1.1193 (Tuesday: 1.1234)") dates an earlier figure, not the statement."""
    words = set(tokens(_BRACKETS.sub(" ", text)))
    return frozenset(n for name, n in lists().weekdays if name in words)


def _day_text(doc: Doc, claim: Claim) -> str:
    """The words of the first time expression inside the claim."""
    inside = [t for t in doc.times if claim.start <= t.start and t.end <= claim.end]
    return inside[0].text if inside else ""


def _sentence(doc: Doc, claim: Claim) -> tuple[int, int, str]:
    """The sentence holding the claim's start (the claim itself when no sentence does)."""
    i = bisect_right(doc.sentences, (claim.start, 1 << 62)) - 1
    if i >= 0 and doc.sentences[i][0] <= claim.start < doc.sentences[i][1]:
        start, end = doc.sentences[i]
        end = max(end, claim.end)
        text = doc.article.text
        while end > claim.end and text[end - 1].isspace():
            end -= 1
        while start < claim.start and text[start].isspace():
            start += 1
        return start, end, text[start:end]
    return claim.start, claim.end, claim.text


def _numbers_in(text: str) -> list[str]:
    """Numbers of a sentence no parser read, in the claim finder's normal form ("10 000",
    "10.000" and "10,000" -> "10000"; "5,9" -> "5.9") with the word after them as the unit."""
    found = []
    matches = list(_WRITTEN_NUMBER.finditer(text))
    for i, m in enumerate(matches):
        if _compound(matches, i):
            continue  # "1 milyon 783 bini": one number in words we cannot read
        whole = m["number"]
        if _GROUPED.fullmatch(whole):
            value = re.sub(f"[{_SEPARATORS}]", "", whole)
        else:
            value = whole.replace(",", ".")
        if len(value.split(".")[0]) > MAX_DIGITS:
            continue  # an address, a phone or an id, not a quantity
        before = " ".join(text[max(0, m.start() - 24) : m.start()].lower().split())
        before = before.rstrip("$€£¥ ")  # "less than $450": the bound stands before the sign
        bound = next((b for b in _bound_words() if _ends_with_words(before, b)), "")
        found.append(" ".join(x for x in (bound, value, m["unit"] or "") if x))
    return found


@lru_cache(maxsize=1)
def _bound_words() -> tuple[str, ...]:
    words = lists()
    return tuple(sorted({*words.at_least, *words.at_most, *words.about}, key=len, reverse=True))


def _ends_with_words(text: str, words: str) -> bool:
    """Whether `text` ends with the whole words `words` ("bando" does not end with "do")."""
    return text == words or text.endswith(" " + words)


def _compound(matches: list[re.Match[str]], i: int) -> bool:
    """Whether a number stands right next to another (one word between at most)."""
    near = [matches[j] for j in (i - 1, i + 1) if 0 <= j < len(matches)]
    here = matches[i]
    for other in near:
        first, second = (other, here) if other.start() < here.start() else (here, other)
        gap = here.string[first.end("number") : second.start("number")]
        if len(gap.split()) <= 1 and not re.search(r"[,;:()]", gap):
            return True
    return False


def _places(doc: Doc, claim: Claim) -> tuple[str, ...]:
    """Places the claim puts something in: place names right after "in", "at" or "near"."""
    found = []
    for e in doc.entities:
        if e.start < claim.start or e.end > claim.end or e.type not in PLACE_TYPES:
            continue
        before = doc.article.text[max(claim.start, e.start - 6) : e.start].lower().split()
        if before and before[-1] in ("in", "at", "near"):
            found.append(e.canonical)
    return tuple(dict.fromkeys(found))


def _entity_type(entities: Sequence[Entity], span: tuple[int, int] | None) -> str | None:
    """The type of the entity mention at `span` (a quote's speaker), or None."""
    if span is None:
        return None
    for e in entities:
        if e.start < span[1] and span[0] < e.end:
            return e.type
    return None


def claim_ref(u: Unit) -> ClaimRef:
    """Where a unit's claim stands: its article, offsets, text, outlet, speaker and stance."""
    c = u.claim
    return ClaimRef(u.source, c.start, c.end, c.text, u.outlet, u.speaker, c.stance)
