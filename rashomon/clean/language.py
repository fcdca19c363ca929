"""Language of an article and of each of its paragraphs (lingua, restricted language set).

lingua is accurate on short text when it chooses among few languages, so the set is a setting
(language.languages). The detector is built once per process and per language set; its models
load lazily on first use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from rashomon.errors import SettingsError
from rashomon.model import ParagraphLanguage
from rashomon.settings import Settings

__all__ = ["detect", "detector", "foreign_paragraphs"]


@lru_cache(maxsize=4)
def detector(codes: tuple[str, ...], high_accuracy: bool = False) -> LanguageDetector:
    """A lingua detector for these ISO 639-1 codes (cached per process). The low-accuracy
    mode uses trigram models only: a tenth of the memory and time, and as good on the
    sentence-or-longer text it is given here."""
    isos = []
    for code in codes:
        try:
            isos.append(IsoCode639_1.from_str(code.strip().lower()))
        except ValueError:
            raise SettingsError(
                f"language.languages: {code!r} is not an ISO 639-1 code lingua knows"
            ) from None
    if len(isos) < 2:
        raise SettingsError("language.languages: name at least two languages to choose among")
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _languages(settings: Settings) -> tuple[str, ...]:
    return tuple(settings["language.languages"])


def detect(text: str, settings: Settings) -> tuple[str | None, float]:
    """The most likely language of `text` as (ISO 639-1 code, confidence), or (None, 0.0)."""
    sample = text[:800].strip()
    if not sample:
        return None, 0.0
    chosen = detector(_languages(settings), bool(settings["language.high_accuracy"]))
    values = chosen.compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def foreign_paragraphs(
    paragraphs: Sequence[str], article_language: str | None, settings: Settings
) -> tuple[ParagraphLanguage, ...]:
    """Paragraphs written in another language than the article, each with its language.

    Short paragraphs are skipped (too little evidence), and a paragraph is flagged only when
    lingua is confident (language.min_confidence) it is not in the article's language.
    """
    if article_language is None:
        return ()
    min_chars = settings["language.min_paragraph_chars"]
    min_conf = settings["language.min_confidence"]
    own = _own_stopwords(article_language, settings)
    flagged = []
    for index, paragraph in enumerate(paragraphs):
        if len(paragraph.strip()) < min_chars or _plainly_in(paragraph, own):
            continue
        language, confidence = detect(paragraph, settings)
        if language and language != article_language and confidence >= min_conf:
            flagged.append(ParagraphLanguage(index, language, paragraph))
    return tuple(flagged)


_WORD = re.compile(r"\w+")


def _own_stopwords(language: str, settings: Settings) -> frozenset[str]:
    from rashomon.clean.text import stoplists_for

    return stoplists_for(tuple(settings["language.languages"])).get(language, frozenset())


def _plainly_in(paragraph: str, stopwords: frozenset[str]) -> bool:
    """A cheap first look: a paragraph of ten or more words, a quarter of them stopwords of
    the article's language, is in that language; lingua is asked only about the rest."""
    if not stopwords:
        return False
    words = _WORD.findall(paragraph.lower())
    if len(words) < 10:
        return False
    return sum(w in stopwords for w in words) / len(words) >= 0.25
