"""How far the Spark job's stories drift from the local ones when the corpus is cut into
blocks, measured in-process on the bench_spark corpus without starting Spark.

    .venv/bin/python bench/bench_spark_blocks.py                  # block_docs 300 (4 blocks)
    .venv/bin/python bench/bench_spark_blocks.py --block-docs 300 --block-docs 600

Why: `rashomon spark run` clusters each block of days with the local `StoryIndex` and joins
the blocks on the driver; a corpus that fits one block gets exactly the local stories, more
blocks drift. bench_spark.py measures that end to end (a Spark run and a local run, minutes
each); this runs the same story stage in one process, so a change to how blocks are joined is
measured in seconds.

Corpus: bench_spark.py's (every distinct real document of the shared data in its seeded
order, packed into the same 16 WARC.gz files). The document stages are run once, as the
executors run them (`work.read_input`, the first of each content id kept, `work.learn_part`
merged, `work.process_part`), names shared twice over the corpus as the job shares them, and
the annotated records are cached under /tmp (keyed by the WARC folder).

The story stage (`place`) is `job._place` with each Spark operation done in Python: features
and corpus rarity, the near copies (`band_keys`, `bucket_pairs`, `fold_copies`), the blocks
(`Blocks.of`, `block_keys`, `job._floats`' choice of blocks for undated reports),
`cluster_block` per block, `job.merge_blocks`, then `work.reconcile` when asked. The local
stories are the same stage with one block (`spark.block_docs` above the corpus), which is
the local pipeline's clustering (bench_spark.py found all 1,490 stories equal).

Printed per block size: blocks, stories, and the articles whose story (as a set of members)
differs from the local one; with and without reconciliation (when the code has it), and, to
check a threshold chosen on one half, on each half of the articles (by a hash of the origin).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_spark  # noqa: E402
import numpy as np  # noqa: E402

from rashomon.settings import Settings  # noqa: E402
from rashomon.spark import job, work  # noqa: E402


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the document stages


def processed(values: dict[str, Any], files: int) -> list[work.Processed]:
    """The annotated records of the bench corpus with names shared twice, cached."""
    docs, _ = bench_spark.corpus(0, 2000, bench_spark.SEED)
    folder, paths = bench_spark.write_warcs(docs, files)
    cache = folder / "processed.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    started = time.perf_counter()
    items: list[work.Item] = []
    for number, path in enumerate(paths):
        for found in work.read_input("run", number, path.name, path.read_bytes(), values):
            if isinstance(found, work.Item) and found.raw is not None:
                items.append(found)
    firsts: dict[str, work.Item] = {}
    for item in sorted(items, key=lambda i: i.order):
        assert item.raw is not None
        firsts.setdefault(item.raw.id, item)
    todo = sorted(firsts.values(), key=lambda i: i.order)
    templates = work.learn_part(todo, values)[0] if values["clean.text.learn_first"] else None
    records = [p for p in work.process_part(todo, values, templates) if p.vector is not None]
    _say(f"{len(records)} annotated of {len(todo)} ({time.perf_counter() - started:.0f} s)")
    for _ in range(2):
        records = _share_names(records)
    cache.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
    return records


def _share_names(records: list[work.Processed]) -> list[work.Processed]:
    from rashomon.annotate.corpus import rewrite

    resolver = work.resolver_part(work.doc_of(p) for p in records)[0]
    return [
        work.Processed(
            p.order,
            p.source,
            work.with_record(p.result, rewrite(work.doc_of(p), resolver)),
            p.vector,
        )
        for p in records
    ]


# ---------------------------------------------------------------- the story stage


def place(
    records: list[work.Processed], values: dict[str, Any], reconcile: bool = True
) -> tuple[dict[str, str], dict[str, str] | None, float]:
    """Origin -> story key as `job._place` gives it, in one process: as the blocks are merged
    today, then reconciled (None when not asked, or one block); the seconds reconciling took."""
    from rashomon.stories import features_for
    from rashomon.stories.cluster import Rarity

    settings = Settings(values)
    window = int(settings["stories.window_days"])
    pairs = [(p, features_for([work.doc_of(p)], settings)[0]) for p in records]
    rarity = Rarity()
    for _, found in pairs:
        rarity.count(found)
    copies = _near_copies(pairs, settings)
    originals = [pair for pair in pairs if pair[1].source not in copies]
    per_day = Counter(f.published.toordinal() for _, f in originals if f.published is not None)
    blocks = work.Blocks.of(per_day, max(1, int(settings["spark.block_docs"])))
    floating = _floats(originals, rarity, blocks, settings)
    grouped: dict[str, list[work.Member]] = defaultdict(list)
    for p, found in originals:
        doc = work.doc_of(p)
        key = work.clustering_key(doc)
        floats = floating.get(doc.article.origin, ())
        for block, home in work.block_keys(key, blocks, window, floats):
            grouped[block].append(
                work.Member(key, doc.article.origin, doc.article.id, found, work.vector_of(p), home)
            )
    placings = []
    for block, members in grouped.items():
        placings.extend(work.cluster_block(block, members, values, rarity))
    placed = job.merge_blocks(placings)
    today = _stories(placed, copies, len(blocks))
    if not reconcile or len(blocks) < 2:
        return today, None, 0.0
    started = time.perf_counter()  # as `job._reconcile`, in one process
    held: dict[str, list[tuple[str, work.Member]]] = defaultdict(list)
    for p, found in originals:
        doc = work.doc_of(p)
        key = work.clustering_key(doc)
        home = work.block_keys(key, blocks, window)[0][0]
        member = work.Member(key, found.source, doc.article.id, found, work.vector_of(p), True)
        held[placed[found.source].story].append((home, member))
    sketches = [work.Sketch.of(story, members) for story, members in held.items()]
    links = work.reconcile(sketches, work.Joining.of(values), rarity)
    joined = _stories(job.link_stories(placed, links), copies, len(blocks))
    return today, joined, time.perf_counter() - started


def _stories(placed: dict[str, Any], copies: dict[str, Any], blocks: int) -> dict[str, str]:
    stories = {origin: place.story for origin, place in placed.items()}
    for copy, (original, _) in copies.items():
        stories[copy] = stories[original]
    stories["\0blocks"] = str(blocks)
    return stories


def _near_copies(pairs: list[tuple[work.Processed, Any]], settings: Settings) -> dict[str, Any]:
    from datasketch import MinHashLSH

    threshold = float(settings["stories.duplicate_jaccard"])
    ranges = list(
        MinHashLSH(threshold=threshold, num_perm=int(settings["stories.num_perm"])).hashranges
    )
    limit = max(1, int(settings["spark.copy_candidates"]))
    buckets: dict[Any, list[work.Signed]] = defaultdict(list)
    for p, found in pairs:
        if found.signature is None:
            continue
        doc = work.doc_of(p)
        hashes = np.asarray(found.signature.hashvalues, np.uint64)
        signed = work.Signed(work.clustering_key(doc), doc.article.origin, doc.article.id, hashes)
        for key in work.band_keys(signed, ranges):
            buckets[key].append(signed)
    alike = [
        a for members in buckets.values() for a in work.bucket_pairs(members, threshold, limit)
    ]
    return work.fold_copies(alike)


def _floats(
    originals: list[tuple[work.Processed, Any]],
    rarity: Any,
    blocks: work.Blocks,
    settings: Settings,
) -> dict[str, list[str]]:
    """`job._floats` in Python."""
    postings = int(settings["stories.postings"])
    most = max(0, int(settings["spark.undated_blocks"]))
    if most == 0 or len(blocks) <= 1:
        return {}
    undated = [f for _, f in originals if f.published is None]
    if len(blocks) <= most:
        every = [blocks.name(i) for i in range(len(blocks))]
        return {f.source: every for f in undated}
    named: dict[str, set[str]] = defaultdict(set)
    for _, f in originals:
        if f.published is not None:
            for name in f.names:
                named[name].add(blocks.of_day(f.published.toordinal()))
    chosen = {}
    for f in undated:
        scores: Counter[str] = Counter()
        for name in sorted(f.names):
            if 2 <= rarity.name_df[name] <= postings:
                for block in named.get(name, ()):
                    scores[block] += rarity.name_weight(name)
        if scores:
            ranked = sorted((-s, b) for b, s in scores.items())
            chosen[f.source] = [b for _, b in ranked[:most]]
    return chosen


# ---------------------------------------------------------------- comparing


def moved(local: dict[str, str], other: dict[str, str], origins: set[str]) -> int:
    """Articles of `origins` whose story, as a set of members, differs between the two."""

    def members(stories: dict[str, str]) -> dict[str, frozenset[str]]:
        groups: dict[str, set[str]] = defaultdict(set)
        for origin, story in stories.items():
            if not origin.startswith("\0"):
                groups[story].add(origin)
        return {o: frozenset(g) for g in groups.values() for o in g}

    a, b = members(local), members(other)
    return sum(a[o] != b[o] for o in origins)


def half(origin: str) -> int:
    return zlib.crc32(origin.encode()) & 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--block-docs", type=int, action="append", default=[])
    parser.add_argument("--files", type=int, default=16, help="WARC files (bench_spark's)")
    parser.add_argument("--setting", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--dump", type=Path, help="pickle every placement here")
    args = parser.parse_args()
    sizes = args.block_docs or [300]
    settings = Settings.load(overrides=args.setting, use_default_file=False)
    values = job._executor_settings(settings)
    records = processed(values, args.files)
    origins = {work.doc_of(p).article.origin for p in records}
    halves = [{o for o in origins if half(o) == h} for h in (0, 1)]
    started = time.perf_counter()
    local, _, _ = place(records, {**values, "spark.block_docs": 10**9}, reconcile=False)
    stories = len(set(v for k, v in local.items() if not k.startswith("\0")))
    print(
        f"{len(origins)} articles, {stories} local stories ({time.perf_counter() - started:.1f} s)"
    )
    dumped: dict[str, dict[str, str]] = {"local": local}
    for size in sizes:
        started = time.perf_counter()
        today, joined, took = place(records, {**values, "spark.block_docs": size})
        blocks = today["\0blocks"]
        print(f"block_docs {size}: {blocks} dated blocks ({time.perf_counter() - started:.1f} s)")
        for name, got in (("as today", today), ("reconciled", joined)):
            if got is None:
                continue
            dumped[f"{size}:{name}"] = got
            count = len(set(v for k, v in got.items() if not k.startswith("\0")))
            print(
                f"  {name}: {count} stories, {moved(local, got, origins)} of {len(origins)} "
                f"articles in another story than locally (halves {moved(local, got, halves[0])}"
                f" / {moved(local, got, halves[1])})"
            )
        print(f"  reconciling took {took:.1f} s")
    if args.dump:
        args.dump.write_bytes(pickle.dumps(dumped))


if __name__ == "__main__":
    main()
