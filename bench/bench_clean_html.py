"""Benchmark: rashomon's HTML cleaner beside trafilatura alone on the Article Extraction
Benchmark (181 pages), in the same process on the same pages.

    .venv/bin/python bench/bench_clean_html.py [--rounds 2] [--stream 1000] [--no-memory]

Prints precision, recall, F1 and accuracy (the AEB metric, bench/aeb.py), pages per second
(best of `--rounds` timed passes each, the two tools alternating), the published figures of
AutoExtract, rs_trafilatura and trafilatura from the data's output/ folder for reference, then
peak memory and a memory-flatness check: a batch of `--stream` pages (the 181 repeated, each
copy made distinct) streamed through the pipeline's whole clean stage, RSS reported after 100
pages and at the end.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aeb  # noqa: E402
import trafilatura  # noqa: E402
from memory import peak_mb, rss_mb  # noqa: E402

from rashomon.clean import clean  # noqa: E402
from rashomon.clean.html import clean_html  # noqa: E402
from rashomon.errors import InputError  # noqa: E402
from rashomon.model import Outcome, RawDoc  # noqa: E402
from rashomon.pipeline import Pipeline  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

Page = tuple[str, str, str]


def run(pages: list[Page], extract: Callable[[str, str], str]) -> tuple[dict[str, str], float]:
    start = time.perf_counter()
    out = {item_id: extract(html, url) or "" for item_id, url, html in pages}
    return out, time.perf_counter() - start


def trafilatura_alone(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


def ours(settings: Settings) -> Callable[[str, str], str]:
    def extract(html: str, url: str) -> str:
        return "\n\n".join(clean_html(html, url=url, settings=settings).paragraphs)

    return extract


def stream_of_pages(pages: list[Page], count: int) -> Iterator[RawDoc]:
    """`count` distinct raw documents cycling over the pages (a marker comment makes each
    copy's bytes differ, so the pipeline's duplicate folding does not skip them)."""
    for i in range(count):
        item_id, url, html = pages[i % len(pages)]
        body = f"{html}<!-- copy {i} -->".encode()
        yield RawDoc.from_bytes(body, "text/html", f"{item_id}#{i}", url=url)


def whole_stage(settings: Settings) -> Callable[[str, str], str]:
    """The pipeline's clean stage as the CLI runs it: decode, extract, language."""

    def extract(html: str, url: str) -> str:
        raw = RawDoc.from_bytes(html.encode(), "text/html", url, url=url)
        try:
            return clean(raw, settings).text
        except InputError:
            return ""

    return extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="timed passes per tool (best kept)")
    parser.add_argument("--stream", type=int, default=1000, help="pages in the memory check")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory check")
    args = parser.parse_args()

    if not aeb.AEB.is_dir():
        sys.exit(f"AEB data not found at {aeb.AEB} (set RASHOMON_SHARED)")
    pages = list(aeb.pages())
    gold = aeb.gold_bodies()
    settings = Settings()
    no_audit = settings.replace(clean__html__audit=False)
    plain = settings.replace(
        clean__html__refine=False, clean__html__cross_check=False, clean__html__audit=False
    )

    # warm up imports, lazy tables and caches of both tools outside the timed passes
    for _, url, html in pages[:5]:
        trafilatura_alone(html, url)
        clean_html(html, url=url, settings=settings)

    tools: dict[str, Callable[[str, str], str]] = {
        "trafilatura alone": trafilatura_alone,
        "rashomon clean_html": ours(settings),
        "  without audit": ours(no_audit),
        "  fast trafilatura, no rules": ours(plain),
        "rashomon clean stage (+decode, lang)": whole_stage(settings),
    }
    best: dict[str, float] = {}
    preds: dict[str, dict[str, str]] = {}
    for _ in range(max(args.rounds, 1)):
        for name, extract in tools.items():
            pred, seconds = run(pages, extract)
            preds[name] = pred
            best[name] = min(best.get(name, float("inf")), seconds)

    base_speed = len(pages) / best["trafilatura alone"]
    print(f"\nAEB, {len(pages)} pages (F1 = 2PR/(P+R) of page means; accuracy = exact tokens)\n")
    header = (
        f"{'extractor':34s} {'P':>6s} {'R':>6s} {'F1':>6s} {'acc':>6s} "
        f"{'pages/s':>8s} {'speed':>6s}"
    )
    print(header)
    print("-" * len(header))
    for name in tools:
        s = aeb.score(gold, preds[name])
        speed = len(pages) / best[name]
        print(
            f"{name:34s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.4f} "
            f"{s['accuracy']:6.3f} {speed:8.1f} {speed / base_speed:5.2f}x"
        )
    print("published outputs (data's output/ folder):")
    for name in ("AutoExtract", "rs_trafilatura", "trafilatura"):
        try:
            s = aeb.score(gold, aeb.tool_output(name))
        except FileNotFoundError:
            continue
        print(
            f"  {name:32s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.4f} "
            f"{s['accuracy']:6.3f} {'':>8s} {'':>6s}"
        )

    extractors: dict[str, int] = {}
    for _, url, html in pages:
        name = clean_html(html, url=url, settings=settings).extractor or "(none)"
        extractors[name] = extractors.get(name, 0) + 1
    print("\nbody extractor used:", ", ".join(f"{k} {v}" for k, v in sorted(extractors.items())))

    if args.no_memory:
        return
    gc.collect()
    start_rss = rss_mb()
    marks: dict[int, float] = {}
    start = time.perf_counter()
    pipeline = Pipeline(settings, ["clean"])
    for i, result in enumerate(pipeline.run(stream_of_pages(pages, args.stream)), 1):
        if result.outcome is not Outcome.OK:
            print(f"  {result.origin}: {result.outcome} {result.reason} {result.detail}")
        if i == 100:
            marks[100] = rss_mb()
    at_100 = marks.get(100, start_rss)
    seconds = time.perf_counter() - start
    end_rss = rss_mb()
    print(
        f"\nmemory: RSS before {start_rss:.0f} MB, after 100 pages {at_100:.0f} MB, "
        f"after {args.stream} pages {end_rss:.0f} MB (growth {end_rss - at_100:+.0f} MB); "
        f"peak RSS {peak_mb():.0f} MB; {args.stream / seconds:.1f} pages/s streaming through "
        f"the pipeline's clean stage (decode, extract, language per paragraph)"
    )
    print(
        "goal: peak under 500 MB, flat from 100 to 1,000 pages:",
        "met" if peak_mb() < 500 and end_rss - at_100 < 50 else "NOT met",
    )


if __name__ == "__main__":
    main()
