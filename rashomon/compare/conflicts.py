"""Contradictions: the facts two aligned claims of different outlets state differently.

Precision first: a contradiction is asserted only with the conflicting facts named, and only
on claims that already align (same words or same meaning, see align.py). Each check needs
the rest of the two claims to agree — most of the shorter claim's words in the longer, and
at least SAME_SHAPE of all their words shared, so that a short claim inside a long one ("X
is no longer mayor" in a poll sentence naming "Mayor X") or "different emphasis" never reads
as conflict:

- number: the same unit counted differently ("12 soldiers" / "15 soldiers"); bounds are
  respected ("more than 50" admits 52, "about 100" admits 110) and a figure may be rounded
  to its last written digit ("5 million" admits 5.2 million, "5.1 million" not 5.3);
- date: two calendar dates for the same statement ("on January 30" / "on January 31");
  days counted from a weekday or "yesterday" are too easily misplaced to accuse anyone;
- place: something put in two places, neither inside the other (a city in its own country
  is no conflict);
- negation: one claim denies what the other asserts, in the same voice (both the outlet's
  own, or both the same speaker's), and the words that differ are not a reversal verb ("will
  not give up" says what "will continue" says);
- predicate: opposite predicates ("rose" / "fell", "approved" / "rejected") on otherwise the
  same claim, in the same voice and the same polarity;
- speaker: the same quoted words given to two different people.
"""

from __future__ import annotations

from rashomon.compare.align import Link
from rashomon.compare.units import Number, Unit
from rashomon.compare.words import lists, stem, tokens
from rashomon.lexicon.calendar import WEEKDAYS
from rashomon.lexicon.names import gazetteer
from rashomon.model import Conflict
from rashomon.outlets.registry import name_key

__all__ = ["compatible", "conflicts"]

SAME_CLAIM = 0.5  # lexical overlap (or cross-language cosine) the rest of two claims needs
SAME_SHAPE = 0.4  # and the share of all their content words they share (Jaccard): a short
# claim contained in a long one is not the same statement
SAME_PERCENT = 0.5  # a percentage needs more: many different shares sit in similar words
DENIALS = frozenset({"deny", "reject", "refus", "dismiss", "disput", "rebutt"})  # stems
CONTAINED_SHAPE = 0.2  # a count in a named unit may sit in a longer claim: Jaccard from this
SAME_WORDS = 0.8  # overlap for "the same quoted words"
ABOUT = 0.15  # how far "about 100" may be from the figure
WHY = {
    "number": "the same quantity is counted differently, beyond rounding and stated bounds",
    "date": "the same statement is put on two different calendar days",
    "place": "the same thing is put in two places, neither inside the other",
    "negation": "one claim denies what the other asserts, in the same voice",
    "predicate": "opposite predicates on otherwise the same claim",
    "speaker": "the same quoted words are given to two different people",
    "role": "the same role is held by two different people",
}


def conflicts(a: Unit, b: Unit, link: Link, rules: bool = True) -> list[Conflict]:
    """The conflicting facts of two aligned claims of different outlets (empty: none).
    `rules` False keeps the checks as they were before the fact rules (see FACT_RULES)."""
    if a.outlet == b.outlet:
        return []
    found: list[Conflict] = []
    shape = _jaccard(a.content, b.content)
    same_language = a.language == b.language
    close = (link.overlap >= SAME_CLAIM and shape >= SAME_SHAPE) or (
        not same_language and link.cosine >= 0.6
    )
    if close:
        found += _numbers(a, b, shape if same_language else 1.0, rules)
        found += _dates(a, b)
        found += _places(a, b)
    contained = same_language and link.overlap >= SAME_CLAIM and shape >= CONTAINED_SHAPE
    if rules and contained and not close:
        found += _counts(a, b)
    if rules and (close or contained):
        found += _weekdays(a, b)
    if same_language and close and _same_voice(a, b):
        found += _negation(a, b, rules)
        found += _predicates(a, b)
        if rules:
            found += _denied(a, b)
    if rules and (close or contained):
        found += _roles(a, b)
    found += _speakers(a, b, link)
    return found


def _conflict(kind: str, left: str, right: str, a: Unit, b: Unit, why: str = "") -> Conflict:
    spans, starts = (a.text, b.text), (a.claim.start, b.claim.start)
    return Conflict(kind, left, right, (a.source, b.source), spans, starts, why or WHY[kind])


# -- numbers --------------------------------------------------------------------------------


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _numbers(a: Unit, b: Unit, shape: float, rules: bool = True) -> list[Conflict]:
    if rules and (_table_rows(a, b) or a.negated != b.negated):
        return []  # a denied figure ("did not pay 500,000") states nothing against another
    found = []
    for unit in _shared_units(a, b):
        if unit == "%" and shape < SAME_PERCENT:
            continue
        left = [n for n in a.numbers if n.unit == unit]
        right = [n for n in b.numbers if n.unit == unit]
        if any(compatible(x, y) for x in left for y in right):
            continue
        found.append(_conflict("number", left[0].text, right[0].text, a, b))
    return found


def _shared_units(a: Unit, b: Unit) -> set[str]:
    return {n.unit for n in a.numbers if n.unit} & {n.unit for n in b.numbers if n.unit}


def _values(u: Unit, unit: str) -> set[float]:
    return {n.value for n in u.numbers if n.unit == unit}


def _table_rows(a: Unit, b: Unit) -> bool:
    """Whether a shared unit has a range or a list of values in either claim ("from 60,001 to
    90,000 soles"): rows of one table or scale, whose other figures differ by design."""
    return any(len(_values(a, u)) > 1 or len(_values(b, u)) > 1 for u in _shared_units(a, b))


def _counts(a: Unit, b: Unit) -> list[Conflict]:
    """A short claim inside a long one ("soldier who killed 20" in "police shot dead a soldier
    who killed 26 people"): only a count in a named unit, one value on each side, conflicts."""
    if _table_rows(a, b) or a.negated != b.negated:
        return []
    found = []
    for unit in _shared_units(a, b) - {"%"}:
        left = [n for n in a.numbers if n.unit == unit]
        right = [n for n in b.numbers if n.unit == unit]
        if not any(compatible(x, y) for x in left for y in right):
            found.append(_conflict("number", left[0].text, right[0].text, a, b))
    return found


def compatible(x: Number, y: Number) -> bool:
    """Whether two statements of a number can both be true."""
    if x.bound != "=" and y.bound != "=":
        return _bounds_meet(x, y)
    exact, other = (x, y) if x.bound == "=" else (y, x)
    if other.bound == ">=":
        return exact.value >= other.value
    if other.bound == "<=":
        return exact.value <= other.value
    if other.bound == "~":
        return abs(exact.value - other.value) <= ABOUT * max(exact.value, other.value)
    return abs(exact.value - other.value) <= max(x.step, y.step) / 2


def _bounds_meet(x: Number, y: Number) -> bool:
    """Two bounds (or estimates) can both hold unless "at least" lies above "at most"."""
    low = max([n.value for n in (x, y) if n.bound == ">="], default=float("-inf"))
    high = min([n.value for n in (x, y) if n.bound == "<="], default=float("inf"))
    return low <= high


# -- dates, places --------------------------------------------------------------------------


def _dates(a: Unit, b: Unit) -> list[Conflict]:
    if len(a.calendar_days) != 1 or len(b.calendar_days) != 1:
        return []
    if a.calendar_days == b.calendar_days or a.days & b.days:
        return []
    return [_conflict("date", next(iter(a.calendar_days)), next(iter(b.calendar_days)), a, b)]


def _weekdays(a: Unit, b: Unit) -> list[Conflict]:
    """The same statement put on two days of the story's calendar, where at least one is a
    weekday the story resolved ("early Saturday" / "on Monday", "Saturday" / "Dec. 30" when
    that is a Monday); a claim naming several days is a sequence, not a date."""
    if not a.days and not b.days:
        return _named_weekdays(a, b)
    if len(a.days) != 1 or len(b.days) != 1 or a.days == b.days:
        return []
    if a.calendar_days and b.calendar_days:
        return []  # two calendar dates: _dates decides
    left, right = next(iter(a.days)), next(iter(b.days))
    why = f"the story's calendar puts them on {left} and {right}"
    return [_conflict("date", _day_words(a, left), _day_words(b, right), a, b, why)]


def _named_weekdays(a: Unit, b: Unit) -> list[Conflict]:
    """Where no day was read (a language the time tagger does not read), one weekday name on
    each side, different ("on Friday" / "on Wednesday")."""
    if len(a.weekdays) != 1 or len(b.weekdays) != 1 or a.weekdays == b.weekdays:
        return []
    left, right = (WEEKDAYS[next(iter(u.weekdays))] for u in (a, b))
    why = f"one report puts it on a {left}, the other on a {right}"
    return [_conflict("date", left, right, a, b, why)]


def _day_words(u: Unit, day: str) -> str:
    return f"{u.day_text or day} ({day})"


def _places(a: Unit, b: Unit) -> list[Conflict]:
    left = [p for p in a.places if p not in b.names and name_key(p) not in b.names]
    right = [p for p in b.places if p not in a.names and name_key(p) not in a.names]
    if len(left) != 1 or len(right) != 1 or set(a.places) & set(b.places):
        return []
    if _inside(left[0], right[0]) or _inside(right[0], left[0]):
        return []
    return [_conflict("place", left[0], right[0], a, b)]


def _inside(place: str, region: str) -> bool:
    """Whether `place` lies in `region` as far as the place tables know (or might)."""
    gaz = gazetteer()
    found, container = gaz.place(place), gaz.place(region)
    if found is None or container is None:
        return True  # unknown to the tables: do not accuse
    country = gaz.country_of(region)
    if country is not None:
        return found.country == country.iso2
    return container.type == "LOC" or found.type == "LOC"


# -- negation, opposite predicates ----------------------------------------------------------


def _same_voice(a: Unit, b: Unit) -> bool:
    if a.speaker is None and b.speaker is None:
        return a.claim.stance == b.claim.stance == "asserted"
    return a.speaker is not None and b.speaker is not None and _same_person(a.speaker, b.speaker)


def _negation(a: Unit, b: Unit, rules: bool = False) -> list[Conflict]:
    if a.claim.negated == b.claim.negated:
        return []
    if rules and any(_double_negation(u) for u in (a, b) if u.claim.negated):
        return []
    differ = (a.content ^ b.content) - lists().negators
    if differ & lists().reversals or _opposites(a, b):
        return []
    return [_conflict("negation", _short(a), _short(b), a, b)]


def _double_negation(u: Unit) -> bool:
    """Whether the claim's sentence negates a denial ("did not deny that ..."): it asserts."""
    words = tokens(u.sentence[2])
    return bool(set(words) & lists().negators) and bool({stem(w) for w in words} & DENIALS)


def _denied(a: Unit, b: Unit) -> list[Conflict]:
    """One claim denies by its verb what the other confirms ("the ministry denied that troops
    crossed" / "confirmed that troops crossed"): the negation is the verb's own, with no "not"
    beside it ("did not deny" confirms)."""
    if a.claim.negated == b.claim.negated:
        return []
    negated = a if a.claim.negated else b
    if set(negated.words) & lists().negators:
        return []
    pairs = _opposites(a, b)
    if not pairs:
        return []
    x, y = pairs[0]
    why = f"one report has it {x}, the other {y}, in the same voice"
    return [_conflict("negation", x, y, a, b, why)]


def _roles(a: Unit, b: Unit) -> list[Conflict]:
    """The same role given to two different people ("Health Minister Jens Spahn" / "Health
    Minister Karl Lauterbach"); a former holder is no conflict, a role named twice is left out."""
    left, right = dict(a.roles), dict(b.roles)
    found = []
    for role in left.keys() & right.keys():
        x, y = left[role], right[role]
        if not _same_person(x, y):
            why = f"both name the {role}, one as {x}, the other as {y}"
            found.append(_conflict("role", f"{role} {x}", f"{role} {y}", a, b, why))
    return found


def _predicates(a: Unit, b: Unit) -> list[Conflict]:
    if a.claim.negated != b.claim.negated:
        return []
    pairs = _opposites(a, b)
    return [_conflict("predicate", x, y, a, b) for x, y in pairs[:1]]


def _opposites(a: Unit, b: Unit) -> list[tuple[str, str]]:
    """Opposite words, one only in `a`, the other only in `b`."""
    only_a = {stem(w): w for w in a.words}
    only_b = {stem(w): w for w in b.words}
    shared = only_a.keys() & only_b.keys()
    antonyms = lists().antonyms
    return [
        (only_a[x], only_b[y])
        for x in only_a.keys() - shared
        for y in only_b.keys() - shared
        if (x, y) in antonyms
    ]


# -- speakers -------------------------------------------------------------------------------


def _speakers(a: Unit, b: Unit, link: Link) -> list[Conflict]:
    if not (a.quoted and b.quoted and a.speaker and b.speaker):
        return []
    if link.overlap < SAME_WORDS or a.language != b.language:
        return []
    if a.speaker_type != "PERSON" or b.speaker_type != "PERSON":
        return []
    if _same_person(a.speaker, b.speaker) or a.speaker in b.via or b.speaker in a.via:
        return []
    return [_conflict("speaker", a.speaker, b.speaker, a, b)]


def _same_person(x: str, y: str) -> bool:
    """Same key, or one name inside the other ("Lavrov" / "Sergei Lavrov")."""
    kx, ky = set(tokens(x)), set(tokens(y))
    return bool(kx and ky) and (kx <= ky or ky <= kx)


def _short(u: Unit, limit: int = 80) -> str:
    text = u.text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
