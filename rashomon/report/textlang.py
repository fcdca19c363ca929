"""The `lang` and `dir` attributes of a document's text on a page: each article's text,
headline and quotes are marked with the language detected for it, so a screen reader speaks
them in their own voice, a browser picks the right fonts and hyphenation, and a right-to-left
script (Arabic, Hebrew, Persian, Urdu …) reads from the right.

The page itself is `lang="en"`: English text needs no attribute. A language code is shown only
when it looks like one (BCP 47's primary subtag with an optional region), so an untrusted
value never reaches the attribute.
"""

from __future__ import annotations

import re

from markupsafe import Markup

__all__ = ["PAGE_LANGUAGE", "RTL", "lang_attrs", "text_direction"]

PAGE_LANGUAGE = "en"
# Languages written right to left (ISO 639-1 and -3 codes).
RTL = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}
)
_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", re.IGNORECASE)


def text_direction(code: str | None) -> str:
    """ "rtl" for a language written right to left, else "ltr"."""
    primary = (code or "").split("-")[0].lower()
    return "rtl" if primary in RTL else "ltr"


def lang_attrs(code: str | None) -> Markup:
    """` lang="xx"` (and ` dir="rtl"` for a right-to-left language) for text in a language
    other than the page's; empty for English, no language, or a value that is not a code."""
    if not code or not _CODE.fullmatch(code):
        return Markup("")
    if code.split("-")[0].lower() == PAGE_LANGUAGE:
        return Markup("")
    direction = ' dir="rtl"' if text_direction(code) == "rtl" else ""
    return Markup(' lang="{}"{}').format(code, Markup(direction))
