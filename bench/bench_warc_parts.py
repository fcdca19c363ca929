"""A large WARC.gz read in parts (as `rashomon spark run` reads a file over
spark.split_bytes) beside the same file read whole (as binaryFiles hands it to a task): wall
time and peak memory of the process, and whether both give the same documents.

    .venv/bin/python bench/bench_warc_parts.py --gigabytes 1

The archive: every AEB page of the shared data ($RASHOMON_SHARED/data/extraction/aeb) as an
HTML response record, in order, interleaved with image/jpeg response records of random
bytes (incompressible, as images are) until the file reaches the size asked for; written once
under /tmp/rashomon-bench-warc/. Each mode runs in a fresh subprocess, one after the other;
peak memory is the subprocess's maximum resident set (getrusage). Parts are scanned and read
one after the other in that process (on Spark each is a task); what a task holds is what
one part's reading holds, so the parts' figure is an upper bound for one task.

    .venv/bin/python bench/bench_warc_parts.py --gigabytes 3 --job

--job runs the whole job on the archive instead of the two reading modes: the parts mode
first (for its document count), then, in a fresh subprocess, `rashomon.spark.job.session`
and `job.run` (what `rashomon spark run ARCHIVE --output TMPDIR --master local[2]` runs)
with -s stories.encoder_threads=1 and the JVM heap capped at 1 GB: in local mode the driver
JVM is the executor, so PYSPARK_SUBMIT_ARGS="--driver-memory 1g --conf
spark.executor.memory=1g pyspark-shell" (set before the JVM starts). The subprocess prints
the JVM's spark.driver.memory, spark.executor.memory and Runtime.maxMemory, so the cap is
checked, and the job's report (documents by outcome, articles, stories, seconds per stage).
Every 0.5 s the subprocess's process tree is read from /proc, each process's peak RSS kept:
printed are the wall time, the peak RSS of the JVM (java), of the driver's Python (the
subprocess), of pyspark's daemon and of the biggest Python worker (the daemon's forks, which
run the tasks), and whether the articles are the parts mode's documents. The job's log is
kept beside its output folder under /tmp.

The archive repeats the AEB pages (181 of them), so most of its pages have the bytes of an
earlier one, one content id, which the job processes once and records the others as
duplicates. --unique-pages builds another archive (archive-<N>g-unique.warc.gz) in which
every copy of a page ends with an HTML comment of its own number, so that the job cleans,
annotates and embeds every page (its copies are then near-copies, folded into their
original's story).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path("/tmp/rashomon-bench-warc")
SHARED = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared"))
HEAP = "1g"  # --job: the JVM heap (driver = executor in local mode)
MASTER = "local[2]"
JOB_SETTINGS = ["stories.encoder_threads=1"]
EVERY = 0.5  # seconds between two looks at the job's process tree


def build(gigabytes: float, unique: bool = False) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = CACHE / f"archive-{gigabytes:g}g{'-unique' if unique else ''}.warc.gz"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    pages = sorted((SHARED / "data/extraction/aeb/html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no AEB pages under {SHARED} (set RASHOMON_SHARED)")
    rng = random.Random(1)
    target = int(gigabytes * 1e9)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        n = 0
        while out.tell() < target:
            if n % 2 == 0:
                body, kind = gzip.decompress(pages[(n // 2) % len(pages)].read_bytes()), "text/html"
                if unique:  # its own bytes, so its own content id (an HTML comment, no text)
                    body += f"\n<!-- copy {n // 2} -->\n".encode()
                uri = f"https://aeb.example/{n // 2}"
            else:
                body, kind = rng.randbytes(rng.randint(200_000, 2_000_000)), "image/jpeg"
                uri = f"https://img.example/{n}.jpg"
            http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)
            n += 1
    tmp.rename(path)
    return path


def measure(mode: str, path: Path, part_bytes: int) -> dict:
    """Run in a subprocess: read the archive in `mode` and print its figures as JSON."""
    from rashomon.ingest.warc_index import plan_parts
    from rashomon.settings import Settings
    from rashomon.spark import work

    values = dict(Settings())
    start = time.perf_counter()
    ids: list[str] = []
    if mode == "whole":
        found = work.read_input("r", 0, str(path), path.read_bytes(), values)
        items = [i for i in found if isinstance(i, work.Item)]
        parts = 1
    else:
        size = path.stat().st_size
        scans = [work.scan_slice(s) for s in work.slices_of(str(path), size, part_bytes, True)]
        planned = plan_parts(scans, size, part_bytes)
        parts = len(planned)
        items = [
            i
            for p in planned
            for i in work.read_part("r", 0, str(path), str(path), p, values)
            if isinstance(i, work.Item)
        ]
    ids = [i.raw.origin + " " + i.raw.id if i.raw else i.source for i in items]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "seconds": seconds,
        "peak_mb": peak,
        "documents": len(ids),
        "parts": parts,
        "digest": hash(tuple(ids)),
    }


def run_job(path: Path, output: str) -> dict:
    """Run in a subprocess: the whole Spark job on the archive, as `rashomon spark run`."""
    from rashomon.settings import Settings
    from rashomon.spark import job

    settings = Settings.load(None, JOB_SETTINGS)
    start = time.perf_counter()
    spark = job.session(MASTER)
    sc = spark.sparkContext
    conf = sc.getConf()
    heap = {
        "driver_memory": conf.get("spark.driver.memory", None),
        "executor_memory": conf.get("spark.executor.memory", None),
        "max_heap_mb": sc._jvm.java.lang.Runtime.getRuntime().maxMemory() / 2**20,
    }
    print(json.dumps({"heap": heap}), flush=True)
    try:
        report = job.run(spark, [str(path)], output, settings)
    finally:
        spark.stop()
    return {
        "seconds": time.perf_counter() - start,
        **heap,
        "report": json.loads(report.as_json()),
        "missing": report.missing[:5],
    }


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, RSS MB) of every process /proc shows."""
    page = os.sysconf("SC_PAGE_SIZE") / 2**20
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            line = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command's name
        table[int(entry.name)] = (
            int(fields[1]),
            line.decode(errors="replace"),
            int(fields[21]) * page,
        )
    return table


def _kind(pid: int, root: int, table: dict[int, tuple[int, str, float]]) -> str:
    parent, line, _ = table[pid]
    if pid == root:
        return "driver python"
    if line.split(" ")[0].endswith("java"):
        # Spark's JVM; not spark-class's launcher, nor a fork of the JVM about to run a
        # command (it shows the JVM's line and resident pages until it does)
        forked = table.get(parent, (0, "", 0))[1].split(" ")[0].endswith("java")
        return "other" if forked or "org.apache.spark.launcher.Main" in line else "jvm"
    if "pyspark.daemon" in line or "pyspark/daemon" in line:
        daemon = table.get(parent, (0, "", 0))[1]
        return "python worker" if "daemon" in daemon else "pyspark daemon"
    return "other"


def measure_job(path: Path) -> dict:
    """The job in a subprocess with the heap capped, its process tree sampled from /proc."""
    output = tempfile.mkdtemp(prefix="rashomon-warcjob-")
    log = Path(output + ".log")
    command = [sys.executable, __file__, "--measure", "job", "--path", str(path)]
    command += ["--output", output]
    submit = f"--driver-memory {HEAP} --conf spark.executor.memory={HEAP} pyspark-shell"
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYSPARK_SUBMIT_ARGS": submit}
    peaks: dict[int, tuple[str, float]] = {}  # pid -> kind, peak RSS MB
    lines_of: dict[int, str] = {}  # pid -> its command line
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        while process.poll() is None:
            table = _processes()
            tree, grew = {process.pid}, True
            while grew:
                more = {p for p, (parent, _, _) in table.items() if parent in tree} - tree
                tree |= more
                grew = bool(more)
            for pid in tree & table.keys():
                kind, peak = peaks.get(pid, ("other", 0.0))
                if table[pid][1]:  # the last line seen: an exiting process has none
                    lines_of[pid] = table[pid][1][:160]
                    kind = _kind(pid, process.pid, table)
                peaks[pid] = (kind, max(peak, table[pid][2]))
            time.sleep(EVERY)
    wall = time.perf_counter() - start
    lines = log.read_text(errors="replace").splitlines()
    result: dict = {}
    for line in lines:
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                result.update(json.loads(line))
    result.update(wall=wall, code=process.returncode, log=str(log), output=output)
    every = [(pid, k, round(mb), lines_of.get(pid, "")) for pid, (k, mb) in sorted(peaks.items())]
    Path(output + ".processes.json").write_text(json.dumps(every, indent=1))
    for kind in ("jvm", "driver python", "pyspark daemon", "python worker", "other"):
        mine = [mb for k, mb in peaks.values() if k == kind]
        result[kind] = (max(mine) if mine else None, len(mine))
    if process.returncode:
        result["error"] = lines[-30:]
    return result


def show_job(path: Path, size: int, part_bytes: int) -> None:
    parts = _subprocess("parts", path, part_bytes)
    print(
        f"parts mode (reading only): {parts.get('documents')} documents, {parts.get('parts')} parts"
    )
    print(f"job: {MASTER}, heap {HEAP}, -s {' -s '.join(JOB_SETTINGS)}\n")
    r = measure_job(path)
    heap = r.get("heap", {})
    print(
        f"spark.driver.memory={heap.get('driver_memory')} "
        f"spark.executor.memory={heap.get('executor_memory')} "
        f"JVM Runtime.maxMemory={heap.get('max_heap_mb', 0):.0f} MB"
    )
    print(f"log: {r['log']} (each process's peak: {r['output']}.processes.json)")
    print(f"output: {r['output']}; exit code {r['code']}")
    value, n = r["other"]
    print(f"other processes in the tree: {n}, biggest peak {value or 0:,.0f} MB\n")
    report = r.get("report", {})
    outcomes = report.get("outcomes", [])
    documents = sum(n for _, _, n in outcomes)
    print(
        "| wall s | documents | articles | stories | JVM max heap MB | peak RSS MB: JVM | "
        "driver python | pyspark daemon | biggest python worker (of n) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")

    def mb(kind: str) -> str:
        value, n = r[kind]
        return "-" if value is None else f"{value:,.0f}" + (f" (of {n})" if n > 1 else "")

    print(
        f"| {r['wall']:.0f} | {documents if report else '-'} | {report.get('articles', '-')} | "
        f"{report.get('stories', '-')} | {heap.get('max_heap_mb', 0):.0f} | {mb('jvm')} | "
        f"{mb('driver python')} | {mb('pyspark daemon')} | {mb('python worker')} |"
    )
    if outcomes:
        print(
            "\noutcomes: "
            + ", ".join(f"{o}/{why}: {n}" if why else f"{o}: {n}" for o, why, n in outcomes)
        )
        print("stage seconds: " + json.dumps(report.get("seconds", {})))
    if report:
        same = report.get("articles") == parts.get("documents")
        print(f"articles = parts-mode documents ({parts.get('documents')}): {same}")
    if "error" in r:
        print("\nthe job failed; the end of its log:\n" + "\n".join(r["error"]))


def _subprocess(mode: str, path: Path, part_bytes: int) -> dict:
    """One reading mode in a fresh subprocess: its figures, or the end of its error."""
    command = [
        sys.executable,
        __file__,
        "--measure",
        mode,
        "--path",
        str(path),
        "--part-bytes",
        str(part_bytes),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        return {"mode": mode, "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--part-bytes", type=int, default=128 << 20)
    parser.add_argument(
        "--job", action="store_true", help="run the whole Spark job with a 1 GB JVM heap"
    )
    parser.add_argument(
        "--unique-pages",
        action="store_true",
        help="end every page copy with its own HTML comment (another archive file)",
    )
    parser.add_argument("--measure", choices=["whole", "parts", "job"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure == "job":
        print(json.dumps(run_job(Path(args.path), args.output)))
        return
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.path), args.part_bytes)))
        return
    path = build(args.gigabytes, args.unique_pages)
    size = path.stat().st_size
    print(f"archive: {path} ({size / 1e9:.2f} GB)\n")
    if args.job:
        show_job(path, size, args.part_bytes)
        return
    rows = [_subprocess(mode, path, args.part_bytes) for mode in ("parts", "whole")]
    print("| mode | parts | documents | seconds | MB/s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['mode']} | failed: {r['error']} | | | | |")
            continue
        rate = size / 1e6 / r["seconds"]
        print(
            f"| {r['mode']} | {r['parts']} | {r['documents']} | {r['seconds']:.1f} | "
            f"{rate:.0f} | {r['peak_mb']:.0f} |"
        )
    good = [r for r in rows if "digest" in r]
    if len(good) == 2:
        print(f"\nsame documents and origins: {good[0]['digest'] == good[1]['digest']}")


if __name__ == "__main__":
    main()
