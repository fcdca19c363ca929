"""Times: the time expressions of an article, normalised to ISO values.

Our own rules, compiled at import, find dates, months, years, decades, quarters, weekdays,
relative phrases ("last month", "three years ago"), ranges and vague phrases ("in recent
years"). spaCy's tokens and entities veto what only looks like a date: names ("Kim Jun",
"June Carter"), words ("he may go", "the march"), outlets ("USA Today"). A bare year needs a
preposition before it or spaCy's DATE label.

A relative expression is placed against the article's date (anchor "published"); without one
it is left relative (anchor "none", value None) and `relative` holds what `resolve` needs to
place it later against a story's date:

    {"unit": "day" | "week" | "month" | "quarter" | "year", "shift": -1}
    {"unit": "weekday", "weekday": 2, "shift": 0}     # Monday is 0
    {"month": 10, "shift": -1}                        # "last October"
    {"month": 1, "day": 31}                           # "January 31"
    {"quarter": 3}                                    # "the third quarter"
    {"range": [start, end]}                           # an end may be {"value", "granularity"}

A bare weekday, month or year-less date may also carry "tense": "past" or "future" from its
verb ("met on Wednesday", "will meet on Wednesday"): a past one is placed on or before the
date, a future one on or after it; without a tense a year-less date takes the date's year,
or the year before when that is over six months ahead.

Decades are ISO 8601 reduced precision: "the 1990s" -> "199". Durations ("for three years")
and ages are left out; vague phrases are kept with value None and granularity "vague".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rashomon.annotate.nlp import text_of
from rashomon.lexicon.calendar import FULL_MONTHS, SHORT_MONTHS, month_numbers
from rashomon.lexicon.calendar import WEEKDAYS as CALENDAR_WEEKDAYS
from rashomon.lexicon.calendar import make_date as _make_date
from rashomon.model import TimeExpr

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Token

__all__ = ["find_times", "resolve"]

Relative = dict[str, Any]


def _words(text: str) -> list[str]:
    return text.split()


MONTHS: dict[str, int] = {
    name.capitalize(): number
    for name, number in month_numbers(FULL_MONTHS["en"], SHORT_MONTHS["en"]).items()
}
WEEKDAYS: dict[str, int] = {name: i for i, name in enumerate(CALENDAR_WEEKDAYS)}
NUMBERS = {
    w: i
    for i, w in enumerate(
        _words("zero one two three four five six seven eight nine ten eleven twelve")
    )
} | {"a": 1, "an": 1}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}

# Words before a bare month or year that make it a time ("in March", "since 2019").
MONTH_PREPS = frozenset(
    _words(
        "in since by until till from of before after during through throughout around between "
        "early late mid"
    )
)
YEAR_PREPS = MONTH_PREPS | frozenset(_words("for circa year spring summer autumn fall winter"))
# Words that make the weekday after them a holiday, not "the latest such day".
HOLIDAYS = frozenset(_words("Ash Good Black Cyber Holy Maundy Palm Easter Super Bloody Shrove"))
# Auxiliaries that give a verb its tense.
FUTURE_WORDS = frozenset(_words("will 'll shall wo"))
PAST_WORDS = frozenset(_words("had did was were has have"))
# Entity types that make a month or weekday word part of a name.
NAME_TYPES = frozenset(_words("PERSON ORG GPE NORP FAC LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE"))

_MONTH_FULL = "|".join(name.capitalize() for name in FULL_MONTHS["en"])
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_WEEKDAY_FULL = "|".join(WEEKDAYS)
_WEEKDAY_ANY = rf"(?:{_WEEKDAY_FULL}|(?:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\.?)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DASH = r"(?:\s?[-–]\s?|—)"
_TO = rf"(?:{_DASH}|\s+(?:to|through|thru|until|till|and)\s+)"
_PREFIX = r"(?:(?P<pre>(?i:from|between))\s+)?"
_WD_PREFIX = rf"(?:{_WEEKDAY_ANY},?\s+)?"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


ISO_DATE = _rx(r"\b(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b(?!-\d)")
DOTTED_DATE = _rx(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b(?!\.\d)")
SLASH_DATE = _rx(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)\b(?!/)")
MONTH_DAY = _rx(
    rf"\b{_WD_PREFIX}(?P<m>{_MONTH_ANY})\s+(?P<d>{_DAY})\b(?![:.,]\d)(?:,?\s+(?P<y>{_YEAR})\b)?"
)
DAY_MONTH = _rx(
    rf"\b{_WD_PREFIX}(?:(?i:the)\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH_ANY})(?!\w)"
    rf"(?:,?\s+(?P<y>{_YEAR})\b)?"
)
MONTH_YEAR = _rx(
    rf"\b(?:(?i:early|late|mid)(?:\s+|\s*-\s*))?(?P<m>{_MONTH_ANY})(?:,|\s+of)?\s+(?P<y>{_YEAR})\b"
)
MONTH_DAY_RANGE = _rx(
    rf"\b{_PREFIX}(?P<m>{_MONTH_ANY})\s+(?P<d1>{_DAY}){_TO}(?P<d2>{_DAY})\b(?![:.,]\d)"
    rf"(?:,?\s+(?P<y>{_YEAR})\b)?"
)
DAY_MONTH_RANGE = _rx(
    rf"\b{_PREFIX}(?P<d1>{_DAY}){_TO}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH_ANY})(?!\w)"
    rf"(?:,?\s+(?P<y>{_YEAR})\b)?"
)
MONTH_RANGE = _rx(
    rf"\b{_PREFIX}(?P<m1>{_MONTH_FULL}){_TO}(?P<m2>{_MONTH_FULL})\b"
    rf"(?:,?\s+(?P<y>{_YEAR})\b|(?!\s*\d))"
)
YEAR_RANGE = _rx(rf"\b{_PREFIX}(?P<y1>{_YEAR}){_TO}(?P<y2>\d{{4}}|\d\d?)\b(?![-/.]\d)")
DECADE = _rx(rf"\b(?:(?i:the)\s+)?(?:(?i:early|late|mid)(?:\s+|\s*-\s*))?(?P<y>{_YEAR})s\b")
YEAR_PART = _rx(rf"\b(?i:early|late|mid)(?:\s+|\s*-\s*)(?P<y>{_YEAR})\b")
YEAR = _rx(rf"(?<![\d$€£#.,])\b(?P<y>{_YEAR})\b(?![.,]\d|%)")
QUARTER_YEAR = _rx(
    r"\b(?:Q(?P<q>[1-4])|(?:(?i:the)\s+)?(?P<qw>(?i:first|second|third|fourth|1st|2nd|3rd|4th))"
    rf"[\s-]+(?i:quarter))(?:\s+of|,)?\s+(?P<y>{_YEAR})\b"
)
QUARTER = _rx(r"\b(?i:the)\s+(?P<qw>(?i:first|second|third|fourth))[\s-]+(?i:quarter)\b")
RELATIVE_UNIT = _rx(
    r"\b(?P<mod>(?i:(?:(?:earlier|later|early|late)\s+)?(?:last|next|this)))\s+"
    r"(?P<u>(?i:weekend|week|month|year|quarter))\b(?!-)"
)
AGO = _rx(
    r"\b(?P<n>(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)|\d{1,3})"
    r"\s+(?P<u>(?i:day|week|month|year))s?\s+(?i:ago)\b"
)
DAY_WORD = _rx(
    r"\b(?P<w>(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today"
    r"|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening)))\b"
    r"(?:\s+(?i:morning|afternoon|evening|night)\b)?"
)
WEEKDAY = _rx(
    rf"\b(?:(?P<mod>(?i:last|next|this|coming|past))\s+)?(?P<w>{_WEEKDAY_FULL})\b"
    r"(?:\s+(?:morning|afternoon|evening|night)\b)?"
)
MONTH = _rx(
    rf"\b(?:(?P<mod>(?i:last|next|this|early|late|mid))(?:\s+|\s*-\s*))?(?P<m>{_MONTH_FULL})\b"
)
VAGUE = _rx(
    r"\b(?i:"
    r"(?:in|over|during)\s+recent\s+(?:years|months|weeks|days|decades|times)"
    r"|(?:in|over|during|for)\s+the\s+(?:past|last|coming|next)\s+"
    r"(?:(?:few|several|couple\s+of|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
    r"(?:years|months|weeks|days|decades|century|decade)"
    r"|in\s+the\s+(?:near\s+)?(?:future|past)"
    r"|for\s+(?:many\s+)?(?:years|decades|months|weeks|centuries)"
    r"|(?:(?:many|several|a\s+few)\s+)?(?:years|decades|months|weeks)\s+ago"
    r"|recently|lately|nowadays|soon)\b"
)
CONNECTOR = re.compile(rf"{_DASH}|\s+(?i:to|through|thru|until|till|and)\s+")
RANGE_START = re.compile(r"\b(?i:from|between)\s+$")
SHIFTS = {"last": -1, "past": -1, "next": 1, "this": 0, "coming": 0}


@dataclass(frozen=True, slots=True)
class _Found:
    """A match before it is placed: absolute (`value`), relative (`relative`) or vague."""

    start: int
    end: int
    granularity: str
    value: str | None = None
    relative: Relative | None = None


class _Context:
    """The parsed article, for the checks that veto a match."""

    def __init__(self, sdoc: SpacyDoc) -> None:
        self.sdoc = sdoc
        self.text: str = text_of(sdoc)
        self.date_tokens = {t.i for e in sdoc.ents if e.label_ == "DATE" for t in e}

    def token(self, char: int) -> Token | None:
        span = self.sdoc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def word_before(self, char: int) -> str:
        found = re.search(r"(\w+)\W*$", self.text[max(0, char - 30) : char])
        return found.group(1).lower() if found else ""


# --- small helpers ---------------------------------------------------------------------------


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _month(text: str) -> int:
    return MONTHS[text.rstrip(".")]


def _valid_day(m: int, d: int) -> bool:
    return _make_date(2000, m, d) is not None  # 2000 is a leap year


def _sentence_initial(tok: Token) -> bool:
    """True when only punctuation stands between a sentence or line start and `tok`."""
    sdoc = tok.doc
    parsed = sdoc.has_annotation("SENT_START")
    i = tok.i
    while i > 0:
        prev = sdoc[i - 1]
        if (parsed and sdoc[i].is_sent_start) or "\n" in prev.text_with_ws:
            return True
        if not (prev.is_punct or prev.is_space):
            return False
        i -= 1
    return True


def _is_calendar_word(text: str) -> bool:
    return text.rstrip(".") in MONTHS or text in WEEKDAYS


def _is_name(tok: Token) -> bool:
    """A month or weekday word that is part of a name or used as a word ("May I", "June
    Carter", "USA Today")."""
    if tok.ent_type_ in NAME_TYPES or tok.pos_ in ("VERB", "AUX") or tok.tag_ == "MD":
        return True
    sdoc = tok.doc
    nxt = sdoc[tok.i + 1] if tok.i + 1 < len(sdoc) else None
    return (
        nxt is not None
        and tok.dep_ == "compound"
        and tok.head.i == nxt.i
        and nxt.is_title
        and nxt.pos_ == "PROPN"
        and not _is_calendar_word(nxt.text)
    )


def _after_name(tok: Token) -> bool:
    """True after a capitalised name word mid-sentence ("Kim Jun", "the Long March 5")."""
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    return (
        prev is not None
        and prev.is_title
        and prev.is_alpha
        and not _is_calendar_word(prev.text)
        and not _sentence_initial(prev)
    )


def _month_ok(ctx: _Context, char: int) -> bool:
    """The month word at `char` names a month."""
    tok = ctx.token(char)
    return tok is not None and not _is_name(tok) and not _after_name(tok)


def _tense(tok: Token | None) -> str | None:
    """The tense of the verb `tok` hangs from: "future" ("will meet on Tuesday"), "past"
    ("met in March", "has met"), or None when there is no verb or it is present."""
    head = tok
    for _ in range(4):
        if head is None or head.pos_ in ("VERB", "AUX"):
            break
        head = head.head if head.head.i != head.i else None
    if head is None or head.pos_ not in ("VERB", "AUX"):
        return None
    auxes = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")} | {head.lower_}
    if auxes & FUTURE_WORDS:
        return "future"
    if head.tag_ == "VBD" or auxes & PAST_WORDS:
        return "past"
    return None


def _with_tense(rel: Relative, tok: Token | None) -> Relative:
    tense = _tense(tok)
    return rel | {"tense": tense} if tense else rel


# --- matchers: each takes a match and the context, returns a _Found or None ------------------


def _absolute(m: re.Match[str], y: int, mo: int, d: int) -> _Found | None:
    day = _make_date(y, mo, d)
    return _Found(m.start(), m.end(), "day", day.isoformat()) if day else None


def _iso_date(m: re.Match[str], ctx: _Context) -> _Found | None:
    return _absolute(m, int(m["y"]), int(m["m"]), int(m["d"]))


def _dotted_date(m: re.Match[str], ctx: _Context) -> _Found | None:
    return _absolute(m, int(m["y"]), int(m["m"]), int(m["d"]))


def _slash_date(m: re.Match[str], ctx: _Context) -> _Found | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 70 else 1900
    mo, d = (b, a) if a > 12 else (a, b)  # US order unless it cannot be
    return _absolute(m, y, mo, d)


def _name_date(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A named date: "January 31", "31 January 2024", "Wed, Jan. 31, 2024"."""
    if not _month_ok(ctx, m.start("m")):
        return None
    mo, d = _month(m["m"]), _day(m["d"])
    if not 1 <= d <= 31 or not _valid_day(mo, d):
        return None
    if m["y"]:
        return _absolute(m, int(m["y"]), mo, d)
    rel = _with_tense({"month": mo, "day": d}, ctx.token(m.start("m")))
    return _Found(m.start(), m.end(), "day", relative=rel)


def _month_year(m: re.Match[str], ctx: _Context) -> _Found | None:
    if not _month_ok(ctx, m.start("m")):
        return None
    return _Found(m.start(), m.end(), "month", f"{m['y']}-{_month(m['m']):02d}")


def _range_of(m: re.Match[str], start: Relative, end: Relative) -> _Found:
    begin = m.start("pre") if m["pre"] else m.start()
    if "value" in start and "value" in end:
        return _Found(begin, m.end(), "range", f"{start['value']}/{end['value']}")
    return _Found(begin, m.end(), "range", relative={"range": [start, end]})


def _day_range(m: re.Match[str], ctx: _Context) -> _Found | None:
    """Days of one month: "January 5 to 10", "5-10 January 2024"."""
    if not _month_ok(ctx, m.start("m")) or (m["pre"] is None and " and " in m.group()):
        return None
    mo, d1, d2 = _month(m["m"]), _day(m["d1"]), _day(m["d2"])
    if not 1 <= d1 < d2 <= 31 or not _valid_day(mo, d2):
        return None
    ends: list[Relative]
    if m["y"]:
        y = int(m["y"])
        ends = [{"value": date(y, mo, d).isoformat(), "granularity": "day"} for d in (d1, d2)]
    else:
        ends = [{"month": mo, "day": d} for d in (d1, d2)]
    return _range_of(m, ends[0], ends[1])


def _month_range(m: re.Match[str], ctx: _Context) -> _Found | None:
    """Months: "from March to May 2023"."""
    if m["pre"] is None and " and " in m.group():
        return None
    if not (_month_ok(ctx, m.start("m1")) and _month_ok(ctx, m.start("m2"))):
        return None
    m1, m2 = MONTHS[m["m1"]], MONTHS[m["m2"]]
    if m["y"]:
        y = int(m["y"])
        first = {"value": f"{y if m1 <= m2 else y - 1}-{m1:02d}", "granularity": "month"}
        return _range_of(m, first, {"value": f"{y}-{m2:02d}", "granularity": "month"})
    return _range_of(m, {"month": m1, "shift": 0}, {"month": m2, "shift": 0})


def _year_range(m: re.Match[str], ctx: _Context) -> _Found | None:
    """Years: "between 2019 and 2021", "2019-21"."""
    y1, y2 = int(m["y1"]), int(m["y2"])
    if y2 < 100:
        y2 += y1 // 100 * 100 if y2 >= 10 else y1 // 10 * 10
    if not y1 < y2 <= 2100 or (m["pre"] is None and " and " in m.group()):
        return None
    return _Found(m.start("pre") if m["pre"] else m.start(), m.end(), "range", f"{y1}/{y2}")


def _decade(m: re.Match[str], ctx: _Context) -> _Found | None:
    if not m["y"].endswith("0"):
        return None
    return _Found(m.start(), m.end(), "decade", m["y"][:3])


def _year_part(m: re.Match[str], ctx: _Context) -> _Found | None:
    return _Found(m.start(), m.end(), "year", m["y"])


def _year(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A bare year: after a preposition ("in 2019") or labelled DATE by spaCy, not a count."""
    tok = ctx.token(m.start())
    if tok is None or tok.ent_type_ in ("MONEY", "PERCENT", "QUANTITY"):
        return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    before = ctx.word_before(m.start())
    if nxt is not None and nxt.tag_ == "NNS" and before != "the":
        return None  # "2000 people"
    after_comma = ctx.text[: m.start()].rstrip().endswith(",")
    if before in YEAR_PREPS or (tok.i in ctx.date_tokens and not after_comma):
        return _Found(m.start(), m.end(), "year", m["y"])
    return None


def _quarter_year(m: re.Match[str], ctx: _Context) -> _Found | None:
    q = int(m["q"]) if m["q"] else ORDINALS[m["qw"].lower()]
    return _Found(m.start(), m.end(), "quarter", f"{m['y']}-Q{q}")


def _quarter(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A quarter without a year ("the third quarter"), only where spaCy also read a date."""
    tok = ctx.token(m.start("qw"))
    if tok is None or tok.i not in ctx.date_tokens:
        return None
    return _Found(m.start(), m.end(), "quarter", relative={"quarter": ORDINALS[m["qw"].lower()]})


def _relative_unit(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A calendar unit from the date: "last month", "this year", "earlier this week"."""
    if ctx.word_before(m.start()) == "the" or m["u"][0].isupper():
        return None  # "the last year" is a stretch of time; "This Week" a programme
    unit = m["u"].lower().replace("weekend", "week")
    shift = SHIFTS[m["mod"].split()[-1].lower()]
    return _Found(m.start(), m.end(), unit, relative={"unit": unit, "shift": shift})


def _ago(m: re.Match[str], ctx: _Context) -> _Found | None:
    n = m["n"].lower()
    count = int(n) if n.isdigit() else NUMBERS[n]
    unit = m["u"].lower()
    return _Found(m.start(), m.end(), unit, relative={"unit": unit, "shift": -count})


def _day_word(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A day word: "yesterday", "today", "last night"; not "USA Today"."""
    word = " ".join(m["w"].lower().split())
    tok = ctx.token(m.start())
    if tok is None or tok.ent_type_ in NAME_TYPES:
        return None
    if m["w"][0].isupper() and not _sentence_initial(tok):
        return None
    shift = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    shift = {"the day before yesterday": -2, "the day after tomorrow": 2}.get(word, shift)
    return _Found(m.start(), m.end(), "day", relative={"unit": "day", "shift": shift})


def _weekday(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A weekday: "Wednesday" (the latest on or before the date), "next Tuesday", "last Friday"."""
    tok = ctx.token(m.start("w"))
    if tok is None or _is_name(tok) or (tok.i and tok.doc[tok.i - 1].text in HOLIDAYS):
        return None
    rel: Relative = {"unit": "weekday", "weekday": WEEKDAYS[m["w"]], "shift": 0}
    mod = (m["mod"] or "").lower()
    if mod in ("last", "past", "next"):
        rel["shift"] = SHIFTS[mod]
    elif mod == "coming" or _tense(tok) == "future":
        rel["tense"] = "future"
    return _Found(m.start(), m.end(), "day", relative=rel)


def _bare_month(m: re.Match[str], ctx: _Context) -> _Found | None:
    """A month without a year: "in March", "last October", "early May"; not "he may", "the
    march", "June Carter"."""
    if not _month_ok(ctx, m.start("m")):
        return None
    mod = (m["mod"] or "").lower()
    tok = ctx.token(m.start("m"))
    if not mod and not _month_context(ctx, m.start(), tok):
        return None
    rel: Relative = {"month": MONTHS[m["m"]], "shift": SHIFTS.get(mod, 0)}
    if mod not in ("last", "next"):
        rel = _with_tense(rel, tok)
    return _Found(m.start(), m.end(), "month", relative=rel)


def _month_context(ctx: _Context, start: int, tok: Token | None) -> bool:
    """A bare month after a preposition ("in March") or before a noun ("the November vote")."""
    before = ctx.word_before(start)
    if before in MONTH_PREPS:
        return True
    nxt = tok.doc[tok.i + 1] if tok is not None and tok.i + 1 < len(tok.doc) else None
    return before == "the" and nxt is not None and nxt.pos_ == "NOUN" and nxt.is_lower


def _vague(m: re.Match[str], ctx: _Context) -> _Found | None:
    text = m.group().lower()
    if text == "soon" and re.search(r"\bas\s+$", ctx.text[max(0, m.start() - 4) : m.start()]):
        return None  # "as soon as"
    return _Found(m.start(), m.end(), "vague")


Matcher = Callable[[re.Match[str], _Context], _Found | None]
MATCHERS: tuple[tuple[re.Pattern[str], Matcher], ...] = (
    (ISO_DATE, _iso_date),
    (DOTTED_DATE, _dotted_date),
    (SLASH_DATE, _slash_date),
    (MONTH_DAY_RANGE, _day_range),
    (DAY_MONTH_RANGE, _day_range),
    (MONTH_RANGE, _month_range),
    (YEAR_RANGE, _year_range),
    (MONTH_DAY, _name_date),
    (DAY_MONTH, _name_date),
    (MONTH_YEAR, _month_year),
    (QUARTER_YEAR, _quarter_year),
    (QUARTER, _quarter),
    (DECADE, _decade),
    (YEAR_PART, _year_part),
    (RELATIVE_UNIT, _relative_unit),
    (AGO, _ago),
    (DAY_WORD, _day_word),
    (WEEKDAY, _weekday),
    (MONTH, _bare_month),
    (VAGUE, _vague),
    (YEAR, _year),
)


# --- finding ---------------------------------------------------------------------------------


def _candidates(ctx: _Context) -> list[_Found]:
    found = []
    for pattern, matcher in MATCHERS:
        for m in pattern.finditer(ctx.text):
            hit = matcher(m, ctx)
            if hit is not None:
                found.append(hit)
    return found


def _choose(found: list[_Found]) -> list[_Found]:
    """The longest matches that do not overlap, in text order (earlier matchers win ties).
    The matches taken are kept in text order, so each new one is checked against its one
    neighbour by bisection, not against every match taken so far."""
    starts: list[int] = []  # of the matches taken, disjoint, in text order
    taken: list[_Found] = []
    for f in sorted(found, key=lambda f: f.start - f.end):  # stable: keeps matcher order
        at = bisect.bisect_left(starts, f.end)
        if at > 0 and taken[at - 1].end > f.start:  # the rest start at or after f.end
            continue
        starts.insert(at, f.start)
        taken.insert(at, f)
    return taken


def _end_spec(f: _Found) -> Relative:
    if f.relative is not None:
        return f.relative
    return {"value": f.value, "granularity": f.granularity}


def _with_year(rel: Relative, other: _Found, before: bool) -> Relative:
    """A year-less "January 29" given the year of the other end of its range."""
    if "day" not in rel or "month" not in rel or other.value is None or other.granularity != "day":
        return rel
    y, m, d = (int(p) for p in other.value.split("-"))
    if before:
        y -= (rel["month"], rel["day"]) > (m, d)
    else:
        y += (rel["month"], rel["day"]) < (m, d)
    day = _make_date(y, rel["month"], rel["day"])
    return {"value": day.isoformat(), "granularity": "day"} if day else rel


def _calendar(f: _Found) -> bool:
    """A date, month, year or weekday: what can end a range ("last week" cannot)."""
    if f.relative is None:
        return f.value is not None and f.granularity != "range"
    return "month" in f.relative or f.relative.get("unit") == "weekday"


def _join(a: _Found, b: _Found, text: str) -> _Found | None:
    """Two neighbours as one range: "January 29-February 2", "from Monday to Wednesday"."""
    if not (_calendar(a) and _calendar(b)):
        return None
    link = CONNECTOR.fullmatch(text[a.end : b.start])
    if link is None:
        return None
    pre = RANGE_START.search(text, max(0, a.start - 9), a.start)
    word = link.group().strip().lower()
    if word == "and" and pre is None:
        return None
    if word not in ("-", "–", "—") and pre is None and a.granularity != b.granularity:
        return None
    start, end = _end_spec(a), _end_spec(b)
    if "value" not in start:
        start = _with_year(start, b, before=True)
    if "value" not in end:
        end = _with_year(end, a, before=False)
    begin = pre.start() if pre else a.start
    if "value" in start and "value" in end:
        return _Found(begin, b.end, "range", f"{start['value']}/{end['value']}")
    return _Found(begin, b.end, "range", relative={"range": [start, end]})


def _ranges(found: list[_Found], text: str) -> list[_Found]:
    out: list[_Found] = []
    for f in found:
        joined = _join(out[-1], f, text) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(f)
    return out


def find_times(sdoc: SpacyDoc, anchor: date | None) -> list[TimeExpr]:
    """Every time expression in `sdoc`, in text order, placed against `anchor` when relative."""
    ctx = _Context(sdoc)
    found = _ranges(_choose(_candidates(ctx)), ctx.text)
    return [_express(f, ctx.text, anchor) for f in found]


def _express(f: _Found, text: str, anchor: date | None) -> TimeExpr:
    span = text[f.start : f.end]
    if f.granularity == "vague":
        return TimeExpr(f.start, f.end, span, None, "vague", "none")
    if f.relative is None:
        return TimeExpr(f.start, f.end, span, f.value, f.granularity, "absolute")
    placed = _place(f.relative, anchor) if anchor is not None else None
    if placed is None:
        return TimeExpr(f.start, f.end, span, None, f.granularity, "none", f.relative)
    return TimeExpr(f.start, f.end, span, placed[0], placed[1], "published", f.relative)


# --- placing a relative expression on the calendar -------------------------------------------


def resolve(t: TimeExpr, anchor: date, label: str = "story") -> TimeExpr:
    """Place an expression left relative (anchor "none") against `anchor`, e.g. a story's date.
    The result's anchor is `label`. Anything else comes back unchanged."""
    if t.anchor != "none" or not t.relative:
        return t
    placed = _place(t.relative, anchor)
    if placed is None:
        return t
    return replace(t, value=placed[0], granularity=placed[1], anchor=label)


def _add_months(y: int, m: int, shift: int) -> tuple[int, int]:
    index = y * 12 + m - 1 + shift
    return index // 12, index % 12 + 1


def _yearless(anchor: date, month: int, day: int = 1) -> int:
    """The year of a year-less date: the anchor's, unless that is over six months ahead."""
    probe = _make_date(anchor.year, month, min(day, 28)) or date(anchor.year, month, 1)
    return anchor.year - 1 if (probe - anchor).days > 183 else anchor.year


def _place(rel: Relative, anchor: date) -> tuple[str, str] | None:
    """(ISO value, granularity) of `rel` against `anchor`, or None when it does not exist."""
    if "range" in rel:
        return _place_range(rel["range"][0], rel["range"][1], anchor)
    if "value" in rel:
        return str(rel["value"]), str(rel["granularity"])
    if "unit" in rel:
        return _place_unit(rel, anchor)
    if "quarter" in rel:
        q = int(rel["quarter"])
        return f"{_yearless(anchor, q * 3 - 2)}-Q{q}", "quarter"
    return _place_month(rel, anchor)


def _place_range(first: Relative, last: Relative, anchor: date) -> tuple[str, str] | None:
    """A range; a year-less end falls on or after its start ("December 29 to January 2")."""
    start = _place(first, anchor)
    if start is None:
        return None
    y, m, *d = (int(p) for p in start[0].split("-")) if start[1] in ("day", "month") else (0, 0)
    if y and ("month" in last or last.get("unit") == "weekday"):
        end = _place(last | {"tense": "future", "shift": 0}, date(y, m, d[0] if d else 1))
    else:
        end = _place(last, anchor)
    return (f"{start[0]}/{end[0]}", "range") if end is not None else None


def _place_unit(rel: Relative, anchor: date) -> tuple[str, str]:
    unit, shift = rel["unit"], int(rel.get("shift", 0))
    if unit == "weekday":
        return _weekday_date(rel, anchor).isoformat(), "day"
    if unit == "day":
        return (anchor + timedelta(days=shift)).isoformat(), "day"
    if unit == "week":
        y, w, _ = (anchor + timedelta(weeks=shift)).isocalendar()
        return f"{y}-W{w:02d}", "week"
    if unit == "month":
        y, m = _add_months(anchor.year, anchor.month, shift)
        return f"{y}-{m:02d}", "month"
    if unit == "quarter":
        y, m = _add_months(anchor.year, anchor.month, 3 * shift)
        return f"{y}-Q{(m - 1) // 3 + 1}", "quarter"
    return str(anchor.year + shift), "year"


def _weekday_date(rel: Relative, anchor: date) -> date:
    """shift 0: the latest such day on or before the anchor (on or after in the future);
    -1: the latest before it; 1: the first after it."""
    back = (anchor.weekday() - int(rel["weekday"])) % 7
    ahead = (int(rel["weekday"]) - anchor.weekday()) % 7
    shift = int(rel.get("shift", 0))
    if shift < 0:
        return anchor - timedelta(days=back or 7)
    if shift > 0:
        return anchor + timedelta(days=ahead or 7)
    if rel.get("tense") == "future":
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back)


def _place_month(rel: Relative, anchor: date) -> tuple[str, str] | None:
    """A month or year-less date: "last October" (the latest before the anchor's month), "next
    May", "January 31"."""
    month, day, shift = int(rel["month"]), rel.get("day"), int(rel.get("shift", 0))
    here = (month, int(day) if day else 0)
    now = (anchor.month, anchor.day if day else 0)
    tense = rel.get("tense")
    if shift < 0:
        year = anchor.year if here < now else anchor.year - 1
    elif shift > 0:
        year = anchor.year if here > now else anchor.year + 1
    elif tense == "past":
        year = anchor.year if here <= now else anchor.year - 1
    elif tense == "future":
        year = anchor.year if here >= now else anchor.year + 1
    else:
        year = _yearless(anchor, month, int(day or 1))
    if day is None:
        return f"{year}-{month:02d}", "month"
    placed = _make_date(year, month, int(day))
    return (placed.isoformat(), "day") if placed else None
