"""How a run's input files become Items on Spark: most files whole, large WARCs in parts.

A file up to `spark.split_bytes` is read whole by `binaryFiles` (any filesystem Spark
reads) and split into documents by the local readers. A WARC file larger than that (by its
name: `.warc`, `.warc.gz`) never sits whole in a task: one task per slice of about
`spark.split_bytes` finds the records' starts (`rashomon.ingest.warc_index`), the driver
joins the slices into parts of whole records, and one task per part reads its records from
the file itself (`work.read_part`, through pyarrow's filesystems off the local disk), each
record numbered as reading the whole file numbers it. Either way the Items, their origins and
the manifest's counts are those of the local readers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rashomon.ingest.sniff import Kind, kind_from_name
from rashomon.ingest.warc_index import plan_parts
from rashomon.spark import work
from rashomon.spark.hadoop import Listed, display_name, escape_path

__all__ = ["Read", "read"]

Read = tuple[Any, list[work.FileRead], list[Any]]
"""The run's Items (an RDD), each file's FileRead, and the persisted RDDs to free later."""


def read(
    sc: Any, chunk: Sequence[Listed], run: str, values: dict[str, Any], partitions: int
) -> Read:
    """Every input document of the run's files, as Items."""
    numbers = {f.uri: i for i, f in enumerate(chunk)}
    names = {f.uri: display_name(f.uri) for f in chunk}
    part_bytes = int(values["spark.split_bytes"])
    large = [f for f in chunk if _in_parts(f, names[f.uri], part_bytes)]
    small = [f for f in chunk if f not in large]
    documents, reads, held = [], [], []
    for found in (
        _whole_files(sc, small, run, (numbers, names), values, partitions),
        _large_files(sc, large, run, (numbers, names), values, part_bytes),
    ):
        if found is not None:
            documents.append(found[0])
            reads.extend(found[1])
            held.extend(found[2])
    return sc.union(documents), reads, held


def _in_parts(listed: Listed, name: str, part_bytes: int) -> bool:
    kind, _ = kind_from_name(name)
    return kind is Kind.WARC and 0 < part_bytes < listed.size


Names = tuple[dict[str, int], dict[str, str]]


def _whole_files(
    sc: Any,
    files: Sequence[Listed],
    run: str,
    named: Names,
    values: dict[str, Any],
    partitions: int,
) -> Read | None:
    if not files:
        return None
    numbers, names = named
    paths = ",".join(escape_path(f.uri) for f in files)
    read = sc.binaryFiles(paths, minPartitions=min(len(files), partitions))
    items = read.flatMap(
        lambda pair: work.read_input(
            run,
            _number(numbers, pair[0]),
            names.get(pair[0], display_name(pair[0])),
            pair[1],
            values,
        )
    ).persist(memory_and_disk())
    reads = items.filter(lambda x: isinstance(x, work.FileRead)).collect()
    return items.filter(lambda x: isinstance(x, work.Item)), reads, [items]


def _large_files(
    sc: Any,
    files: Sequence[Listed],
    run: str,
    named: Names,
    values: dict[str, Any],
    part_bytes: int,
) -> Read | None:
    if not files:
        return None
    numbers, names = named
    pieces = [
        piece
        for f in files
        for piece in work.slices_of(f.uri, f.size, part_bytes, kind_from_name(names[f.uri])[1])
    ]
    scans: dict[str, list[Any]] = defaultdict(list)
    found = sc.parallelize(pieces, len(pieces)).map(lambda s: (s.uri, work.scan_slice(s)))
    for uri, scan in found.collect():
        scans[uri].append(scan)
    parts = [(f.uri, p) for f in files for p in plan_parts(scans[f.uri], f.size, part_bytes)]
    items = (
        sc.parallelize(parts, len(parts))
        .flatMap(lambda up: work.read_part(run, numbers[up[0]], names[up[0]], up[0], up[1], values))
        .persist(memory_and_disk())
    )
    told: dict[str, int] = defaultdict(int)
    for part in items.filter(lambda x: isinstance(x, work.PartRead)).collect():
        told[part.source] += part.documents
    empty = [
        work.empty_archive(run, numbers[f.uri], names[f.uri])
        for f in files
        if not told[names[f.uri]]
    ]
    reads = [work.FileRead(names[f.uri], f.size, None, told[names[f.uri]] or 1) for f in files]
    documents = items.filter(lambda x: isinstance(x, work.Item))
    if empty:
        documents = documents.union(sc.parallelize(empty, 1))
    return documents, reads, [items]


def _number(numbers: dict[str, int], uri: str) -> int:
    if uri in numbers:
        return numbers[uri]
    for known, number in numbers.items():  # a filesystem may spell the URI differently
        if display_name(known) == display_name(uri):
            return number
    return len(numbers)


def memory_and_disk() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK
