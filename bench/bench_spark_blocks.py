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
(`Blocks.of`, `block_keys`), `cluster_block` per block, `job.merge_blocks`, then the
undated pass (`job._undated`: `work.asked_names`, `work.cluster_undated`); beside it, the
stage as it was before the undated pass (each undated report also floating in every dated
block, at most 8, chosen as the job's `_floats` chose them, and `merge_blocks` keeping the
story it fits best), so today's figure comes from the same run. The local
stories are the same stage with one block (`spark.block_docs` above the corpus), which is
the local pipeline's clustering (bench_spark.py found all 1,490 stories equal).

Printed per block size: blocks, stories, and the articles whose story (as a set of members)
differs from the local one, for both methods, over all articles and over each half of them
(by a CRC of the origin: a change tuned on one half is checked on the other).
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

UNDATED_BLOCKS = 8  # the setting spark.undated_blocks had, when undated reports floated


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


def place(records: list[work.Processed], values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Origin -> story key as the story stage gives it, in one process, by method: `today`,
    the stage as it was (undated reports floating in the dated blocks, `merge_blocks`), and
    `undated pass`, `job._place` now (the dated blocks merged, then the undated reports
    placed after them against the dated reports sharing their names). With one block, the
    one clustering (`local`)."""
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

    def members(chosen, floating) -> dict[str, list[work.Member]]:
        grouped: dict[str, list[work.Member]] = defaultdict(list)
        for p, found in chosen:
            key = work.clustering_key(work.doc_of(p))
            floats = floating.get(found.source, ())
            for block, home in work.block_keys(key, blocks, window, floats):
                member = work.Member(
                    key, found.source, found.article_id, found, work.vector_of(p), home
                )
                grouped[block].append(member)
        return grouped

    def clustered(grouped: dict[str, list[work.Member]]) -> dict[str, Any]:
        placings = []
        for block, held in grouped.items():
            placings.extend(work.cluster_block(block, held, values, rarity))
        return job.merge_blocks(placings)

    if len(blocks) == 1:
        return {"local": _stories(clustered(members(originals, {})), copies, 1)}
    found = {}
    timed: dict[str, float] = {}
    started = time.perf_counter()
    today = clustered(members(originals, _floats(originals, rarity, blocks, settings)))
    timed["today"] = time.perf_counter() - started
    found["today"] = _stories(today, copies, len(blocks))
    started = time.perf_counter()
    dated = [pair for pair in originals if pair[1].published is not None]
    placed = clustered(members(dated, {}))
    placed.update(_undated(originals, placed, values, rarity))
    timed["undated pass"] = time.perf_counter() - started
    found["undated pass"] = _stories(placed, copies, len(blocks))
    found["\0seconds"] = timed  # type: ignore[assignment]
    return found


def _undated(originals, placed, values, rarity) -> dict[str, Any]:
    """`job._undated` in one process."""
    undated = [pair for pair in originals if pair[1].published is None]
    asked = {n for _, f in undated for n in work.asked_names(f, rarity, values)}
    block = [
        work.Member(work.clustering_key(work.doc_of(p)), f.source, f.article_id, f,
                    work.vector_of(p), f.published is None)
        for p, f in originals
        if f.published is None or not asked.isdisjoint(f.names)
    ]  # fmt: skip
    stories = {origin: (p.story, p.score) for origin, p in placed.items()}
    return {
        p.origin: job.Place(story, p.copy_of, p.copy_id, p.score)
        for story, p in work.cluster_undated(block, stories, values, rarity)
    }


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
    """The dated blocks each undated report floated in, as the job chose them before the
    undated pass (its `_floats`, in Python)."""
    postings = int(settings["stories.postings"])
    most = UNDATED_BLOCKS
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
    local = place(records, {**values, "spark.block_docs": 10**9})["local"]
    stories = len(set(v for k, v in local.items() if not k.startswith("\0")))
    print(
        f"{len(origins)} articles, {stories} local stories ({time.perf_counter() - started:.1f} s)"
    )
    dumped: dict[str, dict[str, str]] = {"local": local}
    for size in sizes:
        found = place(records, {**values, "spark.block_docs": size})
        timed = found.pop("\0seconds")
        blocks = found["today"]["\0blocks"]
        print(f"block_docs {size}: {blocks} dated blocks")
        for name, got in found.items():
            dumped[f"{size}:{name}"] = got
            count = len(set(v for k, v in got.items() if not k.startswith("\0")))
            print(
                f"  {name}: {count} stories, {moved(local, got, origins)} of {len(origins)} "
                f"articles in another story than locally (halves {moved(local, got, halves[0])}"
                f" / {moved(local, got, halves[1])}; {timed[name]:.1f} s)"
            )
    if args.dump:
        args.dump.write_bytes(pickle.dumps(dumped))


if __name__ == "__main__":
    main()
