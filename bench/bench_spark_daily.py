"""`rashomon spark run` adding a day at a time: the bench corpus cut into daily batches, one
incremental job per day over the same output, then `--rebuild` over all of it, then the
local pipeline; wall time of each job and its stages, and how the three agree on stories.

    .venv/bin/python bench/bench_spark.py --daily 10          # every real text, 10 days
    .venv/bin/python bench/bench_spark_daily.py --days 10 --n 600

Why: a user of a news crawl adds one day at a time; a job should cost that day, not the
archive. The corpus is bench_spark.py's (every distinct real document of the shared data,
seeded order) packed into `--days` WARC.gz files, one per day's batch. Job i is `rashomon
spark run FILE_1 ... FILE_i --output OUT --master local[2]`: the manifest skips the files
done before, so job i reads day i and adds it to the stories of the days before. Its wall
time (process start to exit, JVM included) and stage seconds (the job's record) are printed;
the goal is job 10 <= 1.5x job 1. Then `--rebuild` on the same output runs the corpus stages
over every article (no file read again), and the local pipeline (`rashomon compare`, two
cores) groups the same files. Agreement: articles in the same story (as sets of member
origins) between incremental and rebuild, incremental and local, rebuild and local.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_spark import (  # noqa: E402
    CACHE,
    SEED,
    SPARK_TASK,
    TWO_CORES,
    _command,
    _say,
    corpus,
    local_stories,
    run,
    short,
    story_agreement,
    write_warcs,
)

GOAL_GROWTH = 1.5
STAGES = ("documents", "names", "stories", "compare", "write", "state")


def stories_of(out: Path) -> set[frozenset[str]]:
    """The current stories of a job's output, as sets of member origins."""
    from deltalake import DeltaTable

    table = DeltaTable(str(out / "stories")).to_pyarrow_table(columns=["sources"])
    return {frozenset(short(o) for o in s) for s in table.column("sources").to_pylist()}


def last_job(out: Path) -> dict[str, Any]:
    jobs = sorted((out / "_work" / "jobs").glob("*.json"))
    return json.loads(jobs[-1].read_text("utf-8")) if jobs else {}


def daily(days: int, n: int, minimum: int, seed: int, extra: list[str], work: Path) -> None:
    docs, _ = corpus(n, minimum, seed)
    _, paths = write_warcs(docs, days)
    _say(f"{len(docs)} documents in {days} daily WARC files")
    out = work / "out"
    rows = []
    for day in range(1, days + 1):
        inputs = [str(p) for p in paths[:day]]
        command = _command(
            "spark", "run", *inputs, "--output", str(out), "--master", "local[2]",
            settings=[*SPARK_TASK, *extra],
        )  # fmt: skip
        done = run(f"day {day}", command, work / f"day{day}.log")
        rows.append((day, done, last_job(out)))
    incremental = stories_of(out)
    command = _command(
        "spark", "run", *[str(p) for p in paths], "--output", str(out), "--master", "local[2]",
        "--rebuild", settings=[*SPARK_TASK, *extra],
    )  # fmt: skip
    rebuild = run("rebuild", command, work / "rebuild.log")
    rebuilt_job, rebuilt = last_job(out), stories_of(out)
    local = run(
        "local, 2 cores",
        _command(
            "compare", *[str(p) for p in paths], "-f", "json", "-o", str(work / "local.json"),
            "--no-progress", settings=[*TWO_CORES, *extra],
        ),
        work / "local.log",
    )  # fmt: skip
    local_found, _ = local_stories(work / "local.json")
    print_runs(rows, rebuild, rebuilt_job, local)
    print_agreement(incremental, rebuilt, local_found)


def print_runs(rows: list, rebuild: Any, rebuilt_job: dict, local: Any) -> None:
    print(f"\n{'job':<10} {'wall s':>7} {'arts':>6} {'stories':>7} {'incr':>5} " + " ".join(
        f"{s:>9}" for s in STAGES
    ) + f" {'peak RSS MB':>11}")  # fmt: skip
    for name, done, record in [*((f"day {d}", r, j) for d, r, j in rows),
                               ("rebuild", rebuild, rebuilt_job)]:  # fmt: skip
        seconds = record.get("seconds", {})
        stages = " ".join(f"{seconds.get(s, 0.0):>9.1f}" for s in STAGES)
        print(
            f"{name:<10} {done.wall:>7.1f} {record.get('articles', 0):>6} "
            f"{record.get('stories', 0):>7} {str(record.get('incremental', '')):>5} {stages} "
            f"{done.tree.peak_rss:>11,.0f}"
        )
    print(f"{'local':<10} {local.wall:>7.1f}  (rashomon compare, two cores, every file)")
    first, last = rows[0][1].wall, rows[-1][1].wall
    growth = last / first
    verdict = "meets" if growth <= GOAL_GROWTH else "misses"
    print(
        f"\njob {rows[-1][0]} / job 1 = {last:.1f} / {first:.1f} s = {growth:.2f}x "
        f"(goal <= {GOAL_GROWTH}x: {verdict}); all {len(rows)} days "
        f"{sum(r[1].wall for r in rows):.0f} s; rebuild {rebuild.wall:.0f} s"
    )


def print_agreement(incremental: set, rebuilt: set, local: set) -> None:
    print("\nstories, as sets of member origins:")
    print(f"{'pair':<24} {'articles':>8} {'moved':>6} {'missing':>7} {'same stories':>13}")
    for name, left, right in (
        ("incremental vs rebuild", incremental, rebuilt),
        ("incremental vs local", incremental, local),
        ("rebuild vs local", rebuilt, local),
    ):
        found = story_agreement(left, right)
        print(
            f"{name:<24} {found['articles']:>8} {found['moved']:>6} {found['missing']:>7} "
            f"{found['same']:>6} of {found['left']}/{found['right']}"
        )
    print("moved: articles whose story (its set of members) differs between the two")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=10, help="daily batches (WARC files)")
    parser.add_argument("--n", type=int, default=0, help="documents (0: every real one once)")
    parser.add_argument("--min", type=int, default=2000, help="fewest documents")
    parser.add_argument("--setting", action="append", default=[], help="NAME=VALUE, every job")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        work = args.keep
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="daily-", dir=CACHE))
    started = time.perf_counter()
    try:
        daily(args.days, args.n, args.min if not args.n else 0, args.seed, args.setting, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    _say(f"bench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
