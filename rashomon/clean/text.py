"""The plain-text cleaner: keeps the article of a scraped page and removes the page.

Text copied or scraped from a web page carries the page with it: menus and section labels,
photo credits and captions, share / subscribe / log-in / comment prompts, related headlines
with their own dates, ads, counters, UI strings, lines in another script. No library handles
this for plain text, so this is a line-and-block classifier in the manner of jusText:

1. Each non-blank line gets features (characters, words, stopword density in the body's
   language, sentence ending, script, date, byline) and a first class: `bad` with a reason
   when a boilerplate cue fires (lexicons of UI phrases in a few languages, credit and
   caption patterns, counters, another script or language, a learned outlet template), else
   `good`, `near` or `short` from length and stopword density.
2. Context decides `short` and `near` lines: between good lines they are body, among
   boilerplate they are boilerplate (jusText's revision rules).
3. The main body is the densest contiguous run of good lines (a maximum-sum segment where good
   text scores by its length and boilerplate costs); section markers such as "Most read" or
   "Leave a Reply" stop it. Good lines outside it are kept only when they are strongly
   body-like and close to it.
4. Metadata comes from the text itself: the title is the nearest headline-like line before
   the body; the outlet a repeated "- Outlet Name" signature (or the URL's domain); the date
   from a dateline, a caption or a date line before or in the body, never from a related
   item after it; the byline from a "By ..." line.

Every removed non-blank line is kept in `removed` with a reason code (rashomon.clean.reasons)
and its line index. Body lines keep their exact characters (trailing whitespace stripped).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from rashomon.clean.base import Cleaned
from rashomon.clean.metadata import outlet_from_url
from rashomon.clean.reasons import REASONS
from rashomon.clean.templates import TemplateStore
from rashomon.lexicon.stopwords import stoplists_for
from rashomon.model import Hints, Removed
from rashomon.settings import Settings

__all__ = ["EXTRACTOR", "clean_text", "furniture_reason", "stoplists_for"]

EXTRACTOR = "rashomon.text.v1"

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"

# ---------------------------------------------------------------------------------------------
# Words, stopwords, scripts
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_LETTER_RUN = re.compile(r"[^\W\d_]")

# Stopword lists are cheap: density is measured for these besides the configured languages.
_EXTRA_STOPLISTS = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "sv", "da", "no", "id")


def _script(ch: str) -> str | None:
    """A coarse script name for one letter (None for non-letters)."""
    if not ch.isalpha():
        return None
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    if 0x370 <= o <= 0x3FF or 0x1F00 <= o <= 0x1FFF:
        return "greek"
    if 0x400 <= o <= 0x52F:
        return "cyrillic"
    if 0x590 <= o <= 0x5FF:
        return "hebrew"
    if 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if 0x900 <= o <= 0x97F:
        return "devanagari"
    if 0xE00 <= o <= 0xE7F:
        return "thai"
    if 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return "cjk"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
        return "hangul"
    return "other"


def _scripts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in text:
        s = _script(ch)
        if s:
            counts[s] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MONTHS = {
    # English
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
    # German
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
    # French
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
    # Spanish
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
    # Russian (genitive, as in dates)
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)"), "slash"),
    (re.compile(r"(?<![\d/])(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"), "ymd"),
    (
        re.compile(
            rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
        ),
        "mdy",
    ),
    (
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:of\s+|de\s+)?({_MONTH_ALT})\.?,?\s+"
            rf"(?:de\s+)?(\d{{4}})\b",
            re.IGNORECASE,
        ),
        "dMy",
    ),
)

_MIN_YEAR = 1990


def _make_date(y: int, m: int, d: int) -> date | None:
    if y < _MIN_YEAR or y > date.today().year + 1:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """Every date written in `text` as (start, end, date), in order of position."""
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []  # spans of earlier patterns' dates, sorted, disjoint
    for pattern, kind in _DATE_PATTERNS:
        added: list[tuple[int, int]] = []
        for m in pattern.finditer(text):
            if _overlaps(taken, m.start(), m.end()):
                continue
            a, b, c = m.group(1), m.group(2), m.group(3)
            value: date | None
            if kind == "ymd":
                value = _make_date(int(a), int(b), int(c))
            elif kind == "dmy":
                value = _make_date(int(c), int(b), int(a))
            elif kind == "slash":
                first, second = int(a), int(b)
                if first > 12:
                    value = _make_date(int(c), second, first)
                else:
                    value = _make_date(int(c), first, second)
            elif kind == "mdy":
                value = _make_date(int(c), _MONTHS[a.lower()], int(b))
            else:
                value = _make_date(int(c), _MONTHS[b.lower()], int(a))
            if value is not None:
                found.append((m.start(), m.end(), value))
                added.append((m.start(), m.end()))
        taken = sorted(taken + added)
    found.sort()
    return found


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted and disjoint, so only the last
    span starting before `end` can): a bisection, not a scan of every date found so far."""
    before = bisect.bisect_left(spans, (end, -1)) - 1
    return before >= 0 and spans[before][1] > start


_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?:/|$|-)")

# ---------------------------------------------------------------------------------------------
# Boilerplate cues
# ---------------------------------------------------------------------------------------------


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


# Whole-line cues for short lines (normalised: lower case, outer punctuation stripped).
_LINE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "share",
        _rx(
            r"(share|shares|sharing|tweet|pin( it)?|e-?mail|email this|print|print this|whatsapp|"
            r"facebook|twitter|linkedin|reddit|pinterest|flipboard|telegram|messenger|tumblr|mix|"
            r"copy( the)? link|link copied|teilen|partager|compartir|condividi|поделиться)"
            r"( (this|on|via|to|with|article|story|page|post|link|it|now)\b.*)?",
            r"\d+\s*(shares?|tweets?)",
            r"sharing is caring!?",
            r"(follow|like) (us|\w+) on (facebook|twitter|instagram|linkedin|youtube|flipboard|"
            r"rss|telegram|tiktok|x)\b.*",
            r"(facebook|twitter|linkedin|email|whatsapp|pinterest|reddit|print|copy link)"
            r"([ ,|/·•]+(facebook|twitter|linkedin|email|whatsapp|pinterest|reddit|print|copy link"
            r"|comments?))+",
        ),
    ),
    (
        "subscribe",
        _rx(
            r"(subscribe|subscription|newsletters?|sign up|signup|abonnieren|s'abonner|"
            r"suscr[ií]bete|подписаться)( (now|today|here|for|to|free)\b.*)?",
            r"(sign up|subscribe|register) (for|to) (our|the|free)\b.*",
            r"get (our|the) .{0,40}newsletter.*",
            r".{0,60}\b(delivered|straight) to your inbox.*",
            r"support (independent|our) journalism.*",
            r"(contribute|donate)( now| today)?",
        ),
    ),
    (
        "login",
        _rx(
            r"(log ?in|log ?out|sign ?in|sign ?out|register|create (an )?account|my account|"
            r"your account|anmelden|connexion|se connecter|iniciar sesi[oó]n|войти)"
            r"( (or|and|/) (register|sign up|create an account|log ?in))?",
            r"log in or register.*",
            r"(already (a subscriber|have an account)).*",
        ),
    ),
    (
        "comments",
        _rx(
            r"(leave|post|add|write|submit) a? ?(reply|comment|response)s?.*",
            r"\d+\s*(comments?|replies|responses|kommentare|commentaires|комментари\w*)",
            r"(comments?|replies|discussion|kommentare|commentaires|комментарии)( \(\d+\))?",
            r"(show|view|see|read|hide|load) (all )?(\d+ )?comments?.*",
            r"(join|start) the (discussion|conversation|debate).*",
            r"(top rated|most liked|newest|oldest|best|latest|all|reader|readers'?) comments",
            r"\d+ (thoughts|responses|replies|comments) (on|to) .*",
            r"(responses?|comments?|replies) to .{1,120}",
            r"comments (are )?(closed|loading).*",
            r"to (participate|take part) in the discussion.*",
            r"(cancel reply|report abuse)",
            r"notify me of (follow-up comments|new posts).*",
            r"(name|email|website|comment)\s*\*?",
            r"save my name,? email.*",
            r"this site uses akismet.*",
        ),
    ),
    (
        "related",
        _rx(
            r"(related|recommended|read (more|next|also)|also read|see also|more (from|on|in|"
            r"stories|news|articles|like this|to explore)|you (may|might) (also )?(like|enjoy|be "
            r"interested in)|most (read|popular|viewed|shared|emailed|commented|recent)|trending"
            r"( now| stories| articles)?|popular( now| posts| stories| articles)?|latest( news| "
            r"stories| articles| posts| headlines)?|top (stories|news|headlines)|editor'?s picks?|"
            r"don'?t miss|what to read next|watch next|further reading|in other news|"
            r"recent (posts|articles|stories|news)|more (top )?stories|lesen sie auch|"
            r"à lire aussi|lire aussi|te puede interesar|читайте также|по теме)"
            r"( (articles?|stories|posts|news|content|coverage|links|reading|topics|videos?))?"
            r"( (for you|from .{1,40}|on .{1,40}))?",
            r"(read|see|more|related|also)\s*:.*",
        ),
    ),
    (
        "ad",
        _rx(
            r"(advertisement|advertising|advert|ad|ads|sponsored( content| stories| links)?|"
            r"sponsored by.*|paid (content|post|partnership)|promoted( content| stories)?|"
            r"partner content|anzeige|werbung|publicité|publicidad|pubblicità|реклама)",
            r"(continue|story continues|article continues|content continues|scroll) (reading )?"
            r"(below|after|under).*",
            r"continue reading( the main story)?",
            r"(ad|advertisement) (feedback|choices)",
            r"(skip|close) (ad|advertisement)",
        ),
    ),
    (
        "ui",
        _rx(
            # controls of one comment or post: UI, not the start of a comment section
            r"(reply|report|flag|like|dislike|upvote|downvote)",
            r"(loader|loading|please wait|close|menu|open menu|close menu|search|search icon|"
            r"toggle navigation|skip to (main )?content|skip navigation|back to top|scroll to top|"
            r"top|show more|load more|view more|read more|see more|more|expand|collapse|"
            r"expand\s*/\s*collapse.*|next|previous|prev|next article|previous article|"
            r"click here|tap here|play|pause|mute|unmute|video|audio|listen|watch|watch live|"
            r"watch now|listen now|full screen|fullscreen|zoom|enlarge( this image)?|view image|"
            r"image|photo|gallery|view gallery|slideshow|font size|text size|dark mode|"
            r"go|ok|cancel|submit|send|yes|no|accept|decline|reject|settings|x)",
            r"(javascript|js) (is )?(disabled|required).*",
            r"(please )?enable javascript.*",
            r"your browser does not support.*",
        ),
    ),
    (
        "navigation",
        _rx(
            r"(home|homepage|main menu|navigation|sections?|categories|topics|tags?|"
            r"breadcrumbs?|you are here|site map|sitemap|about( us)?|contact( us)?|careers|jobs|"
            r"faq|help|archives?|rss( feed)?|apps?|podcasts?|newsroom|press|shop|store|startseite|"
            r"accueil|inicio|главная)",
            r"(tags?|topics?|categories|filed under|posted in|section)\s*:.*",
        ),
    ),
    (
        "legal",
        _rx(
            r"(privacy( policy| notice| settings)?|terms( of (use|service))?|terms (&|and) "
            r"conditions|cookie (policy|settings|preferences)|impressum|imprint|datenschutz|"
            r"mentions légales|aviso legal|accessibility|ad choices|do not sell my .*)",
        ),
    ),
)

# Cues that fire anywhere in a line of moderate length.
_ANYWHERE_CUES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "comments",
        _rx(
            r"your email address will not be published",
            r"required fields are marked",
            r"comments are (closed|moderated)",
            r"you must be logged in to post a comment",
        ),
        40,
    ),
    (
        "legal",
        _rx(
            r"all rights reserved",
            r"this (material|article|content) may not be (published|reproduced)",
            r"\bwe use cookies\b",
            r"\bcookies?\b.{0,80}\b(consent|accept|browsing|experience|policy|settings)\b",
            r"\bby (using|continuing to use) (this|our) (site|website)\b",
            r"\b(terms of (use|service)|privacy policy)\b.{0,60}\b(apply|agree)\b",
            r"^(©|\(c\)|copyright\b)",
            r"^quotes delayed",
        ),
        60,
    ),
    (
        "subscribe",
        _rx(
            r"\b(sign up|subscribe)\b.{0,60}\b(newsletter|inbox|updates|alerts)\b",
            r"\bnewsletter\b.{0,60}\b(sign up|subscribe|inbox)\b",
            r"\bto (read|continue reading) (this|the full) (article|story)\b",
            r"\bsubscribers? only\b",
        ),
        40,
    ),
    ("share", _rx(r"\bshare (this|on) (article|story|facebook|twitter)\b"), 12),
    ("ui", _rx(r"\b(by )?click(ing)? here\b", r"^(expand|collapse)\b"), 15),
    (
        "tagline",
        _rx(
            r"\b(latest|breaking) news\b.{0,80}\b(live|coverage|analysis|features|from)\b",
            r"\bnews from around the (world|globe)\b",
            r"\byour (trusted |number one |#1 )?source (of|for)\b",
        ),
        30,
    ),
)

# Get-rich spam: a money cue and a pitch cue in one short line.
_SPAM_MONEY = _rx(
    r"\b(money|cash|income|earn(ings)?|rich|profits?|crypto\w*|bitcoin|forex|"
    r"\$\s?\d[\d,]*\s*(a|per) (day|week|month))\b"
)
_SPAM_PITCH = _rx(
    r"\b(visit|click|sign up now|join now|right now|act now|tired of|looking to|start earning|"
    r"free trial|limited time|don'?t miss out|work from home)\b"
)

_COUNTER = re.compile(
    r"^[\d\s.,:]*\d[\d\s.,:]*[kKmM]?$|^\d[\d.,]*\s*[kKmM]?\s*(views?|reads?|likes?|shares?|comments?"
    r"|replies|votes?|followers?|просмотр\w*)$",
    re.IGNORECASE,
)

_CREDIT = _rx(
    r"^(©|\(c\)|copyright\b)",
    r"^(photo|photos|image|images|picture|pictures|foto|fotos|фото|credit|credits|"
    r"image credit|photo credit|image source|source|bild|quelle|crédit)s?\s*(credit)?\s*[:：/©]",
    r"^(photo|image|picture|illustration)\s+(by|courtesy|via)\b",
    r"\b(getty images|shutterstock|istock(photo)?|alamy|ap photo|afp photo|epa-efe|"
    r"reuters/|/reuters|sputnik/|ria novosti|tass/|imago|dpa|xinhua/)\b",
    r"^(photograph|photographer|illustration|graphic)\s*:",
)
_PHOTO_COPYRIGHT = _rx(
    r"^(©|\(c\)|copyright)\s*(\d{4}\s*)?(photo|image|foto|picture|фото|getty|reuters|ap |afp|"
    r"epa|shutterstock)"
)
_CAPTION = _rx(
    r"^(image|photo|picture|media|video) caption\b",
    r"^(above|below|pictured|top|left|right|main|inset|header|featured) (image|photo)?\s*:",
    r"^(above|below|pictured)\b",
    r"\bfile (photo|image|picture)\b",
    r"\((?:[^()]*\b(photo|photos|getty|afp|reuters|ap|epa|images?|credit|pool|file)\b[^()]*)\)"
    r"\s*$",
    r"\b(photo|image|picture)\s*:\s*\S",
)

_BYLINE = re.compile(
    r"^(?:by|written by|words by|story by|reported by|von|par|por|di|door|av|автор:?|текст:?)"
    r"\s+(?P<name>[^\W\d_][\w.'’-]*(?:\s+(?:[^\W\d_][\w.'’-]*|de|van|von|der|la|le|da|di|bin|al))"
    r"{0,4}(?:\s*(?:,|and|&|und|et|y|и)\s*[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}){0,3})",
    re.IGNORECASE,
)
_BYLINE_STOP = re.compile(
    rf"\s*(?:\b(?:{_MONTH_ALT}|updated|published|posted|on|at|in|for|staff|reporter|"
    rf"correspondent|editor|writer|contributor|associated|reuters|afp|ap)\b.*|,.*|\|.*|\d.*)$",
    re.IGNORECASE,
)

_DATE_WORDS = re.compile(
    r"\b(published|updated|posted|modified|last|created|date|on|at|am|pm|a\.m\.|p\.m\.|gmt|"
    r"utc|[a-z]{2,4}t|cet|cest|msk|edt|est|pst|pdt|bst|ist|hrs?|mins?|ago|read|reading|time|"
    r"veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|опубликовано|"
    r"обновлено|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|"
    r"sat|sun)\b|\d{1,2}:\d{2}(:\d{2})?",
    re.IGNORECASE,
)

# "- Outlet Name, 1920" style signatures: a dash or bar, then a capitalised name.
_SIGNATURE = re.compile(
    r"(?:^|\s)[-–—|]\s+(?P<name>(?:[A-Z][\w&.'’-]*|of|the|and|de|la|du|für)"
    r"(?:\s+(?:[A-Z][\w&.'’-]*|of|the|and|de|la|du|für)){0,4})\s*(?:,|$)"
)

_SENTENCE_END = tuple('.!?…。！？"”’»)')
_REPORTING_CREDIT = _rx(
    r"^\(?(reporting|additional reporting|writing|editing|compiled|produced|research) by\b.*",
    r"^\(?(this (story|article) (was|has been) (updated|corrected|amended|produced))\b.*",
    r"^(source|sources|via)\s*:",
)

# Section markers that end the article when they follow it.
_END_MARKER_REASONS = frozenset({"related", "comments"})

# ---------------------------------------------------------------------------------------------
# The line record
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    index: int
    text: str
    stripped: str
    words: int
    chars: int
    density: float
    ends_sentence: bool
    cls: str = SHORT
    first: str = SHORT
    reason: str | None = None
    marker: bool = False
    dates: list[tuple[int, int, date]] = field(default_factory=list)
    byline: str | None = None
    headline: bool = False


def _normalise(text: str) -> str:
    """Lower case, outer punctuation and bullets stripped, spaces collapsed."""
    t = _strip_outer(text.strip().lower())
    return re.sub(r"\s+", " ", t)


_OUTER = re.compile(r"[\W_]+")


def _strip_outer(text: str) -> str:
    """`text` without the punctuation at either end. The end is matched on the reversed text:
    a search for `[\\W_]+$` would retry a long inner run of punctuation from each of its
    characters (quadratic)."""
    lead = _OUTER.match(text)
    trail = _OUTER.match(text[::-1])
    start = lead.end() if lead else 0
    end = len(text) - (trail.end() if trail else 0)
    return text[start:end] if end > start else ""


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def furniture_reason(text: str) -> str | None:
    """The boilerplate reason the cleaner's line cues give `text` read as one line of a page
    (a claim the cleaner let through: "Get our newsletters delivered to your inbox"), or None."""
    stripped = " ".join(text.split())
    words = len(stripped.split())
    line = _Line(0, text, stripped, words, len(stripped), 0.0, stripped.endswith((".", "!", "?")))
    return _line_cue(line)


def _line_cue(line: _Line) -> str | None:
    """The boilerplate reason a cue gives this line, or None."""
    norm = _normalise(line.stripped)
    words = line.words
    if not norm:
        return "ui"
    if words <= 12 and len(norm) <= 120:
        for reason, pattern in _LINE_CUES:
            if pattern.fullmatch(norm):
                return reason
    if words <= 40 and _SPAM_MONEY.search(norm) and _SPAM_PITCH.search(norm):
        return "spam"
    for reason, pattern, max_words in _ANYWHERE_CUES:
        if words <= max_words and pattern.search(line.stripped):
            return reason
    return None


# ---------------------------------------------------------------------------------------------
# The cleaner
# ---------------------------------------------------------------------------------------------


def clean_text(
    text: str,
    *,
    url: str | None = None,
    hints: Hints = Hints(),  # noqa: B008 - Hints is frozen
    settings: Settings | None = None,
    templates: TemplateStore | None = None,
) -> Cleaned:
    """Strip scraped plain text to its article: paragraphs, metadata and the audit.

    Never raises on odd text; every non-blank input line ends either in `paragraphs` or in
    `removed` (with its reason code and line index).
    """
    settings = settings if settings is not None else _default_settings()
    languages = tuple(dict.fromkeys((*settings["language.languages"], *_EXTRA_STOPLISTS)))
    stoplists = stoplists_for(languages)
    lines, tokens = _read_lines(text)
    if not lines:
        return Cleaned(paragraphs=(), extractor=EXTRACTOR, url=url)

    # The body's language and script from the longer lines.
    language = _body_language(tokens, stoplists, hints.language)
    stops = stoplists.get(language or "", frozenset())
    script = _body_script(lines)
    _set_densities(lines, tokens, stops)
    outlet = _outlet_from_signatures(lines)
    outlet_key = _template_key(url, outlet, hints)

    # Pass 1: first classes.
    max_short = int(settings["clean.text.max_short_line_words"])
    _first_classes(lines, tokens, script, stops, max_short, templates, outlet_key)
    # Same-script lines in another language (cheap pre-filter, lingua confirms).
    if settings["clean.text.foreign_language"] and language:
        _mark_foreign_language(lines, tokens, stoplists, language, settings)
    for line in lines:
        line.first = line.cls

    _revise(lines)  # Pass 2: context.
    start, end = _main_body(lines)  # Pass 3: the main body.
    keep = _select(lines, start, end)

    title_pos, byline, related, published = _metadata(lines, start, end, keep, hints, url)
    if outlet is None and url:
        outlet = outlet_from_url(url)
    paragraphs, removed = _assemble(lines, keep, title_pos, start, end, related)
    if templates is not None and outlet_key:
        templates.observe(outlet_key, (line.stripped for line in lines))

    return Cleaned(
        paragraphs=tuple(paragraphs),
        extractor=EXTRACTOR,
        removed=tuple(removed),
        title=_title(lines, title_pos, outlet),
        outlet=outlet,
        byline=byline,
        published=published,
        url=url,
        declared_language=language,
    )


def _read_lines(text: str) -> tuple[list[_Line], list[list[str]]]:
    """Pass 0: a record and the lower-cased word tokens of every non-blank line."""
    lines: list[_Line] = []
    tokens: list[list[str]] = []
    for i, raw in enumerate(text.splitlines()):
        stripped = raw.strip()
        if not stripped:
            continue
        toks = [w.lower() for w in _WORD.findall(stripped)]
        tokens.append(toks)
        lines.append(
            _Line(
                index=i,
                text=raw.rstrip(),
                stripped=stripped,
                words=len(toks),
                chars=len(stripped),
                density=0.0,
                ends_sentence=stripped.endswith(_SENTENCE_END)
                and not stripped.endswith(("...", "…", "...)", "…)")),
            )
        )
    return lines, tokens


def _set_densities(lines: list[_Line], tokens: list[list[str]], stops: frozenset[str]) -> None:
    """Each line's stopword density in the body's language (digits not counted as words)."""
    for line, toks in zip(lines, tokens, strict=True):
        words = [t for t in toks if not t.isdigit()]
        if words and stops:
            line.density = sum(t in stops for t in words) / len(words)


def _first_classes(
    lines: list[_Line],
    tokens: list[list[str]],
    script: str | None,
    stops: frozenset[str],
    max_short: int,
    templates: TemplateStore | None,
    outlet_key: str | None,
) -> None:
    """Classify each line alone, then mark the outlet's template lines and short repeats."""
    cjk_body = script in ("cjk", "thai")
    repeats = Counter(line.stripped for line in lines)
    for line, toks in zip(lines, tokens, strict=True):
        _classify(line, toks, script, cjk_body, max_short, stops)
        if (
            line.cls != BAD
            and templates is not None
            and outlet_key
            and templates.is_furniture(outlet_key, line.stripped)
        ):
            line.cls, line.reason = BAD, "template"
        if (
            line.cls != BAD
            and repeats[line.stripped] > 1
            and line.chars < 120
            and not (line.ends_sentence and line.words >= 6)
        ):
            line.cls, line.reason = BAD, line.reason or "duplicate-line"


def _metadata(
    lines: list[_Line], start: int, end: int, keep: list[bool], hints: Hints, url: str | None
) -> tuple[int | None, str | None, set[int], date | None]:
    """The title's line, the byline, the related-block lines and the publication date."""
    title_pos = _find_title(lines, start, keep, hints)
    byline = _find_byline(lines, start, end)
    related = _related_lines(lines, start, end, title_pos)
    published = _find_published(lines, start, end, keep, related, url)
    return title_pos, byline, related, published


def _assemble(
    lines: list[_Line],
    keep: list[bool],
    title_pos: int | None,
    start: int,
    end: int,
    related: set[int],
) -> tuple[list[str], list[Removed]]:
    """The body paragraphs (repeated long lines once) and every other line with its reason."""
    paragraphs: list[str] = []
    removed: list[Removed] = []
    seen_body: set[str] = set()
    for pos, line in enumerate(lines):
        if pos == title_pos:
            removed.append(Removed(line.text, "title", line.index))
            continue
        if keep[pos]:
            if line.stripped in seen_body and line.words >= 6:
                removed.append(Removed(line.text, "duplicate-line", line.index))
                continue
            seen_body.add(line.stripped)
            paragraphs.append(line.text)
            continue
        removed.append(Removed(line.text, _reason(line, pos, start, end, related), line.index))
    return paragraphs, removed


def _title(lines: list[_Line], title_pos: int | None, outlet: str | None) -> str | None:
    """The title line's text, without a trailing " - Outlet" suffix."""
    title = lines[title_pos].stripped if title_pos is not None else None
    if title and outlet:
        title = _strip_outlet_suffix(title, outlet)
    return title


@lru_cache(maxsize=1)
def _default_settings() -> Settings:
    return Settings()


# -- body language and script ------------------------------------------------------------------


def _body_language(
    tokens: list[list[str]], stoplists: dict[str, frozenset[str]], hint: str | None
) -> str | None:
    """The language whose stopwords cover most of the longer lines' words."""
    if hint and hint.lower()[:2] in stoplists:
        return hint.lower()[:2]
    long_lines = [t for t in tokens if len(t) >= 8] or tokens
    total = sum(len(t) for t in long_lines)
    best, best_hits = None, 0
    for code, stops in stoplists.items():
        hits = sum(sum(w in stops for w in toks) for toks in long_lines)
        if hits > best_hits:
            best, best_hits = code, hits
    if total and best_hits < 0.12 * total:
        return None  # no stoplist fits this text: length and punctuation decide
    return best


def _body_script(lines: list[_Line]) -> str | None:
    long_lines = [line.stripped for line in lines if line.chars >= 60] or [
        line.stripped for line in lines
    ]
    counts = _scripts("".join(long_lines))
    return counts.most_common(1)[0][0] if counts else None


# -- classification -----------------------------------------------------------------------------


def _classify(
    line: _Line,
    toks: list[str],
    script: str | None,
    cjk_body: bool,
    max_short: int,
    stops: frozenset[str],
) -> None:
    """A line's first class, with the reason when a boilerplate cue fires."""
    s = line.stripped
    line.dates = find_dates(s) if any(c.isdigit() for c in s) else []
    name = _byline_name(line)
    if name:
        line.byline = name
        line.cls, line.reason = BAD, "byline"
        return
    reason = _form_reason(line, script)
    if reason:
        line.cls, line.reason = BAD, reason
        return
    cue = _line_cue(line)
    if cue:
        line.cls, line.reason = BAD, cue
        line.marker = cue in _END_MARKER_REASONS and line.words <= 6
        return
    reason = _credit_reason(line)
    if reason:
        line.cls, line.reason = BAD, reason
        return
    _classify_by_length(line, cjk_body, max_short, stops)


def _byline_name(line: _Line) -> str | None:
    """The author's name when the line is a short "By ..." byline."""
    m = _BYLINE.match(line.stripped)
    if m and line.words <= 14 and not line.ends_sentence or (m and line.words <= 6):
        name = _BYLINE_STOP.sub("", m.group("name")).strip(" ,.-|")
        if name and name[0].isupper() and len(name.split()) <= 12:
            return name
    return None


def _form_reason(line: _Line, script: str | None) -> str | None:
    """Boilerplate told by the line's form: another script, a date line, a counter, no words,
    a photo copyright."""
    s = line.stripped
    if script and not line.dates:  # another script than the body's
        counts = _scripts(s)
        total = sum(counts.values())
        if total >= 3 and counts.get(script, 0) < 0.3 * total:
            return "foreign-script"
    if line.dates and _is_date_line(line):
        return "dateline"
    if _COUNTER.match(s):
        return "counter"
    if line.words == 0:
        return "ui"
    if line.words <= 30 and _PHOTO_COPYRIGHT.match(s):
        return "photo-credit"
    return None


def _credit_reason(line: _Line) -> str | None:
    """Credits, captions, reporting credits and lines in capitals (checked after the cues)."""
    s = line.stripped
    if line.words <= 30 and _CREDIT.search(s):
        return "photo-credit"
    if line.words <= 40 and _CAPTION.search(s):
        return "caption"
    if _REPORTING_CREDIT.match(s) and line.words <= 60:
        return "credit-line"
    if _is_upper(s) and line.words >= 3:
        return "boilerplate"
    return None


def _classify_by_length(line: _Line, cjk_body: bool, max_short: int, stops: frozenset[str]) -> None:
    """Generic: length and stopword density (jusText's classes)."""
    if cjk_body:
        if line.chars >= 60:
            line.cls = GOOD
        elif line.chars >= 25 and line.ends_sentence:
            line.cls = NEAR
        else:
            line.cls = SHORT
        return
    d = line.density
    if not stops:
        d = 0.3  # no stoplist for this language: length decides
    sentence_like = line.chars >= 100 and d >= 0.25 or line.chars >= 50 and d >= 0.3
    if line.ends_sentence and sentence_like or line.chars >= 200 and d >= 0.3:
        line.cls = GOOD
    elif line.words <= max_short and not line.ends_sentence or line.chars < 30:
        line.cls = SHORT
    elif d >= 0.15 or line.ends_sentence and d >= 0.1:
        line.cls = NEAR
    else:
        line.cls, line.reason = BAD, None


def _is_date_line(line: _Line) -> bool:
    """A line that is mostly a date ('Published 31 January 2024, 10:42 GMT')."""
    rest = line.stripped
    for s, e, _ in reversed(line.dates):
        rest = rest[:s] + " " + rest[e:]
    rest = _DATE_WORDS.sub(" ", rest)
    words = _WORD.findall(rest)
    return len(words) <= 3


def _mark_foreign_language(
    lines: list[_Line],
    tokens: list[list[str]],
    stoplists: dict[str, frozenset[str]],
    language: str,
    settings: Settings,
) -> None:
    own = stoplists.get(language, frozenset())
    suspects = []
    for line, toks in zip(lines, tokens, strict=True):
        # a line marked bad only for lacking the body's stopwords may be in another language
        if (line.cls == BAD and line.reason is not None) or len(toks) < 5:
            continue
        own_density = sum(t in own for t in toks) / len(toks)
        for code, stops in stoplists.items():
            if code == language:
                continue
            other = sum(t in stops for t in toks) / len(toks)
            if other >= 0.25 and other > 2 * own_density + 0.05:
                suspects.append(line)
                break
    if not suspects:
        return
    try:
        from rashomon.clean.language import detect
    except ImportError:  # pragma: no cover - lingua is a dependency
        return
    min_conf = float(settings["language.min_confidence"])
    for line in suspects:
        found, confidence = detect(line.stripped, settings)
        if found and found != language and confidence >= min_conf:
            line.cls, line.reason = BAD, "foreign-language"


def _revise(lines: list[_Line]) -> None:
    """jusText's context rules: short lines take their neighbours' class, near-good lines are
    body unless boilerplate lies on both sides. Each line's nearest classified neighbours are
    found in one pass each way, so a long run of short lines costs linear time."""
    classes = [line.cls for line in lines]
    before, after = _nearest(classes, _SURE, -1), _nearest(classes, _SURE, 1)
    near_before = _nearest(classes, _SURE_OR_NEAR, -1)
    near_after = _nearest(classes, _SURE_OR_NEAR, 1)
    for pos, line in enumerate(lines):
        if classes[pos] != SHORT:
            continue
        prev, nxt = before[pos], after[pos]
        if prev == GOOD and nxt == GOOD:
            line.cls = GOOD
        elif prev == BAD and nxt == BAD:
            line.cls = BAD
        elif (prev == BAD and near_before[pos] == NEAR) or (nxt == BAD and near_after[pos] == NEAR):
            line.cls = GOOD
        else:
            line.cls = BAD
    classes = [line.cls for line in lines]
    before, after = _nearest(classes, _SURE, -1), _nearest(classes, _SURE, 1)
    for pos, line in enumerate(lines):
        if classes[pos] == NEAR:
            line.cls = BAD if before[pos] == BAD and after[pos] == BAD else GOOD


_SURE = frozenset((GOOD, BAD))
_SURE_OR_NEAR = frozenset((GOOD, BAD, NEAR))


def _nearest(classes: list[str], wanted: frozenset[str], step: int) -> list[str]:
    """For each line, the class of the nearest line before it (`step` -1) or after it (1)
    whose class is in `wanted`; BAD past the edge of the text."""
    found = [BAD] * len(classes)
    last = BAD
    order = range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1)
    for pos in order:
        found[pos] = last
        if classes[pos] in wanted:
            last = classes[pos]
    return found


def _weight(lines: list[_Line], pos: int) -> float:
    line = lines[pos]
    if line.cls == GOOD:
        if line.first != GOOD:
            return -10.0
        weight = float(min(line.chars, 1000)) - _GOOD_OFFSET
        # Body paragraphs come in runs; a good line alone between headlines and labels is a
        # teaser's blurb.
        prev = lines[pos - 1] if pos > 0 else None
        nxt = lines[pos + 1] if pos + 1 < len(lines) else None
        if not _good(prev) and not _good(nxt) and (_heading(prev) or _heading(nxt)):
            weight *= _ISOLATED
        return weight
    if line.reason in ("foreign-language", "foreign-script") and line.words >= 5:
        return -5.0  # a translation or quote in another language, not page furniture
    if line.marker:
        # Reader comments never sit inside an article: the body cannot run across them.
        return -_BARRIER if line.reason == "comments" else -_MARKER_COST
    return -(_BAD_BASE + min(line.chars, 300) * _BAD_PER_CHAR)


def _good(line: _Line | None) -> bool:
    return line is not None and line.first == GOOD


def _heading(line: _Line | None) -> bool:
    """A line that could head a teaser: short or near-good, no sentence ending, no cue."""
    return (
        line is not None
        and line.first in (SHORT, NEAR)
        and line.reason is None
        and not line.ends_sentence
    )


# Weights of the main-body search (tuned on AEB with a coarse grid, kept round).
_GOOD_OFFSET = 30.0  # a good line scores its length minus this
_ISOLATED = 0.2  # ...times this when no neighbour is good (teaser blurbs)
_MARKER_COST = 200.0  # a section marker ("Related", "Comments") after or inside the body
_BARRIER = 1e9  # a comments heading
_COMMENTS_AFTER = 500  # good characters before a comments heading that make it end the page
_BAD_BASE = 25.0  # a boilerplate line costs this
_BAD_PER_CHAR = 0.5  # ...plus this per character


def _main_body(lines: list[_Line]) -> tuple[int, int]:
    """The maximum-sum run of lines (good text scores its length, boilerplate costs)."""
    best, best_span = 0.0, (0, -1)
    run, run_start = 0.0, 0
    good_before, in_comments = 0, False
    for pos in range(len(lines)):
        w = _weight(lines, pos)
        line = lines[pos]
        if line.marker and line.reason == "comments" and good_before >= _COMMENTS_AFTER:
            in_comments = True  # a comments section after text: what follows is readers'
        if line.first == GOOD:
            good_before += line.chars
            if in_comments and w > 0:
                w *= _ISOLATED
        if run <= 0:
            run, run_start = w, pos
        else:
            run += w
        if run > best:
            best, best_span = run, (run_start, pos)
    return best_span


def _select(lines: list[_Line], start: int, end: int) -> list[bool]:
    """Which lines are body: good lines of the main run, plus strongly body-like good lines
    just outside it (a lead cut off by a caption, a last paragraph after an inline ad)."""
    keep = [start <= pos <= end and line.cls == GOOD for pos, line in enumerate(lines)]
    if end < start:
        return keep
    for direction in (-1, 1):
        pos = start - 1 if direction < 0 else end + 1
        gap = 0
        while 0 <= pos < len(lines) and gap <= 3:
            line = lines[pos]
            if line.marker:
                break
            if line.cls == GOOD and line.chars >= 150 and line.density >= 0.3:
                keep[pos] = True
                gap = 0
            elif line.cls == GOOD:
                break
            else:
                gap += 1
            pos += direction
    _keep_opening_sentence(lines, keep, start)
    return keep


def _keep_opening_sentence(lines: list[_Line], keep: list[bool], start: int) -> None:
    """A document that opens with a plain sentence directly above the body opens with its
    article: nothing of a page comes before it there. Keep that first line."""
    if start <= 0 or start >= len(lines) or not keep[start]:
        return
    first = lines[0]
    if (
        start == 1
        and first.reason is None
        and first.ends_sentence
        and first.words >= 6
        and first.density >= 0.2
        and not _title_case(first.stripped)
    ):
        keep[0] = True


# -- metadata -----------------------------------------------------------------------------------


def _headline_like(line: _Line) -> bool:
    s = line.stripped
    if line.reason is not None and line.reason not in ("duplicate-line",):
        return False
    if not 3 <= line.words <= 30 or line.chars > 250 or line.dates:
        return False
    if s.endswith((",", ";", ":", "…")) or s.endswith(".") and not _title_case(s):
        return False  # a sentence, or a lead cut short ("…", "...")
    if "@" in s or "http" in s.lower() or "www." in s.lower():
        return False
    first = s[0]
    return first.isupper() or first.isdigit() or first in "\"“‘'«"


def _title_case(text: str) -> bool:
    """Most longer words capitalised, as in "Super PACs Target Latino Voters." (a headline
    some scrapers end with a full stop), never a plain sentence."""
    if text.endswith(("...", "..")):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) >= 4]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


_TITLE_WINDOW = 80  # lines looked at above the body
_TITLE_CANDIDATES = 25  # headline-like lines weighed at most
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def _find_title(lines: list[_Line], start: int, keep: list[bool], hints: Hints) -> int | None:
    """The headline: among the headline-like lines above the body (or its first line, when it
    reads like one), the one whose words the lead repeats most, nearer lines winning ties.
    A headline's words come back in the first paragraphs; a section label, a byline or a
    related headline's do not."""
    if hints.title:
        wanted = _normalise(hints.title)
        for pos, line in enumerate(lines):
            if _normalise(line.stripped) == wanted:
                return pos
    first_kept = next((p for p, k in enumerate(keep) if k), len(lines))
    limit = min(start if start <= first_kept else first_kept, len(lines))
    candidates = _title_candidates(lines, keep, limit)
    if not candidates:
        return None
    lead = _lead_words(lines, keep, limit)  # the body from its first line
    lead_after = _lead_words(lines, keep, limit + 1)  # for the first line itself as headline
    repeats = Counter(_normalise(line.stripped) for line in lines)
    best, best_score = candidates[0], -1.0
    for rank, pos in enumerate(candidates):
        words = lead_after if pos == limit else lead
        score = _overlap(lines[pos].stripped, words) + 0.15 / (1 + rank)
        if repeats[_normalise(lines[pos].stripped)] > 1:
            score += 0.1  # shown twice: as the page title or breadcrumb and as the headline
        if 6 <= lines[pos].words <= 25:
            score += 0.1  # the usual length of a headline, not of a label
        if score > best_score:
            best, best_score = pos, score
    return best


def _title_candidates(lines: list[_Line], keep: list[bool], limit: int) -> list[int]:
    """Headline-like lines above the body, nearest first (the body's first line first when it
    is a headline followed by body)."""
    found = []
    if limit < len(lines) and keep[limit] and lines[limit].words <= 20:
        line = lines[limit]
        if (
            _headline_like(line)
            and (not line.ends_sentence or _title_case(line.stripped))
            and limit + 1 < len(lines)
            and any(keep[limit + 1 : limit + 4])
        ):
            found.append(limit)
    for pos in range(limit - 1, max(-1, limit - _TITLE_WINDOW), -1):
        if not keep[pos] and _headline_like(lines[pos]):
            found.append(pos)
            if len(found) >= _TITLE_CANDIDATES:
                break
    return found


def _lead_words(lines: list[_Line], keep: list[bool], first: int) -> set[str]:
    """Content words of the body lines from `first` on (up to about 1,500 characters)."""
    words: set[str] = set()
    taken = 0
    for pos in range(first, len(lines)):
        if keep[pos]:
            words.update(w.casefold() for w in _CONTENT_WORD.findall(lines[pos].stripped))
            taken += lines[pos].chars
            if taken > 1500:
                break
    return words


def _overlap(text: str, lead: set[str]) -> float:
    """Share of the line's content words the lead repeats, damped for lines of one or two
    words (a label like "Fox News" should not outscore a headline on one shared word)."""
    words = {w.casefold() for w in _CONTENT_WORD.findall(text)}
    return len(words & lead) / (len(words) + 1)


def _find_byline(lines: list[_Line], start: int, end: int) -> str | None:
    candidates = [(abs(pos - start), line.byline) for pos, line in enumerate(lines) if line.byline]
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _related_lines(lines: list[_Line], start: int, end: int, title_pos: int | None) -> set[int]:
    """Lines after the body that belong to related-article blocks: a headline-like line with
    a date line or caption within two lines of it, or lines under a 'Related' marker."""
    related: set[int] = set()
    if end < start:
        return related
    under_marker = False
    for pos in range(end + 1, len(lines)):
        line = lines[pos]
        if line.marker:
            under_marker = line.reason == "related"
            continue
        if under_marker and line.reason is None:
            related.add(pos)
    for pos in range(end + 1, len(lines)):
        line = lines[pos]
        if pos == title_pos or not (line.dates or line.reason in ("caption", "photo-credit")):
            continue
        for other in range(max(end + 1, pos - 2), min(len(lines), pos + 3)):
            if other != pos and other != title_pos and _headline_like(lines[other]):
                related.update({pos, other})
    return related


def _find_published(
    lines: list[_Line],
    start: int,
    end: int,
    keep: list[bool],
    related: set[int],
    url: str | None,
) -> date | None:
    """The article's own date: a dateline opening the body, a date line or caption before the
    body (nearest first), a date line inside it, then one after it that is not part of a
    related block, then a date in the URL."""
    if end >= start:
        first_body = next((p for p in range(start, end + 1) if keep[p]), None)
        if first_body is not None:
            head = lines[first_body].stripped[:100]
            m = re.match(r"^[^\W\d_][^,(—–-]{0,40}?,?\s*", head)
            dates = find_dates(head)
            if m and dates and dates[0][0] <= 45:
                return dates[0][2]
    before = [p for p in range(0, max(start, 0)) if lines[p].dates and not keep[p]]
    for pos in reversed(before):
        if pos not in related:
            return lines[pos].dates[0][2]
    inside = [
        p
        for p in range(max(start, 0), end + 1)
        if lines[p].dates and (not keep[p] or lines[p].reason == "dateline")
    ]
    if inside:
        return lines[inside[0]].dates[0][2]
    after = [
        p
        for p in range(end + 1, len(lines))
        if lines[p].dates and p not in related and lines[p].reason in ("dateline", "byline")
    ]
    if after:
        return lines[after[0]].dates[0][2]
    if url:
        m = _URL_DATE.search(urlsplit(url).path)
        if m:
            return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    return None


def _outlet_from_signatures(lines: list[_Line]) -> str | None:
    """A '- Outlet Name' signature found on at least two lines."""
    counts: Counter[str] = Counter()
    for line in lines:
        if line.chars > 300:
            continue
        names = {m.group("name").strip() for m in _SIGNATURE.finditer(line.stripped)}
        for name in names:
            if name[:1].isupper() and not find_dates(name) and len(name) >= 3:
                counts[name] += 1
    if not counts:
        return None
    name, n = min(counts.items(), key=lambda item: (-item[1], item[0]))  # ties: by name
    return name if n >= 2 else None


def _template_key(url: str | None, outlet: str | None, hints: Hints) -> str | None:
    return outlet_from_url(url) or outlet or hints.outlet


def _strip_outlet_suffix(title: str, outlet: str) -> str:
    for sep in (" - ", " | ", " – ", " — "):
        suffix = f"{sep}{outlet}"
        if title.endswith(suffix):
            return title[: -len(suffix)].strip()
    return title


# -- reasons ------------------------------------------------------------------------------------


def _reason(line: _Line, pos: int, start: int, end: int, related: set[int]) -> str:
    if pos in related and line.reason in (None, "caption", "photo-credit", "dateline"):
        return "related"
    if line.reason:
        return line.reason if line.reason in REASONS else "boilerplate"
    if _SIGNATURE.search(line.stripped) and line.words <= 8:
        return "outlet-signature"
    if start <= pos <= end:
        return "boilerplate"
    if line.words <= 6 and not line.ends_sentence:
        return "navigation"
    if line.cls == GOOD:
        return "outside-body"
    return "boilerplate"
