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
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path("/tmp/rashomon-bench-warc")
SHARED = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared"))


def build(gigabytes: float) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = CACHE / f"archive-{gigabytes:g}g.warc.gz"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--part-bytes", type=int, default=128 << 20)
    parser.add_argument("--measure", choices=["whole", "parts"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.path), args.part_bytes)))
        return
    path = build(args.gigabytes)
    size = path.stat().st_size
    print(f"archive: {path} ({size / 1e9:.2f} GB)\n")
    rows = []
    for mode in ("parts", "whole"):
        command = [
            sys.executable,
            __file__,
            "--measure",
            mode,
            "--path",
            str(path),
            "--part-bytes",
            str(args.part_bytes),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode:
            rows.append({"mode": mode, "error": done.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
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
