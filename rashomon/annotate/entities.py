"""Entities: the named things of an article, each mention tied to one canonical thing.

`find_entities(sdoc)` starts from spaCy's entities, repairs what rules can repair (possessives,
a leading "the", title-only ORGs, names spaCy typed as places), adds what it missed
(ministries, table aliases, surnames), then within the article:

- links short forms of a person's name to the longest form (Merkel -> Angela Merkel),
  tolerating transliteration (Navalnyy ~ Navalny);
- turns titles into roles (German Finance Minister Lena Vogt -> "Finance Minister of
  Germany"), also through "counterpart", apposition and succession ("Vogt succeeded Kern" ->
  Kern is the former holder of Vogt's office);
- maps demonyms and aliases to places and organisations through the tables in rashomon/data;
- ties pronouns and descriptions ("the German finance chief") to the person they mean
  when the role fits.

`Resolver` does the same across the articles of a corpus, so that one real thing has one
canonical name and one key (`person:angela-merkel`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rashomon.annotate.nlp import text_of
from rashomon.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token

__all__ = ["Mentions", "Resolver", "entity_key", "find_entities", "name_key", "resolve_docs"]

TYPES = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"}
)
PLACE_TYPES = frozenset({"GPE", "LOC", "NORP"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})

# ---------------------------------------------------------------- vocabulary


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


OFFICES = _set("""president minister secretary spokesman spokeswoman spokesperson chancellor premier
    chairman chairwoman chair ceo cfo coo ambassador envoy senator sen. representative rep.
    congressman congresswoman governor gov. mayor king queen prince princess pope emperor
    director chief head leader speaker commander judge prosecutor attorney secretary-general
    president-elect vice-president lawmaker mp counterpart emir sultan sheikh monarch
    commissioner adviser advisor aide""")
RANKS = _set("""general gen. gen lieutenant lt. colonel col. admiral adm. major maj. captain capt.
    sergeant sgt. marshal brigadier commodore""")
FIELDS = {
    "defense": "Defence",
    "defence": "Defence",
    "foreign": "Foreign Affairs",
    "interior": "Interior",
    "internal": "Internal Affairs",
    "home": "Home Affairs",
    "finance": "Finance",
    "economy": "Economy",
    "economic": "Economy",
    "trade": "Trade",
    "justice": "Justice",
    "health": "Health",
    "education": "Education",
    "energy": "Energy",
    "agriculture": "Agriculture",
    "culture": "Culture",
    "transport": "Transport",
    "labor": "Labour",
    "labour": "Labour",
    "environment": "Environment",
    "emergency": "Emergency Situations",
    "emergencies": "Emergency Situations",
    "industry": "Industry",
    "information": "Information",
}
US_DEPARTMENTS = {
    "Defence": "Defense",
    "Foreign Affairs": "State",
    "Finance": "the Treasury",
    "Interior": "the Interior",
    "Health": "Health and Human Services",
    "Transport": "Transportation",
    "Labour": "Labor",
    "Trade": "Commerce",
}
TITLE_GLUE = frozenset({"vice", "prime", "deputy", "first", "state", "of", "affairs", "staff"})
HONORIFICS = _set("mr. mr mrs. mrs ms. ms dr. dr sir dame lord lady prof.")
MODIFIERS = _set(
    "the a an his her its their new former ex then acting interim top senior incoming outgoing "
    "current newly - – then-"
)
FORMS = {
    "gen.": "General",
    "gen": "General",
    "lt.": "Lieutenant",
    "col.": "Colonel",
    "adm.": "Admiral",
    "maj.": "Major",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "sen.": "Senator",
    "rep.": "Representative",
    "gov.": "Governor",
    "ceo": "CEO",
    "cfo": "CFO",
    "coo": "COO",
    "mp": "MP",
    "defence": "Defense",
    "of": "of",
}
HEADS_OF_STATE = _set("president premier chancellor king queen emperor leader emir sultan monarch")
MILITARY = frozenset(RANKS | {"defense", "commander", "military", "army", "navy", "chief"})
LEADERS = frozenset(HEADS_OF_STATE | {"prime", "chairman", "head", "chief"})
GENERIC_HEADS = frozenset({"leader", "official", "diplomat", "politician", "lawmaker"})
DESCRIPTION_HEADS = frozenset((OFFICES | RANKS | GENERIC_HEADS) - {"counterpart", "head", "chair"})
NON_REFERRING = _set(
    "next future best worst first last previous only ideal good great real another"
)
QUALIFYING = frozenset({"vice", "deputy", "former", "assistant", "acting"})
PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
ARTICLED = frozenset(
    _set("Netherlands Philippines Bahamas Gambia Maldives Comoros Seychelles")
    | {"Democratic Republic of the Congo", "Vatican City"}
)
SAYING = _set("say tell add note stress explain warn claim insist urge argue write state announce")
SUCCESSION = frozenset({"succeed", "replace"})
RISKY_ACRONYMS = frozenset({"CAR", "ROC", "RIA", "FRG", "RSA", "DOJ", "CMC", "SCO", "AFU", "KSA"})
SHORT_ACRONYMS = frozenset({"EU", "UN", "US", "UK"})
FUZZY_PAIRS = frozenset(
    {frozenset(p) for p in ("kq", "kc", "cq", "sz", "vw", "fp", "ie", "ao", "ou", "ae", "eo")}
)


# ---------------------------------------------------------------- keys


def fold(text: str) -> str:
    """`text` without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def lookup_key(text: str) -> str:
    """A table key: folded, lower case, no dots, no leading "the", no possessive."""
    s = fold(text).replace("’", "'").lower().replace(".", "")
    s = re.sub(r"('s|')$", "", s.strip())
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"\s+", " ", s).strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


def entity_key(type_: str, canonical: str) -> str:
    """The stable id of a thing: `person:angela-merkel`, `gpe:germany`."""
    return f"{type_.lower()}:{slug(canonical)}"


@lru_cache(maxsize=65536)
def name_key(word: str) -> str:
    """One name word reduced for transliteration: Navalnyy, Navalny -> navalni; Zelenskyy ->
    zelenski."""
    s = re.sub(r"[^a-z]", "", fold(word).lower())
    s = s.replace("kh", "h").replace("ph", "f").replace("w", "v").replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", s)


def keys_match(a: str, b: str, fuzzy: bool = True) -> bool:
    """Two name keys that spell the same name: equal, or (both of 5+ letters, same first
    letter) one plausible letter apart."""
    if a == b:
        return True
    if not fuzzy or min(len(a), len(b)) < 5 or a[0] != b[0] or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and frozenset(diff[0]) in FUZZY_PAIRS
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def deletions(key: str) -> set[str]:
    """The key and its one-letter deletions: two keys one edit apart share one."""
    return {key} | {key[:i] + key[i + 1 :] for i in range(len(key))}


# ---------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    official: str
    iso2: str


@dataclass(frozen=True, slots=True)
class Named:
    """A table entry: what a name or alias stands for."""

    canonical: str
    type: str
    country: str = ""
    alias: bool = False


@dataclass
class Gazetteer:
    """The data tables, indexed by `lookup_key` (acronyms by exact spelling)."""

    countries: dict[str, Country] = field(default_factory=dict)
    places: dict[str, Named] = field(default_factory=dict)
    demonyms: dict[str, Country] = field(default_factory=dict)
    orgs: dict[str, Named] = field(default_factory=dict)
    acronyms: dict[str, Named] = field(default_factory=dict)
    scan: dict[str, list[tuple[str, Named]]] = field(default_factory=dict)

    def country(self, iso2: str) -> Country | None:
        return self.countries.get(iso2)

    def place(self, text: str) -> Named | None:
        return self.places.get(lookup_key(text))

    def demonym(self, text: str) -> Country | None:
        return self.demonyms.get(lookup_key(text))

    def org(self, text: str) -> Named | None:
        return self.acronyms.get(text.replace("’", "'")) or self.orgs.get(lookup_key(text))

    def country_of(self, text: str) -> Country | None:
        """The country a place name (not a city) names."""
        found = self.place(text)
        if found and found.type == "GPE" and found.country and found.canonical == self._name(found):
            return self.countries.get(found.country)
        return None

    def _name(self, named: Named) -> str:
        country = self.countries.get(named.country)
        return country.name if country else ""


def _rows(name: str) -> list[list[str]]:
    text = resources.files("rashomon").joinpath("data", name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "").replace("-", "").replace("+", "")
    return letters.isupper() and len(letters) <= 6 and " " not in text


def _scannable(alias: str) -> bool:
    if _is_acronym(alias):
        core = alias.replace(".", "")
        return core in SHORT_ACRONYMS or (len(core) >= 3 and core not in RISKY_ACRONYMS)
    return True


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The country, place and organisation tables, loaded once."""
    gaz = Gazetteer()
    for name, official, iso2, demonyms, aliases, capital in _rows("countries.tsv"):
        gaz.countries[iso2] = Country(name, official, iso2)
        _add_place(gaz, name, Named(name, "GPE", iso2))
        for alias in _split(aliases):
            _add_place(gaz, alias, Named(name, "GPE", iso2, alias=True))
        for demonym in _split(demonyms):
            gaz.demonyms.setdefault(lookup_key(demonym), gaz.countries[iso2])
            _add_scan(gaz, demonym, Named(name, "NORP", iso2, alias=True))
        gaz.places.setdefault(lookup_key(capital), Named(capital, "GPE", iso2))
    for name, type_, aliases, iso2 in _rows("places.tsv"):
        gaz.places.setdefault(lookup_key(name), Named(name, type_, iso2))
        for alias in _split(aliases):
            gaz.places.setdefault(lookup_key(alias), Named(name, type_, iso2, alias=True))
    for canonical, type_, iso2, aliases in _rows("organizations.tsv"):
        for i, alias in enumerate([canonical, *_split(aliases)]):
            _add_org(gaz, alias, Named(canonical, type_, iso2, alias=i > 0))
    return gaz


def _add_place(gaz: Gazetteer, text: str, named: Named) -> None:
    gaz.places.setdefault(lookup_key(text), named)
    _add_scan(gaz, text, named)


def _add_org(gaz: Gazetteer, text: str, named: Named) -> None:
    if _is_acronym(text):
        gaz.acronyms.setdefault(text, named)
    else:
        gaz.orgs.setdefault(lookup_key(text), named)
    _add_scan(gaz, text, named)


def _add_scan(gaz: Gazetteer, text: str, named: Named) -> None:
    text = re.sub(r"^the ", "", text)
    if not _scannable(text):
        return
    first = re.match(r"[\w.]+", text)
    if first:
        gaz.scan.setdefault(first.group(), []).append((text, named))


# ---------------------------------------------------------------- mentions


@dataclass(slots=True)
class Mention:
    """A mention while it is being built (token range [i, j))."""

    i: int
    j: int
    start: int
    end: int
    type: str
    canonical: str
    via: str = "name"
    country: str = ""
    field: str = ""
    confirmed: bool = True
    person: int = -1


@dataclass(slots=True)
class Person:
    """A person of one article: the mentions' names and the roles found for them."""

    names: list[str]
    keys: list[list[str]]
    positions: list[int] = field(default_factory=list)
    roles: list[tuple[int, int, str]] = field(default_factory=list)
    gender: str = ""

    @property
    def canonical(self) -> str:
        return max(self.names, key=lambda n: (len(n.split()), len(n)))

    @property
    def role(self) -> str | None:
        if not self.roles:
            return None
        return max(self.roles, key=lambda r: (r[0], -r[1]))[2]


@dataclass
class Mentions:
    """Every entity mention in one article, in text order."""

    entities: list[Entity] = field(default_factory=list)
    doc: Any = field(default=None, repr=False, compare=False)

    def within(self, start: int, end: int) -> list[Entity]:
        """Mentions lying inside [start, end)."""
        return [e for e in self.entities if e.start >= start and e.end <= end]

    def best_in(self, start: int, end: int) -> Entity | None:
        """The mention that names the phrase [start, end) as a whole: the one holding the
        phrase's head ("German Finance Minister Lena Vogt" -> Lena Vogt), or None when the head
        is a common noun no mention covers ("a Pentagon spokesman")."""
        inside = self.within(start, end)
        if not inside:
            return None
        head = self._head(start, end)
        if head is None:
            people = [e for e in inside if e.type == "PERSON"]
            return people[-1] if people else None
        holding = [e for e in inside if e.start <= head.idx < e.end]
        if holding:
            return max(holding, key=lambda e: (e.via in ("description", "name"), e.end - e.start))
        if head.lower_ in OFFICES | RANKS:
            people = [e for e in inside if e.type == "PERSON" and e.via != "pronoun"]
            return people[-1] if people else None
        return None

    def head_is_entity(self, start: int, end: int) -> bool:
        """Whether the head of the phrase [start, end) is (part of) a mention."""
        return self.best_in(start, end) is not None

    def _head(self, start: int, end: int) -> Token | None:
        if self.doc is None:
            return None
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None


def find_entities(sdoc: SpacyDoc) -> Mentions:
    """The entity mentions of one parsed article."""
    gaz = gazetteer()
    names = _name_mentions(sdoc, gaz)
    people = _link_people(sdoc, names)
    _find_roles(sdoc, names, people, gaz)
    extra = _pronouns(sdoc, names, people)
    _succession(sdoc, names, people)
    extra += _descriptions(sdoc, names, people, gaz)
    extra += _ministry_descriptions(sdoc, names, gaz)
    found = sorted(names + extra, key=lambda m: (m.start, -m.end))
    return Mentions([_entity(text_of(sdoc), m, people) for m in found], sdoc)


def _entity(text: str, m: Mention, people: list[Person]) -> Entity:
    role = None
    canonical = m.canonical
    if m.person >= 0:
        canonical = people[m.person].canonical
        role = people[m.person].role
    key_type = "GPE" if m.type == "NORP" and m.country else m.type
    return Entity(
        start=m.start,
        end=m.end,
        text=text[m.start : m.end],
        type=m.type,
        canonical=canonical,
        key=entity_key(key_type, canonical),
        role=role,
        via=m.via,
    )


# ---------------------------------------------------------------- names


def _name_mentions(sdoc: SpacyDoc, gaz: Gazetteer) -> list[Mention]:
    """spaCy's entities repaired and typed, plus ministries and table names it missed."""
    found = [m for ent in sdoc.ents if (m := _from_ent(sdoc, ent, gaz)) is not None]
    ministries = _ministries(sdoc, gaz, found)
    taken = {t for m in ministries for t in range(m.i, m.j)}
    found = [m for m in found if not any(t in taken for t in range(m.i, m.j))] + ministries
    found += _scan(sdoc, gaz, {t for m in found for t in range(m.i, m.j)})
    return sorted(found, key=lambda m: m.start)


def _trim(sdoc: SpacyDoc, i: int, j: int) -> tuple[int, int]:
    """A token range without a leading "the" and a trailing possessive or punctuation."""
    while i < j and sdoc[i].lower_ in ("the", "a", "an"):
        i += 1
    while i < j and (sdoc[j - 1].tag_ == "POS" or sdoc[j - 1].is_punct and sdoc[j - 1].text != "."):
        j -= 1
    return i, j


def _trim_person(sdoc: SpacyDoc, i: int, j: int) -> tuple[int, int]:
    """A person's name without titles and words that are no name ("Billionaire Donald Trump",
    "Ted Cruz—35")."""

    def outside(t: Token) -> bool:
        lw = t.lower_
        if lw in OFFICES or lw in RANKS or lw in HONORIFICS:
            return True
        return t.tag_ not in ("NNP", "NNPS") or not any(c.isalpha() for c in t.text)

    def leading_label(t: Token) -> bool:
        """A team or body before the name ("Browns DL Sheldon Richardson"): a plural proper
        noun or an all-capitals abbreviation, with at least two name words after it."""
        caps = t.text.isupper() and len(t.text) <= 4 and t.text.isalpha()
        return t.tag_ == "NNPS" or (caps and len(t.text) > 1)

    while i < j and outside(sdoc[i]):
        i += 1
    labels = [k for k in range(i, j - 2) if leading_label(sdoc[k])]
    if labels:
        i = labels[-1] + 1
    while i < j and outside(sdoc[j - 1]):
        j -= 1
    return i, j


def _span(sdoc: SpacyDoc, i: int, j: int) -> tuple[int, int]:
    start, end = sdoc[i].idx, sdoc[j - 1].idx + len(sdoc[j - 1].text)
    tail = text_of(sdoc)[start:end]
    if len(tail) > 2 and tail[-2:] in ("'s", "’s"):
        end -= 2
    return start, end


def _from_ent(sdoc: SpacyDoc, ent: Any, gaz: Gazetteer) -> Mention | None:
    if ent.label_ not in TYPES:
        return None
    i, j = _trim(sdoc, ent.start, ent.end)
    if ent.label_ == "PERSON":
        i, j = _trim_person(sdoc, i, j)
    if i >= j:
        return None
    start, end = _span(sdoc, i, j)
    text = text_of(sdoc)[start:end]
    if ent.label_ == "ORG" and _not_a_name(sdoc, i, j):
        return None
    label = ent.label_
    if label == "PERSON" and j - i == 1 and sdoc[i].tag_ == "NNPS":
        label = "ORG"  # a plural name ("the Steelers") is a team or a family, not a person
    m = Mention(i, j, start, end, label, text)
    _type_by_tables(sdoc, m, text, gaz)
    _retype_by_context(sdoc, m, text, gaz)
    if not m.confirmed and m.type == "GPE" and j - i == 1 and sdoc[i].tag_ in ("NN", "NNS"):
        return None
    return m


def _retype_by_context(sdoc: SpacyDoc, m: Mention, text: str, gaz: Gazetteer) -> None:
    """A name after a person's title is a person ("Chancellor Olaf Scholz" typed ORG); a lone
    "person" that is a known place with no title is that place ("Avdiivka")."""
    titled = m.i > 0 and sdoc[m.i - 1].lower_ in OFFICES | RANKS | HONORIFICS
    if m.type != "PERSON" and not m.confirmed and titled and sdoc[m.i - 1].is_title:
        m.type, m.canonical, m.confirmed = "PERSON", text, True
    elif m.type == "PERSON" and m.j - m.i == 1 and not titled:
        place = gaz.place(text)
        if place is not None and place.type == "GPE":
            m.type, m.canonical, m.country = place.type, place.canonical, place.country
            m.via = "alias" if place.alias else "name"
            m.confirmed = False  # a person's name word may still claim it


def _not_a_name(sdoc: SpacyDoc, i: int, j: int) -> bool:
    """An ORG that is only title words ("Defense"), only lower-case words ("navy"), or a
    clause spaCy took for a name ("Garrett hit Rudolph": a lower-case verb inside)."""
    words = [t.lower_ for t in sdoc[i:j]]
    if all(w in FIELDS or w in OFFICES or w in RANKS or w in TITLE_GLUE for w in words):
        return True
    if any(t.is_lower and t.pos_ == "VERB" for t in sdoc[i:j]):
        return True
    return all(t.is_lower for t in sdoc[i:j])


def _type_by_tables(sdoc: SpacyDoc, m: Mention, text: str, gaz: Gazetteer) -> None:
    """Canonical name and type from the tables; `confirmed` False for a name no table has."""
    if m.type in PLACE_TYPES:
        demonym = gaz.demonym(text)
        place = gaz.place(text)
        if demonym and (m.type == "NORP" or not place):
            m.type, m.canonical, m.country, m.via = "NORP", demonym.name, demonym.iso2, "demonym"
        elif place:
            m.type, m.canonical, m.country = place.type, place.canonical, place.country
            m.via = "alias" if place.alias else "name"
        else:
            m.confirmed = False
        return
    org = gaz.org(text) if m.type in ("ORG", "FAC", "GPE") else None
    if org is None:
        m.confirmed = False
        return
    m.type, m.canonical, m.country = org.type, org.canonical, org.country
    m.via = "alias" if org.alias else "name"
    qualifier = _qualifier_before(sdoc, m.i, gaz)
    if qualifier and not org.country and " " in text and not org.canonical.startswith(text):
        m.canonical, m.country, m.via = f"{text} of {qualifier.name}", qualifier.iso2, "name"


def _qualifier_before(sdoc: SpacyDoc, i: int, gaz: Gazetteer) -> Country | None:
    """The country named just before token i: a demonym ("Russian") or "Russia's"."""
    found = _country_ending(sdoc, i, gaz)
    return found[0] if found else None


def _country_ending(sdoc: SpacyDoc, i: int, gaz: Gazetteer) -> tuple[Country, int] | None:
    """(country, first token) for a demonym or "<Country>'s" ending just before token i."""
    k = i - 1
    if k >= 0 and sdoc[k].tag_ == "POS":
        for n in (1, 2, 3):
            if k - n < 0:
                break
            text = sdoc[k - n : k].text
            country = gaz.country_of(text)
            if country:
                return country, k - n
        return None
    for n in (2, 1):
        if k - n + 1 < 0:
            continue
        words = sdoc[k - n + 1 : k + 1]
        if words[0].is_title or words[0].is_upper:
            country = gaz.demonym(words.text)
            if country:
                return country, k - n + 1
    return None


def _ministries(sdoc: SpacyDoc, gaz: Gazetteer, names: list[Mention]) -> list[Mention]:
    """ "Russian Defense Ministry", "China's defense ministry", "the Ministry of Defence of
    Russia" as one ORG; "Defense Ministry" alone links to one named before."""
    found: list[Mention] = []
    for tok in sdoc:
        if tok.lower_ != "ministry":
            continue
        m = _ministry_before(sdoc, tok, gaz) or _ministry_after(sdoc, tok, gaz)
        if m is None:
            continue
        if not m.country:
            earlier = _earlier_ministry(found, m.start, "", m.field)
            if earlier is None:
                continue
            m.canonical, m.country, m.via = earlier.canonical, earlier.country, "alias"
        found.append(m)
    return found


def _field_before(sdoc: SpacyDoc, k: int) -> tuple[str, int]:
    """The ministry field whose words end at token k ("foreign affairs"), and its start."""
    if k >= 1 and sdoc[k].lower_ in ("affairs", "situations"):
        k -= 1
    if k >= 0 and sdoc[k].lower_ in FIELDS:
        return FIELDS[sdoc[k].lower_], k
    return "", k + 1


def _ministry_before(sdoc: SpacyDoc, tok: Token, gaz: Gazetteer) -> Mention | None:
    field_, first = _field_before(sdoc, tok.i - 1)
    if not field_:
        return None
    found = _country_ending(sdoc, first, gaz)
    country, first = found if found else (None, first)
    if country is None and not (tok.is_title or sdoc[first].is_title):
        return None
    start, end = _span(sdoc, first, tok.i + 1)
    m = Mention(first, tok.i + 1, start, end, "ORG", "", field=field_)
    _name_ministry(m, country)
    return m


def _ministry_after(sdoc: SpacyDoc, tok: Token, gaz: Gazetteer) -> Mention | None:
    k = tok.i + 1
    if not tok.is_title or k + 1 >= len(sdoc) or sdoc[k].lower_ != "of":
        return None
    if sdoc[k + 1].lower_ not in FIELDS:
        return None
    field_ = FIELDS[sdoc[k + 1].lower_]
    j = k + 2
    if j < len(sdoc) and sdoc[j].lower_ in ("affairs", "situations"):
        j += 1
    country = None
    if j + 1 < len(sdoc) and sdoc[j].lower_ == "of":
        country, j = _country_at(sdoc, j + 1, gaz)
    first = tok.i
    if country is None:
        found = _country_ending(sdoc, tok.i, gaz)
        if found:
            country, first = found
    start, end = _span(sdoc, first, j)
    m = Mention(first, j, start, end, "ORG", "", field=field_)
    _name_ministry(m, country)
    return m


def _country_at(sdoc: SpacyDoc, k: int, gaz: Gazetteer) -> tuple[Country | None, int]:
    """A country name starting at token k (after an optional "the"), and the token past it."""
    if k < len(sdoc) and sdoc[k].lower_ == "the":
        k += 1
    for n in (4, 3, 2, 1):
        if k + n <= len(sdoc):
            country = gaz.country_of(sdoc[k : k + n].text)
            if country:
                return country, k + n
    return None, k


def _name_ministry(m: Mention, country: Country | None) -> None:
    if country is None:
        m.canonical = f"Ministry of {m.field}"
        return
    m.country = country.iso2
    if country.iso2 == "US":
        m.canonical = f"United States Department of {US_DEPARTMENTS.get(m.field, m.field)}"
    else:
        m.canonical = f"Ministry of {m.field} of {country.official}"


def _earlier_ministry(
    found: list[Mention], before: int, country: str, field_: str
) -> Mention | None:
    for m in reversed(found):
        if m.start >= before or not m.field or not m.country:
            continue
        if (not country or m.country == country) and (not field_ or m.field == field_):
            return m
    return None


def _scan(sdoc: SpacyDoc, gaz: Gazetteer, taken: set[int]) -> list[Mention]:
    """Table names and aliases spaCy did not mark (case-sensitive, whole tokens)."""
    text = text_of(sdoc)
    ends = {t.idx + len(t.text): t.i for t in sdoc}
    found: list[Mention] = []
    skip_to = 0
    for tok in sdoc:
        if tok.i < skip_to or tok.i in taken or tok.text not in gaz.scan:
            continue
        for alias, named in sorted(gaz.scan[tok.text], key=lambda a: -len(a[0])):
            end = tok.idx + len(alias)
            if not text.startswith(alias, tok.idx) or end not in ends:
                continue
            j = ends[end] + 1
            if any(k in taken for k in range(tok.i, j)) or not _scan_fits(sdoc, tok, j, named):
                continue
            via = "demonym" if named.type == "NORP" else ("alias" if named.alias else "name")
            found.append(
                Mention(tok.i, j, tok.idx, end, named.type, named.canonical, via, named.country)
            )
            skip_to = j
            break
    return found


def _scan_fits(sdoc: SpacyDoc, tok: Token, j: int, named: Named) -> bool:
    if named.type == "NORP":
        return tok.tag_ in ("JJ", "NNP", "NNPS") and j - tok.i <= 2
    return j - tok.i > 1 or tok.pos_ == "PROPN" or _is_acronym(tok.text)


# ---------------------------------------------------------------- people


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", text) if w and w.lower() not in HONORIFICS]


def _link_people(sdoc: SpacyDoc, names: list[Mention]) -> list[Person]:
    """Cluster PERSON mentions: short forms join the longest compatible full name."""
    people: list[Person] = []
    persons = [m for m in names if m.type == "PERSON"]
    for m in sorted(persons, key=lambda m: (-len(_words(m.canonical)), m.start)):
        _join(m, people, _words(m.canonical))
    _retype_names(sdoc, names, people)
    _retype_full_names(sdoc, names, people)
    names.extend(_unmarked_speakers(sdoc, names, people))
    names.extend(_missed_surnames(sdoc, names, people))
    names.sort(key=lambda m: m.start)
    for m in names:
        if m.person >= 0:
            m.canonical = people[m.person].canonical
            if len(_words(m.canonical)) > len(_words(_mtext(sdoc, m))):
                m.via = "surname"
    return people


def _mtext(sdoc: SpacyDoc, m: Mention) -> str:
    return str(text_of(sdoc)[m.start : m.end])


def _join(m: Mention, people: list[Person], words: list[str]) -> None:
    keys = [name_key(w) for w in words]
    if not keys or not all(keys):
        keys = [name_key(m.canonical) or m.canonical.lower()]
    found = _match_full(keys, people) if len(keys) > 1 else _match_single(keys[0], people, m)
    if found < 0:
        people.append(Person([m.canonical], [keys]))
        found = len(people) - 1
    else:
        people[found].names.append(m.canonical)
        people[found].keys.append(keys)
    people[found].positions.append(m.start)
    m.person = found


def _match_full(keys: list[str], people: list[Person]) -> int:
    for n, person in enumerate(people):
        for other in person.keys:
            if len(other) > 1 and _same_full_name(keys, other):
                return n
    return -1


def _same_full_name(a: list[str], b: list[str]) -> bool:
    """Same surname and compatible given names (equal, an initial, or a subset)."""
    if not keys_match(a[-1], b[-1]):
        return False
    first_a, first_b = a[0], b[0]
    if keys_match(first_a, first_b) or (
        min(len(first_a), len(first_b)) == 1 and first_a[0] == first_b[0]
    ):
        return True
    small, big = sorted((a, b), key=len)
    return all(any(keys_match(k, o) for o in big) for k in small)


def _match_single(key: str, people: list[Person], m: Mention) -> int:
    """A single name word: a surname (fuzzy), else any name word (exact); the nearest
    such person when several fit."""
    for test in (
        lambda ks: len(ks) > 1 and keys_match(key, ks[-1], fuzzy=False),
        lambda ks: len(ks) > 1 and key in ks,
        lambda ks: len(ks) > 1 and keys_match(key, ks[-1]),
        lambda ks: len(ks) == 1 and keys_match(key, ks[0]),
    ):
        hits = [n for n, p in enumerate(people) if any(test(ks) for ks in p.keys)]
        if hits:
            return min(hits, key=lambda n: _distance(people[n], m.start))
    return -1


def _distance(person: Person, at: int) -> tuple[int, int]:
    """How far a person's nearest mention lies from `at`; earlier mentions first."""
    before = [at - p for p in person.positions if p <= at]
    if before:
        return 0, min(before)
    return 1, min((p - at for p in person.positions), default=0)


def _retype_names(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> None:
    """A place or org name no table knows that spells a person's name ("Navalnyy" typed GPE)."""
    for m in names:
        if m.type == "PERSON" or m.confirmed or m.j - m.i != 1:
            continue
        key = name_key(_mtext(sdoc, m))
        n = _match_single(key, people, m)
        if n >= 0 and any(len(ks) > 1 for ks in people[n].keys):
            m.type, m.via, m.confirmed = "PERSON", "name", True
            m.canonical = _mtext(sdoc, m)
            _join(m, people, [m.canonical])


def _retype_full_names(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> None:
    """An org name no table knows, two or three capitalised words, whose last word is the
    surname of a person in the article, is that person ("Pittsburgh quarterback Mason
    Rudolph" typed ORG, then "Rudolph said")."""
    for m in names:
        if m.type != "ORG" or m.confirmed or not 2 <= m.j - m.i <= 3:
            continue
        tokens = list(sdoc[m.i : m.j])
        if not all(t.pos_ == "PROPN" and t.is_title for t in tokens):
            continue
        key = name_key(tokens[-1].text)
        known = [
            n
            for n, p in enumerate(people)
            if any(len(ks) == 1 and keys_match(key, ks[0], fuzzy=False) for ks in p.keys)
        ]
        if len(known) != 1:
            continue
        m.type, m.via, m.confirmed = "PERSON", "name", True
        m.canonical = _mtext(sdoc, m)
        person = people[known[0]]
        person.names.append(m.canonical)
        person.keys.append([name_key(w) for w in _words(m.canonical)])
        person.positions.append(m.start)
        m.person = known[0]


def _unmarked_speakers(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> list[Mention]:
    """A proper noun no table knows that is the subject of a verb of saying ("Navalnyy said")
    is a person even when spaCy marked nothing."""
    taken = {t for m in names for t in range(m.i, m.j)}
    gaz = gazetteer()
    found = []
    for tok in sdoc:
        if tok.i in taken or tok.tag_ != "NNP" or tok.dep_ != "nsubj" or not tok.is_title:
            continue
        if tok.head.lemma_ not in SAYING or any(c.dep_ == "compound" for c in tok.children):
            continue
        if gaz.place(tok.text) or gaz.org(tok.text) or gaz.demonym(tok.text):
            continue
        if tok.lower_ in OFFICES or tok.lower_ in RANKS:
            continue
        m = Mention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text), "PERSON", tok.text)
        _join(m, people, [tok.text])
        found.append(m)
    return found


def _missed_surnames(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> list[Mention]:
    """Proper nouns outside every mention that are the name word of a person of the article."""
    taken = {t for m in names for t in range(m.i, m.j)}
    words = {k for p in people for ks in p.keys if len(ks) > 1 for k in ks}
    found = []
    for tok in sdoc:
        if (
            tok.i in taken
            or tok.tag_ != "NNP"
            or not tok.is_title
            or name_key(tok.text) not in words
        ):
            continue
        m = Mention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text), "PERSON", tok.text)
        _join(m, people, [tok.text])
        found.append(m)
    return found


# ---------------------------------------------------------------- roles


def _find_roles(sdoc: SpacyDoc, names: list[Mention], people: list[Person], gaz: Gazetteer) -> None:
    """Roles from titles before a name, from an apposition after it, and "counterpart"."""
    by_end = {m.j: m for m in names}
    pending: list[tuple[Mention, Country | None]] = []
    for m in names:
        if m.person < 0:
            continue
        title = _title_before(sdoc, m, by_end, gaz)
        if title is None:
            title = _title_after(sdoc, m, by_end, gaz)
        if title is None:
            continue
        words, country, former, org = title
        if "counterpart" in words:
            pending.append((m, country))
            continue
        _add_role(sdoc, m, people[m.person], words, country, former, org, by_end, gaz)
    for m, country in pending:
        _counterpart(names, people, m, country)


def _add_role(
    sdoc: SpacyDoc,
    m: Mention,
    person: Person,
    words: list[str],
    country: Country | None,
    former: bool,
    org: str,
    by_end: dict[int, Mention],
    gaz: Gazetteer,
) -> None:
    role, rank_only = _role_text(words)
    if not role:
        return
    if country is None and not org:
        country = _country_attached(sdoc, m.j, gaz, words[-1].lower() in HEADS_OF_STATE)
    where = place_phrase(country.name) if country else org
    priority = 1 if rank_only else (5 if where else 3)
    if where:
        role = f"{role} of {where}"
    person.roles.append((priority, m.start, f"former {role}" if former else role))


def _role_text(words: list[str]) -> tuple[str, bool]:
    """("Defense Minister", False) from title words; ranks give way to offices."""
    lower = [w.lower() for w in words]
    office = any(w in OFFICES or w in FIELDS for w in lower)
    kept = [w for w, lw in zip(words, lower, strict=True) if not (office and lw in RANKS)]
    while kept and kept[0].lower() in ("of", "affairs", "state"):
        kept.pop(0)
    while kept and kept[-1].lower() == "of":
        kept.pop()
    text = " ".join(FORMS.get(w.lower(), w[:1].upper() + w[1:]) for w in kept)
    return text, not office


def _country_attached(sdoc: SpacyDoc, j: int, gaz: Gazetteer, head: bool) -> Country | None:
    """A country that clearly attaches to a bare title: "Prime Minister X of Britain", or for
    a head of state "picked by President X as China's new ..."."""
    if j + 1 >= len(sdoc) or sdoc[j].lower_ not in ("of", "as"):
        return None
    if sdoc[j].lower_ == "of":
        return _country_at(sdoc, j + 1, gaz)[0]
    if not head:
        return None
    for n in (1, 2, 3):
        k = j + 1 + n
        if k < len(sdoc) and sdoc[k].tag_ == "POS":
            return gaz.country_of(sdoc[j + 1 : k].text)
    return None


Title = tuple[list[str], "Country | None", bool, str]


def _title_before(
    sdoc: SpacyDoc, m: Mention, by_end: dict[int, Mention], gaz: Gazetteer
) -> Title | None:
    """Title words, country, "former" and organisation written before a name."""
    sent_start = sdoc[m.i].sent.start
    words: list[str] = []
    country: Country | None = None
    former, org = False, ""
    k = m.i - 1
    while k >= sent_start:
        lw = sdoc[k].lower_
        if country is None and not org and _is_title_word(lw):
            words.insert(0, sdoc[k].text)
        elif lw in HONORIFICS or lw in MODIFIERS:
            former = former or lw in ("former", "ex")
        elif country is None and not org and (found := _qualifier_at(sdoc, k, by_end, gaz)):
            country, org, k = found
            continue
        else:
            break
        k -= 1
    if not any(w.lower() in OFFICES or w.lower() in RANKS for w in words):
        return None
    return words, country, former, org


def _is_title_word(lw: str) -> bool:
    return lw in OFFICES or lw in RANKS or lw in FIELDS or lw in TITLE_GLUE or lw == "general"


def _qualifier_at(
    sdoc: SpacyDoc, k: int, by_end: dict[int, Mention], gaz: Gazetteer
) -> tuple[Country | None, str, int] | None:
    """A country or organisation that ends at token k (a possessive included)."""
    j = k if sdoc[k].tag_ == "POS" else k + 1
    m = by_end.get(j)
    if m is None:
        return None
    if m.type in PLACE_TYPES and m.country and (m.type == "NORP" or m.canonical == _cname(gaz, m)):
        return gaz.country(m.country), "", m.i - 1
    if m.type == "ORG":
        return None, m.canonical, m.i - 1
    return None


def place_phrase(name: str) -> str:
    """A country's name as it follows "of": "the United States", "China"."""
    if name in ARTICLED or name.startswith("United ") or name.endswith(("Republic", "Islands")):
        return f"the {name}"
    return name


def _cname(gaz: Gazetteer, m: Mention) -> str:
    country = gaz.country(m.country)
    return country.name if country else ""


def _title_after(
    sdoc: SpacyDoc, m: Mention, by_end: dict[int, Mention], gaz: Gazetteer
) -> Title | None:
    """An apposition: "Lena Vogt, Germany's finance minister, said"."""
    k = m.j
    sent_end = sdoc[m.i].sent.end
    if k >= sent_end or sdoc[k].text != ",":
        return None
    words: list[str] = []
    country: Country | None = None
    former, org = False, ""
    k += 1
    by_start = {x.i: x for x in by_end.values()}
    while k < sent_end:
        lw = sdoc[k].lower_
        if _is_title_word(lw) and lw != "of":
            words.append(sdoc[k].text)
        elif lw in MODIFIERS or lw in HONORIFICS:
            former = former or lw in ("former", "ex")
        elif lw == "of" and words and (found := _of_qualifier(sdoc, k + 1, by_start, gaz)):
            country, org, k = found
            continue
        elif lw == "of" and words and k + 1 < sent_end and _is_title_word(sdoc[k + 1].lower_):
            words.append(sdoc[k].text)
        elif not words and country is None and (q := _qualifier_starting(sdoc, k, by_start, gaz)):
            country, org, k = q
            continue
        else:
            break
        k += 1
    end_ok = k >= sent_end or sdoc[k].is_punct or sdoc[k].pos_ in ("VERB", "AUX")
    if not end_ok or not any(w.lower() in OFFICES for w in words):
        return None
    return words, country, former, org


def _qualifier_starting(
    sdoc: SpacyDoc, k: int, by_start: dict[int, Mention], gaz: Gazetteer
) -> tuple[Country | None, str, int] | None:
    m = by_start.get(k)
    if m is None:
        return None
    nxt = m.j + 1 if m.j < len(sdoc) and sdoc[m.j].tag_ == "POS" else m.j
    if m.type in PLACE_TYPES and m.country:
        return gaz.country(m.country), "", nxt
    if m.type == "ORG":
        return None, m.canonical, nxt
    return None


def _of_qualifier(
    sdoc: SpacyDoc, k: int, by_start: dict[int, Mention], gaz: Gazetteer
) -> tuple[Country | None, str, int] | None:
    if k < len(sdoc) and sdoc[k].lower_ == "the":
        k += 1
    return _qualifier_starting(sdoc, k, by_start, gaz) if k < len(sdoc) else None


def _counterpart(
    names: list[Mention], people: list[Person], m: Mention, country: Country | None
) -> None:
    """ "X met his Russian counterpart Y": Y holds X's office, in Russia."""
    before = [x for x in names if x.person >= 0 and x.person != m.person and x.start < m.start]
    if not before:
        return
    role = people[before[-1].person].role
    if not role:
        return
    office = _office(role)
    if country:
        people[m.person].roles.append((4, m.start, f"{office} of {place_phrase(country.name)}"))
    else:
        people[m.person].roles.append((2, m.start, office))


def _office(role: str) -> str:
    return re.sub(r" of .*$", "", re.sub(r"^former ", "", role))


def _succession(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> None:
    """ "A succeeded B" / "B was replaced by A" / "A, B's successor": B held A's office."""
    person_at = _person_tokens(names)
    for tok in sdoc:
        if tok.lemma_ in SUCCESSION and tok.pos_ == "VERB":
            new, old = _succession_pair(tok, person_at)
        elif tok.lower_ in ("successor", "predecessor"):
            new, old = _successor_pair(tok, person_at)
        else:
            continue
        if new < 0 or old < 0 or new == old:
            continue
        _inherit(people[new], people[old], tok.i)


def _person_tokens(names: list[Mention]) -> dict[int, int]:
    return {t: m.person for m in names if m.person >= 0 for t in range(m.i, m.j)}


def _succession_pair(verb: Token, person_at: dict[int, int]) -> tuple[int, int]:
    subj = obj = -1
    passive = False
    for child in verb.children:
        if child.dep_ == "nsubj":
            subj = _who(child, verb, person_at)
        elif child.dep_ == "nsubjpass":
            subj, passive = _who(child, verb, person_at), True
        elif child.dep_ == "dobj":
            obj = person_at.get(child.i, -1)
        elif child.dep_ == "agent":
            obj = next((person_at.get(g.i, -1) for g in child.children if g.dep_ == "pobj"), -1)
    return (obj, subj) if passive else (subj, obj)


def _who(child: Token, verb: Token, person_at: dict[int, int]) -> int:
    """The person a subject names; for "who"/"that", the noun the clause hangs on."""
    if child.lower_ in ("who", "that") and verb.dep_ == "relcl":
        return person_at.get(verb.head.i, -1)
    return person_at.get(child.i, -1)


def _successor_pair(tok: Token, person_at: dict[int, int]) -> tuple[int, int]:
    owner = next((person_at.get(c.i, -1) for c in tok.children if c.dep_ == "poss"), -1)
    other = -1
    if tok.dep_ == "appos":
        other = person_at.get(tok.head.i, -1)
    else:
        other = next((person_at.get(c.i, -1) for c in tok.children if c.dep_ == "appos"), -1)
        if other < 0 and tok.i + 1 < len(tok.doc):
            other = person_at.get(tok.i + 1, -1)
    return (other, owner) if tok.lower_ == "successor" else (owner, other)


def _inherit(new: Person, old: Person, at: int) -> None:
    """The office of `new` becomes the former office of `old`, and the reverse."""
    if new.role and (old.role is None or not any(r[0] >= 2 for r in old.roles)):
        old.roles.append((2, at, f"former {re.sub(r'^former ', '', new.role)}"))
    elif old.role and new.role is None:
        new.roles.append((2, at, re.sub(r"^former ", "", old.role)))


# ---------------------------------------------------------------- pronouns, descriptions


def _pronouns(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> list[Mention]:
    """he/him/his, she/her: the person most salient before them."""
    found: list[Mention] = []
    persons = [m for m in names if m.person >= 0]
    for tok in sdoc:
        gender = PRONOUNS.get(tok.lower_)
        if gender is None or tok.pos_ != "PRON":
            continue
        n = _antecedent(tok, persons + found, people, gender)
        if n < 0:
            continue
        people[n].gender = people[n].gender or gender
        m = Mention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok.text), "PERSON", "", "pronoun")
        m.person = n
        found.append(m)
    return found


def _antecedent(tok: Token, persons: list[Mention], people: list[Person], gender: str) -> int:
    """The person of the current sentence's subject before the pronoun, else the last one
    named in it, else the subject (or first person) of the nearest earlier sentence. An object
    pronoun ("thanked him") never means its own clause's subject."""
    doc = tok.doc
    banned = _clause_subject(tok, persons) if tok.dep_ in ("dobj", "pobj", "dative") else -1
    candidates = [
        m
        for m in persons
        if m.start < tok.idx and people[m.person].gender in ("", gender) and m.person != banned
    ]
    sent = tok.sent
    here = [m for m in candidates if m.start >= sent.start_char]
    if here:
        subj = [m for m in here if _is_subject(doc, m)]
        return (subj[-1] if subj else here[-1]).person
    earlier = [m for m in candidates if m.start < sent.start_char]
    if not earlier:
        return -1
    last_sent = doc[earlier[-1].i].sent
    same = [m for m in earlier if m.start >= last_sent.start_char]
    subj = [m for m in same if _is_subject(doc, m)]
    return (subj[0] if subj else same[0]).person


def _clause_subject(tok: Token, persons: list[Mention]) -> int:
    """The person who is the subject of the verb governing an object pronoun."""
    verb = tok.head if tok.dep_ != "pobj" else tok.head.head
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            for m in persons:
                if m.i <= child.i < m.j:
                    return m.person
    return -1


def _root(doc: SpacyDoc, m: Mention) -> Token:
    for t in doc[m.i : m.j]:
        if not (m.i <= t.head.i < m.j) or t.head.i == t.i:
            return t
    return doc[m.j - 1]


def _is_subject(doc: SpacyDoc, m: Mention) -> bool:
    root = _root(doc, m)
    if root.dep_ in SUBJECTS:
        return True
    return root.dep_ in ("appos", "compound") and root.head.dep_ in SUBJECTS


def _descriptions(
    sdoc: SpacyDoc, names: list[Mention], people: list[Person], gaz: Gazetteer
) -> list[Mention]:
    """ "the Chinese military leader", "the new Defense Minister": the latest person named
    before whose role fits every word; no mention when none fits."""
    persons = [m for m in names if m.person >= 0]
    starts = {m.i for m in persons}
    by_end = {m.j: m for m in names}
    found = []
    for tok in sdoc:
        if tok.lower_ not in DESCRIPTION_HEADS or tok.tag_ not in ("NN", "NNP"):
            continue
        if tok.i + 1 in starts or tok.dep_ == "compound" or _followed_by_of(tok):
            continue
        desc = _description_words(sdoc, tok, by_end, gaz)
        if desc is None:
            continue
        first, words, country = desc
        n = _fitting_person(persons, people, sdoc[first].idx, tok.lower_, words, country)
        if n < 0:
            continue
        m = Mention(first, tok.i + 1, sdoc[first].idx, tok.idx + len(tok.text), "PERSON", "")
        m.via, m.person = "description", n
        found.append(m)
    return found


def _followed_by_of(tok: Token) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "of"


def _description_words(
    sdoc: SpacyDoc, tok: Token, by_end: dict[int, Mention], gaz: Gazetteer
) -> tuple[int, set[str], Country | None] | None:
    """(first token, words, country) of "the <modifiers> <head>", or None without "the"."""
    words = {tok.lower_}
    country = None
    k = tok.i - 1
    while k >= 0:
        t = sdoc[k]
        if t.lower_ == "the":
            return k, words, country
        m = by_end.get(k + 1)
        if m is not None and m.type == "NORP" and m.country and country is None:
            country, k = gaz.country(m.country), m.i - 1
            continue
        if t.lower_ in NON_REFERRING:
            return None
        if t.pos_ in ("ADJ", "NOUN", "PROPN") and t.is_alpha:
            words.add(t.lower_)
            if t.pos_ == "PROPN" and not _is_title_word(t.lower_):
                words.add("#" + t.lower_)
            k -= 1
            continue
        return None
    return None


def _fitting_person(
    persons: list[Mention],
    people: list[Person],
    before: int,
    head: str,
    words: set[str],
    country: Country | None,
) -> int:
    seen: set[int] = set()
    for m in reversed(persons):
        if m.start >= before or m.person in seen:
            continue
        seen.add(m.person)
        if _role_fits(people[m.person].role, head, words, country):
            return m.person
    return -1


def _role_fits(role: str | None, head: str, words: set[str], country: Country | None) -> bool:
    """Whether a description's words fit a role: its country, every title word, and for
    "military"/"leader" a military or leading office."""
    if not role:
        return False
    lower = role.lower().replace("defence", "defense")
    if lower.startswith("former ") and "former" not in words:
        return False
    if country and not lower.endswith(f" of {place_phrase(country.name).lower()}"):
        return False
    have = set(re.findall(r"[a-z.\-]+", lower))
    if any(w[0] == "#" and w[1:] not in have for w in words):
        return False
    if any(w in have and w not in words for w in QUALIFYING):
        return False
    titles = {FORMS.get(w, w).lower() for w in words if _is_title_word(w) and w != "of"}
    if not titles - GENERIC_HEADS <= have:
        return False
    if "military" in words and not have & MILITARY:
        return False
    return not (head == "leader" and "military" not in words and not have & LEADERS)


def _ministry_descriptions(sdoc: SpacyDoc, names: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """ "the ministry", "the Russian ministry": the ministry named before (the same country)."""
    ministries = [m for m in names if m.field]
    if not ministries:
        return []
    taken = {t for m in ministries for t in range(m.i, m.j)}
    by_end = {m.j: m for m in names}
    found = []
    for tok in sdoc:
        if tok.lower_ != "ministry" or tok.i in taken:
            continue
        k, country = tok.i - 1, ""
        q = by_end.get(tok.i)
        if q is not None and q.type == "NORP" and q.country:
            k, country = q.i - 1, q.country
        if k < 0 or sdoc[k].lower_ != "the":
            continue
        earlier = _earlier_ministry(ministries, sdoc[k].idx, country, "")
        if earlier is None:
            continue
        m = Mention(k, tok.i + 1, sdoc[k].idx, tok.idx + len(tok.text), "ORG", earlier.canonical)
        m.via, m.country, m.field = "description", earlier.country, earlier.field
        found.append(m)
    return found


# ---------------------------------------------------------------- across documents


def _family(entity: Entity) -> str:
    return entity.key.split(":", 1)[0] if ":" in entity.key else entity.type.lower()


def _initials(name: str) -> str:
    skip = {"of", "the", "and", "for", "on", "in", "de"}
    return "".join(w[0] for w in re.split(r"[\s\-]+", name) if w and w.lower() not in skip)


def _known_name(text: str) -> bool:
    gaz = gazetteer()
    return bool(gaz.place(text) or gaz.org(text) or gaz.country_of(text) or gaz.demonym(text))


class Resolver:
    """Merges the entities of many articles: name variants of a person (transliterations,
    surname-only, given-name initials), and organisation acronyms with their full names.

    `add` each article's entities, then ask `canonical(entity)`; the answer depends only on
    the set of articles added, not on their order."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self._docs: Counter[tuple[str, str]] = Counter()
        self._map: dict[tuple[str, str], str] | None = None
        self._merged: set[tuple[str, str]] = set()
        self._surnames: dict[str, set[str]] = defaultdict(set)

    def add(self, entities: Mentions | Iterable[Entity]) -> None:
        """Add the entities of one article."""
        items = entities.entities if isinstance(entities, Mentions) else list(entities)
        seen: set[tuple[str, str]] = set()
        for e in items:
            if e.via in ("pronoun", "description"):
                continue
            ident = (_family(e), e.canonical)
            self._counts[ident][e.text] += 1
            seen.add(ident)
        self._docs.update(seen)
        self._map = None

    def merge(self, other: Resolver) -> Resolver:
        """Add everything `other` was given (another worker's share of a corpus): the answers
        are then those of one resolver given both shares. Returns self."""
        for ident, texts in other._counts.items():
            self._counts[ident].update(texts)
        self._docs.update(other._docs)
        self._map = None
        return self

    def canonical(self, entity: Entity) -> tuple[str, str]:
        """(canonical name, key) of `entity` across every article added."""
        if self._map is None:
            self._map = self._build()
        family = _family(entity)
        name = self._map.get((family, entity.canonical), entity.canonical)
        if family != "person" and (family, entity.canonical) not in self._merged:
            person = self._person_named(entity)
            if person is not None:
                return person, f"person:{slug(person)}"
        return name, f"{family}:{slug(name)}"

    def _person_named(self, entity: Entity) -> str | None:
        """A one-word name spaCy took for a place or body ("Navalnyy said") that is the surname
        of exactly one person in the corpus, and no place or body the tables know."""
        words = _words(entity.canonical)
        if len(words) != 1 or entity.via != "name" or _known_name(entity.canonical):
            return None
        found = self._surnames.get(name_key(words[0]), set())
        return next(iter(found)) if len(found) == 1 else None

    def _build(self) -> dict[tuple[str, str], str]:
        idents = sorted(self._docs)
        parent = {i: i for i in idents}

        def find(x: tuple[str, str]) -> tuple[str, str]:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: tuple[str, str], b: tuple[str, str]) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        people = [i for i in idents if i[0] == "person"]
        self._merge_full_names(people, union)
        self._merge_single_names(people, find, union)
        self._merge_acronyms([i for i in idents if i[0] == "org"], union)
        groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for i in idents:
            groups[find(i)].append(i)
        result: dict[tuple[str, str], str] = {}
        self._merged = set()
        for members in groups.values():
            best = max(members, key=self._preference)
            for m in members:
                result[m] = best[1]
            if len(members) > 1:
                self._merged.update(members)
        self._surnames = defaultdict(set)
        for ident in people:
            words = _words(result[ident])
            if len(words) >= 2:
                self._surnames[name_key(words[-1])].add(result[ident])
        return result

    def _preference(self, ident: tuple[str, str]) -> tuple[int, int, int, str]:
        name = ident[1]
        full = len(_words(name)) if ident[0] == "person" else len(name)
        return (
            min(full, 2),
            self._docs[ident],
            full,
            "".join(chr(0x10FFFF - ord(c)) for c in name),
        )

    @staticmethod
    def _merge_full_names(people: list[tuple[str, str]], union: Any) -> None:
        index: dict[str, list[tuple[tuple[str, str], list[str]]]] = defaultdict(list)
        for ident in people:
            keys = [name_key(w) for w in _words(ident[1])]
            if len(keys) < 2 or not all(keys):
                continue
            for variant in deletions(keys[-1]):
                for other, other_keys in index[variant]:
                    if _same_full_name(keys, other_keys):
                        union(ident, other)
            for variant in deletions(keys[-1]):
                index[variant].append((ident, keys))

    @staticmethod
    def _merge_single_names(people: list[tuple[str, str]], find: Any, union: Any) -> None:
        """A one-word name joins the one person (after merging) whose name holds it."""
        last: dict[str, set[tuple[str, str]]] = defaultdict(set)
        anyword: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for ident in people:
            keys = [name_key(w) for w in _words(ident[1])]
            if len(keys) < 2:
                continue
            for variant in deletions(keys[-1]):
                last[variant].add(ident)
            for k in keys:
                anyword[k].add(ident)
        for ident in people:
            keys = [name_key(w) for w in _words(ident[1])]
            if len(keys) != 1 or not keys[0]:
                continue
            key = keys[0]
            exact = {
                find(i)
                for i in last.get(key, set())
                if keys_match(key, name_key(_words(i[1])[-1]), fuzzy=False)
            }
            roots = exact or {find(i) for i in anyword.get(key, set())}
            if not roots:
                roots = {
                    find(i)
                    for v in deletions(key)
                    for i in last.get(v, set())
                    if keys_match(key, name_key(_words(i[1])[-1]))
                }
            if len(roots) == 1:
                union(ident, next(iter(roots)))

    @staticmethod
    def _merge_acronyms(orgs: list[tuple[str, str]], union: Any) -> None:
        """An acronym with the one long name whose initials spell it (IAEA)."""
        by_initials: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for ident in orgs:
            if " " in ident[1]:
                by_initials[_initials(ident[1]).upper()].append(ident)
        for ident in orgs:
            name = ident[1].replace(".", "")
            if _is_acronym(name) and len(by_initials.get(name, [])) == 1:
                union(ident, by_initials[name][0])


def resolve_docs(docs: Sequence[Sequence[Entity]]) -> list[list[Entity]]:
    """Every article's entities with canonical names and keys shared across `docs`."""
    resolver = Resolver()
    for entities in docs:
        resolver.add(entities)
    out = []
    for entities in docs:
        rewritten = []
        for e in entities:
            canonical, key = resolver.canonical(e)
            rewritten.append(replace(e, canonical=canonical, key=key))
        out.append(rewritten)
    return out
