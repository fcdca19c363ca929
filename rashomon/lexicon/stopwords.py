"""Stopword lists per language (jusText's, which trafilatura brings), loaded once per process:
the plain-text cleaner's foreign-line check and the language detector both read them."""

from __future__ import annotations

from functools import lru_cache

# ISO 639-1 code -> jusText stoplist name (jusText ships with trafilatura).
_STOPLIST_NAMES = {
    "en": "English",
    "ru": "Russian",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "uk": "Ukrainian",
    "tr": "Turkish",
    "ar": "Arabic",
    "ko": "Korean",
    "sv": "Swedish",
    "da": "Danish",
    "cs": "Czech",
    "ro": "Romanian",
    "hu": "Hungarian",
    "fi": "Finnish",
    "el": "Greek",
    "id": "Indonesian",
    "ms": "Malay",
    "no": "Norwegian_Bokmal",
    "ca": "Catalan",
    "hr": "Croatian",
    "sk": "Slovak",
    "vi": "Vietnamese",
}
_FALLBACK_EN_WORDS = """
a about after all also an and any are as at be been but by can could did do does for from
had has have he her his how i if in into is it its just more most my no not now of on one
only or other our out over said she so some than that the their them then there these they
this to up was we were what when where which who will with would you your
"""
_FALLBACK_EN = frozenset(_FALLBACK_EN_WORDS.split())


@lru_cache(maxsize=8)
def stoplists_for(codes: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Stopword sets for the configured languages (loaded once per process)."""
    lists: dict[str, frozenset[str]] = {}
    try:
        import justext  # a dependency of trafilatura

        for code in codes:
            name = _STOPLIST_NAMES.get(code)
            if name:
                try:
                    lists[code] = frozenset(w.lower() for w in justext.get_stoplist(name))
                except (ValueError, OSError, KeyError):
                    continue
    except ImportError:  # pragma: no cover - trafilatura always brings jusText
        pass
    if "en" not in lists:
        lists["en"] = _FALLBACK_EN
    return lists
