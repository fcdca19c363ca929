"""Pronouns and descriptions ("the German finance chief") tied to the person of the article they
mean when the role fits, and ministries named by a description.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rashomon.annotate.entity_words import (
    DESCRIPTION_HEADS,
    FORMS,
    GENERIC_HEADS,
    LEADERS,
    MILITARY,
    NON_REFERRING,
    PRONOUNS,
    QUALIFYING,
    SUBJECTS,
)
from rashomon.annotate.mentions import Mention, Person, earlier_ministry
from rashomon.annotate.people import is_title_word, place_phrase
from rashomon.lexicon.names import Country, Gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token


def pronouns(sdoc: SpacyDoc, names: list[Mention], people: list[Person]) -> list[Mention]:
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


def descriptions(
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
            if t.pos_ == "PROPN" and not is_title_word(t.lower_):
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
    titles = {FORMS.get(w, w).lower() for w in words if is_title_word(w) and w != "of"}
    if not titles - GENERIC_HEADS <= have:
        return False
    if "military" in words and not have & MILITARY:
        return False
    return not (head == "leader" and "military" not in words and not have & LEADERS)


def ministry_descriptions(sdoc: SpacyDoc, names: list[Mention], gaz: Gazetteer) -> list[Mention]:
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
        earlier = earlier_ministry(ministries, sdoc[k].idx, country, "")
        if earlier is None:
            continue
        m = Mention(k, tok.i + 1, sdoc[k].idx, tok.idx + len(tok.text), "ORG", earlier.canonical)
        m.via, m.country, m.field = "description", earlier.country, earlier.field
        found.append(m)
    return found
