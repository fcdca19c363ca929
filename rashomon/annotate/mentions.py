"""The name mentions of one article: spaCy's entities repaired and typed (possessives, a leading
"the", title-only ORGs, names spaCy typed as places), plus the ministries and table names it
missed. `Mention` and `Person` are the records `entities.find_entities` builds with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rashomon.annotate.entity_words import (
    FIELDS,
    HONORIFICS,
    OFFICES,
    PLACE_TYPES,
    RANKS,
    TITLE_GLUE,
    TYPES,
    US_DEPARTMENTS,
)
from rashomon.annotate.nlp import text_of
from rashomon.lexicon.names import Country, Gazetteer, Named, is_acronym

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token


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


# ---------------------------------------------------------------- names


def name_mentions(sdoc: SpacyDoc, gaz: Gazetteer) -> list[Mention]:
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
            earlier = earlier_ministry(found, m.start, "", m.field)
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
        country, j = country_at(sdoc, j + 1, gaz)
    first = tok.i
    if country is None:
        found = _country_ending(sdoc, tok.i, gaz)
        if found:
            country, first = found
    start, end = _span(sdoc, first, j)
    m = Mention(first, j, start, end, "ORG", "", field=field_)
    _name_ministry(m, country)
    return m


def country_at(sdoc: SpacyDoc, k: int, gaz: Gazetteer) -> tuple[Country | None, int]:
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


def earlier_ministry(
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
    return j - tok.i > 1 or tok.pos_ == "PROPN" or is_acronym(tok.text)
