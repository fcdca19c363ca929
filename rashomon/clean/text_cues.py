"""The plain-text cleaner's boilerplate rules: words and scripts, dates, the cues of page
furniture (UI phrases in a few languages, credits, captions, counters, bylines, spam), and the
line record they are read on. `furniture_reason` gives one line's cue to the comparison too.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from rashomon.lexicon.calendar import (
    FULL_MONTHS,
    RUSSIAN_MONTHS,
    SHORT_MONTHS,
    month_numbers,
    tables_of,
)
from rashomon.lexicon.calendar import (
    make_date as calendar_date,
)

GOOD, NEAR, SHORT, BAD = "good", "near", "short", "bad"

# ---------------------------------------------------------------------------------------------
# Words, stopwords, scripts
# ---------------------------------------------------------------------------------------------

WORD = re.compile(r"\w+(?:['’]\w+)*")
_LETTER_RUN = re.compile(r"[^\W\d_]")

# Stopword lists are cheap: density is measured for these besides the configured languages.
EXTRA_STOPLISTS = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "sv", "da", "no", "id")


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


def scripts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in text:
        s = _script(ch)
        if s:
            counts[s] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = month_numbers(
    *tables_of(FULL_MONTHS, ("en", "de", "fr", "es")),
    SHORT_MONTHS["en"],
    RUSSIAN_MONTHS["genitive"],
)
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


def make_date(y: int, m: int, d: int) -> date | None:
    if y < _MIN_YEAR or y > date.today().year + 1:
        return None
    return calendar_date(y, m, d)


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
                value = make_date(int(a), int(b), int(c))
            elif kind == "dmy":
                value = make_date(int(c), int(b), int(a))
            elif kind == "slash":
                first, second = int(a), int(b)
                if first > 12:
                    value = make_date(int(c), second, first)
                else:
                    value = make_date(int(c), first, second)
            elif kind == "mdy":
                value = make_date(int(c), _MONTHS[a.lower()], int(b))
            else:
                value = make_date(int(c), _MONTHS[b.lower()], int(a))
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


URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?:/|$|-)")

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

COUNTER = re.compile(
    r"^[\d\s.,:]*\d[\d\s.,:]*[kKmM]?$|^\d[\d.,]*\s*[kKmM]?\s*(views?|reads?|likes?|shares?|comments?"
    r"|replies|votes?|followers?|просмотр\w*)$",
    re.IGNORECASE,
)

CREDIT = _rx(
    r"^(©|\(c\)|copyright\b)",
    r"^(photo|photos|image|images|picture|pictures|foto|fotos|фото|credit|credits|"
    r"image credit|photo credit|image source|source|bild|quelle|crédit)s?\s*(credit)?\s*[:：/©]",
    r"^(photo|image|picture|illustration)\s+(by|courtesy|via)\b",
    r"\b(getty images|shutterstock|istock(photo)?|alamy|ap photo|afp photo|epa-efe|"
    r"reuters/|/reuters|sputnik/|ria novosti|tass/|imago|dpa|xinhua/)\b",
    r"^(photograph|photographer|illustration|graphic)\s*:",
)
PHOTO_COPYRIGHT = _rx(
    r"^(©|\(c\)|copyright)\s*(\d{4}\s*)?(photo|image|foto|picture|фото|getty|reuters|ap |afp|"
    r"epa|shutterstock)"
)
CAPTION = _rx(
    r"^(image|photo|picture|media|video) caption\b",
    r"^(above|below|pictured|top|left|right|main|inset|header|featured) (image|photo)?\s*:",
    r"^(above|below|pictured)\b",
    r"\bfile (photo|image|picture)\b",
    r"\((?:[^()]*\b(photo|photos|getty|afp|reuters|ap|epa|images?|credit|pool|file)\b[^()]*)\)"
    r"\s*$",
    r"\b(photo|image|picture)\s*:\s*\S",
)

BYLINE = re.compile(
    r"^(?:by|written by|words by|story by|reported by|von|par|por|di|door|av|автор:?|текст:?)"
    r"\s+(?P<name>[^\W\d_][\w.'’-]*(?:\s+(?:[^\W\d_][\w.'’-]*|de|van|von|der|la|le|da|di|bin|al))"
    r"{0,4}(?:\s*(?:,|and|&|und|et|y|и)\s*[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,3}){0,3})",
    re.IGNORECASE,
)
BYLINE_STOP = re.compile(
    rf"\s*(?:\b(?:{_MONTH_ALT}|updated|published|posted|on|at|in|for|staff|reporter|"
    rf"correspondent|editor|writer|contributor|associated|reuters|afp|ap)\b.*|,.*|\|.*|\d.*)$",
    re.IGNORECASE,
)

DATE_WORDS = re.compile(
    r"\b(published|updated|posted|modified|last|created|date|on|at|am|pm|a\.m\.|p\.m\.|gmt|"
    r"utc|[a-z]{2,4}t|cet|cest|msk|edt|est|pst|pdt|bst|ist|hrs?|mins?|ago|read|reading|time|"
    r"veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|опубликовано|"
    r"обновлено|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|"
    r"sat|sun)\b|\d{1,2}:\d{2}(:\d{2})?",
    re.IGNORECASE,
)

# "- Outlet Name, 1920" style signatures: a dash or bar, then a capitalised name.
SIGNATURE = re.compile(
    r"(?:^|\s)[-–—|]\s+(?P<name>(?:[A-Z][\w&.'’-]*|of|the|and|de|la|du|für)"
    r"(?:\s+(?:[A-Z][\w&.'’-]*|of|the|and|de|la|du|für)){0,4})\s*(?:,|$)"
)

SENTENCE_END = tuple('.!?…。！？"”’»)')
REPORTING_CREDIT = _rx(
    r"^\(?(reporting|additional reporting|writing|editing|compiled|produced|research) by\b.*",
    r"^\(?(this (story|article) (was|has been) (updated|corrected|amended|produced))\b.*",
    r"^(source|sources|via)\s*:",
)

# Section markers that end the article when they follow it.
END_MARKER_REASONS = frozenset({"related", "comments"})

# ---------------------------------------------------------------------------------------------
# The line record
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
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


def normalise(text: str) -> str:
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


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def furniture_reason(text: str) -> str | None:
    """The boilerplate reason the cleaner's line cues give `text` read as one line of a page
    (a claim the cleaner let through: "Get our newsletters delivered to your inbox"), or None."""
    stripped = " ".join(text.split())
    words = len(stripped.split())
    line = Line(0, text, stripped, words, len(stripped), 0.0, stripped.endswith((".", "!", "?")))
    return line_cue(line)


def line_cue(line: Line) -> str | None:
    """The boilerplate reason a cue gives this line, or None."""
    norm = normalise(line.stripped)
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
