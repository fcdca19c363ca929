"""The output tables as Delta Lake tables, through delta-rs (the `deltalake` package: no JVM,
no jars): committing Parquet files another writer (Spark) put in a table's folder, and
reading a consistent set of table versions back.

A Delta table is a folder of Parquet data files and a `_delta_log` of numbered JSON commits
naming the files each version holds. A commit is one new log file, put whole, so a reader
sees the old version or the new one, never part of a write; data files no commit names are
invisible to every Delta reader. The job writes each table's files into a folder of their
own inside the table (`<table>/<tag>/part-*.parquet`, the tag naming the job's write), and
only then commits them, one overwrite commit per table, tagged in its commit info
(`rashomon.tables`) with the same tag for every table of one write.

A job can die between two tables' commits, so the tables' latest versions may come from two
writes; `snapshot` finds, for a set of tables, the newest tag they all have and the version
of each that holds it, which is what `rashomon import` reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds

from rashomon.errors import StoreError
from rashomon.store.tables import arrow_schema

__all__ = [
    "LOG",
    "DataFile",
    "TAG",
    "commit",
    "files_of",
    "latest_tag",
    "folders",
    "is_delta",
    "snapshot",
    "table_dataset",
]

TAG = "rashomon.tables"  # the commit-info key naming the write a version came from
LOG = "_delta_log"


@dataclass(frozen=True, slots=True)
class DataFile:
    """A Parquet file inside a table's folder: its path relative to the table, its size in
    bytes, modification time (ms since the epoch) and number of rows."""

    path: str
    size: int
    modified: int
    rows: int


def is_delta(uri: str) -> bool:
    """Whether `uri` holds a Delta table (a `_delta_log` with a commit)."""
    from deltalake import DeltaTable

    return bool(DeltaTable.is_deltatable(uri))


def commit(uri: str, table: str, files: Sequence[DataFile], tag: str, append: bool = False) -> int:
    """Make `files` the whole of table `table` at `uri` in one commit (an overwrite: the
    previous version's files are removed from the table, not deleted from the disk), or
    with `append` add them to its latest version; the table is made if there is none.
    Returns the new version."""
    from deltalake import DeltaTable, Schema
    from deltalake.transaction import (
        AddAction,
        CommitProperties,
        RemoveAction,
        create_table_with_add_actions,
    )

    schema = arrow_schema(table)
    adds = [
        AddAction(f.path, f.size, {}, f.modified, True, json.dumps({"numRecords": f.rows}))
        for f in files
    ]
    properties = CommitProperties(custom_metadata={TAG: tag})
    if is_delta(uri):
        found = DeltaTable(uri)
        actions: list[AddAction | RemoveAction] = list(adds)
        mode = "append" if append else "overwrite"
        found.create_write_transaction(
            actions, mode=mode, schema=schema, commit_properties=properties
        )
    else:
        create_table_with_add_actions(
            uri,
            Schema.from_arrow(schema),
            adds,
            mode="overwrite",
            commit_properties=properties,
        )
    return int(DeltaTable(uri).version())


def folders(uri: str) -> set[str]:
    """The top folders inside the table whose files its latest version holds (none when it
    is not a Delta table)."""
    from deltalake import DeltaTable

    if not is_delta(uri):
        return set()
    table = DeltaTable(uri)
    paths = table.get_add_actions(flatten=True).column("path").to_pylist()
    return {str(path).split("/", 1)[0] for path in paths if "/" in str(path)}


def files_of(uri: str, tag: str) -> list[DataFile]:
    """The data files of the latest version of the table that came from the write `tag`
    (what a later write keeps when it adds to the table rather than replacing it)."""
    from deltalake import DeltaTable

    version = _tags(uri).get(tag)
    if version is None:
        raise StoreError(f"{uri}: no version of the table came from the write {tag}")
    actions = DeltaTable(uri, version=version).get_add_actions(flatten=True)
    columns = [
        actions.column(name).to_pylist()
        for name in ("path", "size_bytes", "modification_time", "num_records")
    ]
    rows = zip(*columns, strict=True)
    return [DataFile(str(p), int(s), int(m), int(n or 0)) for p, s, m, n in rows]


def latest_tag(uri: str) -> str | None:
    """The write the table's latest version came from."""
    from deltalake import DeltaTable

    tag = DeltaTable(uri).history(1)[0].get(TAG)
    return tag if isinstance(tag, str) else None


def _tags(uri: str) -> dict[str, int]:
    """Tag -> the latest version of the table that came from that write."""
    from deltalake import DeltaTable

    found: dict[str, int] = {}
    for entry in DeltaTable(uri).history():
        tag = entry.get(TAG)
        if isinstance(tag, str) and tag not in found:
            found[tag] = int(entry["version"])
    return found


def snapshot(folder: Path, tables: Iterable[str]) -> dict[str, int | None]:
    """Table -> the version to read, for the Delta tables among `tables` under `folder`: the
    versions holding the newest write every one of them has (so a job killed between two
    commits is read as the write before it), or the latest of each when they share no tag
    (tables written by something else). A table that is not a Delta table is absent."""
    names = [t for t in tables if (folder / t / LOG).is_dir()]
    tagged = {t: _tags(str(folder / t)) for t in names}
    shared = set.intersection(*(set(found) for found in tagged.values())) if tagged else set()
    if not shared:
        return {t: None for t in names}
    newest = max(shared)  # tags begin with the write's UTC time
    return {t: tagged[t][newest] for t in names}


def table_dataset(folder: Path, table: str, version: int | None = None) -> ds.Dataset:
    """One table under `folder` as a pyarrow dataset: a Delta table (at `version`, else its
    latest), or a folder of plain Parquet part files as jobs before Delta wrote them. A
    StoreError naming the folder when it is neither or cannot be read."""
    where = folder / table
    try:
        if (where / LOG).is_dir():
            return _delta_dataset(where, version)
        if any(where.glob("*.parquet")):
            return ds.dataset(where, format="parquet")
    except Exception as error:  # pyarrow's, the OS's and deltalake's (a broken log)
        raise StoreError(f"{folder}: the {table} table cannot be read: {error}") from error
    raise StoreError(
        f"{folder}: the {table} table in {where} is neither a Delta table (no {LOG}) nor "
        "a folder of Parquet files"
    )


def _delta_dataset(where: Path, version: int | None) -> Any:
    from deltalake import DeltaTable

    table = DeltaTable(str(where), version=version)
    return table.to_pyarrow_dataset()
