"""The clean stage: RawDoc -> Article.

HTML goes to the HTML extractor (trafilatura with a fallback), plain text to our own line
classifier; both return a `Cleaned`, which is assembled here into the Article with its
language and the paragraphs written in another language flagged. A text's first lines may
declare its URL and outlet (`rashomon.clean.declared`); the setting `clean.outlet`, when set,
names the outlet of every document of the run, over what the pages say.
"""

from __future__ import annotations

from dataclasses import replace

from rashomon.clean.base import Cleaned
from rashomon.clean.language import article_languages
from rashomon.clean.metadata import parse_date
from rashomon.errors import NoArticle, UnsupportedInput
from rashomon.model import Article, RawDoc
from rashomon.settings import Settings

__all__ = ["clean", "clean_text_document"]

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}


def clean(raw: RawDoc, settings: Settings, *, templates: object | None = None) -> Article:
    """Strip one raw document to its article. Raises an InputError naming `raw.origin`
    when the bytes are not text or no article is found in them."""
    from rashomon.clean.decode import decode

    text = decode(raw)
    if raw.media_type in HTML_TYPES:
        from rashomon.clean.html import clean_html

        cleaned = clean_html(
            text, url=raw.url, hints=raw.hints, settings=settings, origin=raw.origin
        )
    elif raw.media_type in TEXT_TYPES:
        cleaned = clean_text_document(text, raw, settings, templates)
    else:
        raise UnsupportedInput(raw.origin, f"cannot clean media type {raw.media_type!r}")
    return assemble(raw, cleaned, settings)


def clean_text_document(
    text: str, raw: RawDoc, settings: Settings, templates: object | None
) -> Cleaned:
    from rashomon.clean.declared import declared_source
    from rashomon.clean.text import clean_text

    declared = declared_source(text)
    cleaned = clean_text(
        text,
        url=raw.url or declared.url,
        hints=raw.hints,
        settings=settings,
        templates=templates,  # type: ignore[arg-type]
    )
    if declared.outlet:
        cleaned = replace(cleaned, outlet=declared.outlet)  # a `Source:` label beats a guess
    return cleaned


def assemble(raw: RawDoc, cleaned: Cleaned, settings: Settings) -> Article:
    """The Article from what a cleaner found, the container's hints filling the gaps."""
    paragraphs = [p for p in cleaned.paragraphs if p.strip()]
    body = "\n\n".join(paragraphs)
    if len(body.strip()) < settings.clean.min_article_chars:
        found = f"{len(body.strip())} characters" if body.strip() else "nothing"
        raise NoArticle(raw.origin, f"no article text found ({found} left after cleaning)")
    language, foreign = article_languages(paragraphs, settings)
    hints = raw.hints
    return Article(
        id=raw.id,
        origin=raw.origin,
        text=body,
        title=cleaned.title or hints.title,
        url=raw.url or cleaned.url or cleaned.canonical_url,
        outlet=settings.clean.outlet or cleaned.outlet or hints.outlet,
        byline=cleaned.byline or hints.byline,
        published=cleaned.published or parse_date(hints.published),
        language=language or cleaned.declared_language or hints.language,
        site_name=cleaned.site_name,
        canonical_url=cleaned.canonical_url,
        extractor=cleaned.extractor,
        removed=cleaned.removed,
        foreign_paragraphs=foreign,
    )
