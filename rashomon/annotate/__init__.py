"""The annotate stage: a clean Article -> a Doc with entities, times, quotes and claims.

Each layer is made by its own module from one spaCy parse of `Article.text`:

    entities.find_entities(sdoc)                      -> Mentions (names, pronouns, ...)
    times.find_times(sdoc, anchor)                    -> list[TimeExpr]
    quotes.find_quotes(sdoc, mentions)                -> list[Quote] (the rules)
    learned.learned_quotes(tagger, sdoc, mentions, rule_quotes) -> list[Quote] (the trained
        tagger of `annotate.attribution_model`, English; the rules' quotes are its features)
    claims.find_claims(sdoc, quotes, mentions, times) -> list[Claim]

Every span is a character offset into `Article.text`.

An article in a language of `annotate.natasha_languages` (Russian) is read by natasha instead
(`russian.annotate_russian`: sentences, entities, times) when the extra `rashomon[ru]` is
installed; any other language gets `marks_only`.

spaCy's tokenizer splits a run of punctuation one character at a time, rescanning the rest of
the run each time (quadratic in its length): before parsing, a run longer than
`annotate.max_punctuation_run` is blanked past that length (spaces of the same length, so
every offset still points into `Article.text`), and the Doc's `limits` says so.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

from rashomon.annotate import claims, entities, learned, quotes, times
from rashomon.annotate.marks import marks_only
from rashomon.annotate.nlp import load, sentences_of
from rashomon.annotate.tagger import Tagger, load_tagger
from rashomon.model import Article, Doc
from rashomon.settings import Settings

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc

__all__ = ["annotate", "annotate_many", "annotate_parsed", "annotate_stream", "annotate_texts"]

log = logging.getLogger(__name__)


def annotate_parsed(article: Article, sdoc: SpacyDoc, tagger: Tagger | None = None) -> Doc:
    """All layers for one article whose text spaCy has parsed into `sdoc`; with a trained
    attribution `tagger` its quotes come from the tagger, the rules' quotes being its
    features (`learned.learned_quotes`), else from the rules alone."""
    mentions = entities.find_entities(sdoc)
    found_times = times.find_times(sdoc, article.published)
    found_quotes = quotes.find_quotes(sdoc, mentions)
    if tagger is not None:
        found_quotes = learned.learned_quotes(tagger, sdoc, mentions, found_quotes)
    found_claims = claims.find_claims(sdoc, found_quotes, mentions, found_times)
    doc = Doc(
        article=article,
        sentences=tuple((s.start_char, s.end_char) for s in sentences_of(sdoc)),
        entities=tuple(mentions.entities),
        times=tuple(found_times),
        quotes=tuple(found_quotes),
        claims=tuple(found_claims),
    )
    sdoc.user_data.clear()  # the cached sentences point back at sdoc: free it at once
    return doc


def annotate_stream(articles: Iterable[Article], settings: Settings) -> Iterator[Doc | Exception]:
    """Annotate a stream of articles through spaCy's `pipe`, in order, window by window
    (`annotate.zone_size` articles): each window is parsed inside a spaCy memory zone, so the
    strings its texts add to the vocabulary are freed after it and a long stream keeps a flat
    memory. A layer that fails on one article yields the exception in its place (logged) and
    the stream goes on."""
    nlp = load(settings.annotate.model)
    tagger = load_tagger(settings.annotate.attribution_model)
    zone = max(1, settings.annotate.zone_size)
    natasha = set(settings.annotate.natasha_languages)
    readable = set(settings.annotate.languages) - natasha
    longest = settings.annotate.max_punctuation_run
    iterator = iter(articles)
    while window := list(islice(iterator, zone)):
        english = [a for a in window if a.language is None or a.language in readable]
        with nlp.memory_zone():
            parsed = nlp.pipe(
                (parseable_text(a.text, longest)[0] for a in english),
                batch_size=settings.annotate.batch_size,
                n_process=_processes(len(english), settings),
            )
            done = dict(zip(map(id, english), parsed, strict=True))
            for article in window:
                sdoc = done.pop(id(article), None)
                if sdoc is not None:
                    yield _noted(_annotate_or_error(article, sdoc, tagger), longest)
                elif article.language in natasha:
                    yield _natasha_or_error(article)
                else:
                    yield marks_only(article)


@lru_cache(maxsize=8)
def _long_run(longest: int) -> re.Pattern[str]:
    """A run of more than `longest` characters that are neither letters, digits nor spaces."""
    return re.compile(rf"[^\w\s]{{{longest + 1},}}")


def parseable_text(text: str, longest: int) -> tuple[str, int]:
    """`text` as the parser reads it: of each punctuation run longer than `longest`, the
    first and last characters kept (`longest` in all: the closing quote or stop stays) and
    the middle blanked with spaces, so the length and every offset are kept; and how many
    characters were blanked."""
    runs = list(_long_run(max(2, longest)).finditer(text))
    if not runs:
        return text, 0
    head = max(2, longest) // 2
    tail = max(2, longest) - head
    parts, last, blanked = [], 0, 0
    for run in runs:
        cut, resume = run.start() + head, run.end() - tail
        parts += [text[last:cut], " " * (resume - cut)]
        blanked += resume - cut
        last = resume
    parts.append(text[last:])
    return "".join(parts), blanked


def _noted(doc: Doc | Exception, longest: int) -> Doc | Exception:
    """The Doc with a limit noted when its parse saw punctuation runs cut short (the layers
    read `Article.text` itself: see `_annotate_or_error`)."""
    if isinstance(doc, Exception):
        return doc
    _, blanked = parseable_text(doc.article.text, longest)
    if not blanked:
        return doc
    note = (
        f"{blanked:,} characters of punctuation runs longer than {longest:,} were not parsed "
        f"(annotate.max_punctuation_run)"
    )
    return replace(doc, limits=(*doc.limits, note))


def _processes(articles: int, settings: Settings) -> int:
    """How many spaCy processes parse a window of `articles`."""
    chosen = settings.annotate.n_process
    if chosen > 0:
        return chosen
    if articles < settings.annotate.multiprocess_min:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _natasha_or_error(article: Article) -> Doc | Exception:
    """A Russian article through natasha; without the extra, its marks and the reason."""
    from rashomon.annotate import russian, russian_nlp

    marks = marks_only(article)
    if not russian_nlp.available():
        note = (
            f"language {article.language}: {russian_nlp.INSTALL_HINT}; attribution and claims "
            f"are English-only"
        )
        return replace(marks, limits=(note,))
    try:
        return russian.annotate_russian(article, marks)
    except Exception as error:  # one article's bug must not stop the stream
        log.exception("annotating %s failed", article.origin)
        return error


def _annotate_or_error(article: Article, sdoc: SpacyDoc, tagger: Tagger | None) -> Doc | Exception:
    sdoc.user_data["rashomon.text"] = article.text  # what `text_of` gives, runs unblanked
    try:
        return annotate_parsed(article, sdoc, tagger)
    except Exception as error:  # one article's bug must not stop the stream
        log.exception("annotating %s failed", article.origin)
        return error


def annotate_many(articles: Iterable[Article], settings: Settings) -> Iterator[Doc]:
    """Annotate articles in order; an error in any article is raised."""
    for doc in annotate_stream(articles, settings):
        if isinstance(doc, Exception):
            raise doc
        yield doc


def annotate(article: Article, settings: Settings) -> Doc:
    """Annotate one article."""
    return next(annotate_many([article], settings))


def annotate_texts(texts: Sequence[str], settings: Settings) -> list[Doc]:
    """Annotate raw strings taken as article text exactly (offsets are offsets into each)."""
    articles = [Article(id=f"text-{i}", origin=f"text-{i}", text=t) for i, t in enumerate(texts)]
    return list(annotate_many(articles, settings))
