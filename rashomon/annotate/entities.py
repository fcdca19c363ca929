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

The steps live in modules of their own: `mentions` (the name mentions), `people` (linking
and roles), `coref` (pronouns and descriptions), over the word lists of `entity_words` and
the name keys and tables of `lexicon.names`. `resolver.Resolver` does the same across the
articles of a corpus, so that one real thing has one canonical name and one key
(`person:angela-merkel`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rashomon.annotate.coref import descriptions, ministry_descriptions, pronouns
from rashomon.annotate.entity_words import OFFICES, RANKS
from rashomon.annotate.mentions import Mention, Person, name_mentions
from rashomon.annotate.nlp import text_of
from rashomon.annotate.people import find_roles, link_people, succession
from rashomon.lexicon.names import entity_key, gazetteer
from rashomon.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token

__all__ = ["Mentions", "find_entities"]


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
    names = name_mentions(sdoc, gaz)
    people = link_people(sdoc, names)
    find_roles(sdoc, names, people, gaz)
    extra = pronouns(sdoc, names, people)
    succession(sdoc, names, people)
    extra += descriptions(sdoc, names, people, gaz)
    extra += ministry_descriptions(sdoc, names, gaz)
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
