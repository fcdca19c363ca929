"""Names as keys, and the gazetteer: `entity_key` (the stable id of a thing,
`person:angela-merkel`), `name_key` (one name word reduced for transliteration) and
`keys_match`, and the country, place and organisation tables of rashomon/data (`gazetteer()`,
loaded once), which the entity finder, the story features and the comparison all read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

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


def is_acronym(text: str) -> bool:
    letters = text.replace(".", "").replace("-", "").replace("+", "")
    return letters.isupper() and len(letters) <= 6 and " " not in text


def _scannable(alias: str) -> bool:
    if is_acronym(alias):
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
    if is_acronym(text):
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
