"""Serving under load: concurrent clients against the story page, the API and search while an
ingest writes to the same store.

    .venv/bin/python bench/bench_serve_load.py                  # 50 clients, 60 s
    .venv/bin/python bench/bench_serve_load.py --seconds 20 --profile 3
    .venv/bin/python bench/bench_serve_load.py --think 2        # users who read between clicks
    .venv/bin/python bench/bench_serve_load.py --db news.db --keep   # a copy of your store

The store: the seeds (examples/), the compare fixtures (tests/fixtures/compare/*.txt) and
`--store-docs` real texts of the shared data: the English texts of the SemEval-2022 dev pairs
rated same-story (no title), then the PolNeAR dev and train articles (with their title,
publisher, author and date from metadata.tsv), written to a JSON Lines file in a temporary
folder and stored by a `rashomon ingest` subprocess. The built store is cached under CACHE
(keyed by its inputs and the rashomon version; `--rebuild` builds it again) and each run
works on a copy in its own temporary folder, so neither the cached store nor a `--db` store
is written to. The concurrent ingest gets the next `--ingest-docs` PolNeAR train articles,
disjoint from the store's (by whitespace-normalised text), with the INGEST_WINDOW settings
set to `--ingest-window`: by default an ingest parses a whole resolve window (up to 1,000
articles) before its first write, so a window of a few articles is what spreads its write
transactions (articles, then story placing and comparing) over the measured window.

The run, in order:

1. `rashomon serve --db COPY --port P` on a free loopback port; wait for /healthz.
2. Targets from the store: the TOP_STORIES biggest stories and words of the stored titles
   (a query is one or two words of one random title, so it has hits).
3. Warm-up, then an unloaded pass: one client, ANCHOR_REQUESTS requests per endpoint kind,
   one after the other, no ingest (the "unloaded" table: each endpoint's own cost).
4. `rashomon ingest SET_B --db COPY --no-progress` starts, and at the same moment
   `--clients` asyncio tasks share one client with as many keep-alive connections for
   `--seconds`. Each task loops over the six kinds in a shuffled order per round: story page
   (HTML, a random story among the biggest), API story, API stories list, API search, HTML
   search and /healthz; with `--think S` it pauses a random time (exponential, mean S)
   after each request, so the server is not saturated. A request is an error when it raises,
   takes over TIMEOUT or its status is not 2xx (the first few messages are kept). A monitor
   polls the store's article count every second.
5. The server's and the ingest's stderr (captured to files) and every error body are searched
   for "database is locked"; then the ingest is stopped if still running.

Report (Markdown): per kind requests, errors, p50 / p95 / p99 ms and the p50 and p95 ratios
to /healthz of the same run (the anchor: a static endpoint of the same server under the same
load); throughput; the ingest (finished or not, articles stored during the window, when);
the CPU each party used (the load generator, the server and the ingest share the machine's
cores; other work on the machine shows as "other"). Goal: story page p95 <= GOAL_RATIO x
/healthz p95, zero errors, no "database is locked". `--profile N` then cProfiles the story
page's handler in this process, N rounds over the biggest stories.

Reading the ratios: with no think time the closed loop saturates the server, every request
then waits its turn for the same CPU and GIL, and all kinds converge to the same latency, so
the ratio tends to 1 whatever a page costs; the unloaded table and `--think` show the cost.

The client: `--client raw` (the default) is a minimal HTTP/1.1 GET client over asyncio
streams (Content-Length and chunked bodies, keep-alive, a GET re-sent once on a fresh
connection when the server closed an idle one); `--client httpx` is httpx.AsyncClient with a
pool of `--clients` connections. On two cores the difference matters: httpx took about
4.5 ms of CPU a request here (big HTML bodies), 15x the raw client, CPU the server then does
not get, and it adds about a millisecond to every latency, the anchor's included. Every
subprocess is started in its own process group and that group is stopped on exit (SIGINT,
then SIGKILL), whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared")) / "data"
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "rashomon-bench-serve-load"
SEEDS = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "compare"

GOAL_RATIO = 5.0  # story page p95 / healthz p95
TOP_STORIES = 20
ANCHOR_REQUESTS = 20
WARMUP_REQUESTS = 3
ERROR_SAMPLES = 5
LOCKED = "database is locked"
KINDS = ("story page", "api story", "api stories", "api search", "search page", "healthz")
ANCHOR = "healthz"
STORY_PAGE = "story page"
STORY_ROUTE = "/stories/{story_id}"  # the page's route in rashomon.web.pages.router
# The concurrent ingest's settings set to --ingest-window: its articles are annotated, stored
# and placed that many at a time, so its writes are spread over the window (by default it
# would parse a whole resolve window of up to 1,000 articles before its first write).
INGEST_WINDOW = (
    "annotate.zone_size",
    "annotate.resolve_window",
    "pipeline.batch_size",
    "store.batch_size",
)
TIMEOUT = 60.0  # seconds a request may take before it counts as an error

_SPACE = re.compile(r"\s+")
_TITLE_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_STOP = frozenset(
    (
        "that",
        "this",
        "with",
        "from",
        "have",
        "were",
        "will",
        "what",
        "when",
        "which",
        "their",
        "there",
        "about",
        "after",
        "over",
        "into",
        "says",
        "said",
        "than",
        "them",
        "they",
        "been",
        "more",
        "just",
        "also",
        "only",
    )
)


# ---------------------------------------------------------------- the real texts


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _polnear_items() -> list[dict[str, str]]:
    """PolNeAR dev, then train articles, with what metadata.tsv says about each."""
    import polnear

    meta: dict[str, dict[str, str]] = {}
    with contextlib.suppress(FileNotFoundError):
        path = polnear.default_root() / "metadata.tsv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                meta[row["filename"]] = row
    items = []
    for split in ("dev", "train"):
        for article in polnear.load(split):
            row = meta.get(article.name, {})
            item = {"text": article.text, "language": "en"}
            for key, column in (
                ("title", "title"),
                ("outlet", "publisher"),
                ("byline", "author"),
                ("published", "publication_date"),
            ):
                value = (row.get(column) or "").strip()
                if value and value != "None":
                    item[key] = value
            items.append(item)
    return items


def _semeval_items() -> list[dict[str, str]]:
    """The English texts of the SemEval-2022 dev pairs rated same-story, pair by pair."""
    import semeval

    pairs, texts = semeval.load()
    items, seen = [], set()
    for pair in pairs:
        if pair.languages != "en-en" or not pair.same:
            continue
        for key in (pair.id1, pair.id2):
            if key not in seen:
                seen.add(key)
                items.append({"text": texts[key][1], "language": "en"})
    return items


def document_sets(store_docs: int, ingest_docs: int) -> tuple[list[dict], list[dict]]:
    """(the store's texts, the concurrent ingest's texts), disjoint by normalised text."""
    semeval_items = _semeval_items()
    polnear_items = _polnear_items()
    seen: set[str] = set()

    def distinct(items: list[dict[str, str]]) -> Iterator[dict[str, str]]:
        for item in items:
            key = _norm(item["text"])
            if key and key not in seen:
                seen.add(key)
                yield item

    pool = distinct([*semeval_items, *polnear_items])
    store = [item for _, item in zip(range(store_docs), pool, strict=False)]
    ingest = [item for _, item in zip(range(ingest_docs), pool, strict=False)]
    return store, ingest


def write_jsonl(items: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- the store


def _rashomon(*args: str) -> list[str]:
    return [sys.executable, "-m", "rashomon.cli", *args]


def _seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) + sorted(FIXTURES.glob("*.txt"))


def store_key(items: list[dict[str, str]]) -> str:
    from rashomon import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in _seed_paths():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for item in items:
        digest.update(json.dumps(item, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def build_store(items: list[dict[str, str]], rebuild: bool) -> Path:
    """The cached store of the seeds, the fixtures and `items`; built by `rashomon ingest`
    in a temporary folder when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"store-{store_key(items)}.db"
    if cached.exists() and not rebuild:
        _say(f"store: cached {cached}")
        return cached
    with tempfile.TemporaryDirectory(prefix="rashomon-bench-serve-build-") as folder:
        work = Path(folder)
        jsonl = work / "store.jsonl"
        write_jsonl(items, jsonl)
        db = work / "store.db"
        paths = [str(p) for p in _seed_paths()] + [str(jsonl)]
        _say(f"store: ingesting {len(paths) - 1 + len(items)} documents (once; cached after)")
        started = time.perf_counter()
        done = subprocess.run(
            _rashomon("ingest", *paths, "--db", str(db), "--no-progress"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if not db.exists():
            raise SystemExit(f"building the store failed:\n{done.stderr}")
        summary = next((line for line in done.stderr.splitlines() if "stored" in line), "")
        _say(f"store: built in {time.perf_counter() - started:.0f} s. {summary.strip()}")
        copy_store(db, cached.with_suffix(".tmp"), journal="delete")
        cached.with_suffix(".tmp").replace(cached)
    return cached


def copy_store(source: Path, target: Path, journal: str = "wal") -> None:
    """A consistent copy of a SQLite store (WAL content included), by the backup API, in
    `journal` mode (the cached copy is "delete", so reading it leaves no -wal file)."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute(f"PRAGMA journal_mode = {journal}")
    finally:
        src.close()
        dst.close()


def _read_only(db: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout = 30000")
    return connection


def store_counts(db: Path) -> tuple[int, int]:
    with contextlib.closing(_read_only(db)) as connection:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        stories = connection.execute("SELECT count(*) FROM stories").fetchone()[0]
    return articles, stories


@dataclass
class Targets:
    stories: list[tuple[str, int]]  # (id, articles), the biggest first
    queries: list[str]

    def url(self, kind: str, rng: random.Random) -> str:
        if kind == STORY_PAGE:
            return f"/stories/{rng.choice(self.stories)[0]}"
        if kind == "api story":
            return f"/api/v1/stories/{rng.choice(self.stories)[0]}"
        if kind == "api stories":
            return "/api/v1/stories"
        if kind == "api search":
            return f"/api/v1/search?q={quote(rng.choice(self.queries))}"
        if kind == "search page":
            return f"/search?q={quote(rng.choice(self.queries))}"
        return "/healthz"


def targets_of(db: Path, rng: random.Random, queries: int = 500) -> Targets:
    with contextlib.closing(_read_only(db)) as connection:
        stories = connection.execute(
            "SELECT id, articles FROM stories ORDER BY articles DESC, id LIMIT ?", (TOP_STORIES,)
        ).fetchall()
        titles = [t for (t,) in connection.execute("SELECT title FROM articles") if t]
    if not stories:
        raise SystemExit(f"{db} holds no story")
    words = [[w for w in _TITLE_WORD.findall(title) if w.lower() not in _STOP] for title in titles]
    words = [w for w in words if w]
    if not words:
        raise SystemExit(f"{db}: no title has a word to search for")
    found = []
    for _ in range(queries):
        title = rng.choice(words)
        found.append(" ".join(rng.sample(title, min(len(title), rng.choice((1, 1, 2))))))
    return Targets([(s, n) for s, n in stories], found)


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A subprocess in its own process group (so its children stop with it), stderr to
    `log`."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=handle,
            start_new_session=True,
            cwd=ROOT,
        )


def stop(process: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    """SIGINT to the process's group, SIGKILL after `grace` seconds."""
    if process is None:
        return
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
    if group_members(process.pid):  # stray children of a finished leader: still our group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _stats_in_group(pgid: int) -> Iterator[list[str]]:
    """The /proc/PID/stat fields (from field 3, the state) of each process in a group."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5, pgrp
                yield fields


def group_members(pgid: int) -> int:
    """How many live (not zombie) processes a process group has."""
    return sum(fields[0] != "Z" for fields in _stats_in_group(pgid))


def wait_healthy(base: str, server: subprocess.Popen[bytes], log: Path, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return time.perf_counter() - started
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")


_CLK = os.sysconf("SC_CLK_TCK")


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system) of the live processes of a process group."""
    ticks = sum(int(f[11]) + int(f[12]) for f in _stats_in_group(pgid))  # utime, stime
    return ticks / _CLK


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot (all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / _CLK


def self_cpu() -> float:
    times = os.times()
    return times.user + times.system


# ---------------------------------------------------------------- load


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    messages: list[str] = field(default_factory=list)
    locked: int = 0
    bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def add(self, seconds: float, error: str | None, body: bytes = b"") -> None:
        self.latencies.append(seconds)
        self.bytes += len(body)
        if error is not None:
            self.errors += 1
            if LOCKED.encode() in body or LOCKED in error:
                self.locked += 1
            if len(self.messages) < ERROR_SAMPLES:
                self.messages.append(error)

    def quantile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.5) - 1))]


class HttpxClient:
    """httpx.AsyncClient with a pool of `connections` keep-alive connections."""

    def __init__(self, base: str, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.client = httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT)

    async def get(self, path: str) -> tuple[int, bytes]:
        response = await self.client.get(path)
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self.client.aclose()


class RawClient:
    """A minimal HTTP/1.1 GET client over asyncio streams: up to `connections` keep-alive
    connections, bodies by Content-Length or chunked. A fraction of httpx's CPU per request,
    which matters when the load generator shares two cores with the server."""

    def __init__(self, base: str, connections: int) -> None:
        address = base.removeprefix("http://")
        self.host, _, port = address.partition(":")
        self.port = int(port or 80)
        self.request_head = f"Host: {address}\r\nAccept-Encoding: identity\r\n\r\n"
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(connections)
        self.open: set[asyncio.StreamWriter] = set()

    async def get(self, path: str) -> tuple[int, bytes]:
        async with self.slots:
            return await asyncio.wait_for(self._get(path), TIMEOUT)

    async def _get(self, path: str) -> tuple[int, bytes]:
        while self.idle:  # a kept connection the server has closed meanwhile is dropped
            reader, writer = self.idle.pop()
            if reader.at_eof() or writer.is_closing():
                self._drop(writer)
                continue
            try:
                return await self._on(reader, writer, path)
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                # closed by the server's keep-alive timeout as the request went out: a GET is
                # safe to send again, on a new connection, as HTTP clients do
                if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                    raise
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        self.open.add(writer)
        return await self._on(reader, writer, path)

    async def _on(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
    ) -> tuple[int, bytes]:
        try:
            status, body, keep = await self._exchange(reader, writer, path)
        except BaseException:
            self._drop(writer)
            raise
        if keep:
            self.idle.append((reader, writer))
        else:
            self._drop(writer)
        return status, body

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
    ) -> tuple[int, bytes, bool]:
        writer.write(f"GET {path} HTTP/1.1\r\n{self.request_head}".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            body = b"".join(parts)
        else:
            return status, await reader.read(), False
        return status, body, headers.get("connection") != "close"

    def _drop(self, writer: asyncio.StreamWriter) -> None:
        self.open.discard(writer)
        writer.close()

    async def aclose(self) -> None:
        for writer in list(self.open):
            self._drop(writer)


Client = HttpxClient | RawClient
CLIENTS = {"httpx": HttpxClient, "raw": RawClient}


async def fetch(client: Client, url: str, stats: Stats) -> None:
    started = time.perf_counter()
    try:
        status, body = await client.get(url)
    except Exception as error:  # every failure is a result here
        stats.add(time.perf_counter() - started, f"{url}: {type(error).__name__}: {error}")
        return
    elapsed = time.perf_counter() - started
    if 200 <= status < 300:
        stats.add(elapsed, None, body)
    else:
        excerpt = body[:160].decode("utf-8", "replace").replace("\n", " ")
        stats.add(elapsed, f"{url}: HTTP {status} {excerpt}", body)


@contextlib.asynccontextmanager
async def client_of(kind: str, base: str, connections: int) -> AsyncIterator[Client]:
    client = CLIENTS[kind](base, connections)
    try:
        yield client
    finally:
        await client.aclose()


async def serial_pass(base: str, targets: Targets, seed: int, client_kind: str) -> dict[str, Stats]:
    """Warm-up, then each kind ANCHOR_REQUESTS times by one client: the unloaded costs."""
    rng = random.Random(seed)
    async with client_of(client_kind, base, 1) as client:
        for kind in KINDS:
            for _ in range(WARMUP_REQUESTS):
                await fetch(client, targets.url(kind, rng), Stats())
        results = {kind: Stats() for kind in KINDS}
        for _ in range(ANCHOR_REQUESTS):
            for kind in KINDS:
                await fetch(client, targets.url(kind, rng), results[kind])
    return results


@dataclass
class Timeline:
    """What the monitor saw: (seconds since the start, articles stored) once a second, and
    when the ingest exited."""

    counts: list[tuple[float, int]] = field(default_factory=list)
    ingest_exit: float | None = None
    ingest_cpu: float = 0.0  # the last CPU seconds seen of its process group


async def monitor(
    db: Path,
    ingest: subprocess.Popen[bytes] | None,
    started: float,
    end: float,
    timeline: Timeline,
) -> None:
    while True:
        now = time.perf_counter()
        with contextlib.suppress(sqlite3.Error):
            count = (await asyncio.to_thread(store_counts, db))[0]
            timeline.counts.append((now - started, count))
        if ingest is not None and timeline.ingest_exit is None:
            if ingest.poll() is None:
                used = await asyncio.to_thread(group_cpu, ingest.pid)
                timeline.ingest_cpu = max(timeline.ingest_cpu, used)
            else:
                timeline.ingest_exit = now - started
        if now >= end:
            return
        await asyncio.sleep(min(1.0, max(0.0, end - now)))


async def load(
    base: str,
    targets: Targets,
    args: argparse.Namespace,
    db: Path,
    ingest: subprocess.Popen[bytes] | None,
    timeline: Timeline,
) -> tuple[dict[str, Stats], float]:
    """`args.clients` tasks over one connection pool for `args.seconds`, each waiting a random
    think time (exponential, mean `args.think` s; 0: none) between its requests; (stats per
    kind, the wall time until the last request came back)."""
    results = {kind: Stats() for kind in KINDS}
    started = time.perf_counter()
    end = started + args.seconds

    async def one(index: int) -> None:
        rng = random.Random(args.seed * 1000 + index)
        kinds = list(KINDS)
        if args.think:  # spread the first requests over one think time
            await asyncio.sleep(rng.uniform(0, args.think))
        while True:
            rng.shuffle(kinds)
            for kind in kinds:
                if time.perf_counter() >= end:
                    return
                await fetch(client, targets.url(kind, rng), results[kind])
                if args.think:
                    pause = min(rng.expovariate(1 / args.think), end - time.perf_counter())
                    await asyncio.sleep(max(0.0, pause))

    async with client_of(args.client, base, args.clients) as client:
        watcher = asyncio.create_task(monitor(db, ingest, started, end, timeline))
        await asyncio.gather(*(one(i) for i in range(args.clients)))
        elapsed = time.perf_counter() - started
        await watcher
    return results, elapsed


# ---------------------------------------------------------------- report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _ratio(value: float, anchor: float) -> str:
    return f"{value / anchor:,.1f}x" if anchor > 0 else "n/a"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|---|" + "|".join("---:" for _ in head[1:]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def latency_table(results: dict[str, Stats], elapsed: float | None) -> str:
    anchor = results[ANCHOR]
    a50, a95 = anchor.quantile(0.5), anchor.quantile(0.95)
    head = ["endpoint", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"]
    head += ["p50 / healthz", "p95 / healthz", "KB / response"]
    if elapsed is not None:
        head.insert(2, "req/s")
    rows = []
    for kind in KINDS:
        s = results[kind]
        p50, p95, p99 = s.quantile(0.5), s.quantile(0.95), s.quantile(0.99)
        row = [kind, f"{s.requests:,}", str(s.errors), _ms(p50), _ms(p95), _ms(p99)]
        row += [_ratio(p50, a50), _ratio(p95, a95), f"{s.bytes / max(1, s.requests) / 1024:,.1f}"]
        if elapsed is not None:
            row.insert(2, f"{s.requests / elapsed:,.1f}")
        rows.append(row)
    return _table(head, rows)


def read_log(path: Path) -> str:
    return path.read_text("utf-8", errors="replace") if path.exists() else ""


def exceptions(log: str) -> list[str]:
    """The exception line ending each traceback of a log."""
    found, inside = [], False
    for line in log.splitlines():
        if line.startswith("Traceback"):
            inside = True
        elif inside and line and not line[0].isspace() and not line.startswith("During"):
            found.append(line)
            inside = False
    return found


def report(
    args: argparse.Namespace,
    setup: dict[str, object],
    unloaded: dict[str, Stats],
    results: dict[str, Stats],
    elapsed: float,
    timeline: Timeline,
    ingest: subprocess.Popen[bytes] | None,
    cpu: dict[str, float],
    logs: dict[str, str],
) -> bool:
    total = sum(s.requests for s in results.values())
    errors = sum(s.errors for s in results.values())
    locked_bodies = sum(s.locked for s in results.values())
    locked_logs = {name: text.count(LOCKED) for name, text in logs.items()}
    before = setup["articles"]
    counts = [c for _, c in timeline.counts]
    stored = (max(counts) if counts else before) - before
    first_write = next((t for t, c in timeline.counts if c > before), None)

    print()
    print(f"## Serving under load: {args.clients} clients, {args.seconds:.0f} s, loopback")
    print()
    print(
        f"Store: {setup['articles']:,} articles in {setup['stories']:,} stories; "
        f"the {len(setup['targets'].stories)} biggest stories hold "
        f"{setup['targets'].stories[0][1]}..{setup['targets'].stories[-1][1]} articles. "
        f"Server: `rashomon serve` ({setup['threads']}), up in {setup['startup']:.1f} s. "
        f"Concurrent ingest: {setup['ingest_docs']} documents, window "
        f"{setup['ingest_window']} ({', '.join(INGEST_WINDOW)}). Client: {args.client}, "
        + (f"think time {args.think:g} s (mean)." if args.think else "no think time.")
    )
    print()
    print(f"### Under load ({total:,} requests in {elapsed:.1f} s: {total / elapsed:,.1f} req/s)")
    print()
    print(latency_table(results, elapsed))
    print()
    print("### Anchor: /healthz, a static endpoint of the same server")
    print()
    h_loaded, h_idle = results[ANCHOR], unloaded[ANCHOR]
    print(
        _table(
            ["run", "requests", "p50 ms", "p95 ms", "p99 ms"],
            [
                [
                    "under load (same run)",
                    f"{h_loaded.requests:,}",
                    _ms(h_loaded.quantile(0.5)),
                    _ms(h_loaded.quantile(0.95)),
                    _ms(h_loaded.quantile(0.99)),
                ],
                [
                    "unloaded (1 client, no ingest)",
                    f"{h_idle.requests:,}",
                    _ms(h_idle.quantile(0.5)),
                    _ms(h_idle.quantile(0.95)),
                    _ms(h_idle.quantile(0.99)),
                ],
            ],
        )
    )
    print()
    print(f"### Unloaded: 1 client, {ANCHOR_REQUESTS} requests per kind, before the load")
    print()
    print(latency_table(unloaded, None))
    print()
    print("### The concurrent ingest")
    print()
    if ingest is None:
        state = "not run (--no-ingest)"
    elif timeline.ingest_exit is not None:
        state = f"finished at {timeline.ingest_exit:.1f} s (exit code {ingest.returncode})"
    else:
        state = "still running at the end of the window (then stopped)"
    when = f", the first at {first_write:.1f} s" if first_write is not None else ""
    print(f"- ingest {state}; it stored {stored} articles during the window{when}.")
    steps = []
    last = before
    for t, c in timeline.counts:
        if c != last:
            steps.append(f"{t:.0f} s: +{c - last}")
            last = c
    if steps:
        print(f"- commits seen (articles stored, by second): {', '.join(steps)}.")
    print()
    print(f"### CPU during the window ({os.cpu_count()} cores x {elapsed:.0f} s)")
    print()
    rows = [[name, f"{value:,.1f}", f"{value / elapsed:,.2f}"] for name, value in cpu.items()]
    print(_table(["process", "CPU s", "cores"], rows))
    print()
    print("### Errors")
    print()
    print(f"- errors: {errors} of {total:,} requests")
    for kind in KINDS:
        for message in results[kind].messages:
            print(f"  - {kind}: {message}")
    locked_total = locked_bodies + sum(locked_logs.values())
    print(
        f"- '{LOCKED}': {locked_bodies} in error bodies, "
        + ", ".join(f"{n} in the {name} stderr" for name, n in locked_logs.items())
    )
    for name, text in logs.items():
        found = exceptions(text)
        if found:
            print(f"- {name} stderr: {len(found)} tracebacks during the window:")
            for line in dict.fromkeys(found):
                print(f"  - {line[:200]}")
    print()
    story, anchor = results[STORY_PAGE], results[ANCHOR]
    ratio = story.quantile(0.95) / anchor.quantile(0.95) if anchor.latencies else float("nan")
    goal = ratio <= GOAL_RATIO
    clean = errors == 0 and locked_total == 0
    print(
        f"**Goal: story page p95 <= {GOAL_RATIO:.0f}x /healthz p95: "
        f"{_ms(story.quantile(0.95))} ms / {_ms(anchor.quantile(0.95))} ms = {ratio:.1f}x "
        f"-> {'PASS' if goal else 'FAIL'}.** "
        f"Zero errors and no '{LOCKED}': {'PASS' if clean else 'FAIL'}."
    )
    return goal and clean


# ---------------------------------------------------------------- profile


def profile_story_page(db: Path, stories: list[tuple[str, int]], rounds: int, top: int) -> None:
    """cProfile the story page's handler in this process (no HTTP, no threads), `rounds`
    times over `stories`, after one warm-up call each; prints each of the five biggest
    stories' time and page size, then the top functions."""
    import cProfile
    import io
    import pstats

    from starlette.requests import Request

    from rashomon.settings import Settings
    from rashomon.store import Store
    from rashomon.web import pages
    from rashomon.web.app import create_app

    settings = Settings()
    with Store(db, settings) as store:
        app = create_app(store, settings)
        route = next(r for r in pages.router.routes if getattr(r, "path", "") == STORY_ROUTE)

        def call(story_id: str) -> bytes:
            path = f"/stories/{quote(story_id, safe='')}"
            scope = {"type": "http", "app": app, "method": "GET", "path": path}
            scope |= {"headers": [], "query_string": b""}
            return route.endpoint(request=Request(scope), story_id=story_id).body  # type: ignore[attr-defined]

        for story_id, _ in stories:
            call(story_id)
        print()
        print(f"### Profile: the story page handler, in process ({rounds} x {len(stories)} pages)")
        print()
        rows = []
        for story_id, articles in stories[:5]:
            started = time.perf_counter()
            size = len(call(story_id))
            took = time.perf_counter() - started
            rows.append([story_id, str(articles), _ms(took), f"{size / 1024:,.0f}"])
        print(_table(["story", "articles", "ms", "KB"], rows))
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(rounds):
            for story_id, _ in stories:
                call(story_id)
        profiler.disable()
        each = (time.perf_counter() - started) / (rounds * len(stories))
        print()
        print(f"Mean {_ms(each)} ms a page under the profiler.")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(order).print_stats(top)
            lines = out.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if "ncalls" in line)
            print()
            print(f"```\n# by {order}\n" + "\n".join(lines[start:]).rstrip() + "\n```")


# ---------------------------------------------------------------- main


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--db", type=Path, help="use a copy of this store instead of building one")
    parser.add_argument("--store-docs", type=int, default=300, help="shared-data texts stored")
    parser.add_argument("--ingest-docs", type=int, default=300, help="texts ingested meanwhile")
    parser.add_argument(
        "--ingest-window", type=int, default=8, help="its annotate/store window (8)"
    )
    parser.add_argument("--no-ingest", action="store_true", help="no concurrent ingest")
    parser.add_argument("--threads", type=int, help="serve --threads (default: its default)")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers (1)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached store")
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="raw", help="load client (raw)"
    )
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause of a client between requests, s"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then cProfile the story page handler in process, ROUNDS x the biggest stories",
    )
    parser.add_argument("--seed", type=int, default=20240131)
    args = parser.parse_args()

    store_items, ingest_items = document_sets(args.store_docs, args.ingest_docs)
    if args.no_ingest:
        ingest_items = []
    source = args.db if args.db is not None else build_store(store_items, args.rebuild)
    if not source.exists():
        raise SystemExit(f"{source}: no such store")

    work = Path(tempfile.mkdtemp(prefix="rashomon-bench-serve-"))
    server = ingest = None
    try:
        db = work / "store.db"
        copy_store(source, db)
        ingest_jsonl = work / "ingest.jsonl"
        write_jsonl(ingest_items, ingest_jsonl)
        logs = {"server": work / "server.stderr", "ingest": work / "ingest.stderr"}
        rng = random.Random(args.seed)
        targets = targets_of(db, rng)
        articles, stories = store_counts(db)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = ["serve", "--db", str(db), "--port", str(port)]
        if args.threads:
            serve += ["--threads", str(args.threads)]
        if args.workers > 1:
            serve += ["--workers", str(args.workers)]
        server = start(_rashomon(*serve), logs["server"])
        startup = wait_healthy(base, server, logs["server"], timeout=120)
        _say(f"server: {base} up in {startup:.1f} s; unloaded pass")
        unloaded = asyncio.run(serial_pass(base, targets, args.seed, args.client))
        for kind in KINDS:
            if unloaded[kind].errors:
                _say(f"  warning: {kind}: {unloaded[kind].messages[0]}")

        window = [f"{name}={args.ingest_window}" for name in INGEST_WINDOW]
        ingest_command = _rashomon(
            *(part for setting in window for part in ("-s", setting)),
            "ingest",
            str(ingest_jsonl),
            "--db",
            str(db),
            "--no-progress",
        )
        _say(f"load: {args.clients} clients for {args.seconds:.0f} s, ingest running")
        busy0 = machine_busy()
        server0, me0 = group_cpu(server.pid), self_cpu()
        if ingest_items:
            ingest = start(ingest_command, logs["ingest"])
        timeline = Timeline()
        results, elapsed = asyncio.run(load(base, targets, args, db, ingest, timeline))
        if ingest is not None and ingest.poll() is None:
            timeline.ingest_cpu = max(timeline.ingest_cpu, group_cpu(ingest.pid))
        ingest_cpu = timeline.ingest_cpu
        server_cpu, me = group_cpu(server.pid) - server0, self_cpu() - me0
        machine = machine_busy() - busy0
        texts = {name: read_log(path) for name, path in logs.items()}  # before stopping
        stop(ingest)
        cpu = {
            "server": server_cpu,
            "ingest (as last seen)": ingest_cpu,
            "load generator": me,
            "other (rest of the machine)": max(0.0, machine - server_cpu - ingest_cpu - me),
            "machine busy": machine,
        }
        setup = {
            "articles": articles,
            "stories": stories,
            "targets": targets,
            "threads": (f"--threads {args.threads}" if args.threads else "default threads")
            + (f", --workers {args.workers}" if args.workers > 1 else ""),
            "startup": startup,
            "ingest_docs": len(ingest_items),
            "ingest_window": args.ingest_window,
        }
        ok = report(args, setup, unloaded, results, elapsed, timeline, ingest, cpu, texts)
        if args.profile:
            stop(server)
            profile_story_page(db, targets.stories, args.profile, top=25)
        return 0 if ok else 1
    finally:
        stop(ingest)
        stop(server)
        if args.keep:
            _say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
