"""`rashomon spark run` on local[1] and local[2] beside the local pipeline on the same WARC
files: wall time, peak memory of the whole process tree, scaling, overhead, agreement of the
outputs, and what one day of Common Crawl News would cost.

    .venv/bin/python bench/bench_spark.py                 # every real text once, 16 WARC files
    .venv/bin/python bench/bench_spark.py --quick         # 300 documents, 4 WARC files (~4 min)
    .venv/bin/python bench/bench_spark.py --files 8 --keep /tmp/spark-bench
    .venv/bin/python bench/bench_spark.py --daily 10      # incremental jobs: bench_spark_daily

Why: the Spark job exists so that a day of a news crawl can be processed on as many cores as
it takes. What matters is whether its cost grows with the cores (local[2] against local[1]),
what running on Spark costs over the local pipeline on the same two cores, that both give the
same stories and texts, and what the measured rate means for a day of CC-News.

Corpus: every distinct real document of the shared data ($RASHOMON_SHARED/data), read by the
helpers of bench_store_ingest.py (AEB pages as their own HTML bytes, PolNeAR train + dev,
SemEval-2022 pair texts, the seeds: 2,583 before any cleaning), each once, in a seeded shuffle
(`--quick`: the first 300 of that order). Below `--min` documents the list is repeated, a
repeat getting one line at the top (it never is with the shared data as it is). They are
packed into `--files` gzipped WARC files with warcio, as a crawler writes them: an HTML page
as a `response` record with HTTP headers (status 200, Content-Type text/html), a text as a
`resource` record with Content-Type text/plain; each with a WARC-Target-URI (the page's own
URL for AEB; for PolNeAR its publisher's site, date and slug; an invented
`semeval2022.invalid` or `seeds.invalid` URL otherwise) and a WARC-Date spread over one day.
The files are written once under /tmp/rashomon-bench-spark/ (keyed by their contents) and
reused; nothing is copied into the repository.

Runs, each a fresh subprocess with a fresh output folder, one after another:

(a) `rashomon compare FILES -f json`, one core: pipeline.workers=1, annotate.n_process=1,
    stories.encoder_threads=1 (the defaults give annotate.n_process=0, which on this machine
    parses in one spaCy process per core, so they are not one core);
(b) the same with the local two-core settings: pipeline.workers=2 (clean in worker
    processes), annotate.n_process=2, stories.encoder_threads=2;
(c) `rashomon spark run FILES --output DIR --master local[1]`;
(d) the same with `--master local[2]`.

The Spark runs get stories.encoder_threads=1 (and annotate.n_process=1, which the job now
forces on its executors anyway), so each Spark task uses one core, as an executor core
should: the encoder's default is one BLAS thread per core of the machine, and the local[1]
run would then use both cores. `--setting` adds an override to every run.

Each run's wall time is measured around the process; every 0.5 s the whole process tree
(Spark's JVM and its Python workers are children of the command) is read from /proc: the sum
of RSS (shared pages counted in every process) and of PSS (shared pages split), whose peaks
are printed, and each process's CPU time (user + system), summed at the end (processes that
live under 0.5 s are missed). The Spark stage seconds come from the job's record,
DIR/_work/jobs/<stamp>.json.

Then `rashomon clean FILES -f jsonl`, once with each local setting (timed, but outside the
comparison), gives the local clean texts, as `rashomon compare` writes none. Printed:

- the runs: wall s, documents/s, CPU s and cores busy (CPU s / wall s), peak RSS and PSS,
  articles and stories;
- the Spark stage seconds (documents, names, stories, compare, write);
- scaling = wall(local[1]) / wall(local[2]) (goal >= 1.7x) and overhead = wall(Spark
  local[2]) / wall(local pipeline on two cores) (goal <= 1.3x);
- agreement of Spark local[2] with each local run: the stories as sets of member origins
  (origins named `file#record`, folders dropped), and the clean text of every article by
  origin (local `rashomon clean` against the Parquet `articles` table); also the two local
  runs, and the two Spark runs, against each other;
- the share of the articles in a language spaCy annotates (annotate.languages), as that
  stage dominates the cost;
- a projection for one day of CC-News from the Spark per-core rate at local[2]: core-hours a
  day, and cores to keep up within 24 h and within 1 h. Volume: about 380,000 pages a day,
  from the FineNews-unfiltered dataset card on Hugging Face (maxidl/FineNews-unfiltered,
  README "Some initial stats": CC-NEWS-2024-03 11,723,542 documents, 2024-04 11,546,298,
  2024-05 11,715,084, after URL filtering only), which agrees with Infini-News (arXiv
  2605.18337: 1.35 billion CC-News articles from August 2016 to 2026, about 385,000 a day on
  average). The WARC files hold more records than that (redirects, non-articles); those are
  passed over cheaply. The projection is linear: it assumes the document stages, which are,
  dominate, and that the corpus stages (names, stories, compare) keep scaling as they do here.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aeb  # noqa: E402
from bench_store_ingest import Base, real_documents  # noqa: E402

from rashomon.settings import Settings  # noqa: E402

SEED = 20240131
CACHE = Path(tempfile.gettempdir()) / "rashomon-bench-spark"
RASHOMON = Path(sys.executable).with_name("rashomon")
EVERY = 0.5  # seconds between two looks at the process tree
DAY = datetime(2024, 2, 1, tzinfo=UTC)  # the WARC-Date of the corpus: one day's crawl

GOAL_SCALING = 1.7
GOAL_OVERHEAD = 1.3

CC_NEWS_PER_DAY = 380_000
CC_NEWS_SOURCE = (
    "FineNews-unfiltered dataset card (huggingface.co/datasets/maxidl/FineNews-unfiltered): "
    "CC-NEWS-2024-03/04/05 held 11.72M / 11.55M / 11.72M documents, ~380k a day; Infini-News "
    "(arXiv 2605.18337): 1.35B CC-News articles Aug 2016-2026, ~385k a day on average"
)

ONE_CORE = ["pipeline.workers=1", "annotate.n_process=1", "stories.encoder_threads=1"]
TWO_CORES = ["pipeline.workers=2", "annotate.n_process=2", "stories.encoder_threads=2"]
SPARK_TASK = ["annotate.n_process=1", "stories.encoder_threads=1"]

PUBLISHERS = {  # PolNeAR's file-name prefixes and their sites
    "breitbart": "www.breitbart.com",
    "huff-post": "www.huffingtonpost.com",
    "nyt": "www.nytimes.com",
    "politico": "www.politico.com",
    "usa-today": "www.usatoday.com",
    "wash-post": "www.washingtonpost.com",
    "west-journal": "www.westernjournalism.com",
}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


# ---------------------------------------------------------------- the corpus


def _aeb_urls() -> dict[str, str]:
    if not aeb.AEB.is_dir():
        return {}
    gold = json.loads((aeb.AEB / "ground-truth.json").read_text("utf-8"))
    return {f"aeb-{key}": entry["url"] for key, entry in gold.items()}


def target_uri(base: Base, aeb_urls: dict[str, str]) -> str:
    """Where the document was crawled from: its own URL when known, else a plausible one."""
    kind, _, name = base.key.partition("-")
    if base.key in aeb_urls:
        return aeb_urls[base.key]
    if kind == "polnear":
        publisher, date, slug = name.split("_", 2)
        host = PUBLISHERS.get(publisher, f"{publisher}.invalid")
        return f"https://{host}/{date.replace('-', '/')}/{slug}"
    if kind == "semeval":
        return f"https://semeval2022.invalid/{name}"
    return f"https://{kind}.invalid/{name}"


def corpus(n: int, minimum: int, seed: int) -> tuple[list[tuple[Base, int]], Counter[str]]:
    """The documents in their seeded order, each a base and its repeat number (0: itself),
    the first `n` of them (all when n is 0), at least `minimum` when the data has fewer."""
    bases = real_documents()
    if not bases:
        raise SystemExit(f"no shared data found under {aeb.DATA} (set RASHOMON_SHARED)")
    kinds = Counter(b.key.split("-", 1)[0] for b in bases)
    random.Random(seed).shuffle(bases)
    total = n if n > 0 else max(len(bases), minimum)
    return [(bases[i % len(bases)], i // len(bases)) for i in range(total)], kinds


def _record(writer: Any, base: Base, k: int, uri: str, date: datetime) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    body = base.repeat(k)
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    if base.suffix == ".html":
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": stamp},
        )
    else:
        record = writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type="text/plain; charset=utf-8",
            warc_headers_dict={"WARC-Date": stamp},
        )
    writer.write_record(record)


def write_warcs(docs: list[tuple[Base, int]], files: int) -> tuple[Path, list[Path]]:
    """The documents packed into `files` WARC.gz files (contiguous slices of the order),
    written once under CACHE in a folder named by their contents; the folder and the files."""
    from warcio.warcwriter import WARCWriter

    digest = hashlib.sha256()
    for base, k in docs:
        digest.update(f"{base.key}\0{k}\0".encode())
        digest.update(hashlib.sha256(base.body).digest())
    folder = CACHE / f"warc-{len(docs)}x{files}-{digest.hexdigest()[:12]}"
    paths = [folder / f"news-{i:03d}.warc.gz" for i in range(files)]
    if (folder / "DONE").exists():
        return folder, paths
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    aeb_urls = _aeb_urls()
    step = 86_400 / max(len(docs), 1)
    for i, path in enumerate(paths):
        start, end = i * len(docs) // files, (i + 1) * len(docs) // files
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            for j in range(start, end):
                base, k = docs[j]
                uri = target_uri(base, aeb_urls) + (f"?repeat={k}" if k else "")
                _record(writer, base, k, uri, DAY + timedelta(seconds=int(j * step)))
    (folder / "DONE").write_text(json.dumps({"documents": len(docs), "files": files}))
    return folder, paths


# ---------------------------------------------------------------- running and sampling


@dataclass
class Tree:
    """Peaks of one process tree's memory and its processes' CPU time, sampled from /proc."""

    root: int
    peak_rss: float = 0.0  # MB, sum over the processes
    peak_pss: float = 0.0
    processes: int = 0  # most processes seen at once
    ticks: dict[tuple[int, int], int] = field(default_factory=dict)  # (pid, start) -> CPU

    def sample(self) -> None:
        table: dict[int, tuple[int, int, int, int]] = {}  # pid -> ppid, start, ticks, rss pages
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                text = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            rest = text[text.rindex(")") + 2 :].split()
            table[int(entry.name)] = (
                int(rest[1]),
                int(rest[19]),
                int(rest[11]) + int(rest[12]),
                int(rest[21]),
            )
        children: dict[int, list[int]] = {}
        for pid, (ppid, *_) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid in table:
                tree.append(pid)
                todo.extend(children.get(pid, ()))
        rss = pss = 0.0
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        for pid in tree:
            _, start, ticks, pages = table[pid]
            key = (pid, start)
            self.ticks[key] = max(self.ticks.get(key, 0), ticks)
            rss += pages * page
            pss += _pss_mb(pid)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.processes = max(self.processes, len(tree))

    @property
    def cpu(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


@dataclass
class Run:
    """One command as run: what it was, its exit code, wall seconds and its tree's figures."""

    name: str
    command: list[str]
    code: int = 0
    wall: float = 0.0
    tree: Tree | None = None
    articles: int = 0
    stories: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _command(*args: str, settings: list[str]) -> list[str]:
    return [str(RASHOMON), *[a for s in settings for a in ("--setting", s)], *args]


def run(name: str, command: list[str], log: Path) -> Run:
    """Run `command` to its end, its process tree sampled every EVERY seconds."""
    _say(f"  {name} (load {_load()}) ...")
    done = Run(name, command)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env
        )
    tree = Tree(process.pid)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            tree.sample()
            stop.wait(EVERY)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        done.code = process.wait()
    finally:
        done.wall = time.perf_counter() - started
        stop.set()
        watcher.join()
    done.tree = tree
    if done.code not in (0, 1):  # 1: some input failed, which is counted, not fatal
        text = log.read_text("utf-8", "replace")
        raise SystemExit(f"{name} failed ({done.code}), log {log}:\n{text[-3000:]}")
    _say(f"    {done.wall:.0f} s, peak RSS {tree.peak_rss:,.0f} MB, CPU {tree.cpu:.0f} s")
    return done


# ---------------------------------------------------------------- reading the outputs


def short(origin: str) -> str:
    """An origin without its folders: `news-003.warc.gz#17`."""
    return origin.rsplit("/", 1)[-1]


def local_stories(path: Path) -> tuple[set[frozenset[str]], int]:
    """The stories of a `rashomon compare -f json` file as sets of member origins, and how
    many inputs it lists as failed."""
    data = json.loads(path.read_text("utf-8"))
    stories = {frozenset(short(o) for o in s["articles"]) for s in data["stories"]}
    return stories, len(data.get("failed", []))


def local_texts(path: Path) -> tuple[dict[str, str], Counter[tuple[str, str]]]:
    """Origin -> clean text of every ok document of a `rashomon clean -f jsonl` file, and
    the outcomes by (outcome, reason)."""
    texts: dict[str, str] = {}
    outcomes: Counter[tuple[str, str]] = Counter()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            outcomes[(row["outcome"], row["reason"])] += 1
            if row["outcome"] == "ok":
                texts[short(row["source"])] = row["text"]
    return texts, outcomes


def spark_tables(out: Path) -> dict[str, Any]:
    """What the Spark run wrote: stories (sets of member origins), texts and languages by
    origin, input outcomes, and the job's record."""
    import pyarrow.parquet as pq

    stories = pq.read_table(out / "stories", columns=["sources"]).column("sources").to_pylist()
    articles = pq.read_table(out / "articles", columns=["origin", "text", "language"])
    inputs = pq.read_table(out / "inputs", columns=["outcome", "reason"]).to_pylist()
    jobs = sorted((out / "_work" / "jobs").glob("*.json"))
    return {
        "stories": {frozenset(short(o) for o in s) for s in stories},
        "texts": dict(
            zip(
                map(short, articles.column("origin").to_pylist()),
                articles.column("text").to_pylist(),
                strict=True,
            )
        ),
        "languages": Counter(articles.column("language").to_pylist()),
        "outcomes": Counter((r["outcome"], r["reason"]) for r in inputs),
        "job": json.loads(jobs[-1].read_text("utf-8")) if jobs else {},
    }


def story_agreement(left: set[frozenset[str]], right: set[frozenset[str]]) -> dict[str, Any]:
    """How two clusterings of the same articles agree: identical stories, stories only in
    one, and articles whose story (as a set of members) differs."""
    same = left & right
    placed_left = {o: s for s in left for o in s}
    placed_right = {o: s for s in right for o in s}
    common = placed_left.keys() & placed_right.keys()
    moved = sum(placed_left[o] != placed_right[o] for o in common)
    multi = [s for s in left | right if len(s) > 1]
    return {
        "left": len(left),
        "right": len(right),
        "same": len(same),
        "only_left": len(left - right),
        "only_right": len(right - left),
        "articles": len(common),
        "moved": moved,
        "missing": len(placed_left.keys() ^ placed_right.keys()),
        "multi_same": len([s for s in multi if s in same]),
        "multi": len({s for s in multi}),
    }


def text_agreement(left: dict[str, str], right: dict[str, str]) -> dict[str, Any]:
    common = left.keys() & right.keys()
    differ = sorted(o for o in common if left[o] != right[o])
    return {
        "left": len(left),
        "right": len(right),
        "equal": len(common) - len(differ),
        "differ": differ,
        "only_left": sorted(left.keys() - right.keys()),
        "only_right": sorted(right.keys() - left.keys()),
    }


# ---------------------------------------------------------------- main


_LOOP = "import sys; n = 0\nfor i in range(int(sys.argv[1])): n += i * i"


def cpu_ceiling(steps: int = 60_000_000) -> tuple[float, float]:
    """Seconds of one CPU-bound Python loop alone, and of two such loops at once: what two
    cores of this machine give over one when nothing but CPU is asked (shared or throttled
    cores give less than 2x, and no scaling of the job can beat that)."""

    def timed(count: int) -> float:
        start = time.perf_counter()
        loops = [subprocess.Popen([sys.executable, "-c", _LOOP, str(steps)]) for _ in range(count)]
        for loop in loops:
            loop.wait()
        return time.perf_counter() - start

    return timed(1), timed(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 documents in 4 WARC files")
    parser.add_argument("--n", type=int, default=0, help="documents (0: every real one once)")
    parser.add_argument("--files", type=int, default=16, help="WARC files")
    parser.add_argument("--min", type=int, default=2000, help="fewest documents of a full run")
    parser.add_argument("--setting", action="append", default=[], help="NAME=VALUE, every run")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--daily", type=int, default=0, help="instead: so many daily incremental jobs (N days)"
    )
    args = parser.parse_args()
    if args.daily:  # bench_spark_daily.py: one incremental job a day, a rebuild, local
        import bench_spark_daily

        passed = ["--days", str(args.daily), "--n", str(args.n), "--seed", str(args.seed)]
        passed += [f"--setting={s}" for s in args.setting]
        passed += ["--keep", str(args.keep)] if args.keep else []
        return bench_spark_daily.main(passed)
    if args.quick:
        args.n, args.files, args.min = args.n or 300, 4, 0

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        work = args.keep
    else:
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE))
    try:
        report(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(args: argparse.Namespace, work: Path) -> None:
    started = time.perf_counter()
    docs, kinds = corpus(args.n, args.min, args.seed)
    folder, paths = write_warcs(docs, args.files)
    inputs = [str(p) for p in paths]
    n = len(docs)
    repeats = sum(k > 0 for _, k in docs)
    size = sum(p.stat().st_size for p in paths) / 1e6
    mix = Counter(b.key.split("-", 1)[0] for b, _ in docs)
    _say(
        f"{n} documents ({', '.join(f'{k} {v}' for k, v in mix.items())}; {repeats} repeats; "
        f"real data: {dict(kinds)}) in {len(paths)} WARC files, {size:.1f} MB, {folder} "
        f"({time.perf_counter() - started:.0f} s)"
    )

    extra = args.setting
    load_before = _load()
    local1 = run(
        "local, 1 core",
        _command(
            "compare", *inputs, "-f", "json", "-o", str(work / "local1.json"), "--no-progress",
            settings=[*ONE_CORE, *extra],
        ),
        work / "local1.log",
    )  # fmt: skip
    local2 = run(
        "local, 2 cores",
        _command(
            "compare", *inputs, "-f", "json", "-o", str(work / "local2.json"), "--no-progress",
            settings=[*TWO_CORES, *extra],
        ),
        work / "local2.log",
    )  # fmt: skip
    spark1 = run(
        "spark local[1]",
        _command(
            "spark", "run", *inputs, "--output", str(work / "spark1"), "--master", "local[1]",
            settings=[*SPARK_TASK, *extra],
        ),
        work / "spark1.log",
    )  # fmt: skip
    spark2 = run(
        "spark local[2]",
        _command(
            "spark", "run", *inputs, "--output", str(work / "spark2"), "--master", "local[2]",
            settings=[*SPARK_TASK, *extra],
        ),
        work / "spark2.log",
    )  # fmt: skip
    cleans = [
        run(
            f"local clean, {label} (texts for the check)",
            _command(
                "clean", *inputs, "-f", "jsonl", "-o", str(work / f"clean{i}.jsonl"),
                "--no-progress", settings=[*settings, *extra],
            ),
            work / f"clean{i}.log",
        )
        for i, label, settings in ((1, "1 core", ONE_CORE), (2, "2 cores", TWO_CORES))
    ]  # fmt: skip
    load_after = _load()

    stories1, failed1 = local_stories(work / "local1.json")
    stories2, failed2 = local_stories(work / "local2.json")
    texts1, outcomes1 = local_texts(work / "clean1.jsonl")
    texts2, _ = local_texts(work / "clean2.jsonl")
    s1, s2 = spark_tables(work / "spark1"), spark_tables(work / "spark2")
    for done, stories in ((local1, stories1), (local2, stories2)):
        done.stories = len(stories)
        done.articles = sum(len(s) for s in stories)
    for done, tables in ((spark1, s1), (spark2, s2)):
        done.stories = len(tables["stories"])
        done.articles = len(tables["texts"])
    cleans[0].articles, cleans[1].articles = len(texts1), len(texts2)

    print(
        f"\n### Spark against the local pipeline: {n:,} documents in {len(paths)} WARC files "
        f"({size:.1f} MB), {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} CPUs\n"
    )
    print(
        "| run | settings | wall s | docs/s | CPU s | cores busy | peak RSS MB | peak PSS MB "
        "| articles | stories |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = [
        (local1, ONE_CORE),
        (local2, TWO_CORES),
        (spark1, SPARK_TASK),
        (spark2, SPARK_TASK),
        (cleans[0], ONE_CORE),
        (cleans[1], TWO_CORES),
    ]
    for done, settings in rows:
        tree = done.tree
        assert tree is not None
        shown = ", ".join(s.split(".", 1)[1] for s in [*settings, *extra])
        print(
            f"| {done.name} | {shown} | {done.wall:.0f} | {n / done.wall:.1f} | {tree.cpu:.0f} "
            f"| {tree.cpu / done.wall:.2f} | {tree.peak_rss:,.0f} | {tree.peak_pss:,.0f} "
            f"| {done.articles:,} | {done.stories:,} |"
        )
    print(f"\nload average: {load_before} before the runs, {load_after} after them")

    print("\nSpark stage seconds (the job's record, _work/jobs/*.json):\n")
    stages = ["documents", "names", "stories", "compare", "write"]
    print("| run | " + " | ".join(stages) + " | sum | wall | outside the stages |")
    print("|---|" + "---|" * (len(stages) + 3))
    for done, tables in ((spark1, s1), (spark2, s2)):
        seconds = tables["job"].get("seconds", {})
        total = sum(seconds.get(s, 0.0) for s in stages)
        cells = " | ".join(f"{seconds.get(s, 0.0):.1f}" for s in stages)
        print(
            f"| {done.name} | {cells} | {total:.1f} | {done.wall:.1f} | {done.wall - total:.1f} |"
        )
    one, two = (s1["job"].get("seconds", {}), s2["job"].get("seconds", {}))
    print(
        "\nper stage, local[1] / local[2]: "
        + ", ".join(f"{s} {one[s] / two[s]:.2f}x" for s in stages if one.get(s) and two.get(s))
    )

    scaling = spark1.wall / spark2.wall
    overhead = spark2.wall / local2.wall
    met = "met" if scaling >= GOAL_SCALING else "NOT met"
    print(
        f"\nscaling: wall(local[1]) / wall(local[2]) = {spark1.wall:.0f} / {spark2.wall:.0f} = "
        f"{scaling:.2f}x (goal >= {GOAL_SCALING}x: {met})"
    )
    print(
        f"overhead: wall(spark local[2]) / wall(local pipeline, 2 cores) = {spark2.wall:.0f} / "
        f"{local2.wall:.0f} = {overhead:.2f}x (goal <= {GOAL_OVERHEAD}x: "
        f"{'met' if overhead <= GOAL_OVERHEAD else 'NOT met'})"
    )
    print(
        f"local pipeline: 1 core / 2 cores = {local1.wall / local2.wall:.2f}x; "
        f"spark local[1] / local 1 core = {spark1.wall / local1.wall:.2f}x"
    )
    one_loop, two_loops = cpu_ceiling()
    print(
        f"machine ceiling: one CPU-bound Python loop {one_loop:.1f} s alone; two at once "
        f"{two_loops:.1f} s, so two cores do {2 * one_loop / two_loops:.2f}x one core's work"
    )

    print("\nagreement (origins as `file#record`):\n")
    spark = s2["stories"]
    for label, left, right in (
        ("local 1 core vs spark local[2]", stories1, spark),
        ("local 2 cores vs spark local[2]", stories2, spark),
        ("local 1 core vs local 2 cores", stories1, stories2),
        ("spark local[1] vs spark local[2]", s1["stories"], spark),
    ):
        same = story_agreement(left, right)
        print(
            f"- stories, {label}: {same['left']:,} vs {same['right']:,}; {same['same']:,} "
            f"identical (with 2+ members: {same['multi_same']:,} of {same['multi']:,}), "
            f"{same['only_left']:,} only left, {same['only_right']:,} only right; "
            f"{same['moved']:,} of {same['articles']:,} articles in a different story, "
            f"{same['missing']:,} on one side only"
        )
    for label, texts in (("1 core", texts1), ("2 cores", texts2)):
        text = text_agreement(texts, s2["texts"])
        print(
            f"- clean texts, local `rashomon clean` {label} vs spark local[2] articles: "
            f"{text['equal']:,} equal, {len(text['differ']):,} different, "
            f"{len(text['only_left']):,} only local, {len(text['only_right']):,} only Spark"
        )
        for origin in text["differ"][:3]:
            print(f"  {origin}: {_first_difference(texts[origin], s2['texts'][origin])}")
        for name, found in (("only local", text["only_left"]), ("only Spark", text["only_right"])):
            if found:
                print(f"  {name}, first few: {', '.join(found[:5])}")
    local_bad = {k: v for k, v in outcomes1.items() if k[0] != "ok"}
    spark_bad = {k: v for k, v in s2["outcomes"].items() if k[0] != "ok"}
    print(
        f"- inputs not ok: local clean {sum(local_bad.values())} {_reasons(local_bad)}, "
        f"local compare lists {failed1} / {failed2} failed (1 / 2 cores), spark local[2] "
        f"{sum(spark_bad.values())} {_reasons(spark_bad)}"
    )

    readable = set(Settings()["annotate.languages"]) - set(Settings()["annotate.natasha_languages"])
    languages = s2["languages"]
    annotated = sum(v for k, v in languages.items() if k is None or k in readable)
    articles = sum(languages.values())
    top = ", ".join(f"{k or 'none'} {v}" for k, v in languages.most_common(8))
    print(
        f"\nlanguages: {annotated:,} of {articles:,} articles ({annotated / articles:.0%}; "
        f"{annotated / n:.0%} of the documents) in a language spaCy annotates "
        f"({', '.join(sorted(readable))}); by language: {top}"
    )

    per_core = n / spark2.wall / 2
    core_hours = CC_NEWS_PER_DAY / per_core / 3600
    print(
        f"\nprojection, one day of CC-News at {CC_NEWS_PER_DAY:,} pages ({CC_NEWS_SOURCE}):\n"
        f"- measured: {n / spark2.wall:.2f} docs/s on local[2] = {per_core:.2f} docs/s per core "
        f"(wall, start-up and corpus stages included; "
        f"{n / spark1.wall:.2f} docs/s on local[1])\n"
        f"- {core_hours:,.0f} core-hours a day; to keep up within 24 h: "
        f"{core_hours / 24:,.0f} cores; within 1 h: {core_hours:,.0f} cores\n"
        f"- at this corpus's mix ({annotated / n:.0%} of the documents annotated by spaCy); "
        f"a mostly English day costs more per page, a day with more pages refused less"
    )


def _first_difference(local: str, spark: str) -> str:
    """The first line one text has and the other has not, quoted, with its side."""
    left, right = local.splitlines(), spark.splitlines()
    mine, theirs = set(left), set(right)
    for line in left:
        if line not in theirs:
            return f"local only: {line[:70]!r}"
    for line in right:
        if line not in mine:
            return f"Spark only: {line[:70]!r}"
    return "same lines, other order or spacing"


def _reasons(counts: dict[tuple[str, str], int]) -> str:
    return "(" + ", ".join(f"{r} {v}" for (_, r), v in sorted(counts.items())) + ")"


if __name__ == "__main__":
    main()
