"""Benchmark: rashomon's HTML cleaner beside trafilatura on the WCXB dev articles (793 pages of
2026, 700+ sites), in the same process on the same pages, fold by fold.

    .venv/bin/python bench/bench_clean_wcxb.py [--folds 2] [--rounds 1] [--misses FILE]

Prints, for each fold (pages split by registered domain, bench/wcxb.py) and for all pages:
body word F1, title, author and date exact (normalised) matches, and pages per second, for
rashomon's `clean_html` and for trafilatura 2.3's `bare_extraction` with its metadata (the
same call trafilatura users make to get text, title, author and date). Each field is counted
over the pages whose gold has it (n shown). `--misses FILE` writes, per page, the gold and
both predictions of every field rashomon gets wrong (for reading, not for the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402
import wcxb  # noqa: E402

from rashomon.clean.html import clean_html  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

FIELDS = ("title", "author", "date")
Prediction = dict[str, Any]  # body, title, author, date


def trafilatura_page(page: wcxb.Page) -> Prediction:
    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if document is None:
        return {"body": ""}
    return {
        "body": document.text or "",
        "title": document.title,
        "author": document.author,
        "date": document.date,
    }


def rashomon(settings: Settings) -> Callable[[wcxb.Page], Prediction]:
    def extract(page: wcxb.Page) -> Prediction:
        cleaned = clean_html(page.html, url=page.url, settings=settings)
        return {
            "body": "\n\n".join(cleaned.paragraphs),
            "title": cleaned.title,
            "author": cleaned.byline,
            "date": cleaned.published,
        }

    return extract


def run(
    pages: list[wcxb.Page], extract: Callable[[wcxb.Page], Prediction]
) -> tuple[dict[str, Prediction], dict[str, float]]:
    """Predictions by file id and seconds spent by file id."""
    out: dict[str, Prediction] = {}
    seconds: dict[str, float] = {}
    for page in pages:
        start = time.perf_counter()
        out[page.file_id] = extract(page)
        seconds[page.file_id] = time.perf_counter() - start
    return out, seconds


def scores(
    pages: list[wcxb.Page], preds: dict[str, Prediction], seconds: dict[str, float]
) -> dict[str, tuple[float, int]]:
    """Per measure: (value, pages counted)."""
    result: dict[str, tuple[float, int]] = {}
    f1 = [wcxb.word_f1(p.body, preds[p.file_id].get("body") or "") for p in pages]
    result["body F1"] = (sum(f1) / len(f1) if f1 else 0.0, len(f1))
    for name in FIELDS:
        judged = [p for p in pages if wcxb.field_key(name, getattr(p, name))]
        right = sum(
            wcxb.field_match(name, getattr(p, name), preds[p.file_id].get(name)) for p in judged
        )
        result[name] = (right / len(judged) if judged else 0.0, len(judged))
    spent = sum(seconds[p.file_id] for p in pages)
    result["pages/s"] = (len(pages) / spent if spent else 0.0, len(pages))
    return result


def print_table(label: str, rows: dict[str, dict[str, tuple[float, int]]]) -> None:
    measures = ["body F1", *FIELDS, "pages/s"]
    first = next(iter(rows.values()))
    print(f"\n{label}")
    header = f"{'':22s}" + "".join(f"{m + ' (' + str(first[m][1]) + ')':>18s}" for m in measures)
    print(header)
    print("-" * len(header))
    for tool, values in rows.items():
        cells = "".join(
            f"{values[m][0]:18.1f}" if m == "pages/s" else f"{values[m][0]:18.3f}" for m in measures
        )
        print(f"{tool:22s}{cells}")


def write_misses(path: Path, pages: list[wcxb.Page], ours: dict, theirs: dict) -> None:
    lines = []
    for page in pages:
        for name in FIELDS:
            gold = getattr(page, name)
            if wcxb.field_key(name, gold) is None:
                continue
            mine = ours[page.file_id].get(name)
            if not wcxb.field_match(name, gold, mine):
                other = theirs[page.file_id].get(name)
                record = {
                    "id": page.file_id,
                    "fold": page.fold,
                    "field": name,
                    "gold": gold,
                    "rashomon": str(mine) if mine is not None else None,
                    "trafilatura": str(other) if other is not None else None,
                    "trafilatura_right": wcxb.field_match(name, gold, other),
                }
                lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=2, help="folds by registered domain")
    parser.add_argument("--rounds", type=int, default=1, help="timed passes per tool (best kept)")
    parser.add_argument("--limit", type=int, default=0, help="first N pages only (0: all)")
    parser.add_argument("--misses", type=Path, help="write rashomon's field misses (JSON lines)")
    args = parser.parse_args()

    if not wcxb.WCXB.is_dir():
        sys.exit(f"WCXB dev data not found at {wcxb.WCXB} (set RASHOMON_SHARED)")
    pages = list(wcxb.pages(args.folds))
    if args.limit:
        pages = pages[: args.limit]
    settings = Settings()
    tools: dict[str, Callable[[wcxb.Page], Prediction]] = {
        "trafilatura": trafilatura_page,
        "rashomon clean_html": rashomon(settings),
    }
    for page in pages[:5]:  # warm up imports and lazy tables outside the timed passes
        for extract in tools.values():
            extract(page)
    preds: dict[str, dict[str, Prediction]] = {}
    seconds: dict[str, dict[str, float]] = {}
    for _ in range(max(args.rounds, 1)):
        for name, extract in tools.items():
            pred, spent = run(pages, extract)
            preds[name] = pred
            if name in seconds:
                spent = {k: min(v, seconds[name][k]) for k, v in spent.items()}
            seconds[name] = spent

    print(f"WCXB dev articles: {len(pages)} pages, {args.folds} folds by registered domain")
    groups = [(f"fold {k}", [p for p in pages if p.fold == k]) for k in range(args.folds)]
    groups.append(("all pages", pages))
    for label, group in groups:
        sites = len({wcxb.fold_of(p.url, 1 << 30) for p in group})
        rows = {name: scores(group, preds[name], seconds[name]) for name in tools}
        print_table(f"{label}: {len(group)} pages, {sites} domains", rows)
    if args.misses:
        write_misses(args.misses, pages, preds["rashomon clean_html"], preds["trafilatura"])
        print(f"\nmisses written to {args.misses}")


if __name__ == "__main__":
    main()
