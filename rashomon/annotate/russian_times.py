"""Russian time expressions: day dates ("31 января 2024 года", "31 января"), months, years,
weekdays ("в среду"), day words ("вчера"), relative units ("в прошлом году"), "N лет назад"
and vague phrases, as `TimeExpr` placed against the article's date like the English ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rashomon.annotate import times as english_times
from rashomon.annotate.russian_nlp import PRODUCED_BY, Token
from rashomon.lexicon.calendar import RUSSIAN_MONTHS, RUSSIAN_WEEKDAYS, month_numbers
from rashomon.model import TimeExpr

MONTHS: dict[str, int] = month_numbers(
    RUSSIAN_MONTHS["genitive"], RUSSIAN_MONTHS["prepositional"], RUSSIAN_MONTHS["nominative"]
)
WEEKDAYS: dict[str, int] = {
    form: number for number, forms in enumerate(RUSSIAN_WEEKDAYS) for form in forms.split()
}
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

_M_GEN = "|".join(RUSSIAN_MONTHS["genitive"])
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
    rf"(?P<m>{'|'.join(RUSSIAN_MONTHS['prepositional'])})(?!\w)"
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
    tokens: list[Token] | None = None,
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
    tokens: list[Token],
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


def _tense(f: _Found, tokens: list[Token], sentences: tuple[tuple[int, int], ...]) -> str | None:
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
