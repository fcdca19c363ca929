"""SemEval-2022 Task 8 pairs (../shared/data/pairs/semeval2022/dev_pairs.csv): loading, the
texts as annotated reports, and the pair metrics.

Each pair names two articles (`pair_id` = `<id1>_<id2>`); an article can be in several pairs,
so the corpus is the set of distinct ids. Texts carry no title, URL or date: each becomes an
Article whose text is the given text, in the pair's stated language, annotated by rashomon
(English by spaCy, other languages get names from capitalised words and vectors only).
`Overall` is 1 (very similar) .. 4 (unrelated); "same story" is Overall <= 2.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rashomon.annotate import annotate_stream  # noqa: E402
from rashomon.model import Article, Doc  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

__all__ = ["Pair", "best_f1", "default_path", "docs_of", "f1", "load", "pearson"]

SAME = 2.0


@dataclass(frozen=True, slots=True)
class Pair:
    id1: str
    id2: str
    lang1: str
    lang2: str
    overall: float

    @property
    def languages(self) -> str:
        return f"{self.lang1}-{self.lang2}"

    @property
    def same(self) -> bool:
        return self.overall <= SAME


def default_path() -> Path:
    shared = os.environ.get("RASHOMON_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return base / "data" / "pairs" / "semeval2022" / "dev_pairs.csv"


def load(path: Path | None = None) -> tuple[list[Pair], dict[str, tuple[str, str]]]:
    """The pairs, and each article id's (language, text)."""
    pairs, texts = [], {}
    with (path or default_path()).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = row["pair_id"].split("_")
            texts.setdefault(a, (row["lang1"], row["text1"].strip()))
            texts.setdefault(b, (row["lang2"], row["text2"].strip()))
            pairs.append(Pair(a, b, row["lang1"], row["lang2"], float(row["Overall"])))
    return pairs, texts


def docs_of(texts: dict[str, tuple[str, str]], settings: Settings | None = None) -> list[Doc]:
    """Each text annotated as a report (origin = the article id), in id order."""
    settings = settings or Settings()
    articles = [
        Article(id=key, origin=key, text=text, language=lang, extractor="as-is")
        for key, (lang, text) in sorted(texts.items())
    ]
    docs = []
    for article, doc in zip(articles, annotate_stream(articles, settings), strict=True):
        docs.append(doc if isinstance(doc, Doc) else Doc(article=article))
    return docs


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def f1(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """(precision, recall, F1) of the positive class."""
    tp = float(np.sum(predicted & gold))
    p = tp / max(1, int(np.sum(predicted)))
    r = tp / max(1, int(np.sum(gold)))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_f1(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(best F1, its threshold) of `scores >= threshold` over every observed threshold: an
    oracle threshold, favourable to whatever it is applied to."""
    best = (0.0, 0.0)
    for t in np.unique(scores):
        best = max(best, (f1(scores >= t, gold)[2], float(t)))
    return best
