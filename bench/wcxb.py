"""WCXB dev articles (../shared/data/extraction/wcxb-dev): loading, folds and metrics.

793 article pages from 2026 with gold body, title, author and date (the data's ABOUT.md).
Metrics as the benchmark scores them (re-implemented here):

- body: word-level bag-of-words F1 (lower-cased `\\w+` tokens, multiset overlap), averaged over
  pages;
- title, author, date: exact match after normalising case and punctuation (`field_key`), over
  the pages whose gold has the field; a date compares as its ISO day. An author list compares
  as its names, whatever separates them ("A, B and C" = "A; B; C").

Folds split by registered domain, so no site is in both halves: a rule is chosen on one fold
and reported on the other.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from aeb import DATA

from rashomon.clean.metadata import outlet_from_url, parse_date

WCXB = DATA / "extraction" / "wcxb-dev"

_TOKEN = re.compile(r"\w+")
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;&|/]|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Page:
    file_id: str
    url: str
    html: str
    body: str
    title: str | None
    author: str | None
    date: str | None
    fold: int


def fold_of(url: str, folds: int = 2) -> int:
    """The fold of a page: a stable hash of its registered domain."""
    domain = outlet_from_url(url) or url
    return zlib.crc32(domain.encode()) % folds


def pages(folds: int = 2) -> Iterator[Page]:
    """Every article page with its gold, in file order."""
    for path in sorted((WCXB / "ground-truth").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        gold = data["ground_truth"]
        raw = gzip.decompress((WCXB / "html" / f"{path.stem}.html.gz").read_bytes())
        yield Page(
            file_id=path.stem,
            url=data.get("url") or "",
            html=raw.decode("utf-8", errors="replace"),
            body=gold.get("main_content") or "",
            title=gold.get("title") or None,
            author=gold.get("author") or None,
            date=gold.get("publish_date") or None,
            fold=fold_of(data.get("url") or path.stem, folds),
        )


def word_f1(gold: str, pred: str) -> float:
    g = Counter(_TOKEN.findall(gold.lower()))
    p = Counter(_TOKEN.findall(pred.lower()))
    if not g and not p:
        return 1.0
    overlap = sum((g & p).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def field_key(kind: str, value: object) -> str | None:
    """The comparison form of a title, author or date value; None when there is none."""
    if value is None or value == "":
        return None
    if kind == "date":
        day = parse_date(value if not isinstance(value, str) else value[:40])
        return day.isoformat() if day else None
    text = str(value)
    if kind == "author":
        names = [" ".join(_TOKEN.findall(n.lower())) for n in _NAME_SEPARATOR.split(text)]
        return " | ".join(n for n in names if n) or None
    return " ".join(_TOKEN.findall(text.lower())) or None


def field_match(kind: str, gold: object, pred: object) -> bool:
    return field_key(kind, gold) == field_key(kind, pred)
