"""HTML page -> article: trafilatura for the body, refined by a few general rules, resiliparse
as cross-check and fallback, page metadata from meta tags, JSON-LD and htmldate
(`rashomon.clean.page_meta`).

How a page is read (each step measured on the Article Extraction Benchmark with
`bench/bench_clean_html.py`; figures are F1 over its 181 pages, trafilatura 2.3 alone: 0.960):

1. Parse once with trafilatura's `load_html` (lxml, recovering from broken markup). The same
   tree feeds metadata, trafilatura and htmldate. (Parsing with plain `lxml.html.fromstring`
   instead keeps comments and cost trafilatura 6 points of F1.)
2. trafilatura in *fast* mode (no readability/jusText second opinion): better here than its
   default mode (0.962 vs 0.960) and 40% quicker. When its output looks like a menu (most of
   the text in short lines without a sentence end), or has less than a fifth of the text of
   resiliparse's main content (setting clean.html.rerun_below), it is run once more in its
   default mode. The second rule was chosen on WCXB dev fold 0 and AEB (where it changes
   nothing); on the held-out fold 1 it lifts word F1 from 0.923 to 0.943 (fold 0: 0.903 to
   0.924, trafilatura 0.945 / 0.927); it reruns on 19 of the 375 fold-0 pages.
   Links are not kept (`include_links=True` changes what trafilatura keeps, 0.958).
3. Its XML body is cut into blocks (paragraph, heading, list item, table, quote), then:
   - leading blocks that repeat the headline, leading headings (kicker, headline, section
     label) and leading date / byline / reading-time lines are moved out (+0.006);
   - a run of boilerplate at the end is cut: label lines ("Related:", "Read more",
     "Comments"), subscribe/newsletter/follow prompts, credit and copyright lines, e-mail or
     URL lines, lines in capitals, lines that are the text of a link on the page, and
     teasers (a linked headline with its summary line) (+0.005); label lines are also dropped
     inside the body (+0.002). A heading at the very end was tried as a rule too: no change;
   - resiliparse's main-content text of the same page is the cross-check: when the article
     goes on after an "Advertisement" line where trafilatura stopped, the prose after it is
     added (+0.003); short blocks without a sentence end that resiliparse does not have
     either are dropped (+0.0005).
4. If the result is shorter than `clean.min_chars`, resiliparse's main content (refined by the
   same rules) is used when it is longer; if both are empty, schema.org `articleBody`.

Tried and left out: schema.org JSON-LD `articleBody` as a source (only 15 of 181 pages have
one; several are cut to 500 characters or carry markup; never better than trafilatura there);
trafilatura's precision mode (0.964 alone, 0.946 in fast mode) and recall mode (0.959), also
as an agreement filter (slower, no gain over the rules above); dropping the description
(`og:description`) when it opens the body (gold bodies keep the standfirst as often as not);
extending the body with any resiliparse prose after trafilatura's end (adds related-story
teasers: -0.0007); dropping every block resiliparse lacks (loses real paragraphs: -0.004).

The audit (`Cleaned.removed`) lists the page's visible text lines (resiliparse's full-page
text, capped at `clean.html.audit_max_blocks`) that are not in the article, each with its line
index; lines moved out by the rules above carry their own reason code (title, byline,
related, ...), the rest "html-boilerplate". It costs about 7% of the time (setting
clean.html.audit). Overall on AEB: F1 0.978 (P 0.979, R 0.977) at about 0.85x the speed of
trafilatura alone; both halves of the pages gain alike (+0.015 / +0.022).

Hostile pages are refused as too large before the step that would take quadratic time: a tag
with more attributes than `clean.html.max_attributes` (lxml and resiliparse both parse one in
time growing with the square of its attributes; counted on the raw text, before either
parser), and a page nested deeper than `clean.html.max_depth` elements (resiliparse's
main-content pass grows with the square of the depth; measured on its tree by one selector
before that pass).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from rashomon.clean.base import Cleaned
from rashomon.clean.metadata import (
    clean_title,
    language_code,
    normalize_byline,
    outlet_from_url,
    parse_date,
)
from rashomon.clean.page_meta import PageMeta, page_meta
from rashomon.errors import TooLarge
from rashomon.model import Hints, Removed
from rashomon.settings import Settings

__all__ = ["clean_html"]

LOGGER = logging.getLogger(__name__)

_WS = re.compile(r"[ \t\r\f\v\u00a0\u200b\u200c\u200d\ufeff]+")
_TOKEN = re.compile(r"\w+")
_SENT_END = re.compile(r"""[.!?…。！？]["'”’»)\]]*$""")


# --- blocks ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    """One paragraph-like unit of the extracted body."""

    kind: str  # p, head, item, table, quote, code, text (loose text), or "resiliparse"
    text: str
    index: int  # position in the extractor's output
    link: float = 0.0  # share of the text that is the text of a link on the page
    _key: str | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        if self._key is None:
            self._key = _key(self.text)
        return self._key


def _key(text: str) -> str:
    """Comparison form of a text: lower-cased word tokens joined by single spaces."""
    return " ".join(_TOKEN.findall(text.casefold()))


def _norm_lines(text: str) -> str:
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_BREAK_BEFORE = frozenset({"lb", "row", "p", "head", "item", "list", "quote", "code", "table"})


def _element_text(element: Any) -> str:
    """Text of one trafilatura output element: line breaks kept, table cells " | "-joined."""
    parts: list[str] = []

    def walk(node: Any, top: bool) -> None:
        tag = node.tag
        if tag in _BREAK_BEFORE:
            parts.append("\n")
        elif tag == "cell" and node.getprevious() is not None:
            parts.append(" | ")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child, False)
        if node.tail and not top:
            parts.append(node.tail)

    walk(element, True)
    return _norm_lines("".join(parts))


def _body_blocks(body: Any) -> list[_Block]:
    """Blocks of trafilatura's XML body, in reading order; list items each a block; loose text
    between elements (trafilatura leaves some) a block of its own."""
    blocks: list[_Block] = []

    def add(kind: str, text: str) -> None:
        if text:
            blocks.append(_Block(kind, text, len(blocks)))

    if body is None:
        return blocks
    if body.text:
        add("text", _norm_lines(body.text))
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "list":
            items = [item for item in element.iter("item")]
            if items:
                for item in items:
                    if item.getparent() is not None and item.getparent().getparent() is not None:
                        # nested items are part of their parent item's text
                        ancestor = item.getparent().getparent()
                        if ancestor.tag == "item":
                            continue
                    add("item", _element_text(item))
            else:
                add("p", _element_text(element))
        elif tag:
            add(tag, _element_text(element))
        if element.tail:
            add("text", _norm_lines(element.tail))
    return blocks


# --- rules: what is not article text ---------------------------------------------------------

# Section labels and teaser prefixes: "Related: ...", "Read more", "Comments", "Tags:".
_LABEL = re.compile(
    r"""(?ix)^\W*(
      (related|read\ (more|also|next)|see\ (more|also)|also\ (on|read|see)|more\ (from|on|about)|
       recommended|don'?t\ miss|you\ (may|might)\ also\ like|most\ (read|popular|viewed)|
       popular\ on|trending|explore\ further|leia\ (mais|também)|lesen\ sie\ auch|mehr\ zum\ thema|
       lire\ aussi|à\ lire\ aussi|leggi\ anche|lee\ también|читайте\ также)\b
      |(more|tags?|filed\ under|sources?|advertisement|sponsored|comments?|share|image\ credit|
        photo|anzeige|publicidad|publicité|реклама)\s*($|[:|»›])
    )"""
)
# Prompts, credits and legal lines that are page furniture wherever they stand.
_PROMPT = re.compile(
    r"""(?ix)subscribe|newsletter|click\ here|tap\ here|sign\ up\ (for|to)\ (our|the)|
      follow\ (us|him|her|them)\ on|if\ you\ (enjoyed|liked)|like\ this\ (story|article)|
      share\ (it|this)\ with|tell\ us\ what"""
)
_CREDIT = re.compile(
    r"""(?ix)contributed\ (to\ this|reporting)|(additional\ )?reporting\ by|editing\ by|
      ^(write|email|e-mail|reach|contact)\ (to\ )?\S+(\ \S+)?\ (at|on|via)\b"""
)
_LEGAL = re.compile(r"(?i)copyright|©|ⓒ|all rights reserved")
_EMAIL_URL = re.compile(
    r"^\S+@\S+\.\w+$|^(https?://|www\.)\S+$|^[\w.-]+\.(com|org|net|co\.\w+)/\S*$", re.IGNORECASE
)
_AD_LINE = re.compile(
    r"(?i)^\W*(advertisement|advertising|sponsored|ad|anzeige|werbung|publicidad|publicité|"
    r"pubblicità|реклама)\W*$"
)
_LEAD_META = re.compile(
    r"""(?ix)^(by|von|por|par|di|door|from)\s+\S|
      ^(published|updated|posted|last\ updated|modified)\b|
      \b\d+\s*(min|minute|minuto|minuten|minutes)s?\b.{0,12}(read|leitura|lesezeit|lectura|lecture)|
      reading\ time|tempo\ de\ leitura|lesezeit|tiempo\ de\ lectura"""
)
_DATEISH = re.compile(
    r"""(?ix)\b(\d{1,2}[:.]\d{2}\s*(am|pm|h)?|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|
      (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|
      \d{1,2}\.?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(19|20)\d{2})\b"""
)
_SHORT = 300  # a rule that looks at a line's wording only applies to lines shorter than this


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.9


def _is_prose(text: str) -> bool:
    return (
        len(text) >= 80
        and bool(_SENT_END.search(text))
        and not _LABEL.search(text)
        and not _PROMPT.search(text)
    )


def _boilerplate_reason(block: _Block) -> str | None:
    """Why a block at the end of the body is page furniture, or None if it may be text."""
    text = block.text
    if len(text) < _SHORT:
        if _LABEL.search(text):
            return "related"
        if _PROMPT.search(text):
            return "subscribe"
        if _CREDIT.search(text):
            return "byline"
        if _LEGAL.search(text):
            return "legal"
    if block.link >= 0.5:
        return "related"
    if _EMAIL_URL.match(text):
        return "boilerplate"
    if _all_caps(text):
        return "related"
    return None


def _similar_to_title(text: str, title: str | None) -> bool:
    if not title:
        return False
    a, b = _key(text).split(), _key(title).split()
    if not a or not b:
        return False
    if a == b:
        return True
    n = min(len(a), len(b))
    return n >= 3 and a[:n] == b[:n] and n / max(len(a), len(b)) >= 0.6


@dataclass(slots=True)
class _Refined:
    blocks: list[_Block]
    removed: list[Removed]
    extended: bool = False


def _refine(
    blocks: list[_Block],
    *,
    titles: Iterable[str],
    author: str | None,
    anchors: set[str],
    main_lines: list[str] | None,
) -> _Refined:
    """Apply the rules of the module docstring to an extractor's blocks."""
    removed: list[Removed] = []
    out = list(blocks)
    titles = [t for t in titles if t]
    if anchors:
        for block in out:
            block.link = _link_share(block, anchors)
    # 1. the head of the body: repeated headline, headings, date / byline / reading-time lines
    out = _drop_repeated_title(out, titles, removed)
    while len(out) > 1 and out[0].kind == "head":
        _drop(removed, out.pop(0), "title")
    out = _drop_lead_meta(out, author, removed)
    # 2. the tail: cut the run of furniture at the end, and label lines inside the body
    while len(out) > 1:
        reason = _boilerplate_reason(out[-1])
        if reason is None:
            break
        _drop(removed, out.pop(), reason)
    out = _drop_labels(out, removed)
    # 3. cross-check with resiliparse's main content
    extended = False
    if main_lines and out:
        out, extended = _cross_check(out, main_lines, removed)
    return _Refined(out, removed, extended)


def _drop(removed: list[Removed], block: _Block, reason: str) -> None:
    removed.append(Removed(block.text, reason, block.index))


def _link_share(block: _Block, anchors: set[str]) -> float:
    """Share of a block that is the text of a link on the page (or "Label: <link text>")."""
    lines = [line for line in block.text.split("\n") if line]
    if 1 < len(lines) <= 3 and lines[0] in anchors and len(lines[0]) < 120:
        return 1.0  # a teaser: linked headline, then its summary line(s)
    total = sum(len(line) for line in lines) or 1
    linked = 0
    for line in lines:
        if line in anchors:
            linked += len(line)
        else:
            _, sep, rest = line.partition(": ")
            if sep and rest in anchors:
                linked += len(line)
    return linked / total


def _drop_repeated_title(
    blocks: list[_Block], titles: list[str], removed: list[Removed]
) -> list[_Block]:
    """Drop any of the first three blocks that repeats the headline."""
    kept: list[_Block] = []
    for i, block in enumerate(blocks):
        if i < 3 and any(_similar_to_title(block.text, t) for t in titles):
            _drop(removed, block, "title")
            continue
        kept.append(block)
    return kept


def _drop_lead_meta(
    blocks: list[_Block], author: str | None, removed: list[Removed]
) -> list[_Block]:
    """Drop date, byline and reading-time lines among the first three blocks."""
    author_key = (author or "").casefold()
    kept: list[_Block] = []
    for looked, block in enumerate(blocks):
        if looked < 3 and _is_lead_meta(block.text, author_key):
            _drop(removed, block, "dateline" if _DATEISH.search(block.text) else "byline")
            continue
        kept.append(block)
    return kept


def _is_lead_meta(text: str, author_key: str) -> bool:
    return bool(
        len(text) < 120
        and not (len(text) > 60 and _SENT_END.search(text))
        and (
            _LEAD_META.search(text)
            or (author_key and author_key in text.casefold() and len(text) < 80)
            or (_DATEISH.search(text) and len(_TOKEN.findall(text)) <= 12)
        )
    )


def _drop_labels(blocks: list[_Block], removed: list[Removed]) -> list[_Block]:
    """Drop short label lines ("Related: ...", "Read more") anywhere in the body."""
    kept: list[_Block] = []
    for block in blocks:
        if len(block.text) < _SHORT and _LABEL.search(block.text) and len(blocks) > 1:
            _drop(removed, block, "related")
        else:
            kept.append(block)
    return kept


def _cross_check(
    blocks: list[_Block], main_lines: list[str], removed: list[Removed]
) -> tuple[list[_Block], bool]:
    """Extend the body past an ad line with resiliparse's prose, then (when resiliparse found
    enough text) drop short blocks without a sentence end that it does not have either."""
    keys = [_key(line) for line in main_lines]
    in_body = _Contains([b.key for b in blocks])
    extended = _extend_past_ads(blocks, main_lines, keys, in_body)
    main_keys = [k for k in keys if k]
    if sum(len(k) + 1 for k in main_keys) > 200:
        in_main = _Contains(main_keys)
        kept = [
            b for b in blocks if len(b.text) >= 200 or _SENT_END.search(b.text) or in_main(b.key)
        ]
        if kept:
            kept_ids = {id(b) for b in kept}
            for b in blocks:
                if id(b) not in kept_ids:
                    _drop(removed, b, "boilerplate")
            blocks = kept
    return blocks, extended


class _Contains:
    """`key in "\\n".join(parts)`, in linear time on huge pages.

    A key that equals a part is found in a set; other keys are looked for as substrings of the
    joined text only while it is of article size, so a page of tens of thousands of blocks
    cannot make the cross-check quadratic (there an exact match is required)."""

    _SUBSTRING_LIMIT = 200_000

    def __init__(self, parts: list[str]) -> None:
        self.parts = set(parts)
        self.joined = "\n".join(parts)
        self.substrings = len(self.joined) <= self._SUBSTRING_LIMIT

    def __call__(self, key: str) -> bool:
        return key in self.parts or (self.substrings and key in self.joined)


def _extend_past_ads(
    blocks: list[_Block], main_lines: list[str], keys: list[str], in_body: _Contains
) -> bool:
    """Append the prose resiliparse has after an ad line where the body ends; True if any."""
    matched = [i for i, k in enumerate(keys) if k and in_body(k)]
    if not matched:
        return False
    extended = False
    j = matched[-1] + 1
    next_index = (blocks[-1].index + 1) if blocks else 0
    while (
        j + 1 < len(main_lines) and _AD_LINE.match(main_lines[j]) and _is_prose(main_lines[j + 1])
    ):
        j += 1
        while j < len(main_lines) and _is_prose(main_lines[j]) and not in_body(keys[j]):
            blocks.append(_Block("resiliparse", main_lines[j], next_index))
            next_index += 1
            extended = True
            j += 1
    return extended


# --- extractors ------------------------------------------------------------------------------


def _load(html: str | bytes) -> HtmlElement | None:
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "no tree"; logged
        LOGGER.debug("lxml could not parse the page: %s", exc)
        return None
    return tree if isinstance(tree, HtmlElement) else None


def _menu_like(blocks: list[_Block]) -> bool:
    """Most of the text in short lines without a sentence end: a menu, not an article."""
    lines = [line for b in blocks for line in b.text.split("\n")]
    total = sum(len(line) for line in lines)
    short = sum(len(line) for line in lines if len(line) < 30 and not _SENT_END.search(line))
    return total > 0 and short / total > 0.5


def _trafilatura_blocks(
    tree: HtmlElement,
    url: str | None,
    comments: bool,
    expected_chars: int = 0,
    rerun_below: float = 0.0,
) -> tuple[list[_Block], str]:
    """trafilatura's body in fast mode; run again in its default mode (readability and jusText
    as second opinions) when the fast body looks like a menu or has less than `rerun_below` of
    the `expected_chars` another extractor found."""
    import trafilatura

    def run(fast: bool) -> list[_Block]:
        try:
            document = trafilatura.bare_extraction(
                tree,
                url=url,
                fast=fast,
                include_comments=comments,
                include_tables=True,
                include_links=False,
                include_images=False,
                with_metadata=False,
                deduplicate=False,
            )
        except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
            LOGGER.debug("trafilatura failed: %s", exc)
            return []
        if document is None or isinstance(document, dict):  # a dict only with as_dict=True
            return []
        blocks = _body_blocks(document.body)
        if comments and document.commentsbody is not None:
            start = len(blocks)
            for block in _body_blocks(document.commentsbody):
                block.index += start
                blocks.append(block)
        return blocks

    blocks = run(fast=True)
    short = sum(len(b.text) for b in blocks) < rerun_below * expected_chars
    if (blocks and _menu_like(blocks)) or short:
        second = run(fast=False)
        if second and not _menu_like(second):
            return second, "trafilatura"
    return blocks, "trafilatura"


def _resiliparse_tree(html: str | bytes) -> Any:
    from resiliparse.parse.html import HTMLTree

    try:
        if isinstance(html, bytes):
            return HTMLTree.parse_from_bytes(html)
        return HTMLTree.parse(html)
    except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
        LOGGER.debug("resiliparse could not parse the page: %s", exc)
        return None


def _resiliparse_lines(rp_tree: Any, *, main_content: bool) -> list[str]:
    from resiliparse.extract.html2text import extract_plain_text

    if rp_tree is None:
        return []
    try:
        text = extract_plain_text(
            rp_tree,
            main_content=main_content,
            alt_texts=False,
            links=False,
            list_bullets=False,
            form_fields=False,
            noscript=False,
        )
    except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
        LOGGER.debug("resiliparse could not extract text: %s", exc)
        return []
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _anchor_texts(tree: HtmlElement) -> set[str]:
    texts: set[str] = set()
    for anchor in tree.iter("a"):
        text = _WS.sub(" ", " ".join(anchor.itertext())).strip()
        if text:
            texts.add(text)
    return texts


# --- the audit -------------------------------------------------------------------------------


def _audit(
    visible: list[str], paragraph_keys: list[str], moved: list[Removed], cap: int
) -> tuple[Removed, ...]:
    """Visible lines not in the article. A line counts as in the article when it is one of its
    paragraphs, or (25 characters or more) a whole-word part of one: a paragraph split by a
    <br> shows as several lines, while a menu word that happens to occur in the text
    ("Business") must still be listed."""
    reasons = {_key(r.text): r.reason for r in moved}
    exact = set(paragraph_keys)
    joined = " " + " \n ".join(paragraph_keys) + " "
    out: list[Removed] = []
    for position, line in enumerate(visible[:cap]):
        k = _key(line)
        if not k or k in exact or (len(k) >= 25 and f" {k} " in joined):
            continue
        out.append(Removed(line, reasons.get(k, "html-boilerplate"), position))
    return tuple(out)


# --- the cleaner -----------------------------------------------------------------------------


def clean_html(
    html: str,
    *,
    url: str | None = None,
    hints: Hints = Hints(),  # noqa: B008 - frozen dataclass, safe as a default
    settings: Settings | None = None,
    origin: str = "<html>",
) -> Cleaned:
    """The article in one HTML page: body paragraphs, metadata and the audit of what was left
    out. Never raises on bad markup: a page with nothing readable gives a `Cleaned` without
    paragraphs (the caller records it as having no article). A hostile page (a tag with too
    many attributes, too deep a nesting) raises TooLarge naming `origin`.

    `url` is where the page was fetched (used to resolve the canonical URL, date patterns in
    the address, and the outlet); `hints` fill metadata the page does not declare. The outlet
    is the registered domain of `url` (else of the canonical URL), else `hints.outlet`.
    """
    settings = settings if settings is not None else Settings()
    html = _page_text(html)
    min_chars = settings.clean.min_chars
    comments = settings.clean.html.comments
    _check_attributes(html, settings.clean.html.max_attributes, origin)
    rp_tree = _resiliparse_tree(html) if html.strip() else None
    _check_depth(rp_tree, settings.clean.html.max_depth, origin)

    refine = settings.clean.html.refine
    cross_check = settings.clean.html.cross_check
    rerun_below = settings.clean.html.rerun_below
    main_lines: list[str] | None = None
    if cross_check or rerun_below > 0:
        main_lines = _resiliparse_lines(rp_tree, main_content=True)
    expected = sum(len(line) for line in main_lines) if main_lines else 0
    tree = _load(html) if html.strip() else None
    page, anchors, blocks, extractor = _read_tree(tree, url, comments, expected, rerun_below)
    if main_lines is None and (not blocks or sum(len(b.text) for b in blocks) < min_chars):
        main_lines = _resiliparse_lines(rp_tree, main_content=True)

    titles = [t for t in (page.title, page.headline, hints.title) if t]
    author = page.byline or normalize_byline(hints.byline)
    moved: list[Removed] = []
    if refine and blocks:
        refined = _refine(
            blocks,
            titles=titles,
            author=author,
            anchors=anchors,
            main_lines=main_lines if cross_check else None,
        )
        blocks, moved = refined.blocks, refined.removed
        if refined.extended:
            extractor = "trafilatura+resiliparse"

    chars = sum(len(b.text) for b in blocks)
    if chars < min_chars and settings.clean.html.fallback and main_lines:
        fallback, fallback_moved = _resiliparse_body(main_lines, refine, titles, author, anchors)
        if sum(len(b.text) for b in fallback) > chars:
            blocks, moved, extractor = fallback, fallback_moved, "resiliparse"
    if not blocks and page.article_body:
        blocks, extractor = _json_ld_blocks(page.article_body), "jsonld"

    removed = _removed_lines(settings, rp_tree, blocks, moved)
    return _result(blocks, extractor, removed, page, author, hints, url)


@lru_cache(maxsize=8)
def _crowded_tag(most: int) -> re.Pattern[str]:
    """A start tag with more than `most` attributes. An attribute name stops at `<`, so a scan
    begun at one `<` never runs past the next tag: the search stays linear."""
    attribute = r"""\s+[^\s"'>/=<]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
    return re.compile(rf"<([a-zA-Z][^\s/>]*)(?:{attribute}){{{most + 1}}}")


def _check_attributes(html: str, most: int, origin: str) -> None:
    """TooLarge when a tag of the page has more than `most` attributes."""
    found = _crowded_tag(max(1, most)).search(html)
    if found:
        raise TooLarge(
            origin,
            f"a <{found.group(1)[:40]}> tag with more than {most:,} attributes "
            f"(setting clean.html.max_attributes)",
        )


@lru_cache(maxsize=8)
def _deeper_than(depth: int) -> str:
    """The CSS selector of an element nested more than `depth` elements deep."""
    return ":root" + " > *" * max(0, depth)


def _check_depth(rp_tree: Any, depth: int, origin: str) -> None:
    """TooLarge when resiliparse's tree of the page is nested more than `depth` deep."""
    if rp_tree is None or rp_tree.document is None:
        return
    try:
        deep = rp_tree.document.query_selector(_deeper_than(depth))
    except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
        LOGGER.debug("resiliparse could not measure the depth: %s", exc)
        return
    if deep is not None:
        raise TooLarge(
            origin,
            f"HTML nested more than {depth:,} elements deep (setting clean.html.max_depth)",
        )


def _page_text(html: str | bytes) -> str:
    """The page as text (bytes decoded as UTF-8), NUL characters removed."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    return html.replace("\x00", "") if html else ""


def _read_tree(
    tree: HtmlElement | None,
    url: str | None,
    comments: bool,
    expected_chars: int,
    rerun_below: float,
) -> tuple[PageMeta, set[str], list[_Block], str]:
    """Link texts, trafilatura's blocks (and its name) and the metadata of a parsed page;
    all empty when the page could not be parsed."""
    page = PageMeta()
    anchors: set[str] = set()
    blocks: list[_Block] = []
    extractor = ""
    if tree is not None:
        anchors = _anchor_texts(tree)
        blocks, extractor = _trafilatura_blocks(tree, url, comments, expected_chars, rerun_below)
        try:
            page = page_meta(tree, url)
        except Exception as exc:  # noqa: BLE001 - metadata is best effort; logged
            LOGGER.debug("metadata extraction failed: %s", exc)
    return page, anchors, blocks, extractor


def _resiliparse_body(
    main_lines: list[str], refine: bool, titles: list[str], author: str | None, anchors: set[str]
) -> tuple[list[_Block], list[Removed]]:
    """Resiliparse's main content as blocks (refined by the same rules) and what was moved."""
    fallback = [_Block("resiliparse", line, i) for i, line in enumerate(main_lines)]
    fallback_moved: list[Removed] = []
    if refine:
        refined = _refine(fallback, titles=titles, author=author, anchors=anchors, main_lines=None)
        fallback, fallback_moved = refined.blocks, refined.removed
    return fallback, fallback_moved


def _json_ld_blocks(article_body: str) -> list[_Block]:
    """schema.org `articleBody` split into paragraphs at blank lines."""
    parts = (_norm_lines(x) for x in re.split(r"\n\s*\n", article_body))
    paragraphs = [p for p in parts if p]
    return [_Block("jsonld", p, i) for i, p in enumerate(paragraphs)]


def _removed_lines(
    settings: Settings, rp_tree: Any, blocks: list[_Block], moved: list[Removed]
) -> tuple[Removed, ...]:
    """The audit of the page's visible lines when enabled, else just the lines moved out."""
    if settings.clean.html.audit and rp_tree is not None:
        visible = _resiliparse_lines(rp_tree, main_content=False)
        cap = settings.clean.html.audit_max_blocks
        return _audit(visible, [b.key for b in blocks], moved, cap)
    return tuple(moved)


def _result(
    blocks: list[_Block],
    extractor: str,
    removed: tuple[Removed, ...],
    page: PageMeta,
    author: str | None,
    hints: Hints,
    url: str | None,
) -> Cleaned:
    """The `Cleaned` record: the page's metadata first, the hints where it declares none."""
    paragraphs = tuple(b.text for b in blocks)
    page_url = url or page.canonical
    return Cleaned(
        paragraphs=paragraphs,
        extractor=extractor if paragraphs else "",
        removed=removed,
        title=page.title or clean_title(hints.title),
        outlet=outlet_from_url(page_url) or outlet_from_url(page.canonical) or hints.outlet,
        byline=author,
        published=page.published or parse_date(hints.published),
        site_name=page.site_name,
        canonical_url=page.canonical,
        url=url,
        declared_language=page.language or language_code(hints.language),
    )
