"""What the story stage knows of one report: its lead's vector, its words, its names, its
shingles and its publication date.

- **Vector**: the title and lead (`stories.lead_chars`) embedded by the multilingual encoder,
  so reports in different languages meet.
- **Terms**: word counts hashed into 2^20 slots (no vocabulary to grow); the index weighs them
  by inverse document frequency when it compares.
- **Names**: the words of every name, reduced by `lexicon.names.name_key` after transliteration,
  so "Зеленский", "Zelenskyy" and "Zelensky" are one key. They come from the annotated entities and,
  for languages the annotator does not read, from capitalised words inside sentences.
- **Signature**: a MinHash of word 5-gram shingles, for near-duplicate folding.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import LeanMinHash, MinHash

from rashomon.annotate.translit import is_cyrillic, to_latin
from rashomon.lexicon.names import fold, name_key
from rashomon.model import Doc

__all__ = ["TERM_SLOTS", "Features", "features_of", "lead_text", "shingles"]

TERM_SLOTS = 1 << 20
_WORD = re.compile(r"[^\W\d_]{3,}")
_SHINGLE_WORD = re.compile(r"\w+")
_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_][^\W\d_'’-]{2,}")
_SENTENCE_END = re.compile(r"[.!?:;\"“”«»\n]\s*$")
_NAME_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC"})
_SHINGLE = 5


@dataclass(frozen=True, slots=True)
class Features:
    """One report as the story index sees it."""

    source: str
    article_id: str
    language: str | None
    published: date | None
    terms: np.ndarray  # int32 hashed term ids, sorted, unique
    counts: np.ndarray  # float32 1 + log(count) of each term
    names: frozenset[str]
    signature: LeanMinHash | None
    outlet: str | None = None


def lead_text(doc: Doc, chars: int) -> str:
    """The title and the first `chars` characters of the text, cut at a word."""
    article = doc.article
    text = article.text[:chars]
    if len(article.text) > chars and " " in text:
        text = text.rsplit(" ", 1)[0]
    return f"{article.title}\n{text}" if article.title else text


def features_of(doc: Doc, lead_chars: int, num_perm: int, outlet: str | None = None) -> Features:
    """Terms, names and signature of one annotated report (the vector is computed in batches
    by the index)."""
    article = doc.article
    body = f"{article.title}\n{article.text}" if article.title else article.text
    terms, counts = _terms(body)
    return Features(
        source=article.origin,
        article_id=article.id,
        language=article.language,
        published=article.published,
        terms=terms,
        counts=counts,
        names=frozenset(_names(doc, lead_text(doc, lead_chars * 2))),
        signature=_signature(article.text, num_perm),
        outlet=outlet,
    )


def _terms(text: str) -> tuple[np.ndarray, np.ndarray]:
    counted = Counter(
        zlib.crc32(fold(w).lower().encode()) & (TERM_SLOTS - 1) for w in _WORD.findall(text)
    )
    if not counted:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    ids = np.fromiter(counted.keys(), np.int32, len(counted))
    order = np.argsort(ids)
    counts = np.fromiter(counted.values(), np.float32, len(counted))
    return ids[order], (1.0 + np.log(counts[order])).astype(np.float32)


def _names(doc: Doc, lead: str) -> set[str]:
    """Keys of the words of every name: annotated entities, then capitalised words that do not
    open a sentence (for any language written with capitals)."""
    words: list[str] = []
    for entity in doc.entities:
        if entity.type in _NAME_TYPES and entity.via not in ("pronoun", "description"):
            words.extend(entity.canonical.split())
    for match in _CAPITALISED.finditer(lead):
        word = match.group()
        before = lead[max(0, match.start() - 3) : match.start()]
        if word[0].isupper() and match.start() > 0 and not _SENTENCE_END.search(before):
            words.append(word)
    keys = set()
    for word in words:
        latin = to_latin(word, doc.article.language) if is_cyrillic(word) else word
        key = name_key(latin)
        if len(key) >= 3:
            keys.add(key)
    return keys


def shingles(text: str) -> set[bytes]:
    """Word 5-grams of the lower-cased text (fewer words: the whole text as one shingle)."""
    words = [w.lower() for w in _SHINGLE_WORD.findall(text)]
    if len(words) < _SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + _SHINGLE]).encode() for i in range(len(words) - _SHINGLE + 1)}


def _signature(text: str, num_perm: int) -> LeanMinHash | None:
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch(list(grams))
    return LeanMinHash(minhash)
