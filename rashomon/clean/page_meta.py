"""Page metadata of a parsed HTML page: title, byline, published date, site name, canonical URL,
language and schema.org `articleBody`, from meta tags, JSON-LD, the visible headline and
htmldate.

Every rule is general (no outlet is special-cased) and measured on the WCXB dev articles with
`bench/bench_clean_wcxb.py`, fold by fold (pages split by domain).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from rashomon.clean.metadata import (
    clean_title,
    language_code,
    normalize_byline,
    outlet_from_url,
    parse_date,
    site_key,
)

__all__ = ["PageMeta", "page_meta"]

LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class PageMeta:
    title: str | None = None
    headline: str | None = None  # h1 text, for recognising the repeated headline
    byline: str | None = None
    published: date | None = None
    site_name: str | None = None
    canonical: str | None = None
    language: str | None = None
    article_body: str | None = None


_ARTICLE_TYPES = re.compile(r"(?i)article|posting|report|newsarticle|blog")


def _walk_json(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk_json(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk_json(child)


def _json_names(
    value: Any, *, people: bool = False, nodes: dict[str, dict[str, Any]] | None = None
) -> list[str]:
    """The names in a schema.org author or publisher value (a string, an object, a list);
    with `people`, only those of objects typed Person and of plain strings. An object that
    only points at a node of the page's graph (`{"@id": …}`, as Yoast writes it) is read as
    that node."""
    if isinstance(value, str):
        return [html.unescape(value)]
    if isinstance(value, dict):
        if "name" not in value and nodes and isinstance(value.get("@id"), str):
            value = nodes.get(value["@id"], value)
        name = value.get("name")
        if people and "Person" not in str(value.get("@type", "Person")):
            return []
        return [html.unescape(name)] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for item in value for n in _json_names(item, people=people, nodes=nodes)]
    return []


def _json_documents(tree: HtmlElement) -> list[Any]:
    """Every JSON-LD block of the page that parses."""
    found = []
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        raw = script.text or ""
        if not raw.strip():
            continue
        try:
            found.append(json.loads(raw, strict=False))
        except ValueError:
            continue
    return found


def _json_ld(tree: HtmlElement) -> dict[str, Any]:
    """The first article-like schema.org object in the page's JSON-LD, flattened to the few
    fields used here."""
    found: dict[str, Any] = {}
    documents = _json_documents(tree)
    nodes = {
        o["@id"]: o for data in documents for o in _walk_json(data) if isinstance(o.get("@id"), str)
    }
    for data in documents:
        for obj in _walk_json(data):
            kind = obj.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                if "publisher" in obj and "site_name" not in found:
                    names = _json_names(obj.get("publisher"))
                    if names:
                        found["site_name"] = names[0]
                continue
            for target, source in (
                ("title", "headline"),
                ("published", "datePublished"),
                ("language", "inLanguage"),
                ("url", "url"),
                ("body", "articleBody"),
            ):
                value = obj.get(source)
                if isinstance(value, str) and value.strip() and target not in found:
                    found[target] = value.strip()
            if "author" not in found:
                names = _json_names(obj.get("author"), nodes=nodes)
                if names:
                    found["author"] = ", ".join(names)
                people = _json_names(obj.get("author"), people=True, nodes=nodes)
                if people:
                    found["author_people"] = ", ".join(people)
            if "site_name" not in found:
                names = _json_names(obj.get("publisher"))
                if names:
                    found["site_name"] = names[0]
    return found


def page_meta(tree: HtmlElement, url: str | None) -> PageMeta:
    """The metadata of one parsed page; fields the page does not give are None."""
    meta = _meta_tags(tree)
    ld = _json_ld(tree)
    page = PageMeta()
    page.site_name = _first(
        meta, "og:site_name", "application-name", "twitter:app:name:iphone"
    ) or ld.get("site_name")
    declared = _declared_titles(tree, meta, ld)
    page.headline = _headline(tree, declared, _site_parts(declared, page.site_name, url))
    headline = _without_dateline(page.headline, declared)
    page.title = clean_title(headline or next(iter(declared), None), page.site_name, url)
    page.byline = _without_site(
        normalize_byline(_authors(tree, meta, ld, page.site_name, url)), page.site_name, url
    )
    page.canonical = _canonical(tree, meta, ld, url)
    page.language = _declared_language(tree, meta, ld)
    page.published = _htmldate(tree, url or page.canonical) or parse_date(_declared_date(meta, ld))
    body = ld.get("body")
    if body and "<" not in body[:200]:
        page.article_body = body
    return page


# --- the headline ----------------------------------------------------------------------------

_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:•·»«/]+\s+|\s*[|•·»«]\s*")
_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _declared_titles(tree: HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> list[str]:
    """The titles the page declares, best first: og/twitter/meta title, JSON-LD headline,
    then <title>."""
    titles = [
        meta.get(name) for name in ("og:title", "twitter:title", "title", "dc.title", "headline")
    ]
    titles.append(ld.get("title"))
    element = tree.find(".//title")
    titles.append(_text(element) if element is not None else None)
    return [" ".join(t.split()) for t in titles if t and t.strip()]


def _site_parts(declared: list[str], site_name: str | None, url: str | None) -> set[str]:
    """Word keys that name the site rather than the article: the site name, the domain's label,
    and the last part of a declared title cut at a separator ("Story | Site"), unless that part
    is a whole declared title too."""
    parts = {_words(site_name or "")}
    whole = {_words(title) for title in declared}
    outlet = outlet_from_url(url)
    if outlet:
        parts.add(_words(outlet.split(".")[0]))
        parts.add(_words(outlet))
    for title in declared:
        pieces = [piece for piece in _TITLE_SEPARATOR.split(title) if piece.strip()]
        if len(pieces) > 1:
            parts.add(_words(pieces[-1]))
    parts.update(_leading_site_parts(whole))
    parts.discard("")
    parts.difference_update(whole)
    return parts


def _leading_site_parts(titles: set[str]) -> set[str]:
    """The words before another declared title inside a declared title, when short: "Engora
    Data Blog: Small adventures" beside og:title "Small adventures" names the site "Engora Data
    Blog" (word keys in, word keys out)."""
    found = set()
    for title in titles:
        for other in titles:
            if other and title.endswith(" " + other):
                prefix = title[: -len(other)].strip()
                if len(prefix.split()) <= 5:
                    found.add(prefix)
    return found


def _without_dateline(heading: str | None, declared: list[str]) -> str | None:
    """The headline without a date line run into its <h1> ("Dec 18 2025 Preparing a
    transition", "… Security Posted on July 1, 2024 by infuy"): the declared title inside it,
    when what is left around that title holds a date."""
    if not heading:
        return heading
    words = _words(heading)
    for title in declared:
        key = _words(title)
        if key and key != words and f" {key} " in f" {words} ":
            rest = f" {words} ".replace(f" {key} ", " ", 1)
            if parse_date(rest):
                return title
    return heading


def _agrees(heading: str, title: str) -> bool:
    """The heading and a declared title are the same headline: one's words are a run of the
    other's, at least two words and two fifths of the longer."""
    a, b = _words(heading), _words(title)
    short, long = sorted((a, b), key=len)
    if len(short.split()) < 2 or f" {short} " not in f" {long} ":
        return False
    return long.startswith(short) or len(short.split()) >= 0.4 * len(long.split())


def _headings(tree: HtmlElement, tag: str) -> list[str]:
    texts = (_text(element) for element in tree.iter(tag))
    return [text for text in texts if 3 <= len(text) <= 300]


def _headline(tree: HtmlElement, declared: list[str], site: set[str]) -> str | None:
    """The article's visible headline: the first <h1> (else <h2>) that agrees with a declared
    title, else the first <h1> that is not the site's name and, when the page declares a
    title, is more than two words (a short one is a section label: "VPN Services"); None when
    there is none."""
    h1s = [h for h in _headings(tree, "h1") if _words(h) not in site]
    for heading in [*h1s, *(h for h in _headings(tree, "h2") if _words(h) not in site)]:
        if any(_agrees(heading, title) for title in declared):
            return heading
    return h1s[0] if h1s and (not declared or len(h1s[0].split()) > 2) else None


# --- meta tags, bylines, dates ---------------------------------------------------------------


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """The page's <meta> contents by lower-cased name or property (the first of each)."""
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = (
            (
                element.get("property")
                or element.get("name")
                or element.get("itemprop")
                or element.get("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        content = (element.get("content") or "").strip()
        if name and content and name not in meta:
            meta[name] = content
    return meta


def _first(meta: dict[str, str], *names: str) -> str | None:
    """The content of the first of these meta names the page has."""
    for name in names:
        if meta.get(name):
            return meta[name]
    return None


def _authors(
    tree: HtmlElement,
    meta: dict[str, str],
    ld: dict[str, Any],
    site_name: str | None,
    url: str | None = None,
) -> str | None:
    """The article's author(s): a person named in its JSON-LD, then a name in the author meta
    tags (or the Twitter card's "Written by") unless it is the site's own name, then the page's
    visible byline, then whatever the JSON-LD or meta tags name (an organisation, a user
    handle), a "By" line beating the site's own name."""
    site = _words(site_name or "")
    people = ld.get("author_people")
    if people and _words(people) != site:
        return str(people)
    declared = _first(
        meta,
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "byl",
        "cxenseparse:author",
    ) or _labelled_author(meta)
    if declared is None:
        declared = _first_author(meta.get("citation_author"))
    if declared and declared.startswith(("http://", "https://")):
        declared = None
    the_site = declared is not None and site_key(declared) in _site_keys(site_name, url)
    if declared and _looks_like_name(declared) and _words(declared) != site and not the_site:
        return declared
    other = None if the_site else declared
    return _visible_byline(tree) or ld.get("author") or other or _by_line(tree) or declared


def _site_keys(site_name: str | None, url: str | None) -> set[str]:
    """The site's names as `site_key` keys: its og:site_name and its domain's label."""
    outlet = outlet_from_url(url)
    keys = {site_key(site_name or ""), site_key(outlet.split(".")[0] if outlet else "")}
    keys.discard("")
    return keys


def _without_site(byline: str | None, site_name: str | None, url: str | None) -> str | None:
    """A byline without the site's own name after the people ("Jane Doe, The Courier" on
    The Courier's page, named by og:site_name or the domain) -> "Jane Doe"; the site's name
    alone is kept."""
    if not byline:
        return byline
    site = _site_keys(site_name, url)
    names = [n for n in byline.split(", ") if site_key(n) not in site]
    return ", ".join(names) if names else byline


def _labelled_author(meta: dict[str, str]) -> str | None:
    """The name a Twitter card labels as the writer (`twitter:label1` "Written by" with
    `twitter:data1`, as Yoast writes it); None when the card names none."""
    for number in range(1, 5):
        label = meta.get(f"twitter:label{number}", "")
        if re.match(r"(?i)\s*(written|posted|authored)\s+by\b", label):
            return meta.get(f"twitter:data{number}")
    return None


def _first_author(citation: str | None) -> str | None:
    """A scholarly page's first author as a byline: citation_author's "Roy, Aniruddha" as
    "Aniruddha Roy" (the name as written when it is not "Last, First")."""
    if not citation:
        return None
    last, comma, first = citation.partition(",")
    if comma and last.strip() and first.strip() and "," not in first:
        return f"{first.strip()} {last.strip()}"
    return citation.strip() or None


def _looks_like_name(text: str) -> bool:
    """A person's name rather than a user handle: two words or more, or a capital letter."""
    return len(text.split()) >= 2 or any(ch.isupper() for ch in text)


_BYLINE_ELEMENTS = (
    "//*[(@rel='author' or contains(@itemprop, 'author') or contains(@class, 'author')"
    " or contains(@class, 'byline') or contains(@id, 'author'))"
    " and not(self::script or self::style or self::meta or self::link or self::img"
    " or self::input or self::form or self::textarea or self::label or self::noscript)]"
)
_NOT_BYLINE = re.compile(r"(?i)bio|avatar|image|img|photo|testimonial|comment|quote|review|about")
_BYLINE_END = re.compile(
    r"""(?ix)\s+[-–—|•·]\s*|\s*[|•·]\s*|\s+(last\ )?(updated|published|posted|reviewed|on)\b|
    \s+\d|\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"""
)


def _visible_byline(tree: HtmlElement, most: int = 12) -> str | None:
    """The name in the first element marked as the author or byline (its class, id, itemprop
    or rel) outside comments, bios and quotes: read line by line, the first line (or part of
    one between separators) that is a "By …" line, follows a "Written by" label, or is shaped
    like a name, cut before a date or "Updated" that follows the name; None when there is
    none."""
    for element in tree.xpath(_BYLINE_ELEMENTS)[:most]:
        marks = " ".join(element.get(name) or "" for name in ("class", "id"))
        if _NOT_BYLINE.search(marks) or _in_comments(element):
            continue
        name = _name_in_lines(_element_lines(element))
        if name:
            return name
    return None


_BLOCK_TAGS = frozenset(
    ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption")
    + ("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "ol", "p")
    + ("section", "table", "td", "th", "tr", "ul")
)
_SKIPPED_TAGS = frozenset(("script", "style", "noscript", "template", "svg"))


def _element_lines(element: HtmlElement) -> list[str]:
    """An element's text as lines: a block-level child or a <br> starts a new line, so a name
    and the job title in the next <div> stay apart. Iterative, so a deep page cannot exhaust
    the stack."""
    parts: list[str] = []
    skipped = 0  # depth inside a script, style or svg
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIPPED_TAGS or not tag:
            skipped += 1 if event == "start" else -1
            if event == "end" and skipped == 0 and node is not element:
                parts.append(node.tail or "")
            continue
        if skipped:
            continue
        if event == "start":
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            parts.append(node.text or "")
        else:
            parts.append("\n" if tag in _BLOCK_TAGS else "")
            if node is not element:
                parts.append(node.tail or "")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


_LABEL = re.compile(
    r"(?i)^(?:(?:written|posted|authored|article|words|text)\s+)?by\s*:?$|^authors?\s*:?$"
)
_SEGMENT = re.compile(r"\s*[|•·⋅]\s*|\s+[-–—]\s+")


def _name_in_lines(lines: list[str]) -> str | None:
    """The byline's name among an element's lines (see `_visible_byline`)."""
    labelled = False
    for line in lines:
        if len(line) > 100:  # prose (a bio), not a byline: the name comes before it
            return None
        for segment in _SEGMENT.split(line):
            if _LABEL.match(segment):
                labelled = True
                continue
            by = _BY_START.match(segment)
            if not segment.strip() or (not by and _is_date(segment)):
                continue
            name = _byline_name(segment)
            if name and (labelled or by or _name_shaped(name)):
                return name
            labelled = False
    return None


def _is_date(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and parse_date(text) is not None


_PARTICLES = frozenset(
    ("van", "von", "de", "der", "den", "da", "del", "la", "le", "di", "du", "dos", "das", "bin")
)


def _name_shaped(text: str) -> bool:
    """One to five words, each starting with a capital (or a letter without case) or a name
    particle ("van", "de"), no digits: "Jane Doe", "Matt De La O", not "Personal finance"."""
    words = text.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    return all(w[0].isupper() or not w[0].islower() or w in _PARTICLES for w in words)


_BY_PREFIX = re.compile(r"(?i)^(?:\w+\s+){0,3}by\s*:?\s*")
_NOT_A_NAME = re.compile(
    r"""(?ix)[{};=<>@]|^(sign\ in|log\ ?in|share|follow|menu|search|(last\ )?updated|published|
    posted|reviewed|written|author|authors|
    (mon|tue|wed|thu|fri|sat|sun)[a-z]*|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)$"""
)


def _byline_name(text: str) -> str | None:
    """The name part of a byline's text: "Recipe by Jane Doe | May 2" -> "Jane Doe"."""
    text = _BY_PREFIX.sub("", text)
    text = _BYLINE_END.split(text, maxsplit=1)[0].strip(" ,:")
    if not 2 <= len(text) <= 60 or not any(ch.isalpha() for ch in text):
        return None
    return None if _NOT_A_NAME.search(text) else text


_BY_START = re.compile(r"(?i)^\s*(?:written\s+|posted\s+|authored\s+|words\s+|text\s+)?by\b")
_NAME = re.compile(
    r"^(?:[A-Z][\w.'’-]*|van|von|de|der|den|da|del|la|le|di)(?:\s+(?:[A-Z][\w.'’-]*|van|von|de|der|"
    r"den|da|del|la|le|di)){0,4}$"
)


def _by_line(tree: HtmlElement) -> str | None:
    """The name in the first short "By Jane Doe" line of the page outside comments (the name
    capitalised, one to five words, cut at a separator or a job title in the next block);
    None when there is none."""
    body = tree.find(".//body")
    for element in (body if body is not None else tree).iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        if not element.text or not _BY_START.match(element.text):
            continue
        lines = _line_lines(element)
        name = _name_in_lines(lines[:2]) if lines and len(lines[0]) < 100 else None
        if name and _NAME.match(name) and not _in_comments(element):
            return name
    return None


_BY_ALONE = re.compile(r"(?i)^\s*(?:written\s+|posted\s+)?by\s*:?\s*$")


def _line_lines(element: HtmlElement) -> list[str]:
    """The lines of the byline an element starts: its own, or its parent's when it holds only
    "By" (`<span>By</span> <a>Jane Doe</a>`, the name in the next element)."""
    lines = _element_lines(element)
    parent = element.getparent()
    if (not lines or _BY_ALONE.match(" ".join(lines))) and parent is not None:
        return _element_lines(parent)
    return lines


def _in_comments(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        marks = (ancestor.get("class") or "") + " " + (ancestor.get("id") or "")
        if "comment" in marks.lower():
            return True
    return False


def _canonical(
    tree: HtmlElement, meta: dict[str, str], ld: dict[str, Any], url: str | None
) -> str | None:
    """The canonical URL (link rel, og:url or JSON-LD), resolved against `url`; http(s) only."""
    canonical = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            canonical = link.get("href").strip()
            break
    if not canonical:
        canonical = _first(meta, "og:url") or ld.get("url")
    if canonical and url:
        canonical = urljoin(url, canonical)
    if canonical and not canonical.startswith(("http://", "https://")):
        canonical = None
    return canonical


def _declared_language(tree: HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    root = tree.getroottree().getroot()
    return language_code(
        root.get("lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        or _first(meta, "content-language", "og:locale", "language", "dc.language")
        or ld.get("language")
    )


def _declared_date(meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """The publication date as the meta tags or JSON-LD write it."""
    return _first(
        meta,
        "article:published_time",
        "og:published_time",
        "datepublished",
        "publishdate",
        "pubdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "parsely-pub-date",
    ) or ld.get("published")


def _htmldate(tree: HtmlElement, url: str | None) -> date | None:
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=True, original_date=True, url=url)
    except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
        LOGGER.debug("htmldate failed: %s", exc)
        return None
    return parse_date(found)
