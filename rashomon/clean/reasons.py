"""Reason codes for removed lines: short, stable, counted in reports. One place for all."""

from __future__ import annotations

REASONS: dict[str, str] = {
    "title": "the headline, moved out of the body into Article.title",
    "navigation": "site navigation, section labels, breadcrumbs, menus",
    "outlet-signature": "the outlet's own name line ('- Outlet Name, 1920')",
    "tagline": "the site's slogan or section description",
    "photo-credit": "photo credit (©, Photo:, Getty Images…)",
    "caption": "image caption",
    "share": "share / follow / social buttons",
    "subscribe": "subscribe / newsletter prompts",
    "login": "log in / register / account prompts",
    "comments": "comment prompts and comment-form text",
    "related": "related-article blocks: other headlines, often with their own date",
    "ad": "advertisement",
    "spam": "promotional or get-rich spam inside the page",
    "counter": "counters and bare numbers (views, comments, likes)",
    "ui": "user-interface strings (loader, close, menu, read more)",
    "foreign-script": "a line in another script than the body",
    "foreign-language": "a line in another language than the body",
    "template": "a line learned as page furniture of this outlet (recurs across its pages)",
    "byline": "author line, moved into Article.byline",
    "dateline": "date line, moved into Article.published",
    "legal": "copyright, terms, cookie and privacy notices",
    "boilerplate": "other page furniture around the article",
    "html-boilerplate": "page text the HTML extractor left out of the article",
    "duplicate-line": "a line repeated verbatim within the same document",
    "outside-body": "text outside the article's main body (sidebars, teasers, reader comments)",
    "credit-line": "reporting, editing or source credits after the article",
}

__all__ = ["REASONS"]
