"""`Resolver`: the entities of a corpus's articles, one canonical name and one key
(`person:angela-merkel`) per real thing; `resolve_docs` rewrites a corpus with it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from rashomon.annotate.entities import Mentions
from rashomon.annotate.people import name_words, same_full_name
from rashomon.lexicon.names import deletions, gazetteer, is_acronym, keys_match, name_key, slug
from rashomon.model import Entity


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
        words = name_words(entity.canonical)
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
            words = name_words(result[ident])
            if len(words) >= 2:
                self._surnames[name_key(words[-1])].add(result[ident])
        return result

    def _preference(self, ident: tuple[str, str]) -> tuple[int, int, int, str]:
        name = ident[1]
        full = len(name_words(name)) if ident[0] == "person" else len(name)
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
            keys = [name_key(w) for w in name_words(ident[1])]
            if len(keys) < 2 or not all(keys):
                continue
            for variant in deletions(keys[-1]):
                for other, other_keys in index[variant]:
                    if same_full_name(keys, other_keys):
                        union(ident, other)
            for variant in deletions(keys[-1]):
                index[variant].append((ident, keys))

    @staticmethod
    def _merge_single_names(people: list[tuple[str, str]], find: Any, union: Any) -> None:
        """A one-word name joins the one person (after merging) whose name holds it."""
        last: dict[str, set[tuple[str, str]]] = defaultdict(set)
        anyword: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for ident in people:
            keys = [name_key(w) for w in name_words(ident[1])]
            if len(keys) < 2:
                continue
            for variant in deletions(keys[-1]):
                last[variant].add(ident)
            for k in keys:
                anyword[k].add(ident)
        for ident in people:
            keys = [name_key(w) for w in name_words(ident[1])]
            if len(keys) != 1 or not keys[0]:
                continue
            key = keys[0]
            exact = {
                find(i)
                for i in last.get(key, set())
                if keys_match(key, name_key(name_words(i[1])[-1]), fuzzy=False)
            }
            roots = exact or {find(i) for i in anyword.get(key, set())}
            if not roots:
                roots = {
                    find(i)
                    for v in deletions(key)
                    for i in last.get(v, set())
                    if keys_match(key, name_key(name_words(i[1])[-1]))
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
            if is_acronym(name) and len(by_initials.get(name, [])) == 1:
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
