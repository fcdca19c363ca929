"""Small metadata helpers shared by the HTML and the plain-text cleaners.

Everything here is a pure function of a string (no page, no settings), so both cleaners give
the same answer for the same metadata value:

- `parse_date`: a date written in an ISO, numeric or month-name form -> `datetime.date`.
- `clean_title`: a headline without the outlet's " | Site Name" / " - Site Name" decoration.
- `normalize_byline`: "By JANE DOE and John Roe, Reuters" -> "Jane Doe, John Roe".
- `outlet_from_url`: "https://www.bbc.co.uk/news/x" -> "bbc.co.uk" (registered domain).
- `language_code`: "en-US", "en_GB", "EN" -> "en".

None of them special-cases an outlet.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from tld import get_fld

from rashomon.lexicon.calendar import (
    FULL_MONTHS,
    RUSSIAN_MONTHS,
    SHORT_MONTHS,
    make_date,
    month_numbers,
    tables_of,
)

__all__ = [
    "clean_title",
    "site_key",
    "language_code",
    "normalize_byline",
    "outlet_from_url",
    "parse_date",
]

# --- dates -----------------------------------------------------------------------------------

_MONTHS: dict[str, int] = month_numbers(
    *tables_of(FULL_MONTHS, ("en", "fr", "de", "es", "it", "pt")),
    *tables_of(SHORT_MONTHS, ("en", "fr", "es", "it", "pt", "ru")),
    RUSSIAN_MONTHS["nominative"],
    RUSSIAN_MONTHS["genitive"],
)
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?!\d)")
_D_MONTH_Y = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+)?(\d{{4}})",
    re.IGNORECASE,
)
_MONTH_D_Y = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", re.IGNORECASE
)


def _make(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    return make_date(year, month, day)


def parse_date(value: str | date | datetime | None, *, dayfirst: bool = True) -> date | None:
    """The calendar date written in `value`, or None if there is none.

    Understands ISO 8601 ("2019-11-19", "2019-11-19T08:57:40+01:00"), compact "20191119",
    "2019/11/19", numeric day-month-year ("19.11.2019", "19/11/19"; month-first when `dayfirst`
    is false or the first number cannot be a month), and month names in English, French,
    German, Spanish, Italian, Portuguese and Russian ("Nov. 19, 2019", "19 novembre 2019",
    "22 de outubro de 2010"). The first date found wins; the time of day is ignored. A
    `datetime` gives its date.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    candidates: list[tuple[int, date]] = []
    for match in _ISO.finditer(text):
        found = _make(int(match[1]), int(match[2]), int(match[3]))
        if found:
            candidates.append((match.start(), found))
            break
    for match in _YMD.finditer(text):
        found = _make(int(match[1]), int(match[2]), int(match[3]))
        if found:
            candidates.append((match.start(), found))
            break
    for match in _D_MONTH_Y.finditer(text):
        found = _make(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        if found:
            candidates.append((match.start(), found))
            break
    for match in _MONTH_D_Y.finditer(text):
        found = _make(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
        if found:
            candidates.append((match.start(), found))
            break
    if not candidates:
        for match in _DMY.finditer(text):
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            day, month = (first, second) if dayfirst else (second, first)
            if month > 12 >= day:
                day, month = month, day
            found = _make(year, month, day)
            if found:
                candidates.append((match.start(), found))
                break
    if not candidates:
        compact = _COMPACT.search(text)
        if compact:
            found = _make(int(compact[1]), int(compact[2]), int(compact[3]))
            if found:
                candidates.append((compact.start(), found))
    if not candidates:
        return None
    return min(candidates, key=lambda item: item[0])[1]


# --- titles ----------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+[|\-–—:•·»«/]+\s+|\s*[|•·»«]\s*")
_WORD = re.compile(r"\w+")


def _squash(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def site_key(name: str) -> str:
    """A site's or a name's letters and digits only, lower-cased, without a leading "The"
    ("The Courier" and "courier" give one key)."""
    return _squash(re.sub(r"(?i)^the\s+", "", name.strip()))


def clean_title(
    title: str | None, site_name: str | None = None, url: str | None = None
) -> str | None:
    """The headline without the outlet's name around it.

    "Pound falls | Reuters" -> "Pound falls" when the site name ("Reuters") or the outlet's
    domain label ("reuters" of reuters.com) is known; a part is dropped only when it is the
    site's name (compared without case, spaces or punctuation), the start of it ("Thrive
    Marketing" of "Thrive Marketing Agency"), or a part of four letters or more of the
    domain's label ("DianaHR" on getdianahr.com), and something else remains, so a
    headline that merely contains a dash is kept whole. The domain itself before or after the
    headline ("example.com Story") goes too. Whitespace is collapsed.
    """
    if title is None:
        return None
    text = " ".join(title.split())
    if not text:
        return None
    names = set()
    if site_name:
        names.add(_squash(site_name))
        names.add(site_key(site_name))
    outlet = outlet_from_url(url) if url else None
    label = _squash(outlet.split(".")[0]) if outlet else ""
    if outlet:
        names.add(label)
        names.add(_squash(outlet))
    names.discard("")
    if not names:
        return text
    if outlet:
        text = _without_domain(text, outlet)
    parts = _SEPARATORS.split(text)
    if len(parts) < 2:
        return text

    def is_site(part: str) -> bool:
        squashed = _squash(part)
        if not squashed:
            return True
        if len(squashed) >= 4 and squashed in label:  # "DianaHR" on getdianahr.com
            return True
        return any(
            squashed == n
            or (len(n) >= 4 and squashed.startswith(n))
            or (len(squashed) >= 6 and n.startswith(squashed))
            for n in names
        )

    kept = list(parts)
    while len(kept) > 1 and is_site(kept[-1]):
        kept.pop()
    while len(kept) > 1 and is_site(kept[0]):
        kept.pop(0)
    if len(kept) == len(parts):
        return text
    # Re-cut the original string so the separators inside the kept headline survive.
    start = text.find(kept[0])
    end = text.rfind(kept[-1]) + len(kept[-1])
    return text[start:end].strip() if 0 <= start < end else " ".join(kept)


def _without_domain(title: str, outlet: str) -> str:
    """A title without the site's domain written before or after it without a separator
    ("example.com Story" -> "Story"); kept whole when nothing else is left."""
    words = title.split()
    if len(words) > 1 and words[0].lower().removeprefix("www.") == outlet:
        return " ".join(words[1:])
    if len(words) > 1 and words[-1].lower().removeprefix("www.") == outlet:
        return " ".join(words[:-1])
    return title


# --- bylines ---------------------------------------------------------------------------------

_BY = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|reported\s+by|words\s+by|by|von|por|par|di|door|от|автор)"
    r"\s*[:\-]?\s+",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|&|\|)\s*", re.IGNORECASE)
_NOT_NAME = re.compile(
    r"https?://|www\.|@|\b(?:staff|correspondent|editor|reporter|writer|contributor|updated|"
    r"published|min read|agency|news|press)\b",
    re.IGNORECASE,
)


def normalize_byline(byline: str | None, *, max_names: int = 12) -> str | None:
    """Author names from a byline, ", "-joined, or None when no name is left.

    Drops a leading "By"/"Von"/"Por"..., splits on commas, "and", "&", ";" and "|", drops
    parts that are not names (URLs, handles, job titles, agency or date lines, parts longer than
    six words), title-cases names written in capitals, and removes repeats. "By JANE DOE and
    John Roe, Reuters" -> "Jane Doe, John Roe".
    """
    if not byline:
        return None
    text = " ".join(byline.split())
    text = _BY.sub("", text)
    names: list[str] = []
    seen: set[str] = set()
    for part in _AND.split(text):
        part = _BY.sub("", part).strip(" .:-–—'\"")
        if not part or _NOT_NAME.search(part) or any(ch.isdigit() for ch in part):
            continue
        words = part.split()
        if len(words) > 6 or not any(ch.isalpha() for ch in part):
            continue
        if part.isupper() and len(part) > 3:
            part = part.title()
        key = part.casefold()
        if key in seen:
            continue
        seen.add(key)
        names.append(part)
        if len(names) >= max_names:
            break
    return ", ".join(names) or None


# --- outlets and languages -------------------------------------------------------------------


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of `url` ("https://www.bbc.co.uk/news/x" -> "bbc.co.uk"), using
    the public-suffix list bundled with `tld`; a bare host or domain ("www.reuters.com/x") works
    too. A host under a suffix the list does not know (a reserved name such as `.example`, a
    top-level domain newer than the list) gives its last two labels. None for addresses without
    a domain (IPs, localhost, malformed URLs).

    This is the one place that turns a URL into an outlet's domain: the cleaners, the text
    cleaner's template key and the outlet registry (`rashomon.outlets`) all use it.
    """
    if not url:
        return None
    candidate = url.strip()
    if "://" not in candidate:
        candidate = "http://" + candidate.lstrip("/")
    try:
        found = get_fld(candidate, fail_silently=True)
    except Exception:  # noqa: BLE001 - tld raises several types on odd input; all mean "none"
        return None
    if found:
        return found.lower()
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host or not _HOST.fullmatch(host):
        return None
    return ".".join(host.rstrip(".").split(".")[-2:])


_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}\.?")


_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def language_code(value: str | None) -> str | None:
    """The primary language subtag of a declared language, lower-cased: "en-US" -> "en",
    "pt_BR" -> "pt"; None when `value` is not a language tag."""
    if not value:
        return None
    first = value.split(",")[0]
    match = _LANG.match(first)
    return match[1].lower() if match else None
