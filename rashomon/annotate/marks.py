"""What annotate finds without a model: sentences by punctuation and direct quotes by their
marks. The Doc of an article in a language no model reads, and the base a natasha Doc adds to
(`russian.annotate_russian`)."""

from __future__ import annotations

import re

from rashomon.annotate import quote_marks
from rashomon.model import Article, Doc, Quote, QuoteKind

SENTENCE = re.compile(r"[^\s].*?(?:[.!?。！？]+[”\"»’)]*(?=\s)|\n\n|$)", re.S)


def marks_only(article: Article) -> Doc:
    """An article in a language the model does not read: its sentences by punctuation and its
    direct quotes by their marks (no speaker), with the reason the rest is missing."""
    text = article.text
    sentences = tuple((m.start(), m.end()) for m in SENTENCE.finditer(text))
    marked = quote_marks.find_marked(text)
    found = tuple(
        Quote(QuoteKind.DIRECT, s, e, text[s:e], None, None, None, None)
        for s, e in marked
        if e - s > 12
    )
    note = (
        f"language {article.language}: entities, times, attribution and claims need a model for "
        f"it (annotate.languages lists the languages annotate.model reads)"
    )
    return Doc(article=article, sentences=sentences, quotes=found, limits=(note,))
