"""Russian reports: sentences, entities and times by natasha (the optional extra `rashomon[ru]`).

`annotate_russian(article)` gives a Doc whose entities and times are the English annotator's
kind, so that the corpus resolver and `times.resolve` treat a Russian report like an English one:

- entities: natasha's NER (PER, LOC, ORG) with each name in the nominative (Сергеем Лавровым ->
  Сергей Лавров), plus the names of `data/names_ru.tsv` in any case form: countries, places and
  organisations (Китая -> China, Минобороны России -> Ministry of Defence of the Russian
  Federation) and country adjectives (китайского -> China, as a demonym). The canonical name
  is the English tables' name where one is known, else the name in Latin letters
  (`translit.to_latin`); a person's surname alone joins the full name the article gives
  (Лавров -> Sergei Lavrov);
- times: day dates ("31 января 2024 года", "31 января"), months, years, weekdays ("в
  среду"), day words ("вчера"), relative units ("в прошлом году"), "N лет назад" and vague
  phrases, as `TimeExpr` placed against the article's date like the English ones;
- sentences from natasha's segmenter; direct quotes by their marks (« » included) without a
  speaker: attribution and claims are English-only, and `limits` says so.

The natasha models are loaded once per process (`russian_nlp.pipeline()`); the time rules are
`russian_times`; this module holds the names table and the entity rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from rashomon.annotate.entity_words import US_DEPARTMENTS
from rashomon.annotate.marks import marks_only
from rashomon.annotate.russian_nlp import PRODUCED_BY, Natasha, Token, pipeline
from rashomon.annotate.russian_times import find_times
from rashomon.annotate.translit import drop_patronymic, to_latin
from rashomon.lexicon.names import entity_key, gazetteer
from rashomon.model import Article, Doc, Entity

__all__ = ["annotate_russian"]

LIMIT = (
    "language ru: entities and times by natasha; quote speakers (attribution) and claims are "
    "English-only"
)


def annotate_russian(article: Article, marks: Doc | None = None) -> Doc:
    """Sentences, entities and times of a Russian article, with the direct quotes of `marks`
    (the article's `annotate.marks.marks_only` Doc, made here when not given)."""
    from natasha import Doc as NatashaDoc

    if marks is None:
        marks = marks_only(article)

    nlp = pipeline()
    text = article.text
    ndoc = NatashaDoc(text)
    with nlp.one_thread():
        ndoc.segment(nlp.segmenter)
        ndoc.tag_morph(nlp.morph_tagger)
        ndoc.tag_ner(nlp.ner_tagger)
    tokens = [Token(t.start, t.stop, t.text, t.pos, dict(t.feats or {})) for t in ndoc.tokens]
    sentences = tuple(_paragraph_split(text, ((s.start, s.stop) for s in ndoc.sents)))
    found = _entities(text, tokens, ndoc.spans, nlp)
    found_times = find_times(text, article.published, tokens, sentences)
    return replace(
        marks,
        article=article,
        sentences=sentences,
        entities=tuple(found),
        times=tuple(found_times),
        limits=(LIMIT,),
    )


def _paragraph_split(text: str, spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """natasha's sentences, cut again at paragraph breaks (a title-like line has no stop)."""
    for start, stop in spans:
        for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text[start:stop], re.S):
            yield start + m.start(), start + m.end()


# ---------------------------------------------------------------- the names table


@dataclass(frozen=True, slots=True)
class _Word:
    """One word of a table name: its normal forms, or its exact spelling (an acronym)."""

    text: str
    normals: frozenset[str]
    exact: bool
    capital: bool


@dataclass(frozen=True, slots=True)
class _Name:
    """A Russian name or adjective of the table and what it stands for."""

    words: tuple[_Word, ...]
    canonical: str
    type: str  # GPE LOC ORG NORP MINISTRY OFFICE
    country: str = ""
    via: str = "name"


class _Names:
    """`data/names_ru.tsv` indexed by the normal forms (or spelling) of each name's first word."""

    def __init__(self, vocab: Any) -> None:
        self._vocab = vocab
        self.index: dict[str, list[_Name]] = {}
        gaz = gazetteer()
        text = resources.files("rashomon").joinpath("data", "names_ru.tsv").read_text("utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = [*line.split("\t"), "", ""]
            english, type_, names, adjectives = (c.strip() for c in cells[:4])
            target = _english(gaz, english, type_)
            for i, name in enumerate(_split(names)):
                via = "name" if i == 0 and target.canonical == english else "alias"
                self._add(name, replace(target, via=via))
            country = gaz.country(target.country) if type_ == "GPE" else None
            for adjective in _split(adjectives):
                if country is not None and country.name == target.canonical:
                    self._add(adjective, _Name((), country.name, "NORP", country.iso2, "demonym"))
                else:  # a region's adjective (европейский): the region itself
                    self._add(adjective, replace(target, via="demonym"))
        for names_ in self.index.values():
            names_.sort(key=lambda n: -len(n.words))

    def _add(self, name: str, target: _Name) -> None:
        words = tuple(self._word(w) for w in _tokens(name))
        named = replace(target, words=words)
        first = words[0]
        for key in [first.text] if first.exact else first.normals:
            self.index.setdefault(key, []).append(named)

    def _word(self, word: str) -> _Word:
        exact = _is_acronym(word)
        normals = frozenset() if exact else _normal_forms(self._vocab, word.lower())
        return _Word(word, normals, exact, word[:1].isupper())


def _english(gaz: Any, english: str, type_: str) -> _Name:
    """What an English name stands for in the English tables (or as written here)."""
    if type_ in ("MINISTRY", "OFFICE"):
        return _Name((), english, type_)
    found = gaz.org(english) if type_ == "ORG" else gaz.place(english)
    if found is None:
        return _Name((), english, type_)
    return _Name((), found.canonical, found.type, found.country)


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _tokens(name: str) -> list[str]:
    from razdel import tokenize

    return [t.text for t in tokenize(name)]


def _is_acronym(word: str) -> bool:
    letters = word.replace("-", "")
    return len(letters) >= 2 and letters.isupper() and len(letters) <= 6


@lru_cache(maxsize=1)
def _names() -> _Names:
    return _Names(pipeline().morph_vocab)


_COMBINING = re.compile(r"^(\w+?)о$")


@lru_cache(maxsize=65536)
def _normal_forms(vocab: Any, word: str) -> frozenset[str]:
    """The lower-case word and every normal form the morphology gives it (ё read as е)."""
    forms = {word, *vocab.normal_forms(word)}
    return frozenset(f.replace("ё", "е") for f in forms)


# ---------------------------------------------------------------- entities


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    type: str
    canonical: str
    country: str = ""
    via: str = "name"
    field: str = ""
    words: tuple[str, ...] = ()  # a person's name words, nominative, Cyrillic
    role: str | None = None


def _entities(text: str, tokens: list[Token], spans: Iterable[Any], nlp: Natasha) -> list[Entity]:
    table = _ministries(_table_mentions(tokens, _names(), nlp.morph_vocab))
    offices = [m for m in table if m.type == "OFFICE"]
    found = [m for m in table if m.type != "OFFICE"]
    taken = [(m.start, m.end) for m in table]
    gaz = gazetteer()
    for span in spans:
        if any(span.start < e and s < span.stop for s, e in taken):
            continue
        mention = _ner_mention(span, nlp, gaz)
        if mention is not None:
            found.append(mention)
    found.sort(key=lambda m: (m.start, -m.end))
    people = [m for m in found if m.type == "PERSON"]
    _link_people(people)
    _roles(text, found, offices, people)
    return [_entity(text, m) for m in found]


def _entity(text: str, m: _Mention) -> Entity:
    key_type = "GPE" if m.type == "NORP" and m.country else m.type
    return Entity(
        start=m.start,
        end=m.end,
        text=text[m.start : m.end],
        type=m.type,
        canonical=m.canonical,
        key=entity_key(key_type, m.canonical),
        role=m.role,
        via=m.via,
        produced_by=PRODUCED_BY,
    )


def _table_mentions(tokens: list[Token], names: _Names, vocab: Any) -> list[_Mention]:
    """Every table name in the text, longest first at each token, not overlapping."""
    found: list[_Mention] = []
    i = 0
    while i < len(tokens):
        hit = _match_at(tokens, i, names, vocab)
        if hit is not None:
            j, name = hit
            found.append(
                _Mention(
                    tokens[i].start,
                    tokens[j - 1].stop,
                    name.type,
                    name.canonical,
                    name.country,
                    name.via,
                    field=name.canonical if name.type == "MINISTRY" else "",
                )
            )
            i = j
            continue
        found.extend(_hyphenated(tokens[i], names, vocab))
        i += 1
    return found


def _match_at(tokens: list[Token], i: int, names: _Names, vocab: Any) -> tuple[int, _Name] | None:
    first = tokens[i]
    keys = {first.text} | _normal_forms(vocab, first.text.lower())
    candidates = [n for k in keys for n in names.index.get(k, [])]
    for name in sorted(candidates, key=lambda n: -len(n.words)):
        j = i + len(name.words)
        if j <= len(tokens) and all(
            _word_fits(w, tokens[i + k], vocab) for k, w in enumerate(name.words)
        ):
            return j, name
    return None


def _word_fits(word: _Word, token: Token, vocab: Any) -> bool:
    if word.exact:
        return token.text == word.text
    if word.capital and not token.text[:1].isupper():
        return False
    return bool(word.normals & _normal_forms(vocab, token.text.lower()))


def _hyphenated(token: Token, names: _Names, vocab: Any) -> list[_Mention]:
    """Country adjectives joined by hyphens (российско-китайские): one mention each."""
    parts = token.text.split("-")
    if len(parts) < 2:
        return []
    found = []
    at = token.start
    for k, part in enumerate(parts):
        forms = {part.lower()}
        combining = _COMBINING.match(part.lower())
        if k < len(parts) - 1 and combining:
            forms |= {combining.group(1) + "ий", combining.group(1) + "ский"}
        else:
            forms |= _normal_forms(vocab, part.lower())
        for name in (n for f in forms for n in names.index.get(f, []) if len(n.words) == 1):
            if name.type == "NORP" and name.words[0].normals & forms:
                found.append(
                    _Mention(at, at + len(part), "NORP", name.canonical, name.country, "demonym")
                )
                break
        at += len(part) + 1
    return found


def _ministries(found: list[_Mention]) -> list[_Mention]:
    """A ministry with its country: "Минобороны России", "российское Минобороны"; without
    one, the same ministry named before, else the ministry alone."""
    out: list[_Mention] = []
    i = 0
    gaz = gazetteer()
    while i < len(found):
        m = found[i]
        if m.type != "MINISTRY":
            out.append(m)
            i += 1
            continue
        after = found[i + 1] if i + 1 < len(found) else None
        before = out[-1] if out else None
        country, start, end = "", m.start, m.end
        if after is not None and _country_name(gaz, after) and _adjacent(m.end, after.start):
            country, end = after.country, after.end
            i += 1
        elif before is not None and before.type == "NORP" and _adjacent(before.end, m.start):
            country, start = before.country, before.start
            out.pop()
        i += 1
        out.append(_ministry(m, start, end, country, out))
    return out


def _adjacent(end: int, start: int) -> bool:
    return 0 <= start - end <= 1


def _country_name(gaz: Any, m: _Mention) -> bool:
    country = gaz.country(m.country) if m.type == "GPE" and m.country else None
    return country is not None and country.name == m.canonical


def _ministry(m: _Mention, start: int, end: int, iso2: str, earlier: list[_Mention]) -> _Mention:
    gaz = gazetteer()
    field = m.field
    country = gaz.country(iso2) if iso2 else None
    if country is not None:
        name = (
            f"United States Department of {US_DEPARTMENTS.get(field, field)}"
            if country.iso2 == "US"
            else f"Ministry of {field} of {country.official}"
        )
        return _Mention(start, end, "ORG", name, country.iso2, "name", field)
    for e in reversed(earlier):
        if e.field == field and e.country:
            return _Mention(start, end, "ORG", e.canonical, e.country, "alias", field)
    return _Mention(start, end, "ORG", f"Ministry of {field}", "", "name", field)


def _ner_mention(span: Any, nlp: Natasha, gaz: Any) -> _Mention | None:
    span.normalize(nlp.morph_vocab)
    normal = (span.normal or span.text).strip()
    if not normal:
        return None
    if span.type == "PER":
        normal = drop_patronymic(normal)
        words = tuple(re.split(r"\s+", normal))
        return _Mention(span.start, span.stop, "PERSON", to_latin(normal), words=words)
    latin = to_latin(normal)
    if span.type == "LOC":
        place = gaz.place(latin)
        if place is not None:
            via = "alias" if place.alias else "name"
            return _Mention(span.start, span.stop, place.type, place.canonical, place.country, via)
        return _Mention(span.start, span.stop, "GPE", latin)
    org = gaz.org(latin)
    if org is not None:
        via = "alias" if org.alias else "name"
        return _Mention(span.start, span.stop, org.type, org.canonical, org.country, via)
    return _Mention(span.start, span.stop, "ORG", latin)


def _link_people(people: list[_Mention]) -> None:
    """A one-word name (a surname, or a Chinese surname) joins the nearest earlier full name
    that holds it, else the only later one: its canonical becomes the full name's."""
    full = [m for m in people if len(m.words) > 1]
    for m in people:
        if len(m.words) != 1:
            continue
        word = m.words[0].lower()
        holders = [f for f in full if word in (w.lower() for w in f.words)]
        earlier = [f for f in holders if f.start < m.start]
        names = {f.canonical for f in holders}
        chosen = earlier[-1] if earlier else (holders[0] if len(names) == 1 else None)
        if chosen is not None:
            m.canonical, m.via = chosen.canonical, "surname"


def _roles(
    text: str, found: list[_Mention], offices: list[_Mention], people: list[_Mention]
) -> None:
    """A title just before a person's name gives every mention of the person a role:
    "министр иностранных дел России Сергей Лавров", "российский министр иностранных дел
    Сергей Лавров" -> "Foreign Minister of Russia"; "пресс-секретарь Кремля Дмитрий Песков"
    -> "Spokesman of Kremlin"; "бывший ..." -> "former ...". The first such title in the
    article is the person's role."""
    by_end = {m.end: m for m in found if m.type != "PERSON"}
    office_by_end = {m.end: m for m in offices}
    roles: dict[str, str] = {}
    for person in people:
        start = _back(text, person.start)
        where = by_end.get(start)
        office = office_by_end.get(_back(text, where.start)) if where is not None else None
        if office is None:
            office, where = office_by_end.get(start), None
            if office is not None:
                where = by_end.get(_back(text, office.start))
                where = where if where is not None and where.type == "NORP" else None
        if office is None:
            continue
        role = office.canonical if where is None else f"{office.canonical} of {where.canonical}"
        if FORMER.search(text[max(0, office.start - 20) : office.start]):
            role = f"former {role}"
        roles.setdefault(person.canonical, role)
    for person in people:
        person.role = roles.get(person.canonical)


FORMER = re.compile(r"(?<!\w)(?:бывш\w*|экс-?)\s*$", re.I)


def _back(text: str, start: int) -> int:
    """Where the word before `start` ends, past spaces and commas."""
    while start > 0 and text[start - 1] in " ,\t":
        start -= 1
    return start
