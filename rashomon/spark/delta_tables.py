"""The job's tables as Delta Lake tables (`rashomon.store.delta`), written by Spark.

Executors write each table's Parquet files in parallel, as before, but straight into a folder
of their own inside the table (`OUTPUT/<table>/<tag>/part-*.parquet`, the tag naming this
write); files no commit names are invisible to Delta readers, so the previous version stays
whole meanwhile. Once every table's files are written, the driver lists them (their sizes,
and their row counts from one metadata-only Spark pass), and commits each table: one
overwrite commit, one JSON file in its `_delta_log`, made by delta-rs. No row goes through
the driver.

Older files are deleted afterwards (`prune`): a table keeps the folders of its latest
version and of the job's last two complete writes (a reader of the previous version can
finish), and loses what an interrupted job left uncommitted and, once it is a Delta table,
the part files of the plain Parquet folder an older job wrote there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rashomon.spark.hadoop import Files, display_name
from rashomon.store import delta, tables

__all__ = ["local_uri", "previous", "prune", "write"]


def local_uri(uri: str) -> str:
    """A URI as delta-rs reads it: a local file by its path, anything else as it is."""
    return display_name(uri) if uri.startswith("file:") else uri


def write(
    spark: Any,
    files: Files,
    out: str,
    frames: Mapping[str, Any],
    tag: str,
    added_to: str | None = None,
    adding: Iterable[str] = (),
) -> None:
    """Every table's DataFrame written as Parquet under `OUTPUT/<table>/<tag>`, then each
    committed as the table's new version. The tables in `adding` keep, beside the new
    files, the files of their version from the write `added_to` (an incremental job adds
    rows to them); the others are replaced."""
    for name, frame in frames.items():
        frame.write.mode("overwrite").parquet(f"{out}/{name}/{tag}")
    staged = {name: _data_files(spark, files, out, name, tag) for name in frames}
    kept = set(adding) if added_to is not None else set()
    for name, found in staged.items():
        uri = local_uri(f"{out}/{name}")
        if name not in kept:
            delta.commit(uri, name, found, tag)
        elif delta.latest_tag(uri) == added_to:
            delta.commit(uri, name, found, tag, append=True)
        else:  # a killed job committed after `added_to`: its rows are left out
            delta.commit(uri, name, delta.files_of(uri, str(added_to)) + found, tag)


def previous(spark: Any, out: str, name: str, tag: str) -> Any:
    """The rows of table `name` as the write `tag` left them, as a DataFrame."""
    uri = local_uri(f"{out}/{name}")
    paths = [f"{out}/{name}/{f.path}" for f in delta.files_of(uri, tag)]
    reader = spark.read.schema(tables.SCHEMAS[name])
    return reader.parquet(*paths) if paths else spark.createDataFrame([], tables.SCHEMAS[name])


def _data_files(spark: Any, files: Files, out: str, name: str, tag: str) -> list[delta.DataFile]:
    """The Parquet files Spark wrote under `OUTPUT/<name>/<tag>`, each with its path in the
    table."""
    folder = f"{out}/{name}/{tag}"
    listed, _ = files.expand(folder)
    rows = _row_counts(spark, folder, tables.SCHEMAS[name])
    found = []
    for entry in listed:
        file_name = entry.uri.rsplit("/", 1)[-1]
        if file_name.endswith(".parquet"):
            path, count = f"{tag}/{file_name}", rows.get(file_name, 0)
            found.append(delta.DataFile(path, entry.size, entry.modified, count))
    return found


def _row_counts(spark: Any, folder: str, schema: str) -> dict[str, int]:
    """File name -> rows, for the Parquet files under `folder` (Spark reads only their
    metadata: no column is selected); a file without rows is not listed."""
    from pyspark.sql import functions as F

    names = (
        spark.read.schema(schema).parquet(folder).select(F.col("_metadata.file_name").alias("name"))
    )
    return {str(row["name"]): int(row["count"]) for row in names.groupBy("name").count().collect()}


def prune(files: Files, out: str, keep: Iterable[str]) -> None:
    """In every Delta table, delete what neither its latest version nor the writes `keep`
    name (`_delta_log` itself is always kept). A table that is not a Delta table yet (an
    older job's Parquet, or none) is left as it is."""
    kept = set(keep)
    for name in tables.TABLES:
        table = f"{out}/{name}"
        uri = local_uri(table)
        if not delta.is_delta(uri):
            continue
        needed = kept | delta.folders(uri) | {delta.LOG}
        for child in files.children(table):
            if child not in needed:
                files.delete(f"{table}/{child}")
