"""Benchmark: hostile inputs through clean and annotate, beside 1,000 normal pages.

    .venv/bin/python bench/bench_hostile.py [--pages 1000] [--scale 1.0]

Replays the cases a review found quadratic (plain text of 10,000 short lines, 30,000 `!` in an
article, 100,000 nested divs, 20,000 dates in one text, 100,000 attributes on one tag, a glob
over a folder with a symbolic-link loop): each file is written to a temporary folder and read
by the pipeline as a user's file is (`annotate_inputs`: ingest, clean, annotate), and its
seconds and outcome are printed. A case over 5 s is flagged, and so is a file left without an
outcome. Beside them: the seconds the clean stage takes for `--pages` normal pages (the AEB and
WCXB pages of ../shared/data/extraction, or $RASHOMON_SHARED/data/extraction, repeated as
needed). `--scale` multiplies every hostile size (0.25, 0.5 show how the time grows).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rashomon.model import Outcome, RawDoc, Result  # noqa: E402
from rashomon.pipeline import Pipeline, annotate_inputs  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

SHARED = Path(os.environ.get("RASHOMON_SHARED", Path(__file__).resolve().parents[2] / "shared"))
EXTRACTION = SHARED / "data" / "extraction"
LIMIT_S = 5.0
PROSE = "The city council voted on Monday to close the old bridge to traffic, the mayor said. "


def _lines(n: int) -> str:
    return PROSE * 5 + "\n" + "\n".join(f"Line {i} here" for i in range(n))


def _bangs(n: int) -> str:
    return PROSE * 3 + "Wow" + "!" * n + " " + PROSE


def _page(body: str) -> str:
    return f"<html><body><article><p>{PROSE * 4}</p>{body}</article></body></html>"


def _divs(n: int) -> str:
    return _page("<div>" * n + "x" + "</div>" * n)


def _dates(n: int) -> str:
    return PROSE * 3 + "\n" + " ".join(f"{1 + i % 28} March 2020" for i in range(n))


def _attributes(n: int) -> str:
    attributes = " ".join(f'a{i}="v{i}"' for i in range(n))
    return _page(f"<p {attributes}>{PROSE}</p>")


CASES: list[tuple[str, str, int, Callable[[int], str]]] = [
    ("short lines", "lines.txt", 10_000, _lines),
    ("punctuation run", "bangs.txt", 30_000, _bangs),
    ("nested divs", "divs.html", 100_000, _divs),
    ("dates in one text", "dates.txt", 20_000, _dates),
    ("attributes on one tag", "attributes.html", 100_000, _attributes),
]


def _looped(folder: Path) -> str:
    """A folder whose links lead back up; the glob over it."""
    (folder / "loop" / "a" / "b").mkdir(parents=True)
    (folder / "loop" / "a" / "report.txt").write_text(PROSE * 4)
    (folder / "loop" / "a" / "b" / "up").symlink_to(folder / "loop" / "a")
    (folder / "loop" / "a" / "top").symlink_to(folder / "loop")
    return str(folder / "loop" / "**" / "*.txt")


def _timed(inputs: list[str], settings: Settings) -> tuple[float, list[Result]]:
    start = time.perf_counter()
    results = list(annotate_inputs(inputs, settings))
    return time.perf_counter() - start, results


def _outcome(results: list[Result]) -> str:
    if not results:
        return "NO OUTCOME"
    parts = []
    for r in results:
        text = r.outcome.value if isinstance(r.outcome, Outcome) else str(r.outcome)
        if r.reason and r.reason != text:
            text += f" {r.reason}"
        limits = getattr(r.record, "limits", ())
        if limits:
            text += f" ({len(limits)} limit noted)"
        parts.append(text)
    return ", ".join(parts)


def _normal_pages(count: int) -> list[RawDoc]:
    files = sorted((EXTRACTION / "aeb" / "html").glob("*.html.gz"))
    files += sorted((EXTRACTION / "wcxb-dev" / "html").glob("*.html.gz"))
    if not files:
        return []
    docs = []
    for i in range(count):
        path = files[i % len(files)]
        body = gzip.decompress(path.read_bytes()) + f"<!-- copy {i} -->".encode()
        docs.append(RawDoc(id=f"page-{i}", body=body, media_type="text/html", origin=str(path)))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="normal pages cleaned")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies hostile sizes")
    args = parser.parse_args()
    settings = Settings()
    follow = settings.replace(ingest__follow_symlinks=True)
    bad = 0
    print(f"{'case':24s} {'size':>9s} {'seconds':>8s}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "warm.txt").write_text(PROSE * 4)
        _timed([str(folder / "warm.txt")], settings)  # spaCy loaded before any case is timed
        for name, file_name, size, make in CASES:
            n = max(1, int(size * args.scale))
            path = folder / file_name
            path.write_text(make(n), encoding="utf-8")
            seconds, results = _timed([str(path)], settings)
            bad += _report(name, f"{n:,}", seconds, results)
        seconds, results = _timed([_looped(folder)], follow)
        bad += _report("symbolic-link loop glob", "1 file", seconds, results)
    docs = _normal_pages(args.pages)
    if docs:
        start = time.perf_counter()
        results = list(Pipeline(settings, ["clean"]).run(iter(docs)))
        seconds = time.perf_counter() - start
        ok = sum(r.outcome is Outcome.OK for r in results)
        print(f"{'normal pages (clean)':24s} {len(docs):>9,} {seconds:8.2f}  {ok} ok", end="")
        print(f" of {len(results)} ({len(docs) / seconds:.1f} pages/s)")
        if len(results) != len(docs):
            print("  FLAG: a page has no outcome")
            bad += 1
    else:
        print(f"normal pages: none found under {EXTRACTION}")
    print("all cases under 5 s with an outcome" if not bad else f"{bad} case(s) flagged")
    return 1 if bad else 0


def _report(name: str, size: str, seconds: float, results: list[Result]) -> int:
    outcome = _outcome(results)
    flags = []
    if seconds > LIMIT_S:
        flags.append(f"over {LIMIT_S:.0f} s")
    if outcome == "NO OUTCOME":
        flags.append("no outcome")
    flag = f"  FLAG: {', '.join(flags)}" if flags else ""
    print(f"{name:24s} {size:>9s} {seconds:8.2f}  {outcome}{flag}")
    return 1 if flags else 0


if __name__ == "__main__":
    sys.exit(main())
