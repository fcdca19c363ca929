"""The Article Extraction Benchmark (../shared/data/extraction/aeb): loading and its metric.

Metric as described in the data's ABOUT.md (re-implemented): tokens are `\\w+` runs; per page
the multisets of 4-token shingles of gold and prediction give tp / fp / fn; precision and recall
are averaged over pages, F1 is taken from the two means; accuracy is exact token equality.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

DATA = (
    Path(os.environ.get("RASHOMON_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data"
)
AEB = DATA / "extraction" / "aeb"

_TOKEN = re.compile(r"\w+")


def pages() -> Iterator[tuple[str, str, str]]:
    """(item_id, url, html) for every page, in a stable order."""
    gold = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    for item_id in sorted(gold):
        raw = gzip.decompress((AEB / "html" / f"{item_id}.html.gz").read_bytes())
        yield item_id, gold[item_id]["url"], raw.decode("utf-8", errors="replace")


def gold_bodies() -> dict[str, str]:
    gold = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    return {k: v["articleBody"] for k, v in gold.items()}


def tool_output(name: str) -> dict[str, str]:
    """A published tool's predictions from the data's output/ folder."""
    data = json.loads((AEB / "output" / f"{name}.json").read_text("utf-8"))
    if "output" in data and isinstance(data["output"], dict):
        data = data["output"]
    return {k: (v.get("articleBody") or "") for k, v in data.items()}


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) for one page."""
    g, p = _shingles(gold), _shingles(pred)
    tp = sum((g & p).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, float]:
    """precision, recall, f1, accuracy over the gold pages (a missing prediction is empty)."""
    precisions, recalls, exact = [], [], 0
    for key, gold_text in gold.items():
        pred_text = pred.get(key, "") or ""
        tp, fp, fn = page_counts(gold_text, pred_text)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            if tp + fp > 0:
                precisions.append(tp / (tp + fp))
            if tp + fn > 0:
                recalls.append(tp / (tp + fn))
        exact += _TOKEN.findall(gold_text) == _TOKEN.findall(pred_text)
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "accuracy": exact / max(len(gold), 1)}
