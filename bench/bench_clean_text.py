"""Benchmark: the plain-text cleaner on the Article Extraction Benchmark (AEB).

Each page is turned into text as a scraper would see it (every visible text line, from
`html_text.extract_text(html, guess_layout=True)`), then cleaned by `clean_text`. Scored with
the AEB metric (bench/aeb.py) against the gold bodies, beside the uncleaned page text (the
anchor) in the same process.

    .venv/bin/python bench/bench_clean_text.py [--limit N] [--worst K]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aeb  # noqa: E402


def _words(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", (text or "").casefold()))


def title_agreement(
    pages: list[tuple[str, str, str]], titles: dict[str, str | None]
) -> tuple[int, int]:
    """How many found titles equal, contain or sit inside the page's metadata title."""
    from rashomon.clean.html import clean_html

    matched = known = 0
    for item_id, url, html in pages:
        reference = _words(clean_html(html, url=url).title)
        if not reference:
            continue
        known += 1
        found = _words(titles.get(item_id))
        if found and (
            found == reference or len(found) > 15 and (found in reference or reference in found)
        ):
            matched += 1
    return matched, known


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="list the K worst pages by F1")
    args = parser.parse_args()

    if not aeb.AEB.is_dir():
        print(f"AEB data not found at {aeb.AEB} (set RASHOMON_SHARED); nothing to measure.")
        return 0
    try:
        import html_text
    except ImportError:
        print("bench needs html-text: pip install 'rashomon[dev]'")
        return 1
    from rashomon.clean.text import clean_text
    from rashomon.settings import Settings

    settings = Settings()
    gold = aeb.gold_bodies()
    pages = list(aeb.pages())
    if args.limit:
        pages = pages[: args.limit]
        gold = {k: gold[k] for k, _, _ in pages}

    texts: dict[str, str] = {}
    urls: dict[str, str] = {}
    start = time.perf_counter()
    for item_id, url, html in pages:
        texts[item_id] = html_text.extract_text(html, guess_layout=True)
        urls[item_id] = url
    to_text_s = time.perf_counter() - start

    cleaned: dict[str, str] = {}
    titles: dict[str, str | None] = {}
    start = time.perf_counter()
    for item_id, text in texts.items():
        result = clean_text(text, url=urls[item_id], settings=settings)
        cleaned[item_id] = "\n\n".join(result.paragraphs)
        titles[item_id] = result.title
    clean_s = time.perf_counter() - start

    rows = [
        ("page text (html-text, uncleaned)", aeb.score(gold, texts), len(pages) / to_text_s),
        ("rashomon.text.v1 (clean_text)", aeb.score(gold, cleaned), len(pages) / clean_s),
    ]
    print(f"AEB: {len(pages)} pages; text from html_text.extract_text(guess_layout=True)")
    print(f"{'system':<36} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, s, rate in rows:
        print(f"{name:<36} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {rate:>8.1f}")

    matched, known = title_agreement(pages, titles)
    print(
        f"\ntitles: {matched}/{known} pages' titles found in the scraped text agree with the "
        "page's own metadata title (trafilatura's; a proxy: sites shorten or prefix it)"
    )

    if args.worst:
        per_page = []
        for item_id in gold:
            tp, fp, fn = aeb.page_counts(gold[item_id], cleaned.get(item_id, ""))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            per_page.append((f, p, r, item_id, urls[item_id]))
        per_page.sort()
        print(f"\nworst {args.worst} pages (F1, P, R, id, url):")
        for f, p, r, item_id, url in per_page[: args.worst]:
            print(f"  {f:.3f} {p:.3f} {r:.3f} {item_id} {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
