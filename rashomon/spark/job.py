"""`rashomon spark run`: the pipeline on Apache Spark, over web archives and folders.

The same stage code as the local pipeline (`rashomon.spark.work`), wired into Spark:

1. **Inputs.** The driver lists the input files through Hadoop's FileSystem (any filesystem
   Spark reads) and leaves out those the manifest says are done (same URI, size and
   modification time). The rest are processed `spark.files_per_run` files at a time; each
   such run is committed on its own, so an interrupted job loses at most one run's work.
2. **Document stages, per run** (`mapPartitions`): files are read with Spark's
   `binaryFiles` and split into documents by the local readers; identical documents (one
   content id) are processed once, the first by input order across every run, the others
   recorded as duplicates; outlets' page templates are learned from the run's plain-text
   documents (partial counts merged on the driver, then broadcast), and every document is
   cleaned, annotated and its lead embedded. The run's results are saved (pickled records,
   and apart, the content ids it processed, which later runs read to skip repeats),
   then the manifest names its files: a run without both is ignored and done again.
3. **Corpus stages, over every committed run.** Names are shared across the corpus (the
   resolver's counts merged from every partition, twice, as the local pipeline resolves a
   window and then the corpus); near-identical copies are found corpus-wide (MinHash bands
   as keys, a `groupByKey` per bucket, the pairs folded on the driver) and join their
   original's story; the other reports are clustered per block of publication days
   (`groupByKey`, the local `StoryIndex` in each, corpus-wide word and name rarity
   broadcast), blocks overlapping by `stories.window_days` and stories that share a report
   merged on the driver; the undated reports are then placed in one task after the dated
   reports sharing their names, put back in their merged stories, as the local index adds
   undated reports last; each story is then built and compared (`groupByKey` per story,
   the local `story_of` and `compare_story`).
4. **Output.** The tables of `rashomon.store.tables` are Delta Lake tables
   (`rashomon.spark.delta_tables`): executors write each table's new Parquet files into a folder
   of their own inside it, then the driver commits each table's new version, one overwrite
   commit each (delta-rs), so a reader sees the old version or the new one, never part of a
   write; a marker names the runs they cover, so a re-run with no new input does nothing.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from rashomon import plan
from rashomon.errors import RashomonError, Reason
from rashomon.model import Doc, Outcome, Result
from rashomon.settings import Settings
from rashomon.spark import delta_tables, reading, state, work
from rashomon.spark.hadoop import Files, Listed, display_name, escape_path
from rashomon.store import tables

__all__ = ["JobError", "Report", "run", "session"]

log = logging.getLogger(__name__)

WORK = "_work"
RUNS = f"{WORK}/runs"
MANIFEST = f"{WORK}/manifest"
STAGING = f"{WORK}/staging"
MARKER = f"{WORK}/tables.json"
JOBS = f"{WORK}/jobs"
SUCCESS = "_SUCCESS"
UNDATED = work.UNDATED


@dataclass(frozen=True, slots=True)
class Place:
    """Where the corpus stages put one article: its story (a key until the story is
    built), and the article it is a near-identical copy of (origin and id), if any."""

    story: str
    copy_of: str | None = None
    copy_id: str | None = None
    score: float | None = None  # the same-story score that placed it in its block


class JobError(RashomonError):
    """The job cannot run as asked (no input found, an unusable output folder)."""


@dataclass
class Report:
    """What a job did: files read and skipped, inputs by outcome and reason, stories."""

    files: int = 0
    files_skipped: int = 0
    runs: int = 0
    new_runs: list[str] = field(default_factory=list)
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    missing: list[tuple[str, str]] = field(default_factory=list)
    articles: int = 0
    stories: int = 0
    tables_written: bool = False
    incremental: bool = False  # the tables were added to, not built whole
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the wall time of the block to `seconds[stage]`."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

    def as_json(self) -> str:
        return json.dumps(
            {
                "files": self.files,
                "files_skipped": self.files_skipped,
                "runs": self.new_runs,
                "outcomes": [[o, r, n] for (o, r), n in sorted(self.outcomes.items())],
                "articles": self.articles,
                "stories": self.stories,
                "tables_written": self.tables_written,
                "incremental": self.incremental,
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            }
        )


# ---------------------------------------------------------------------- the session


def session(master: str | None = None, app: str = "rashomon") -> Any:
    """A SparkSession: the one spark-submit made, or a new one on `master` (local[N]) with
    the Python of this process on the executors."""
    from pyspark.sql import SparkSession

    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    builder = SparkSession.builder.appName(app)
    if not submitted:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        builder = (
            builder.master(master or "local[*]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.python.worker.reuse", "true")
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------------- the job


def run(
    spark: Any, inputs: Sequence[str], output: str, settings: Settings, rebuild: bool = False
) -> Report:
    """Process `inputs` into the tables under `output`, resuming what earlier jobs began:
    the new runs are added to the stories the earlier jobs built (`increment`), or with
    `rebuild` (or no state to resume from) the corpus stages run over every committed run."""
    files = Files(spark)
    out = files.qualified(output).rstrip("/")
    report = Report()
    listed = _list_inputs(files, inputs, report)
    done = _manifest(spark, files, out)
    todo = [f for f in listed if done.get(f.uri) != (f.size, f.modified)]
    report.files, report.files_skipped = len(todo), len(listed) - len(todo)
    _drop_unfinished(files, out)
    per_run = max(1, settings.spark.files_per_run)
    for start in range(0, len(todo), per_run):
        chunk = todo[start : start + per_run]
        with report.timed("documents"):
            report.new_runs.append(_document_run(spark, files, out, chunk, settings))
        report.runs += 1
    runs = _committed_runs(files, out)
    if not runs or (not rebuild and _up_to_date(files, out, runs, report)):
        return report
    _write_corpus(spark, files, out, runs, settings, report, rebuild)
    return report


def _write_corpus(
    spark: Any,
    files: Files,
    out: str,
    runs: list[str],
    settings: Settings,
    report: Report,
    rebuild: bool,
) -> None:
    """The corpus stages (incremental, or whole), the tables, the state and the marker."""
    from rashomon.spark import increment  # given this module, whose stages it reuses

    tag = _new_tag()
    marker = _marker(files, out)
    added = [] if rebuild else increment.adding(marker, runs)
    if added:
        increment.extend(
            sys.modules[__name__], spark, files, out, marker, added, settings, report, tag
        )
        kept = [*marker["state"], tag]
    else:
        _corpus(spark, files, out, runs, settings, report, tag)
        kept = [tag]
    report.incremental = bool(added)
    written = [tag, *marker.get("tables", [])[:1]]  # this write, the one before
    counts = {"runs": runs, "articles": report.articles, "stories": report.stories}
    marker = {**counts, "tables": written, "state": kept}
    files.write_text(f"{out}/{MARKER}", json.dumps(marker))
    delta_tables.prune(files, out, written)
    state.prune(files, out, kept)
    report.tables_written = True
    files.write_text(f"{out}/{JOBS}/{_stamp()}.json", report.as_json() + "\n")


def _up_to_date(files: Files, out: str, runs: list[str], report: Report) -> bool:
    """Whether the tables are there and cover exactly the committed runs (then the report
    takes their counts from the marker)."""
    marker = _marker(files, out)
    logs = (f"{out}/{t}/_delta_log" for t in tables.TABLES)  # tables older jobs wrote as Parquet
    if marker.get("runs") != runs or not all(files.exists(log) for log in logs):  # are rebuilt
        return False
    report.articles = int(marker.get("articles", 0))
    report.stories = int(marker.get("stories", 0))
    return True


def _marker(files: Files, out: str) -> dict[str, Any]:
    """What the last complete write of the tables recorded: the runs they cover, their
    counts, the tags of that write and the one before (none when unreadable: the tables are
    then rebuilt)."""
    text = files.read_text(f"{out}/{MARKER}")
    try:
        marker = json.loads(text) if text else {}
    except ValueError:
        return {}
    return marker if isinstance(marker, dict) else {}


def _executor_settings(settings: Settings) -> dict[str, Any]:
    """The settings executors run with: Spark gives the parallelism (a task is one core), so
    a task never starts worker processes (spaCy's n_process, the pipeline's workers) or
    encoder threads of its own."""
    values = dict(settings)
    values["annotate.n_process"] = 1
    values["pipeline.workers"] = 1
    values["stories.encoder_threads"] = 1
    return values


def _list_inputs(files: Files, inputs: Sequence[str], report: Report) -> list[Listed]:
    found: dict[str, Listed] = {}
    for item in inputs:
        listed, missing = files.expand(item)
        if missing:
            report.missing.append((item, missing))
        for entry in listed:
            found.setdefault(entry.uri, entry)
    if not found and report.missing:
        reasons = "; ".join(f"{item}: {why}" for item, why in report.missing)
        raise JobError(f"no input files found ({reasons})")
    return list(found.values())


def _manifest(spark: Any, files: Files, out: str) -> dict[str, tuple[int, int]]:
    """Input URI -> (size, modified) of every file a committed run processed."""
    done: dict[str, tuple[int, int]] = {}
    for name in files.children(f"{out}/{MANIFEST}"):
        if not name.endswith(".jsonl"):
            continue  # a manifest still being written (.partial)
        text = files.read_text(f"{out}/{MANIFEST}/{name}")
        for line in (text or "").splitlines():
            if line.strip():
                entry = json.loads(line)
                done[entry["uri"]] = (int(entry["size"]), int(entry["modified"]))
    return done


def _committed_runs(files: Files, out: str) -> list[str]:
    """Runs whose results and manifest were both written, in the order they ran."""
    names = files.children(f"{out}/{MANIFEST}")
    manifests = {name.removesuffix(".jsonl") for name in names if name.endswith(".jsonl")}
    return [
        name
        for name in files.children(f"{out}/{RUNS}")
        if name in manifests
        and files.exists(f"{out}/{RUNS}/{name}/records/{SUCCESS}")
        and files.exists(f"{out}/{RUNS}/{name}/ids/{SUCCESS}")
    ]


def _drop_unfinished(files: Files, out: str) -> None:
    """Remove what an interrupted job left half written (a run without its manifest, table
    files no commit names); committed runs and table versions are never touched."""
    committed = set(_committed_runs(files, out))
    for name in files.children(f"{out}/{RUNS}"):
        if name not in committed:
            files.delete(f"{out}/{RUNS}/{name}")
    files.delete(f"{out}/{STAGING}")  # what jobs before Delta staged
    marker = _marker(files, out)
    delta_tables.prune(files, out, marker.get("tables", []))
    state.prune(files, out, marker.get("state", []))


def _stamp() -> str:
    """The UTC time to the microsecond, as names that sort by time begin."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


def _new_tag() -> str:
    """The name of one write of the tables: its UTC time first, so names sort by time."""
    return f"{_stamp()}-{uuid.uuid4().hex[:6]}"


def _new_run_name() -> str:
    return f"run-{_new_tag()}"


def _partitions(spark: Any, settings: Settings) -> int:
    wanted = settings.spark.partitions
    return wanted if wanted > 0 else 4 * spark.sparkContext.defaultParallelism


# ---------------------------------------------------------------------- document stages


def _document_run(
    spark: Any, files: Files, out: str, chunk: list[Listed], settings: Settings
) -> str:
    """Read, clean and annotate one run's files; save the results, then the manifest.
    Returns the run's name."""
    sc = spark.sparkContext
    run_name = _new_run_name()
    values = _executor_settings(settings)
    names = {f.uri: display_name(f.uri) for f in chunk}
    documents, reads, held = reading.read(sc, chunk, run_name, values, _partitions(spark, settings))
    firsts = _first_by_content(spark, files, out, documents)
    todo, repeats = _split_repeats(documents, firsts, _partitions(spark, settings))
    todo = todo.persist(reading.memory_and_disk())
    templates = sc.broadcast(_learn_templates(sc, todo, values))
    processed = todo.mapPartitions(lambda part: work.process_part(part, values, templates.value))
    everything = processed.union(repeats)
    everything.saveAsPickleFile(f"{out}/{RUNS}/{run_name}/records")
    firsts_here = todo.map(lambda i: (i.raw.id, (i.order, i.raw.origin)))
    firsts_here.saveAsPickleFile(f"{out}/{RUNS}/{run_name}/ids")
    _write_manifest(files, out, run_name, chunk, reads, names)
    for rdd in held:
        rdd.unpersist()
    todo.unpersist()
    return run_name


def _first_by_content(spark: Any, files: Files, out: str, documents: Any) -> Any:
    """(content id, (order, origin)) of the first input document with each content, over
    the committed runs and this one."""
    sc = spark.sparkContext
    new = documents.filter(lambda i: i.raw is not None).map(
        lambda i: (i.raw.id, (i.order, i.raw.origin))
    )
    earlier = _earlier_documents(sc, files, out)
    if earlier is not None:
        new = new.union(earlier)
    return new.reduceByKey(lambda a, b: a if a[0] <= b[0] else b)


def _earlier_documents(sc: Any, files: Files, out: str) -> Any:
    """(content id, (order, origin)) of every document the committed runs processed, read
    from their small id files rather than their records."""
    runs = _committed_runs(files, out)
    if not runs:
        return None
    return _load_runs(sc, out, runs, "ids")


def _load_runs(sc: Any, out: str, runs: Sequence[str], part: str = "records") -> Any:
    """Every run's saved `part`, in as many tasks as one run's (not one task per file of
    every run, which made each day's job slower than the one before)."""
    found = sc.pickleFile(",".join(escape_path(f"{out}/{RUNS}/{r}/{part}") for r in runs))
    return found.coalesce(4 * sc.defaultParallelism)


def _split_repeats(documents: Any, firsts: Any, partitions: int) -> tuple[Any, Any]:
    """The documents to process (the first of each content, spread over `partitions`) and
    the Processed records of the rest: failed reads, and duplicates of an earlier input."""
    failed = documents.filter(lambda i: i.raw is None).map(
        lambda i: work.Processed(i.order, i.source, i.failed)
    )
    keyed = documents.filter(lambda i: i.raw is not None).map(lambda i: (i.raw.id, i))
    joined = keyed.join(firsts)
    todo = joined.filter(lambda kv: kv[1][0].order == kv[1][1][0]).map(lambda kv: kv[1][0])
    duplicates = joined.filter(lambda kv: kv[1][0].order != kv[1][1][0]).map(
        lambda kv: _duplicate(kv[1][0], kv[1][1][1])
    )
    return todo.repartition(partitions), failed.union(duplicates)


def _duplicate(item: work.Item, first_origin: str) -> work.Processed:
    assert item.raw is not None
    detail = f"same content as {first_origin}"
    result = Result(item.raw.origin, Outcome.SKIPPED, Reason.DUPLICATE, detail, item.raw.id)
    return work.Processed(item.order, item.source, result)


def _learn_templates(sc: Any, todo: Any, values: dict[str, Any]) -> Any:
    """The run's page templates: learned per partition, merged here, sent to every task."""
    settings = Settings(values)
    if not settings.clean.text.learn_first:
        return None
    merged = plan.templates(settings)
    for part in todo.mapPartitions(lambda part: work.learn_part(part, values)).collect():
        merged.merge(part)
    merged.learning = False
    return merged


def _write_manifest(
    files: Files,
    out: str,
    run_name: str,
    chunk: Sequence[Listed],
    reads: Sequence[work.FileRead],
    names: dict[str, str],
) -> None:
    by_name = {r.source: r for r in reads}
    lines = []
    for entry in chunk:
        read = by_name.get(names[entry.uri])
        lines.append(
            json.dumps(
                {
                    "uri": entry.uri,
                    "size": entry.size,
                    "modified": entry.modified,
                    "sha256": read.sha256 if read else None,
                    "documents": read.documents if read else 0,
                    "run": run_name,
                }
            )
        )
    files.write_text(f"{out}/{MANIFEST}/{run_name}.jsonl", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------- corpus stages


def _corpus(
    spark: Any,
    files: Files,
    out: str,
    runs: Sequence[str],
    settings: Settings,
    report: Report,
    tag: str,
) -> state.Corpus:
    """Every corpus stage over every committed run (a full build); returns the corpus state
    it saved for the incremental jobs after it."""
    sc = spark.sparkContext
    values = _executor_settings(settings)
    records = _load_runs(sc, out, runs).repartition(_partitions(spark, settings))
    records = records.persist(reading.memory_and_disk())
    _count_outcomes(records, report)
    docs = records.filter(lambda p: isinstance(p.result.record, Doc))
    with report.timed("names"):
        once, first = share_names(sc, docs, plan.resolver())
        docs, second = share_names(sc, once, plan.resolver())
        report.articles = docs.count()
        once.unpersist()
    with report.timed("stories"):
        placed, with_features, rarity = _place(sc, docs, values)
        copies = _exact_copies(records, docs)
    with report.timed("compare"):
        stories = _stories(sc, docs, placed, copies, values).persist(reading.memory_and_disk())
        report.stories = stories.count()
    with report.timed("write"):
        story_of = story_ids(stories)
        _write_tables(spark, files, out, records, docs, placed, stories, story_of, tag)
    with report.timed("state"):
        ids = {placed[o].story: s for o, s in story_of.items() if o in placed}
        corpus = state.Corpus((first, second), rarity, copies, ids, 0, report.articles)
        state.save(sc, out, tag, with_features, docs, placed, corpus)
    for rdd in (records, docs, stories, with_features):
        rdd.unpersist()
    return corpus


def _count_outcomes(records: Any, report: Report) -> None:
    """Count the outcomes of the records of this job's own runs into the report."""
    new = set(report.new_runs)
    counted = records.filter(lambda p: p.order[0] in new)
    report.outcomes.update(
        counted.map(lambda p: (str(p.result.outcome), p.result.reason)).countByValue()
    )


def story_ids(stories: Any) -> dict[str, str]:
    """Origin -> story id, for every member (exact copies included) of the built stories."""
    members = stories.flatMap(lambda built: [(o, built[0].id) for o in built[0].articles])
    return dict(members.collect())


def share_names(sc: Any, docs: Any, merged: Any) -> tuple[Any, Any]:
    """The docs with names shared across the corpus, and the resolver that shared them:
    every partition's resolver counts merged on the driver into `merged` (empty, or the
    counts of the reports an earlier job shared), which is broadcast and asked for each doc.
    The docs are persisted, as the next pass reads them twice (counts, then rewrite)."""
    parts = docs.map(lambda p: p.result.record).mapPartitions(work.resolver_part)
    for part in parts.collect():  # partitions counted in parallel, merged here
        merged.merge(part)
    shared = sc.broadcast(merged)
    return docs.map(
        lambda p: work.Processed(
            p.order,
            p.source,
            work.with_record(p.result, plan.rewrite(p.result.record, shared.value)),
            p.vector,
        )
    ).persist(reading.memory_and_disk()), merged


def _place(sc: Any, docs: Any, values: dict[str, Any]) -> tuple[dict[str, Place], Any, Any]:
    """Origin -> its Place (story key, the report it copies) for every article: each block
    of days clustered by the local index, stories sharing a report across blocks merged,
    then the undated reports placed after them (`_undated`). Also the docs with their
    features (persisted) and the corpus's rarity, which the state keeps."""
    settings = Settings(values)
    window = settings.stories.window_days

    def members(pair: tuple[work.Processed, Any]) -> Iterator[tuple[str, work.Member]]:
        p, found = pair
        doc = work.doc_of(p)
        key = work.clustering_key(doc)
        origin, ident = doc.article.origin, doc.article.id
        for block, home in work.block_keys(key, blocks.value, window):
            yield block, work.Member(key, origin, ident, found, work.vector_of(p), home)

    with_features = featured(docs, values)
    rarity = count_rarity(with_features, plan.rarity())
    shared = sc.broadcast(rarity)
    copies = sc.broadcast(_near_copies(with_features, settings))
    originals = with_features.filter(lambda pair: pair[1].source not in copies.value)
    days = originals.filter(lambda pair: pair[1].published is not None)
    per_day = days.map(lambda pair: pair[1].published.toordinal()).countByValue()
    blocks = sc.broadcast(work.Blocks.of(per_day, max(1, settings.spark.block_docs)))
    one = len(blocks.value) <= 1  # one block: undated reports end it, exactly as locally
    placings = (
        (originals if one else days)
        .flatMap(members)
        .groupByKey()
        .flatMap(lambda kv: work.cluster_block(kv[0], kv[1], values, shared.value))
        .collect()
    )
    placed = merge_blocks(placings)
    if not one:
        placed.update(_undated(sc, originals, placed, shared, values))
    for copy, (original, original_id) in copies.value.items():
        placed[copy] = Place(placed[original].story, original, original_id)
    return placed, with_features, rarity


def featured(docs: Any, values: dict[str, Any]) -> Any:
    """(Processed, its Features) of every doc, persisted."""
    settings = Settings(values)
    return docs.map(lambda p: (p, plan.features([work.doc_of(p)], settings)[0])).persist(
        reading.memory_and_disk()
    )


def count_rarity(with_features: Any, rarity: Any) -> Any:
    """`rarity` with the words and names of every report counted in (per partition, merged
    here)."""
    counts = with_features.map(lambda pair: pair[1]).mapPartitions(work.rarity_part)
    for part in counts.collect():
        rarity.merge(part)
    return rarity


def _undated(
    sc: Any, originals: Any, placed: dict[str, Place], rarity: Any, values: dict[str, Any]
) -> dict[str, Place]:
    """Origin -> Place of every undated report, placed after the dated blocks are merged,
    as the local index places undated reports after every dated one: one task holds the
    undated reports and, put back in their merged stories, the dated reports sharing a name
    the undated ones are looked up by (`work.asked_names`); those are the candidates the
    local index would find through names (through a vector band alone it could find others:
    those are missed)."""

    def member(pair: tuple[work.Processed, Any], home: bool) -> tuple[str, work.Member]:
        p, found = pair
        doc = work.doc_of(p)
        key = work.clustering_key(doc)
        held = work.Member(key, doc.article.origin, doc.article.id, found, work.vector_of(p), home)
        return UNDATED, held

    undated = originals.filter(lambda pair: pair[1].published is None)
    names = undated.flatMap(lambda pair: work.asked_names(pair[1], rarity.value, values))
    asked = sc.broadcast(set(names.distinct().collect()))
    context = originals.filter(
        lambda pair: pair[1].published is not None and not asked.value.isdisjoint(pair[1].names)
    )
    stories = sc.broadcast({origin: (p.story, p.score) for origin, p in placed.items()})
    block = undated.map(lambda pair: member(pair, True)).union(
        context.map(lambda pair: member(pair, False))
    )
    found = (
        block.groupByKey()
        .flatMap(lambda kv: work.cluster_undated(kv[1], stories.value, values, rarity.value))
        .collect()
    )
    return {p.origin: Place(story, p.copy_of, p.copy_id, p.score) for story, p in found}


def _near_copies(with_features: Any, settings: Settings) -> dict[str, tuple[str, str]]:
    """Copy origin -> (original origin, id) over the whole corpus: MinHash signatures banded
    into keys as the local index bands them, the pairs of each bucket at least
    `stories.duplicate_jaccard` alike, folded on the driver in clustering order."""
    from datasketch import MinHashLSH

    threshold = settings.stories.duplicate_jaccard
    lsh = MinHashLSH(threshold=threshold, num_perm=settings.stories.num_perm)
    ranges = list(lsh.hashranges)
    limit = max(1, settings.spark.copy_candidates)

    def signed(pair: tuple[work.Processed, Any]) -> list[work.Signed]:
        p, found = pair
        if found.signature is None:
            return []
        doc = work.doc_of(p)
        hashes = np.asarray(found.signature.hashvalues, np.uint64)
        return [work.Signed(work.clustering_key(doc), doc.article.origin, doc.article.id, hashes)]

    buckets = (
        with_features.flatMap(signed)
        .flatMap(lambda s: [(key, s) for key in work.band_keys(s, ranges)])
        .groupByKey()
    )
    pairs = buckets.flatMap(lambda kv: work.bucket_pairs(kv[1], threshold, limit))
    return work.fold_copies(pairs.collect())


def merge_blocks(placings: Iterable[work.Placing]) -> dict[str, Place]:
    """Origin -> Place, from every block's placings. A dated report placed in two blocks (its
    home and, as context, a later one) makes their two stories one. An undated report
    placed in several blocks (the job no longer floats them: bench_spark_blocks.py still
    measures it) keeps the story it fits best, and the stories it started join it. Each
    report keeps what the block that decided its story said of it being a near-identical
    copy."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(nodes: Sequence[tuple[str, int]]) -> None:
        roots = sorted({find(node) for node in nodes})
        for root in roots[1:]:
            parent[root] = roots[0]

    by_origin: dict[str, list[work.Placing]] = defaultdict(list)
    for placing in placings:
        by_origin[placing.origin].append(placing)
    chosen: dict[str, work.Placing] = {}
    for origin, found in by_origin.items():
        keep = _kept(found)
        chosen[origin] = keep[0]
        union([(p.block, p.story) for p in keep])
    placed = {}
    for origin, placing in chosen.items():
        root = find((placing.block, placing.story))
        placed[origin] = Place(
            f"{root[0]}:{root[1]}", placing.copy_of, placing.copy_id, placing.score
        )
    return placed


def _kept(found: Sequence[work.Placing]) -> list[work.Placing]:
    """The placings of one report that decide its story, the one saying where it is first.

    A dated report: all of them, its home first. An undated report: the story it fits best
    where it joined one, plus every story it started (the undated reports that joined it
    there follow it)."""
    if not any(p.block == UNDATED for p in found):
        return sorted(found, key=lambda p: not p.home)
    joined = sorted(
        (p for p in found if p.joined is not None), key=lambda p: (-(p.joined or 0.0), p.block)
    )
    started = sorted((p for p in found if p.joined is None), key=lambda p: not p.home)
    return joined[:1] + started


def _exact_copies(records: Any, docs: Any) -> dict[str, list[tuple[str, str]]]:
    """First origin -> its (copy origin, first origin) pairs, in input order: inputs that
    repeat an article byte for byte (processed once), found by content id as the local
    pipeline finds them, to be listed in their original's story."""
    repeats = records.filter(lambda p: p.result.reason == Reason.DUPLICATE).map(
        lambda p: (p.result.id, (p.order, p.result.origin))
    )
    firsts = docs.map(lambda p: (p.result.id, p.result.origin))
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, ((_, origin), first) in sorted(repeats.join(firsts).collect(), key=lambda kv: kv[1]):
        found[first].append((origin, first))
    return dict(found)


def _stories(
    sc: Any,
    docs: Any,
    placed: dict[str, Place],
    copies: dict[str, list[tuple[str, str]]],
    values: dict[str, Any],
) -> Any:
    """(Story, Comparison) of every story: its members grouped by story key, then built and
    compared by the local code."""
    where = sc.broadcast(placed)
    repeats = sc.broadcast(copies)

    def keyed(p: work.Processed) -> tuple[str, tuple[Doc, str | None, float | None]]:
        doc = work.doc_of(p)
        place = where.value[doc.article.origin]
        return place.story, (doc, place.copy_of, place.score)

    def built(group: tuple[str, Iterable[tuple[Doc, str | None, float | None]]]) -> Any:
        members = list(group[1])
        exact = [
            pair for doc, _, _ in members for pair in repeats.value.get(doc.article.origin, [])
        ]
        story, comparison = work.build_and_compare(members, values, exact)
        days = [d.article.published.isoformat() for d, _, _ in members if d.article.published]
        return story, comparison, days

    return docs.map(keyed).groupByKey().map(built)


# ---------------------------------------------------------------------- output


def _write_tables(
    spark: Any,
    files: Files,
    out: str,
    records: Any,
    docs: Any,
    placed: dict[str, Place],
    stories: Any,
    story_ids: dict[str, str],
    tag: str,
) -> None:
    """Every table written, then committed as its new version (`delta_tables.write`)."""
    rows = table_rows(spark.sparkContext, records, docs, placed, stories, story_ids)
    frames = {name: spark.createDataFrame(rdd, tables.SCHEMAS[name]) for name, rdd in rows.items()}
    delta_tables.write(spark, files, out, frames, tag)


def table_rows(
    sc: Any,
    records: Any,
    docs: Any,
    placed: dict[str, Place],
    stories: Any,
    story_ids: dict[str, str],
) -> dict[str, Any]:
    """Each table's rows (an RDD of tuples in its schema's order) of these records, docs
    and built stories."""
    story_of = sc.broadcast(story_ids)
    where = sc.broadcast(placed)

    def article(p: work.Processed) -> tuple[Any, ...]:
        from rashomon.compare import outlet_of

        doc = work.doc_of(p)
        copy_id = where.value[doc.article.origin].copy_id
        story = story_of.value.get(doc.article.origin)
        return tables.article_row(doc, p.source, outlet_of(doc).name, story, copy_id)

    rows = {
        "articles": docs.map(article),
        "annotations": docs.map(lambda p: tables.annotation_row(p.result.record, p.vector)),
        "inputs": records.map(lambda p: tables.input_row(p.result, p.source, p.order[0])),
        "stories": stories.map(lambda built: tables.story_row(*built)),
        "comparisons": stories.map(lambda built: tables.comparison_row(built[1])),
        "claim_groups": stories.flatMap(lambda built: tables.claim_group_rows(built[1])),
    }
    return rows
