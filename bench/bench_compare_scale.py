"""Scale of `compare_story`: time and peak memory per story of 10, 50 and 200 articles, against
the time to annotate the same articles.

    .venv/bin/python bench/bench_compare_scale.py                      # 10, 50, 200 English texts
    .venv/bin/python bench/bench_compare_scale.py --languages all      # any language mix
    .venv/bin/python bench/bench_compare_scale.py --sizes 200 --profile   # cProfile compare_story

Texts: the SemEval-2022 dev pair texts (bench/semeval.py, 1,487 distinct, ~1,000 characters
each, no title, URL or date), in a seeded shuffle. By default only the English ones (455): the
annotator builds claims for `annotate.languages` (English) only, so an English story is the
one where every article brings claims to compare; `--languages all` takes any text (a story
then has claims from its English members only). Each size takes its own slice of the shuffle
(10 + 50 + 200 = 260 distinct texts), so no size reuses another's annotation, and the texts
of one size, whatever events they report, are forced into one Story (`story_of`), as a story
of that many reports would be.

Per size, in one process: (a) annotate the articles (`semeval.docs_of`, i.e. `annotate_stream`
with the default settings; spaCy is loaded and warmed up on one text first, so the time is the
articles' own), (b) `features_for` + `story_of` (printed, not part of either side), (c)
`compare_story`; (a) and (c) `--rounds` times each, the best kept (the machine may be
shared; annotate keeps no state between runs, so every round is as cold as the first).
Before the first size, one two-article story is compared untimed, so the encoder, word
lists, outlet registry and gazetteer load outside the timings (the warm-up time is printed).
Times are wall seconds (perf_counter) and process CPU seconds; the load average is printed
at the start and the end, as the encoder's BLAS threads slow down badly on a busy machine.

Anchor: the annotate time of the same articles in the same process; goal: compare at most
GOAL_RATIO (2x) of it.

Memory of the compare step: the kernel's peak RSS (VmHWM in /proc/self/status) is reset
just before it by writing "5" to /proc/self/clear_refs, and read just after: "peak" is that
peak, "rise" the peak minus the RSS before the step. bench/memory.py's `peak_mb` reads
ru_maxrss, a lifetime peak that the earlier annotation would mask, so it is not used. Where
clear_refs cannot be written the peak is VmHWM as it is (the lifetime peak), marked "*".
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402

from rashomon.compare import compare_story  # noqa: E402
from rashomon.model import Comparison, Doc, Story  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.stories import features_for, story_of  # noqa: E402

SIZES = (10, 50, 200)
GOAL_RATIO = 2.0
SEED = 20240131
WARM_UP_TEXT = ("en", "The council approved the budget on Monday, the mayor said.")


@dataclass(frozen=True)
class Row:
    size: int
    english: int
    claims: int
    units: int
    annotate: float
    annotate_cpu: float
    story: float
    compare: float
    compare_cpu: float
    verdicts: Counter
    peak_mb: float
    rise_mb: float
    reset: bool


def main() -> None:
    args = parse_args()
    settings = Settings()
    _, texts = semeval.load()
    keys = shuffled(texts, args.languages)
    needed = sum(args.sizes) + 2  # the warm-up takes the last two
    if needed > len(keys):
        sys.exit(f"sizes need {needed} texts, {len(keys)} available ({args.languages})")
    print(
        f"{len(keys)} texts ({args.languages}); sizes {', '.join(map(str, args.sizes))}; "
        f"load average (1 min) {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    print(warm_up(texts, keys, settings))
    rows, start = [], 0
    for size in args.sizes:
        chosen = {k: texts[k] for k in keys[start : start + size]}
        start += size
        profile = args.profile and size == max(args.sizes)
        rows.append(run_size(chosen, settings, max(1, args.rounds), profile))
    print_table(rows)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        default=list(SIZES),
        help="articles per story, comma-separated (default 10,50,200)",
    )
    parser.add_argument("--languages", choices=("en", "all"), default="en")
    parser.add_argument("--rounds", type=int, default=1, help="best of N runs of each step")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest compare")
    return parser.parse_args()


def shuffled(texts: dict[str, tuple[str, str]], languages: str) -> list[str]:
    keys = sorted(k for k, (lang, _) in texts.items() if languages == "all" or lang == "en")
    random.Random(SEED).shuffle(keys)
    return keys


def warm_up(texts: dict[str, tuple[str, str]], keys: Sequence[str], settings: Settings) -> str:
    """Load spaCy and everything compare_story loads once, outside the timings."""
    started = time.perf_counter()
    semeval.docs_of({"warm-up": WARM_UP_TEXT}, settings)
    loaded = time.perf_counter()
    docs = by_origin(semeval.docs_of({k: texts[k] for k in keys[-2:]}, settings))
    compare_story(story_for(list(docs.values()), settings), docs, settings)
    done = time.perf_counter()
    return (
        f"warm-up: spaCy {loaded - started:.1f} s; a two-article compare (encoder, word lists, "
        f"registry, gazetteer) {done - loaded:.1f} s\n"
    )


def by_origin(docs: Sequence[Doc]) -> dict[str, Doc]:
    return {d.article.origin: d for d in docs}


def story_for(docs: Sequence[Doc], settings: Settings) -> Story:
    return story_of(docs, [], features_for(docs, settings))


# -- one size -----------------------------------------------------------------------------


def run_size(
    texts: dict[str, tuple[str, str]], settings: Settings, rounds: int, profile: bool
) -> Row:
    annotate = [timed_annotate(texts, settings) for _ in range(rounds)]
    docs = annotate[0][0]
    started = time.perf_counter()
    story = story_for(docs, settings)
    built = time.perf_counter()
    compare = [timed_compare(story, by_origin(docs), settings) for _ in range(rounds)]
    comparison, memory = compare[0][0], compare[0][2]
    if profile:
        print_profile(story, by_origin(docs), settings)
    return Row(
        size=len(docs),
        english=sum(1 for d in docs if d.article.language == "en"),
        claims=sum(len(d.claims) for d in docs),
        units=sum(len(g.claims) for g in comparison.groups),
        annotate=min(a[1][0] for a in annotate),
        annotate_cpu=min(a[1][1] for a in annotate),
        story=built - started,
        compare=min(c[1][0] for c in compare),
        compare_cpu=min(c[1][1] for c in compare),
        verdicts=Counter(g.verdict for g in comparison.groups),
        peak_mb=memory[0],
        rise_mb=memory[1],
        reset=memory[2],
    )


def timed_annotate(
    texts: dict[str, tuple[str, str]], settings: Settings
) -> tuple[list[Doc], tuple[float, float]]:
    """The annotated docs with the (wall, CPU) seconds it took."""
    wall, cpu = time.perf_counter(), time.process_time()
    docs = semeval.docs_of(texts, settings)
    return docs, (time.perf_counter() - wall, time.process_time() - cpu)


def timed_compare(
    story: Story, docs: dict[str, Doc], settings: Settings
) -> tuple[Comparison, tuple[float, float], tuple[float, float, bool]]:
    """compare_story with its (wall, CPU) seconds and (peak MB, rise MB, whether the peak was
    reset)."""
    before = status_mb("VmRSS")
    reset = reset_peak()
    wall, cpu = time.perf_counter(), time.process_time()
    comparison = compare_story(story, docs, settings)
    seconds = (time.perf_counter() - wall, time.process_time() - cpu)
    peak = status_mb("VmHWM")
    return comparison, seconds, (peak, peak - before, reset)


def reset_peak() -> bool:
    """Reset the kernel's peak RSS of this process (Linux >= 4.0); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def print_profile(story: Story, docs: dict[str, Doc], settings: Settings) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    compare_story(story, docs, settings)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"profile of compare_story, {len(story.articles)} articles (cumulative):")
    print(out.getvalue())


# -- table --------------------------------------------------------------------------------


def print_table(rows: Sequence[Row]) -> None:
    head = (
        f"{'articles':>8} {'en':>4} {'claims':>6} {'units':>6} | {'annotate s':>10} {'cpu':>6} | "
        f"{'compare s':>9} {'cpu':>6} {'ratio':>6} | {'story s':>7} | {'agree':>5} "
        f"{'only_in':>7} {'contra':>6} | {'peak MB':>8} {'rise MB':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        mark = "" if r.reset else "*"
        v = r.verdicts
        print(
            f"{r.size:8} {r.english:4} {r.claims:6} {r.units:6} | "
            f"{r.annotate:10.2f} {r.annotate_cpu:6.2f} | "
            f"{r.compare:9.2f} {r.compare_cpu:6.2f} {r.compare / max(r.annotate, 1e-9):5.2f}x | "
            f"{r.story:7.2f} | {v['agree']:5} {v['only_in']:7} {v['contradict']:6} | "
            f"{r.peak_mb:7.0f}{mark:1} {r.rise_mb:7.0f}"
        )
    notes = [
        "",
        "en: English articles; claims: the annotator's; units: what compare_story aligns (claims,",
        "and the sentences of articles the claim finder does not read).",
        f"ratio: compare / annotate wall seconds of the same articles (anchor), goal <= "
        f"{GOAL_RATIO:g}x.",
        "cpu: this process's CPU seconds (above wall: BLAS threads); annotate's spaCy worker",
        "processes (forked from annotate.multiprocess_min articles) are not counted.",
        "story s: features_for + story_of, outside both. Times: best of --rounds.",
        "peak MB: peak RSS during compare_story (VmHWM reset before it); rise MB: that peak minus",
        "the RSS before it" + ("." if all(r.reset for r in rows) else "; *: lifetime peak."),
    ]
    print("\n".join(notes))


if __name__ == "__main__":
    main()
