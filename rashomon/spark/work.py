"""What Spark's executors run: the local stage code, one partition (or one group) at a time.

Nothing here imports pyspark, so every function is tested on its own and the job
(`rashomon.spark.job`) only wires them into Spark. Each function takes the settings as a
plain dict (what Spark ships to executors) and uses the same code the local pipeline runs:
`read_stream` for files, `Pipeline` and `annotate_results` for cleaning and annotating,
and the plan's steps (`rashomon.plan`: resolver, rarity, story_index, describe, compare)
for the corpus stages. The models
(spaCy, the sentence encoder) are loaded by those modules once per Python process and kept,
so an executor's Python worker loads them on its first record, never per record.

A document that fails becomes a row with its outcome and reason; a failure of the code on a
whole file is recorded against the file. No exception leaves these functions for a bad
document, so a Spark task never fails for one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

import numpy as np

from rashomon import plan
from rashomon.errors import EmptyInput, InputError, Reason
from rashomon.model import Comparison, Doc, Outcome, RawDoc, Result, Story
from rashomon.settings import Settings

__all__ = [
    "FileRead",
    "Item",
    "PartRead",
    "Slice",
    "empty_archive",
    "open_input",
    "read_part",
    "scan_slice",
    "slices_of",
    "Alike",
    "Member",
    "Placing",
    "Processed",
    "band_keys",
    "Blocks",
    "block_keys",
    "bucket_pairs",
    "build_and_compare",
    "asked_names",
    "cluster_block",
    "cluster_undated",
    "clustering_key",
    "fold_copies",
    "learn_part",
    "process_part",
    "rarity_part",
    "read_input",
    "resolver_part",
    "Signed",
]

log = logging.getLogger(__name__)

Order = tuple[str, int, int]
"""Where an input document stands among all inputs: (run, file number, document number)."""

ClusteringKey = tuple[bool, int, str]
"""The local clustering order: undated last, then publication day, then origin."""

UNDATED = "undated"
"""The block every undated report is at home in."""


@dataclass(frozen=True, slots=True)
class FileRead:
    """One input file as read: its name, size, content hash and how many documents it held."""

    source: str
    size: int
    sha256: str | None  # None for a file read in parts
    documents: int


@dataclass(frozen=True, slots=True)
class Item:
    """One input document as ingested: a RawDoc, or the Result of a document that failed."""

    order: Order
    source: str
    raw: RawDoc | None = None
    failed: Result | None = None


@dataclass(frozen=True, slots=True)
class Processed:
    """One input document after the document stages: its Result (the Doc when it ended ok)
    and, for an annotated article, its lead vector."""

    order: Order
    source: str
    result: Result
    vector: np.ndarray | None = None


# ---------------------------------------------------------------------- reading


def read_input(
    run: str, number: int, source: str, data: bytes, values: dict[str, Any]
) -> Iterator[FileRead | Item]:
    """The documents of one input file (its bytes as Spark read them), each an Item, then a
    FileRead for the manifest. An empty file, or one that holds no document, is recorded as
    failed; a crash of the reader on the file is recorded with the documents read so far."""
    settings = Settings(values)
    from rashomon.ingest.files import read_stream

    count = 0
    try:
        stream = read_stream(
            io.BytesIO(data), source, settings, None, name=posixpath.basename(source)
        )
        for count, found in enumerate(stream, 1):
            yield _item(run, number, count, source, found)
    except Exception as error:  # a reader bug must not fail the task: record it
        log.exception("reading %s crashed", source)
        count += 1
        detail = f"internal error while reading: {type(error).__name__}: {error}"
        failed = Result(source, Outcome.FAILED, Reason.INTERNAL_ERROR, detail)
        yield Item((run, number, count), source, failed=failed)
    if count == 0:
        count = 1
        empty = EmptyInput(source, "the file holds no document")
        yield Item((run, number, 1), source, failed=_failed(empty, None))
    yield FileRead(source, len(data), hashlib.sha256(data).hexdigest(), count)


@dataclass(frozen=True, slots=True)
class Slice:
    """Bytes [start, end) of a large WARC input to scan for its records' starts (a plain
    WARC is walked whole, as one slice)."""

    uri: str
    start: int
    end: int
    size: int
    gzipped: bool


@dataclass(frozen=True, slots=True)
class PartRead:
    """One part of a large WARC input as read: how many documents (or errors) it gave."""

    source: str
    start: int
    documents: int


def slices_of(uri: str, size: int, part_bytes: int, gzipped: bool) -> list[Slice]:
    """The slices a large WARC input is scanned in: about `part_bytes` each when gzipped,
    the whole file when plain (its records are found by skipping their content)."""
    from rashomon.ingest.warc_index import slices

    cuts = slices(size, part_bytes) if gzipped else [(0, size)]
    return [Slice(uri, start, end, size, gzipped) for start, end in cuts]


def scan_slice(piece: Slice) -> Any:
    """The record starts found in one slice (a `warc_index.Scan`)."""
    from rashomon.ingest.warc_index import scan_gzip, scan_plain

    with open_input(piece.uri) as stream:
        if piece.gzipped:
            return scan_gzip(stream, piece.start, piece.end)
        return scan_plain(stream, piece.size)


def read_part(
    run: str, number: int, source: str, uri: str, part: Any, values: dict[str, Any]
) -> Iterator[PartRead | Item]:
    """The documents of one part of a large WARC input (whole records, `warc_index.Part`),
    numbered as reading the whole file numbers them, then a PartRead. A failure of the
    reader is recorded against the part, as `read_input` records it against a file."""

    settings = Settings(values)
    told = 0
    try:
        with open_input(uri) as raw:
            for count, found in _part_records(raw, source, part, settings):
                told += 1
                yield _item(run, number, count, source, found)
    except Exception as error:  # a reader bug (or a file gone) must not fail the task
        log.exception("reading %s from byte %d crashed", source, part.start)
        told += 1
        detail = (
            f"internal error while reading from byte {part.start}: {type(error).__name__}: {error}"
        )
        failed = Result(f"{source}#{part.first}", Outcome.FAILED, Reason.INTERNAL_ERROR, detail)
        yield Item((run, number, part.first + 1), source, failed=failed)
    yield PartRead(source, part.start, told)


def _part_records(
    raw: Any, source: str, part: Any, settings: Settings
) -> Iterator[tuple[int, RawDoc | InputError]]:
    """(document number, document) of a part: by record number for whole records; a part
    that is the whole file (no record start found in it) is read as `read_input` reads a
    file, whatever it turns out to hold."""
    from rashomon.ingest.files import read_stream
    from rashomon.ingest.warc import read_records
    from rashomon.ingest.warc_index import Window

    if part.whole:
        name = posixpath.basename(source)
        yield from enumerate(read_stream(raw, source, settings, None, name=name), 1)
        return
    window = io.BufferedReader(Window(raw, part.start, part.end), 1 << 16)
    for index, found in read_records(window, source, settings, part.first):
        if index >= part.skip:
            yield index + 1, found


def empty_archive(run: str, number: int, source: str) -> Item:
    """The Item of a large WARC input none of whose parts held a page."""
    from rashomon.ingest.warc import empty_message

    return Item((run, number, 1), source, failed=_failed(EmptyInput(source, empty_message()), None))


def open_input(uri: str) -> Any:
    """A seekable binary file for an input URI: a local file directly; HDFS, S3 (s3a:// is
    read as s3://) and GCS through pyarrow's filesystems, which the executors' Python has."""
    from rashomon.spark.hadoop import display_name

    if uri.startswith("file:") or "://" not in uri:
        return open(display_name(uri), "rb")
    from pyarrow import fs

    if uri.startswith("s3a://") or uri.startswith("s3n://"):
        uri = "s3://" + uri.split("://", 1)[1]
    filesystem, path = fs.FileSystem.from_uri(uri)
    return filesystem.open_input_file(path)


def _item(run: str, number: int, count: int, source: str, found: RawDoc | InputError) -> Item:
    order = (run, number, count)
    if isinstance(found, InputError):
        return Item(order, source, failed=_failed(found, None))
    return Item(order, source, raw=found)


def _failed(error: InputError, doc_id: str | None) -> Result:
    return Result(error.source, Outcome.FAILED, error.reason, error.message, doc_id)


# ---------------------------------------------------------------------- cleaning, annotating


def learn_part(items: Iterable[Item], values: dict[str, Any]) -> list[Any]:
    """A TemplateStore learned from this partition's plain-text documents (each distinct
    document once: the job gives each content id to one partition), to be merged."""
    settings = Settings(values)
    store = plan.templates(settings)
    for item in items:
        raw = item.raw
        if raw is None:
            continue
        try:
            plan.learn_templates(raw, settings, store)
        except InputError:
            continue  # reported when the document is cleaned for real
        except Exception:  # learning is best effort; the real clean records the failure
            log.exception("learning templates crashed on %s", raw.origin)
    return [store]


def process_part(
    items: Iterable[Item], values: dict[str, Any], templates: Any
) -> Iterator[Processed]:
    """Clean and annotate a partition's documents as the local pipeline does (the same
    Pipeline and annotate_results), and embed the leads of those annotated, in chunks of
    `spark.chunk` documents so a partition never sits whole in memory."""
    from rashomon.pipeline import Pipeline, annotate_results

    settings = Settings(values)
    if templates is not None:
        templates.learning = False
    pipeline = Pipeline(settings, ["clean"], templates=templates)
    size = max(1, settings.spark.chunk)
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        cleaned = [_clean(pipeline, item) for item in chunk]
        results = list(annotate_results(cleaned, settings))
        docs = [r.record for r in results if isinstance(r.record, Doc)]
        vectors = iter(plan.embed(docs, settings)) if docs else iter(())
        for item, result in zip(chunk, results, strict=True):
            vector = next(vectors) if isinstance(result.record, Doc) else None
            yield Processed(item.order, item.source, result, vector)


def doc_of(processed: Processed) -> Doc:
    """The Doc of a document that was annotated (the corpus stages see only those)."""
    doc = processed.result.record
    if not isinstance(doc, Doc):
        raise TypeError(f"{processed.result.origin} has no annotated document")
    return doc


def vector_of(processed: Processed) -> np.ndarray:
    """The lead vector of a document that was annotated."""
    if processed.vector is None:
        raise TypeError(f"{processed.result.origin} has no lead vector")
    return processed.vector


def _clean(pipeline: Any, item: Item) -> Result:
    if item.raw is None:
        assert item.failed is not None
        return item.failed
    return pipeline.run_one(item.raw)


# ---------------------------------------------------------------------- sharing names


def resolver_part(docs: Iterable[Doc]) -> list[Any]:
    """A Resolver given this partition's docs, to be merged into the corpus's."""
    resolver = plan.resolver()
    for doc in docs:
        resolver.add(doc.entities)
    return [resolver]


# ---------------------------------------------------------------------- stories


def rarity_part(features: Iterable[Any]) -> list[Any]:
    """Word and name counts of this partition's reports, to be merged into the corpus's."""
    rarity = plan.rarity()
    for found in features:
        rarity.count(found)
    return [rarity]


def clustering_key(doc: Doc) -> ClusteringKey:
    """Where a report stands in the order the local clustering adds reports in."""
    published = doc.article.published
    return (published is None, published.toordinal() if published else 0, doc.article.origin)


@dataclass(frozen=True, slots=True)
class Blocks:
    """Blocks of consecutive publication days, each holding at most `spark.block_docs`
    reports (a day with more is a block of its own): block i covers the days from
    `starts[i]` to the day before `starts[i + 1]`."""

    starts: tuple[int, ...]

    @classmethod
    def of(cls, per_day: Mapping[int, int], most: int) -> Blocks:
        """Blocks of the days with reports (`per_day`: day ordinal -> reports)."""
        starts: list[int] = []
        held = 0
        for day in sorted(per_day):
            if not starts or held + per_day[day] > most:
                starts.append(day)
                held = 0
            held += per_day[day]
        return cls(tuple(starts))

    def __len__(self) -> int:
        return len(self.starts)

    def name(self, index: int) -> str:
        return f"b{index}"

    def of_day(self, day: int) -> str:
        """The block a report published on `day` is at home in."""
        return self.name(max(0, bisect_right(self.starts, day) - 1))

    def keys(self, day: int, window_days: int) -> list[tuple[str, bool]]:
        """The home block of a report of `day`, then, as context, every later block that
        starts within `window_days` of it (reports that close may be one story)."""
        home = max(0, bisect_right(self.starts, day) - 1)
        found = [(self.name(home), True)]
        later = home + 1
        while later < len(self.starts) and self.starts[later] - day <= window_days:
            found.append((self.name(later), False))
            later += 1
        return found


def block_keys(
    key: ClusteringKey, blocks: Blocks, window_days: int, floats: Sequence[str] = ()
) -> list[tuple[str, bool]]:
    """The blocks a report is clustered in, each with whether it is the report's home.

    A dated report: its home block and, as context, the later blocks within `window_days`.
    An undated report, which the local clustering adds last and lets join a story of any
    date: with one dated block, at home at the end of it, exactly as locally; with more, at
    home in the "undated" block with every other undated report (the job places them there
    after the dated blocks, `cluster_undated`), and floating in the dated blocks `floats`
    names (how the job placed them before: bench_spark_blocks.py measures both)."""
    undated, day, _ = key
    if not undated:
        return blocks.keys(day, window_days)
    if len(blocks) == 1:
        return [(blocks.name(0), True)]
    return [(UNDATED, True)] + [(block, False) for block in floats]


@dataclass(frozen=True, slots=True)
class Signed:
    """A report as the near-duplicate stage sees it: where it stands, and its MinHash."""

    key: ClusteringKey
    origin: str
    article_id: str
    hashes: np.ndarray  # uint64 MinHash values, as the story features hold them


@dataclass(frozen=True, slots=True)
class Alike:
    """Two reports of one band bucket at least `stories.duplicate_jaccard` alike."""

    later: str
    later_key: ClusteringKey
    earlier: str
    earlier_key: ClusteringKey
    earlier_id: str
    jaccard: float


def band_keys(signed: Signed, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, bytes]]:
    """The bucket of each band of a report's MinHash (the banding of datasketch's MinHashLSH
    at the local index's threshold, so the same pairs meet)."""
    return [(band, signed.hashes[start:end].tobytes()) for band, (start, end) in enumerate(ranges)]


def bucket_pairs(members: Iterable[Signed], threshold: float, limit: int) -> list[Alike]:
    """The pairs of a bucket's reports that are near-identical: each report against the
    first `limit` reports before it in the clustering order (a bucket of thousands of
    syndicated copies stays linear; their original comes first)."""
    ordered = sorted(members, key=lambda m: m.key)
    found = []
    for j in range(1, len(ordered)):
        later = ordered[j]
        for earlier in ordered[: min(j, limit)]:
            jaccard = float(np.count_nonzero(earlier.hashes == later.hashes)) / len(later.hashes)
            if jaccard >= threshold:
                found.append(
                    Alike(
                        later.origin,
                        later.key,
                        earlier.origin,
                        earlier.key,
                        earlier.article_id,
                        jaccard,
                    )
                )
    return found


def fold_copies(pairs: Iterable[Alike]) -> dict[str, tuple[str, str]]:
    """Copy origin -> (original origin, original id), as the local index folds copies: in
    clustering order, a report repeats the most alike earlier report that is not itself a
    copy (ties: the earliest)."""
    options: dict[str, list[Alike]] = {}
    keys: dict[str, ClusteringKey] = {}
    for pair in pairs:
        options.setdefault(pair.later, []).append(pair)
        keys[pair.later] = pair.later_key
    copies: dict[str, tuple[str, str]] = {}
    for later in sorted(options, key=keys.__getitem__):
        open_ = [p for p in options[later] if p.earlier not in copies]
        if open_:
            best = min(open_, key=lambda p: (-p.jaccard, p.earlier_key))
            copies[later] = (best.earlier, best.earlier_id)
    return copies


@dataclass(frozen=True, slots=True)
class Member:
    """A report as a block sees it."""

    key: ClusteringKey
    origin: str
    article_id: str
    features: Any
    vector: np.ndarray
    home: bool


@dataclass(frozen=True, slots=True)
class Placing:
    """Where a block put one report: its story number in the block, the report it copies."""

    origin: str
    block: str
    story: int
    copy_of: str | None
    copy_id: str | None
    home: bool
    floating: bool = False
    joined: float | None = None  # an undated report: how well it fits the story it joined
    score: float | None = None  # the story_score that placed it (None: opened it, a copy)


def cluster_block(
    block: str, members: Iterable[Member], values: dict[str, Any], rarity: Any
) -> list[Placing]:
    """Run the local clustering (`StoryIndex`, corpus-wide rarity) over one block's reports
    in the local order."""
    settings = Settings(values)
    ordered = sorted(members, key=lambda m: m.key)
    if not ordered:
        return []
    index = plan.story_index(settings, len(ordered[0].vector), rarity)
    placings = []
    for position, member in enumerate(ordered):
        placings.append(place_one(index, position, member, ordered, block))
    return placings


def place_one(
    index: Any, position: int, member: Member, ordered: Sequence[Member], block: str
) -> Placing:
    """Add one report to the block's index; an undated report also says how well it fits
    the story it joined (None: it started one), so the job keeps the block it fits best."""
    undated = member.key[0]
    stories_before = len(index.members)
    fit = index.best(member.features, member.vector)[1] if undated else 0.0
    number = index.add(member.features, member.vector, counted=True)
    original = index.copies.get(position)
    copied = ordered[original] if original is not None else None
    joined = None
    if undated and copied is not None:
        joined = 1.0  # a near-identical copy: the surest fit there is
    elif undated and number < stories_before:
        joined = fit
    floating = undated and not member.home
    return Placing(
        member.origin,
        block,
        number,
        copied.origin if copied else None,
        copied.article_id if copied else None,
        member.home,
        floating,
        joined,
        index.scores[-1],
    )


def telling_names(names: Iterable[str], rarity: Any, postings: int) -> list[str]:
    """The names that can tell stories apart, rarest first (ties by name): found in 2 to
    `stories.postings` reports of the corpus (the local index reads at most that many
    reports of a name)."""
    kept = [n for n in set(names) if 2 <= rarity.name_df[n] <= postings]
    return sorted(kept, key=lambda n: (rarity.name_df[n], n))


def asked_names(features: Any, rarity: Any, values: dict[str, Any]) -> list[str]:
    """The names the local index gathers a report's candidates by: its `stories.name_keys`
    rarest, counting only those of 2 to `stories.postings` reports (rarer ones meet no
    other report; a name of more reports is in the postings of only the latest of them)."""
    settings = Settings(values)
    found = telling_names(features.names, rarity, settings.stories.postings)
    return found[: settings.stories.name_keys]


def cluster_undated(
    members: Iterable[Member],
    stories: Mapping[str, tuple[str, float | None]],
    values: dict[str, Any],
    rarity: Any,
) -> list[tuple[str, Placing]]:
    """Place the undated reports as the local index places them, last and after every dated
    report: the dated reports that can be their candidates (`home` False) are put back in
    the stories the dated blocks gave them (`stories`: origin -> (story key, score)), in
    the local order, then the undated reports are added. Each undated report with the key
    of its story: a dated story's, or `undated:N` for one an undated report opened."""
    settings = Settings(values)
    ordered = sorted(members, key=lambda m: m.key)
    if not ordered:
        return []
    index = plan.story_index(settings, len(ordered[0].vector), rarity)
    keys: list[str] = []  # story number -> its key
    numbers: dict[str, int] = {}
    found = []
    for position, member in enumerate(ordered):
        if not member.home:
            key, score = stories[member.origin]
            if key not in numbers:
                numbers[key] = len(keys)
                keys.append(key)
            index.restore(member.features, member.vector, numbers[key], None, score, True)
            continue
        placing = place_one(index, position, member, ordered, UNDATED)
        while len(keys) < len(index.members):
            keys.append(f"{UNDATED}:{len(keys)}")
        found.append((keys[placing.story], placing))
    return found


# ---------------------------------------------------------------------- building, comparing


def build_and_compare(
    docs: Sequence[tuple[Doc, str | None, float | None]],
    values: dict[str, Any],
    exact_copies: Sequence[tuple[str, str]],
    rounds: Mapping[str, int] | None = None,
) -> tuple[Story, Comparison]:
    """One story from its members (each with the origin of the report it copies, if any, and
    the score that placed it) and the inputs that repeat a member byte for byte, and its
    comparison: `story_of` and `compare_story` as the local pipeline calls them. The first
    original in the local order opened the story, so it has no score (as locally).
    `rounds`: origin -> the job that placed it (0 when built whole), which comes first in
    the order, so a story an incremental job adds to keeps its first report and its id."""
    settings = Settings(values)
    placed_in = rounds or {}

    def order(member: tuple[Doc, str | None, float | None]) -> tuple[int, ClusteringKey]:
        return placed_in.get(member[0].article.origin, 0), clustering_key(member[0])

    ordered = sorted(docs, key=order)
    by_origin = {doc.article.origin: doc for doc, _, _ in ordered}
    originals = [doc for doc, copy_of, _ in ordered if copy_of is None]
    scores = [score for _, copy_of, score in ordered if copy_of is None]
    copies = [(doc, by_origin[copy_of]) for doc, copy_of, _ in ordered if copy_of is not None]
    features = plan.features(originals + [copy for copy, _ in copies], settings)
    story = plan.describe(originals, copies, features, [None, *scores[1:]])
    story = plan.add_copies([story], exact_copies)[0]
    return story, plan.compare(story, by_origin, settings)


def with_record(result: Result, doc: Doc) -> Result:
    """`result` carrying `doc` (the same document, its names shared across the corpus)."""
    return replace(result, record=doc)
