"""Render the compare HTML report in a real browser and take a full-page screenshot.

Annotates, groups and compares the given reports (default: the seed reports in
../shared/data/seeds, or $RASHOMON_SHARED/data/seeds) with the real pipeline, writes the
HTML report, opens it in Debian's Chromium (headless, through Playwright, never a downloaded
browser) at 1280 px wide and saves a full-page PNG. Prints the sizes of both files, how long
each stage and the render took, and every request the page made besides itself (there should
be none). For looking at the report, and for catching a layout that breaks on real data.

    python bench/screenshot_compare.py [PATH ...] [--html PATH] [--png PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from rashomon.annotate.corpus import resolve_corpus
from rashomon.model import Doc
from rashomon.pipeline import story_inputs
from rashomon.plan import compare
from rashomon.report.browser import CHROMIUM, CHROMIUM_ARGS
from rashomon.report.compare_html import write_html
from rashomon.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "data" / "seeds"
WIDTH = 1280


def main() -> None:
    args = _arguments()
    paths = args.paths or sorted(str(p) for p in SEEDS.glob("0*.txt"))
    if not paths:
        sys.exit(f"no reports given and no seeds at {SEEDS} (set RASHOMON_SHARED)")
    if not CHROMIUM.exists():
        sys.exit(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    html = Path(args.html) if args.html else Path(tempfile.mkdtemp()) / "rashomon-compare.html"
    png = Path(args.png)

    settings = Settings()
    started = time.perf_counter()
    stories, results = story_inputs(paths, settings)
    docs = {d.article.origin: d for d in resolve_corpus(_docs(results))}
    grouped = time.perf_counter()
    comparisons = [compare(story, docs, settings) for story in stories]
    compared = time.perf_counter()
    with html.open("w", encoding="utf-8") as out:
        write_html(comparisons, docs, out)
    written = time.perf_counter()
    requests, height, render = _screenshot(html, png)

    groups = sum(len(c.groups) for c in comparisons)
    print(f"{len(paths)} reports, {len(stories)} stories, {groups} claim groups")
    print(
        f"annotate + group {grouped - started:.1f} s, compare {compared - grouped:.2f} s, "
        f"write HTML {1000 * (written - compared):.0f} ms, render + screenshot {render:.2f} s"
    )
    print(f"HTML {html}: {_size(html)}")
    print(f"PNG  {png}: {_size(png)}, {WIDTH} x {height} px")
    others = [r for r in requests if r != html.resolve().as_uri()]
    print(f"requests besides the page itself: {len(others)}")
    for url in others:
        print(f"  {url}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="report files (default: the seed reports)")
    parser.add_argument("--html", help="where to write the HTML (default: a temporary file)")
    parser.add_argument("--png", default="/tmp/rashomon-compare.png", help="the screenshot")
    return parser.parse_args()


def _docs(results) -> list[Doc]:
    return [r.record for r in results if isinstance(r.record, Doc)]


def _screenshot(html: Path, png: Path) -> tuple[list[str], int, float]:
    """Open `html` in headless Chromium and save a full-page screenshot. Returns every URL the
    page requested, the page height and the seconds from launch to saved PNG."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    started = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(path=str(png), full_page=True)
        browser.close()
    return requests, height, time.perf_counter() - started


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


if __name__ == "__main__":
    main()
