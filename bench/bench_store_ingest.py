"""Store ingest: N articles into a store, killed midway, restarted; exact count, nothing lost
or doubled (the issue "Store": "Ingest 10,000 articles, kill it midway, restart").

    .venv/bin/python bench/bench_store_ingest.py                   # 10,000 documents
    .venv/bin/python bench/bench_store_ingest.py --n 2000          # quicker
    .venv/bin/python bench/bench_store_ingest.py --n 2000 --anchor 500 --keep /tmp/store-bench

Documents: every real text of the shared data ($RASHOMON_SHARED/data, read through the
helpers beside this file; nothing is copied into the package): the AEB pages as the HTML
files they are (bench/aeb.py), the PolNeAR train and dev articles (bench/polnear.py), the
SemEval-2022 pair texts (bench/semeval.py) and the two seeds, each distinct text once. A
preflight cleans each of them once in this process and leaves out those the cleaner refuses
(too short, no article) or that are over `annotate.max_chars`, so every document of the run
is one that should be stored; how many were left out, and why, is printed. To reach N
documents, base i mod T is repeated: repeat k >= 1 gets one line at the top ("Update k:" for
a text, an HTML comment for a page), so its bytes (its content id) are new but its clean
text is the base's: a re-post, which the store keeps as an article of its own and folds into
the base's story as a copy. The N documents are written to a temporary folder in a seeded
shuffle (a re-post may come before or after its text, whichever arrives first is the
original), named so that the folder's name order is that order.

Run: `rashomon ingest FOLDER --db news.db --no-progress` as a subprocess (settings as they
are; `--setting` passes overrides to every run), polled through a read-only connection every
POLL seconds; once at least `--kill-at` (half) of the documents are committed it is killed
with SIGKILL, then the same command runs again to completion. Checked at the end: as many
articles as documents, each content id once, the stored ids equal to the documents' ids,
every input recorded, no article waiting for a story, no story waiting for a comparison, the
placing order without gaps, `PRAGMA integrity_check` ok. Printed: the figures as a Markdown
table (time to kill, the restart's time, articles/s over both runs, stories, copies folded,
database size with its WAL). Times are wall seconds and CPU seconds (user + system of the
command and the workers it waited for, from getrusage); the load average is printed, as the
machine may be shared and the wall time then says more about the neighbours than the store.

Anchor, run from this process on the first `--anchor` documents of the same order (1,000 by
default; the full set would double the run's time): `rashomon annotate -f jsonl -o
/dev/null` (clean + annotate, no store) and `rashomon ingest` into a fresh store, each a
fresh subprocess (model loading included on both sides), their rates side by side. The
difference is what the store adds: story features and lead vectors, the writes, placing,
and comparing every story a batch changed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aeb  # noqa: E402
import polnear  # noqa: E402
import semeval  # noqa: E402

from rashomon.model import content_id  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

SEED = 20240131
POLL = 0.2  # seconds between two looks at the database
RASHOMON = Path(sys.executable).with_name("rashomon")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Base:
    """One real document: where it comes from, its file suffix and its bytes."""

    key: str
    suffix: str
    body: bytes

    def repeat(self, k: int) -> bytes:
        """Repeat k: one line more at the top (k = 0: the document itself)."""
        if k == 0:
            return self.body
        if self.suffix == ".html":
            return f"<!-- re-posted: update {k} -->\n".encode() + self.body
        return f"Update {k}:\n".encode() + self.body


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the documents


def real_documents() -> list[Base]:
    """Every real document of the shared data that the helpers expose, each text once."""
    found: list[Base] = []
    if aeb.AEB.is_dir():
        gold = json.loads((aeb.AEB / "ground-truth.json").read_text("utf-8"))
        for key in sorted(gold):  # the page's own bytes, so its charset is its own
            raw = gzip.decompress((aeb.AEB / "html" / f"{key}.html.gz").read_bytes())
            found.append(Base(f"aeb-{key}", ".html", raw))
    for split in ("train", "dev"):
        with contextlib.suppress(FileNotFoundError):
            for article in polnear.load(split):
                found.append(Base(f"polnear-{article.name}", ".txt", article.text.encode()))
    with contextlib.suppress(FileNotFoundError):
        _, texts = semeval.load()
        for key, (_language, text) in sorted(texts.items()):
            found.append(Base(f"semeval-{key}", ".txt", text.encode()))
    for path in sorted((aeb.DATA / "seeds").glob("*.txt")):
        found.append(Base(f"seed-{path.stem}", ".txt", path.read_bytes()))
    seen: set[str] = set()
    distinct = []
    for base in found:
        norm = _SPACE.sub(" ", base.body.decode("utf-8", "replace")).strip()
        if norm and norm not in seen:
            seen.add(norm)
            distinct.append(base)
    return distinct


def preflight(bases: list[Base], work: Path) -> tuple[list[Base], Counter[str]]:
    """The bases the cleaner accepts (and that are not over annotate.max_chars); the reasons
    the others were left out."""
    from rashomon.model import Article
    from rashomon.pipeline import clean_inputs

    folder = work / "preflight"
    folder.mkdir()
    names = {}
    for i, base in enumerate(bases):
        path = folder / f"{i:05d}{base.suffix}"
        path.write_bytes(base.body)
        names[str(path)] = base
    settings = Settings()
    limit = int(settings["annotate.max_chars"])
    kept, dropped = [], Counter[str]()
    for result in clean_inputs([str(folder)], settings):
        if not isinstance(result.record, Article):
            dropped[result.reason] += 1
        elif len(result.record.text) > limit:
            dropped["over annotate.max_chars"] += 1
        else:
            kept.append(names[result.origin])
    shutil.rmtree(folder)
    order = {id(b): i for i, b in enumerate(bases)}
    return sorted(kept, key=lambda b: order[id(b)]), dropped


def write_documents(bases: list[Base], n: int, folder: Path, seed: int) -> list[Path]:
    """N documents (base i mod T, repeat i // T) in a seeded shuffle, written so that the
    folder's name order is the shuffled order; their paths in that order."""
    rng = random.Random(seed)
    bases = rng.sample(bases, len(bases))  # which bases a run smaller than T takes
    plan = [(bases[i % len(bases)], i // len(bases)) for i in range(n)]
    rng.shuffle(plan)
    folder.mkdir(parents=True)
    paths, ids = [], set()
    for position, (base, k) in enumerate(plan):
        body = base.repeat(k)
        ids.add(content_id(body))
        path = folder / f"{position:06d}_{base.key}_{k}{base.suffix}"
        path.write_bytes(body)
        paths.append(path)
    if len(ids) != n:
        raise SystemExit(f"{n - len(ids)} documents share their bytes; the run needs {n} distinct")
    return paths


# ---------------------------------------------------------------- running and looking


def _command(*args: str, settings: list[str]) -> list[str]:
    return [str(RASHOMON), *[a for s in settings for a in ("--setting", s)], *args]


def _query(db: Path, sql: str) -> int:
    """One number from the database, read-only (0 while it is not there yet)."""
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return 0
    try:
        return int(connection.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        connection.close()


@dataclass(frozen=True, slots=True)
class Timed:
    """One run of a command: wall seconds, CPU seconds (user + system, its own and those of
    the worker processes it waited for), exit code."""

    wall: float
    cpu: float
    code: int


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_and_kill(command: list[str], db: Path, at: int, log: Path) -> Timed:
    """Start `command`; SIGKILL it once `at` articles are committed."""
    started, cpu = time.perf_counter(), _children_cpu()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        while process.poll() is None:
            if _query(db, "SELECT count(*) FROM articles") >= at:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(POLL)
    finally:
        process.wait()
    return Timed(time.perf_counter() - started, _children_cpu() - cpu, process.returncode)


def run(command: list[str], log: Path) -> Timed:
    """Run `command` to its end."""
    started, cpu = time.perf_counter(), _children_cpu()
    with log.open("wb") as out:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    return Timed(time.perf_counter() - started, _children_cpu() - cpu, done.returncode)


def check(db: Path, paths: list[Path]) -> dict[str, Any]:
    """What the store holds against what was ingested; `faults` lists what is wrong."""
    expected = {str(p): content_id(p.read_bytes()) for p in paths}
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:

        def one(sql: str) -> Any:
            return connection.execute(sql).fetchone()[0]

        ids = [r[0] for r in connection.execute("SELECT id FROM articles")]
        inputs = dict(connection.execute("SELECT origin, article FROM inputs").fetchall())
        placed = [r[0] for r in connection.execute("SELECT placed FROM articles ORDER BY 1")]
        facts = {
            "articles": len(ids),
            "distinct": len(set(ids)),
            "lost": len(set(expected.values()) - set(ids)),
            "unknown": len(set(ids) - set(expected.values())),
            "inputs": len(inputs),
            "inputs missing": len(set(expected) - set(inputs)),
            "failed": one("SELECT count(*) FROM inputs WHERE outcome = 'failed'"),
            "unplaced": one("SELECT count(*) FROM articles WHERE placed IS NULL"),
            "stale": one("SELECT count(*) FROM stories WHERE compared < version"),
            "gaps": placed != list(range(1, len(ids) + 1)),
            "stories": one("SELECT count(*) FROM stories"),
            "copies": one("SELECT count(*) FROM articles WHERE copy_of IS NOT NULL"),
            "integrity": one("PRAGMA integrity_check"),
            "reasons": dict(connection.execute("SELECT reason, count(*) FROM inputs GROUP BY 1")),
        }
    finally:
        connection.close()
    n = len(paths)
    tests = [
        (facts["articles"] != n, f"{facts['articles']} articles for {n} documents"),
        (facts["articles"] != facts["distinct"], "doubled articles"),
        (facts["lost"], f"{facts['lost']} lost"),
        (facts["unknown"], f"{facts['unknown']} articles not among the documents"),
        (facts["inputs missing"], f"{facts['inputs missing']} inputs not recorded"),
        (facts["unplaced"], f"{facts['unplaced']} articles not placed"),
        (facts["stale"], f"{facts['stale']} stories not compared"),
        (facts["gaps"], "gaps in the placing order"),
        (facts["integrity"] != "ok", f"integrity_check: {facts['integrity']}"),
    ]
    facts["faults"] = [message for failed, message in tests if failed]
    return facts


def size_mb(db: Path) -> float:
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="documents to ingest")
    parser.add_argument("--kill-at", type=float, default=0.5, help="share committed at the kill")
    parser.add_argument(
        "--anchor", type=int, default=1_000, help="documents of the anchor runs (0: none)"
    )
    parser.add_argument("--setting", action="append", default=[], help="NAME=VALUE, each run")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="rashomon-bench-store-"))
    try:
        report(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def report(args: argparse.Namespace, work: Path) -> None:
    started = time.perf_counter()
    bases = real_documents()
    if not bases:
        raise SystemExit(f"no shared data found under {aeb.DATA} (set RASHOMON_SHARED)")
    kinds = Counter(b.key.split("-", 1)[0] for b in bases)
    bases, dropped = preflight(bases, work)
    folder = work / "docs"
    paths = write_documents(bases, args.n, folder, args.seed)
    real, repeats = min(args.n, len(bases)), max(0, args.n - len(bases))
    _say(
        f"{len(bases)} real documents ({', '.join(f'{k} {v}' for k, v in kinds.items())}; "
        f"{sum(dropped.values())} left out by the preflight: {dict(dropped)}); "
        f"{real} of them and {repeats} re-posts (one line added at the top) written in "
        f"{time.perf_counter() - started:.0f} s to {folder}"
    )

    db = work / "news.db"
    ingest = _command(
        "ingest", str(folder), "--db", str(db), "--no-progress", settings=args.setting
    )
    at = max(1, round(args.kill_at * args.n))
    load_before = _load()
    _say(f"ingesting {args.n} documents (load {load_before}); killing at {at} committed ...")
    killed = run_and_kill(ingest, db, at, work / "killed.log")
    if killed.code != -signal.SIGKILL:
        raise SystemExit(f"the run ended before the kill: see {work / 'killed.log'}")
    at_kill = {
        "articles": _query(db, "SELECT count(*) FROM articles"),
        "unplaced": _query(db, "SELECT count(*) FROM articles WHERE placed IS NULL"),
        "stale": _query(db, "SELECT count(*) FROM stories WHERE compared < version"),
    }
    _say(f"killed after {killed.wall:.0f} s: {at_kill}; restarting ...")
    restart = run(ingest, work / "restart.log")
    if restart.code not in (0, 1):  # 1: some input failed, counted below
        log = (work / "restart.log").read_text("utf-8", "replace")
        raise SystemExit(f"the restart failed ({restart.code}):\n{log[-2000:]}")
    facts = check(db, paths)
    wall, cpu = killed.wall + restart.wall, killed.cpu + restart.cpu
    more = facts["articles"] - at_kill["articles"]

    rows = [
        ("documents", f"{args.n:,} ({real:,} real, {repeats:,} re-posts of them)"),
        ("stored articles", f"{facts['articles']:,}"),
        ("doubled", f"{facts['articles'] - facts['distinct']}"),
        ("lost", f"{facts['lost']}"),
        ("failed inputs", f"{facts['failed']}"),
        ("inputs recorded", f"{facts['inputs']:,} {facts['reasons']}"),
        (
            "killed at",
            f"{at_kill['articles']:,} articles, {killed.wall:.0f} s after the start "
            f"({killed.cpu:.0f} CPU s); {at_kill['unplaced']} unplaced, "
            f"{at_kill['stale']} stories uncompared"
            + (
                " (after the last batch: only placing and comparing were left)"
                * (at_kill["articles"] == args.n)
            ),
        ),
        ("restart", f"{restart.wall:.0f} s ({restart.cpu:.0f} CPU s), {more:,} more articles"),
        ("articles/s, both runs", f"{args.n / wall:.1f} ({args.n / cpu:.1f} per CPU s)"),
        ("stories", f"{facts['stories']:,}"),
        ("copies folded", f"{facts['copies']:,}"),
        ("db size (with WAL)", f"{size_mb(db):.1f} MB"),
        ("integrity_check", f"{facts['integrity']}"),
        ("verdict", "; ".join(facts["faults"]) or "ok: nothing lost, nothing doubled"),
    ]
    print(f"\n### Store ingest: {args.n:,} documents, killed at {args.kill_at:.0%}, restarted\n")
    print("| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"\nload average: {load_before} at the start, {_load()} after the restart")

    if args.anchor > 0:
        anchor(args, work, paths[: args.anchor], Timed(wall, cpu, 0))
    if facts["faults"]:
        raise SystemExit(1)


def anchor(args: argparse.Namespace, work: Path, paths: list[Path], whole: Timed) -> None:
    """`rashomon annotate` and `rashomon ingest` on the same first documents."""
    subset = work / "anchor"
    subset.mkdir()
    for path in paths:
        try:
            os.link(path, subset / path.name)
        except OSError:
            shutil.copy(path, subset / path.name)
    m = len(paths)
    _say(f"anchor: annotate, then ingest into a fresh store, {m} documents each ...")
    annotate = _command(
        "annotate", str(subset), "-f", "jsonl", "-o", os.devnull, "--no-progress",
        settings=args.setting,
    )  # fmt: skip
    annotated = run(annotate, work / "anchor-annotate.log")
    db = work / "anchor.db"
    ingest = _command(
        "ingest", str(subset), "--db", str(db), "--no-progress", settings=args.setting
    )
    ingested = run(ingest, work / "anchor-ingest.log")
    stored = _query(db, "SELECT count(*) FROM articles")
    runs = [
        ("rashomon annotate -f jsonl -o /dev/null", m, annotated),
        (f"rashomon ingest into a fresh store ({stored:,} stored)", m, ingested),
        (f"rashomon ingest, all {args.n:,}, killed and restarted", args.n, whole),
    ]
    print(f"\n### Anchor: the first {m:,} documents, each command a fresh process\n")
    print("| command | documents | s | CPU s | documents/s | per CPU s |")
    print("|---|---|---|---|---|---|")
    for name, n, timed in runs:
        print(
            f"| {name} | {n:,} | {timed.wall:.0f} | {timed.cpu:.0f} | "
            f"{n / timed.wall:.1f} | {n / timed.cpu:.1f} |"
        )
    print(
        f"\nstore ingest / annotate on the same {m:,}: {ingested.wall / annotated.wall:.2f}x "
        f"the time, {ingested.cpu / annotated.cpu:.2f}x the CPU (load {_load()} at the end)"
    )


if __name__ == "__main__":
    main()
