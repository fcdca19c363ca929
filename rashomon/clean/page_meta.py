"""Page metadata of a parsed HTML page: title, byline, published date, site name, canonical URL,
language and schema.org `articleBody`, from meta tags, JSON-LD, the visible headline and
htmldate.

Every rule is general (no outlet is special-cased) and measured on the WCXB dev articles with
`bench/bench_clean_wcxb.py`, fold by fold (pages split by domain).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from rashomon.clean.metadata import clean_title, language_code, normalize_byline, parse_date

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


def _json_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for item in value for n in _json_names(item)]
    return []


def _json_ld(tree: HtmlElement) -> dict[str, Any]:
    """The first article-like schema.org object in the page's JSON-LD, flattened to the few
    fields used here."""
    found: dict[str, Any] = {}
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        raw = script.text or ""
        if not raw.strip():
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
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
                names = _json_names(obj.get("author"))
                if names:
                    found["author"] = ", ".join(names)
            if "site_name" not in found:
                names = _json_names(obj.get("publisher"))
                if names:
                    found["site_name"] = names[0]
    return found


def page_meta(tree: HtmlElement, url: str | None) -> PageMeta:
    meta = _meta_tags(tree)
    ld = _json_ld(tree)
    page = PageMeta()
    title_el = tree.find(".//title")
    title_text = " ".join(title_el.text_content().split()) if title_el is not None else None
    h1 = tree.find(".//h1")
    page.headline = " ".join(h1.text_content().split()) if h1 is not None else None
    page.site_name = _first(
        meta, "og:site_name", "application-name", "twitter:app:name:iphone"
    ) or ld.get("site_name")
    raw_title = (
        _first(meta, "og:title", "twitter:title", "title", "dc.title", "headline")
        or ld.get("title")
        or page.headline
        or title_text
    )
    page.title = clean_title(raw_title, page.site_name, url)
    page.byline = normalize_byline(_authors(tree, meta, ld))
    page.canonical = _canonical(tree, meta, ld, url)
    page.language = _declared_language(tree, meta, ld)
    page.published = parse_date(_declared_date(meta, ld))
    if page.published is None:
        page.published = _htmldate(tree, url or page.canonical)
    body = ld.get("body")
    if body and "<" not in body[:200]:
        page.article_body = body
    return page


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


def _authors(tree: HtmlElement, meta: dict[str, str], ld: dict[str, Any]) -> str | None:
    """The declared author(s): JSON-LD, then meta tags (not a profile URL), then an element
    marked as the author or byline."""
    authors = ld.get("author")
    if not authors:
        candidate = _first(
            meta,
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
        )
        if candidate and not candidate.startswith(("http://", "https://")):
            authors = candidate
    if not authors:
        for element in tree.xpath(
            '(//*[@rel="author" or @itemprop="author" or contains(@class, "byline")])[position()<4]'
        ):
            text = " ".join(element.text_content().split())
            if 2 < len(text) < 100:
                authors = text
                break
    return authors


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
        found = find_date(tree, extensive_search=False, original_date=True, url=url)
    except Exception as exc:  # noqa: BLE001 - third-party failure on odd pages; logged
        LOGGER.debug("htmldate failed: %s", exc)
        return None
    return parse_date(found)
