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

The natasha models are loaded once per process (`pipeline()`).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from rashomon.annotate import times as english_times
from rashomon.annotate.entity_words import US_DEPARTMENTS
from rashomon.annotate.marks import marks_only
from rashomon.annotate.translit import drop_patronymic, to_latin
from rashomon.lexicon.names import entity_key, gazetteer
from rashomon.model import Article, Doc, Entity, TimeExpr

__all__ = ["INSTALL_HINT", "Natasha", "annotate_russian", "available", "find_times", "pipeline"]

log = logging.getLogger(__name__)

PRODUCED_BY = "rashomon.russian.v1"
INSTALL_HINT = "install rashomon[ru] for Russian entities and times (pip install 'rashomon[ru]')"
LIMIT = (
    "language ru: entities and times by natasha; quote speakers (attribution) and claims are "
    "English-only"
)


# ---------------------------------------------------------------- the natasha pipeline


@dataclass(frozen=True, slots=True)
class Natasha:
    """natasha's models: sentence and token segmenter, morphology, NER, lemmatiser."""

    segmenter: Any
    morph_tagger: Any
    ner_tagger: Any
    morph_vocab: Any
    blas: Any = None  # threadpoolctl's controller, when it is installed

    def one_thread(self) -> AbstractContextManager[Any]:
        """BLAS on one thread while natasha runs: its matrices are small, and OpenBLAS's
        threads cost more than they give (seven times slower on two cores)."""
        if self.blas is None:
            return nullcontext()
        return cast(AbstractContextManager[Any], self.blas.limit(limits=1, user_api="blas"))


def available() -> bool:
    """Whether natasha (the extra `rashomon[ru]`) can be imported."""
    try:
        import natasha  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def pipeline() -> Natasha:
    """natasha's models, loaded once per process (about a second)."""
    try:
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            Segmenter,
        )
    except ImportError as exc:
        raise ImportError(f"natasha is not installed: {INSTALL_HINT}") from exc
    began = time.perf_counter()
    embedding = NewsEmbedding()
    loaded = Natasha(
        Segmenter(), NewsMorphTagger(embedding), NewsNERTagger(embedding), MorphVocab(), _blas()
    )
    log.debug("natasha loaded in %.2f s", time.perf_counter() - began)
    return loaded


def _blas() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


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
    tokens = [_Token(t.start, t.stop, t.text, t.pos, dict(t.feats or {})) for t in ndoc.tokens]
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


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    stop: int
    text: str
    pos: str | None
    feats: dict[str, str]


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


def _entities(text: str, tokens: list[_Token], spans: Iterable[Any], nlp: Natasha) -> list[Entity]:
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


def _table_mentions(tokens: list[_Token], names: _Names, vocab: Any) -> list[_Mention]:
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


def _match_at(tokens: list[_Token], i: int, names: _Names, vocab: Any) -> tuple[int, _Name] | None:
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


def _word_fits(word: _Word, token: _Token, vocab: Any) -> bool:
    if word.exact:
        return token.text == word.text
    if word.capital and not token.text[:1].isupper():
        return False
    return bool(word.normals & _normal_forms(vocab, token.text.lower()))


def _hyphenated(token: _Token, names: _Names, vocab: Any) -> list[_Mention]:
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


# ---------------------------------------------------------------- times

_GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_PREPOSITIONAL = "январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре"
_NOMINATIVE = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
MONTHS: dict[str, int] = {
    word: i
    for forms in (_GENITIVE, _PREPOSITIONAL, _NOMINATIVE)
    for i, word in enumerate(forms.split(), 1)
}
WEEKDAYS: dict[str, int] = {}
for _i, _forms in enumerate(
    (
        "понедельник понедельника понедельнику",
        "вторник вторника вторнику",
        "среду среды",
        "четверг четверга четвергу",
        "пятницу пятницы пятнице",
        "субботу субботы субботе",
        "воскресенье воскресенья воскресенью",
    )
):
    WEEKDAYS.update(dict.fromkeys(_forms.split(), _i))
DAY_WORDS = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}
UNITS = {
    "году": "year",
    "месяце": "month",
    "неделе": "week",
    "квартале": "quarter",
}
AGO_UNITS = {
    "год": "year",
    "года": "year",
    "лет": "year",
    "месяц": "month",
    "месяца": "month",
    "месяцев": "month",
    "неделю": "week",
    "недели": "week",
    "недель": "week",
    "день": "day",
    "дня": "day",
    "дней": "day",
    "сутки": "day",
    "суток": "day",
}
NUMBER_WORDS = {
    "один": 1,
    "одну": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
}

_M_GEN = "|".join(_GENITIVE.split())
_M_ANY = "|".join(MONTHS)
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR_WORD = r"(?:\s*(?:года|году|год|г\.)(?!\w))"
_FLAGS = re.I


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


ISO_DATE = english_times.ISO_DATE  # numeric dates are written alike in both languages
DOTTED_DATE = english_times.DOTTED_DATE
DAY_MONTH = _rx(
    rf"(?<![\w.])(?P<d>[0-3]?\d)\s+(?P<m>{_M_GEN})(?!\w)(?:\s+(?P<y>{_YEAR})(?!\d){_YEAR_WORD}?)?"
)
DAY_RANGE = _rx(
    rf"(?<![\w.])(?P<d1>[0-3]?\d)\s*[-–—]\s*(?P<d2>[0-3]?\d)\s+(?P<m>{_M_GEN})(?!\w)"
    rf"(?:\s+(?P<y>{_YEAR})(?!\d){_YEAR_WORD}?)?"
)
MONTH_YEAR = _rx(
    rf"(?<!\w)(?:(?P<part>начале|конце|середине)\s+)?(?P<m>{_M_ANY})\s+(?P<y>{_YEAR})(?!\d)"
    rf"{_YEAR_WORD}?"
)
YEAR = _rx(rf"(?<![\w.,])(?P<y>{_YEAR}){_YEAR_WORD}")
BARE_MONTH = _rx(
    rf"(?<!\w)(?:в|во)\s+(?:(?P<mod>прошлом|следующем|этом|будущем)\s+)?"
    rf"(?P<m>{'|'.join(_PREPOSITIONAL.split())})(?!\w)"
)
PART_MONTH = _rx(rf"(?<!\w)(?P<part>начале|конце|середине)\s+(?P<m>{_M_GEN})(?!\w)")
WEEKDAY = _rx(
    r"(?<!\w)(?:в|во|на|к|ко|до|с|со)\s+"
    r"(?:(?P<mod>прошл\w*|следующ\w*|будущ\w*|эт[аиоу]\w*|ближайш\w*)\s+)?"
    rf"(?P<w>{'|'.join(WEEKDAYS)})(?!\w)"
)
DAY_WORD = _rx(rf"(?<!\w)(?P<w>{'|'.join(DAY_WORDS)})(?!\w)")
RELATIVE_UNIT = _rx(
    r"(?<!\w)(?:в|на)\s+(?P<mod>позапрошл(?:ом|ой)|прошл(?:ом|ой)|эт(?:ом|ой)|текущ(?:ем|ей)"
    r"|нынешн(?:ем|ей)|следующ(?:ем|ей)|будущ(?:ем|ей))\s+(?P<u>году|месяце|неделе|квартале)(?!\w)"
)
AGO = _rx(
    rf"(?<!\w)(?:(?P<n>\d{{1,3}}|{'|'.join(NUMBER_WORDS)})\s+)?(?P<u>{'|'.join(AGO_UNITS)})"
    r"\s+назад(?!\w)"
)
VAGUE = _rx(
    r"(?<!\w)в\s+(?:последние|ближайшие)\s+(?:годы|месяцы|дни|недели|десятилетия)(?!\w)"
    r"|(?<!\w)в\s+(?:последнее|ближайшее)\s+время(?!\w)"
)


def _shift(mod: str | None) -> int:
    mod = (mod or "").lower()
    if mod.startswith("позапрошл"):
        return -2
    if mod.startswith("прошл"):
        return -1
    if mod.startswith(("следующ", "будущ")):
        return 1
    return 0


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    granularity: str
    value: str | None = None
    relative: dict[str, Any] | None = None
    tensed: str = ""  # "date": past or future tense; "weekday": future only


def _day_month(m: re.Match[str]) -> _Found | None:
    mo, d = MONTHS[m["m"].lower()], int(m["d"])
    if not _valid(2000, mo, d):
        return None
    if m["y"]:
        y = int(m["y"])
        return (
            _Found(m.start(), m.end(), "day", date(y, mo, d).isoformat())
            if _valid(y, mo, d)
            else None
        )
    return _Found(m.start(), m.end(), "day", relative={"month": mo, "day": d}, tensed="date")


def _day_range(m: re.Match[str]) -> _Found | None:
    mo, d1, d2 = MONTHS[m["m"].lower()], int(m["d1"]), int(m["d2"])
    if not 1 <= d1 < d2 <= 31 or not _valid(2000, mo, d2):
        return None
    ends: list[dict[str, Any]]
    if m["y"]:
        y = int(m["y"])
        if not _valid(y, mo, d2):
            return None
        ends = [{"value": date(y, mo, d).isoformat(), "granularity": "day"} for d in (d1, d2)]
    else:
        ends = [{"month": mo, "day": d} for d in (d1, d2)]
    return _Found(m.start(), m.end(), "range", relative={"range": ends})


def _month_year(m: re.Match[str]) -> _Found:
    return _Found(m.start(), m.end(), "month", f"{int(m['y'])}-{MONTHS[m['m'].lower()]:02d}")


def _year(m: re.Match[str]) -> _Found:
    return _Found(m.start(), m.end(), "year", m["y"])


def _bare_month(m: re.Match[str]) -> _Found:
    shift = _shift(m["mod"]) if m["mod"] else 0
    rel: dict[str, Any] = {"month": MONTHS[m["m"].lower()], "shift": shift}
    start = m.start("mod") if m["mod"] else m.start("m")
    return _Found(start, m.end(), "month", relative=rel, tensed="" if shift else "date")


def _part_month(m: re.Match[str]) -> _Found:
    rel: dict[str, Any] = {"month": MONTHS[m["m"].lower()], "shift": 0}
    return _Found(m.start(), m.end(), "month", relative=rel, tensed="date")


def _weekday(m: re.Match[str]) -> _Found:
    rel: dict[str, Any] = {"unit": "weekday", "weekday": WEEKDAYS[m["w"].lower()], "shift": 0}
    mod = (m["mod"] or "").lower()
    if mod.startswith(("прошл", "следующ")):
        rel["shift"] = _shift(mod)
    start = m.start("mod") if m["mod"] else m.start("w")
    return _Found(start, m.end(), "day", relative=rel, tensed="" if rel["shift"] else "weekday")


def _day_word(m: re.Match[str]) -> _Found:
    shift = DAY_WORDS[m["w"].lower()]
    return _Found(m.start(), m.end(), "day", relative={"unit": "day", "shift": shift})


def _relative_unit(m: re.Match[str]) -> _Found:
    unit = UNITS[m["u"].lower()]
    rel = {"unit": unit, "shift": _shift(m["mod"])}
    return _Found(m.start("mod"), m.end(), unit, relative=rel)


def _ago(m: re.Match[str]) -> _Found:
    n = (m["n"] or "1").lower()
    count = int(n) if n.isdigit() else NUMBER_WORDS[n]
    unit = AGO_UNITS[m["u"].lower()]
    start = m.start("n") if m["n"] else m.start("u")
    return _Found(start, m.end(), unit, relative={"unit": unit, "shift": -count})


def _vague(m: re.Match[str]) -> _Found:
    return _Found(m.start(), m.end(), "vague")


def _iso(m: re.Match[str]) -> _Found | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    return (
        _Found(m.start(), m.end(), "day", date(y, mo, d).isoformat()) if _valid(y, mo, d) else None
    )


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


MATCHERS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (ISO_DATE, _iso),
    (DOTTED_DATE, _iso),
    (DAY_RANGE, _day_range),
    (DAY_MONTH, _day_month),
    (MONTH_YEAR, _month_year),
    (YEAR, _year),
    (PART_MONTH, _part_month),
    (BARE_MONTH, _bare_month),
    (WEEKDAY, _weekday),
    (DAY_WORD, _day_word),
    (RELATIVE_UNIT, _relative_unit),
    (AGO, _ago),
    (VAGUE, _vague),
)


def find_times(
    text: str,
    anchor: date | None,
    tokens: list[_Token] | None = None,
    sentences: tuple[tuple[int, int], ...] = (),
) -> list[TimeExpr]:
    """The time expressions of a Russian text, in text order, placed against `anchor` (the
    article's date) when relative, as the English `times.find_times` does. With the text's
    natasha `tokens` and `sentences`, a weekday or a year-less date takes the tense of the
    nearest verb of its sentence."""
    found = [
        hit for pattern, matcher in MATCHERS for m in pattern.finditer(text) if (hit := matcher(m))
    ]
    taken: list[_Found] = []
    for f in sorted(found, key=lambda f: f.start - f.end):  # stable: earlier matchers win ties
        if all(f.end <= t.start or f.start >= t.end for t in taken):
            taken.append(f)
    return [_express(f, text, anchor, tokens or [], sentences) for f in sorted(taken, key=_start)]


def _start(f: _Found) -> int:
    return f.start


def _express(
    f: _Found,
    text: str,
    anchor: date | None,
    tokens: list[_Token],
    sentences: tuple[tuple[int, int], ...],
) -> TimeExpr:
    span = text[f.start : f.end]
    if f.granularity == "vague":
        return TimeExpr(f.start, f.end, span, None, "vague", "none", produced_by=PRODUCED_BY)
    if f.relative is None:
        return TimeExpr(
            f.start, f.end, span, f.value, f.granularity, "absolute", produced_by=PRODUCED_BY
        )
    relative = dict(f.relative)
    tense = _tense(f, tokens, sentences) if f.tensed else None
    if tense and (f.tensed == "date" or tense == "future"):
        relative["tense"] = tense
    expr = TimeExpr(
        f.start, f.end, span, None, f.granularity, "none", relative, produced_by=PRODUCED_BY
    )
    return english_times.resolve(expr, anchor, "published") if anchor is not None else expr


def _tense(f: _Found, tokens: list[_Token], sentences: tuple[tuple[int, int], ...]) -> str | None:
    """The tense of the verb nearest to `f` in its sentence: past, future, or None."""
    sentence = next(((s, e) for s, e in sentences if s <= f.start < e), None)
    if sentence is None:
        return None
    verbs = [
        t
        for t in tokens
        if sentence[0] <= t.start < sentence[1]
        and t.pos in ("VERB", "AUX")
        and t.feats.get("Tense") in ("Past", "Fut")
    ]
    if not verbs:
        return None
    nearest = min(verbs, key=lambda t: min(abs(t.start - f.end), abs(f.start - t.stop)))
    return "past" if nearest.feats["Tense"] == "Past" else "future"
