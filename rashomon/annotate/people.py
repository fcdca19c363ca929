"""The people of one article: short forms of a name linked to the longest form (tolerating
transliteration: Navalnyy ~ Navalny), speakers and surnames spaCy missed, and titles turned
into roles (German Finance Minister Lena Vogt -> "Finance Minister of Germany"), also through
"counterpart", apposition and succession ("Vogt succeeded Kern").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rashomon.annotate.entity_words import (
    ARTICLED,
    FIELDS,
    FORMS,
    HEADS_OF_STATE,
    HONORIFICS,
    MODIFIERS,
    OFFICES,
    PLACE_TYPES,
    RANKS,
    SAYING,
    SUCCESSION,
    TITLE_GLUE,
)
from rashomon.annotate.mentions import Mention, Person, country_at
from rashomon.annotate.nlp import text_of
from rashomon.lexicon.names import Country, Gazetteer, gazetteer, keys_match, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token


# ---------------------------------------------------------------- people


def name_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", text) if w and w.lower() not in HONORIFICS]


def link_people(sdoc: SpacyDoc, names: list[Mention]) -> list[Person]:
    """Cluster PERSON mentions: short forms join the longest compatible full name."""
    people: list[Person] = []
    persons = [m for m in names if m.type == "PERSON"]
    for m in sorted(persons, key=lambda m: (-len(name_words(m.canonical)), m.start)):
        _join(m, people, name_words(m.canonical))
    _retype_names(sdoc, names, people)
    _retype_full_names(sdoc, names, people)
    names.extend(_unmarked_speakers(sdoc, names, people))
    names.extend(_missed_surnames(sdoc, names, people))
    names.sort(key=lambda m: m.start)
    for m in names:
        if m.person >= 0:
            m.canonical = people[m.person].canonical
            if len(name_words(m.canonical)) > len(name_words(_mtext(sdoc, m))):
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
            if len(other) > 1 and same_full_name(keys, other):
                return n
    return -1


def same_full_name(a: list[str], b: list[str]) -> bool:
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
        person.keys.append([name_key(w) for w in name_words(m.canonical)])
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


def find_roles(sdoc: SpacyDoc, names: list[Mention], people: list[Person], gaz: Gazetteer) -> None:
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
        return country_at(sdoc, j + 1, gaz)[0]
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
        if country is None and not org and is_title_word(lw):
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


def is_title_word(lw: str) -> bool:
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
        if is_title_word(lw) and lw != "of":
            words.append(sdoc[k].text)
        elif lw in MODIFIERS or lw in HONORIFICS:
            former = former or lw in ("former", "ex")
        elif lw == "of" and words and (found := _of_qualifier(sdoc, k + 1, by_start, gaz)):
            country, org, k = found
            continue
        elif lw == "of" and words and k + 1 < sent_end and is_title_word(sdoc[k + 1].lower_):
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


def succession(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> None:
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
