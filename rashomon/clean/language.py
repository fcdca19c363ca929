"""Language of an article and of each of its paragraphs (lingua, restricted language set).

lingua is accurate on short text when it chooses among few languages, so the set is a setting
(language.languages). The detector is built once per process and per language set; its models
load lazily on first use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

from rashomon.errors import SettingsError
from rashomon.lexicon.stopwords import stoplists_for
from rashomon.model import ParagraphLanguage
from rashomon.settings import Settings

__all__ = ["article_languages", "detect", "detector"]


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
    return settings.language.languages


def detect(text: str, settings: Settings) -> tuple[str | None, float]:
    """The most likely language of `text` as (ISO 639-1 code, confidence), or (None, 0.0)."""
    sample = text[:800].strip()
    if not sample:
        return None, 0.0
    chosen = detector(_languages(settings), settings.language.high_accuracy)
    values = chosen.compute_language_confidence_values(sample)
    if not values:
        return None, 0.0
    best = values[0]
    return best.language.iso_code_639_1.name.lower(), float(best.value)


def article_languages(
    paragraphs: Sequence[str], settings: Settings
) -> tuple[str | None, tuple[ParagraphLanguage, ...]]:
    """The article's language and the paragraphs written in another one.

    Each paragraph gets its own language first and the article's is the one most of its
    text is in (a vote weighted by length): lingua on a whole mixed text lets a few
    distinctive letters of one paragraph outvote the rest. Short paragraphs do not vote and
    are never flagged (too little evidence); a paragraph is flagged only when its language is
    confident (language.min_confidence).
    """
    words = [_WORD.findall(p.lower()) for p in paragraphs]  # tokenised once, used thrice
    found = [_paragraph_language(p, w, settings) for p, w in zip(paragraphs, words, strict=True)]
    votes: Counter[str] = Counter()
    for (language, _), paragraph in zip(found, paragraphs, strict=True):
        if language:
            votes[language] += len(paragraph)
    article = votes.most_common(1)[0][0] if votes else None
    if article is None:
        article = detect("\n".join(paragraphs), settings)[0]
    flagged = tuple(
        ParagraphLanguage(index, language, paragraph)
        for index, ((language, confidence), paragraph, tokens) in enumerate(
            zip(found, paragraphs, words, strict=True)
        )
        if language
        and language != article
        and _confidently_foreign(tokens, confidence, article, settings)
    )
    return article, flagged


_WORD = re.compile(r"\w+")
_MIN_FLAG_WORDS = 10


def _confidently_foreign(
    words: list[str], confidence: float, article: str | None, settings: Settings
) -> bool:
    """Flag only real prose: enough text, a confident language, and under 15% of its words
    the article language's own stopwords (names and table rows fool lingua)."""
    if not _enough_text(words) or confidence < settings.language.min_confidence:
        return False
    own = stoplists_for(settings.language.languages).get(article or "", frozenset())
    return sum(w in own for w in words) / len(words) < 0.15


# Thai, Japanese kana, CJK ideographs: scripts written without spaces between words
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _enough_text(words: list[str]) -> bool:
    """Ten words or more; or, in scripts written without spaces (Chinese, Japanese, Thai),
    twenty-five characters of them."""
    if len(words) >= _MIN_FLAG_WORDS:
        return True
    unspaced = sum(len(_UNSPACED.findall(w)) for w in words)
    return unspaced >= 25


def _paragraph_language(
    paragraph: str, words: list[str], settings: Settings
) -> tuple[str | None, float]:
    """A paragraph's language (`words`: its lower-cased tokens): by its stopwords when they
    leave no doubt (cheap), else lingua; (None, 0.0) for a paragraph too short to judge."""
    if len(paragraph.strip()) < settings.language.min_paragraph_chars:
        return None, 0.0
    if not _enough_text(words):
        return None, 0.0  # a label, a name, a table row: too little to judge, not worth lingua
    by_stopwords = _by_stopwords(words, settings)
    if by_stopwords:
        return by_stopwords, 1.0
    return detect(paragraph, settings)


# Languages whose jusText stoplists are clean enough to tell them apart; the lists of others
# (Turkish, Korean, Russian…) hold many English words, so those go to lingua.
_STOPWORD_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl")


@lru_cache(maxsize=4)
def _stopword_index(configured: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Each stopword of the clean-stoplist languages -> the languages it belongs to, so a
    paragraph's words are looked up once, not once per language."""
    lists = stoplists_for(configured)
    index: dict[str, list[str]] = {}
    for code in _STOPWORD_LANGUAGES:
        if code in configured and code in lists:
            for word in lists[code]:
                index.setdefault(word, []).append(code)
    return {word: tuple(codes) for word, codes in index.items()}


def _by_stopwords(words: list[str], settings: Settings) -> str | None:
    """The language whose stopwords make up at least a quarter of a paragraph's ten or more
    (lower-cased) words and twice the share of any other's, among the configured languages
    with clean stoplists; else None (lingua decides)."""
    if len(words) < _MIN_FLAG_WORDS:
        return None
    index = _stopword_index(settings.language.languages)
    counts: dict[str, int] = {}
    for word in words:
        for code in index.get(word, ()):
            counts[code] = counts.get(code, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])[:2]
    if not ranked or ranked[0][1] < 0.25 * len(words):
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]
