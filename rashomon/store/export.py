"""Exports of a store: one table as JSON, JSON Lines, CSV or Parquet, for DuckDB and pandas.

    export("news.db", "stories", "parquet", "stories.parquet")   # -> rows written

Tables (columns in this order; `list` is a list of strings, `json` a nested JSON value):

- `articles`: one row per stored article, in arrival order. id, origin, url, outlet, title,
  byline, published (ISO date), language, added_at (ISO time), story, copy_of, text, and the
  annotation layers entities, times, quotes, claims (json: lists of objects, every field of
  the model present, offsets into `text`).
- `stories`: one row per story, in the order they began. id, label, event_date, first_seen,
  last_seen, articles, outlets (counts), agree, only_in, contradict (claim groups with each
  verdict), sources (list: the member articles' origins, as `articles.origin`),
  outlet_names (list), participants (list), place, languages (list), up_to_date (bool: the
  stored comparison reflects the current members), updated_at.
- `comparisons`: one row per claim group of each compared story (the unit an analyst
  filters, counts and joins: `group by verdict`, `unnest(outlets)`). story, group_id,
  verdict, reason, score, outlets (list), missing (list: outlets of comparable coverage
  that leave the claim out), sources (list: the articles whose claims are grouped), claims,
  conflicts, changes (json: lists of objects). Headline checks, provenance and signals stay
  in the store's Comparison JSON.
- `inputs`: one row per input ever ingested: origin, article, outcome, reason, detail,
  seen_at.

Formats: `json` (one array), `jsonl` (one object a line), `csv` (UTF-8, a header row; list
and json columns as JSON text, a missing value as an empty cell, a text cell that starts
like a spreadsheet formula, `=`, `+`, `-`, `@`, with a leading `'`) and `parquet` (an explicit
schema per table, so types never depend on the data: string, int64, double, bool,
list<string>; json columns as JSON text, for DuckDB's `json` functions). Rows are streamed
from one SQLite statement (one consistent snapshot), Parquet in record batches, so a big
store never sits in memory. A file is written beside its target and renamed over it at the
end: a failed export never leaves a half file under the final name.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from rashomon import codec
from rashomon.errors import StoreError
from rashomon.model import Claim, Comparison, Entity, Quote, Story, TimeExpr
from rashomon.store import Store
from rashomon.store.sqlite import Database

__all__ = [
    "FORMATS",
    "FORMULA_START",
    "TABLES",
    "Column",
    "Table",
    "columns",
    "export",
    "neutral",
    "rows",
]

Row = dict[str, Any]

# Column kinds, named after their Parquet types.
TEXT, INT, FLOAT, BOOL, LIST, JSON = "string", "int64", "double", "bool", "list<string>", "json"

FORMATS = ("json", "jsonl", "csv", "parquet")


@dataclass(frozen=True)
class Column:
    """One exported column: its name and kind (TEXT, INT, FLOAT, BOOL, LIST or JSON)."""

    name: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One exportable table: its columns, and `rows(connection)` streaming its rows as dicts."""

    name: str
    columns: tuple[Column, ...]
    rows: Callable[[sqlite3.Connection], Iterator[Row]]


# ---------------------------------------------------------------------- the rows of each table


_LAYERS: tuple[tuple[str, type], ...] = (
    ("entities", Entity),
    ("times", TimeExpr),
    ("quotes", Quote),
    ("claims", Claim),
)
_ARTICLE_FIELDS = (
    "id",
    "origin",
    "url",
    "outlet",
    "title",
    "byline",
    "published",
    "language",
    "added_at",
    "story",
    "copy_of",
    "text",
)


def _article_rows(connection: sqlite3.Connection) -> Iterator[Row]:
    """Articles in arrival order, with their annotation layers decoded from the stored Doc."""
    query = f"SELECT {', '.join(_ARTICLE_FIELDS)}, doc FROM articles ORDER BY seq"
    for row in connection.execute(query):
        doc = json.loads(row["doc"])
        record: Row = {name: row[name] for name in _ARTICLE_FIELDS}
        for layer, cls in _LAYERS:
            items: list[Any] = [codec.decode(cls, item) for item in doc.get(layer, [])]
            record[layer] = codec.encode(items, defaults=True)
        yield record


_STORY_TEXTS = ("id", "label", "event_date", "first_seen", "last_seen")
_STORY_COUNTS = ("articles", "outlets", "agree", "only_in", "contradict")
_STORY_FIELDS = (*_STORY_TEXTS, *_STORY_COUNTS)


def _story_rows(connection: sqlite3.Connection) -> Iterator[Row]:
    """Stories in the order they began, with the lists of their stored Story."""
    query = (
        f"SELECT {', '.join(_STORY_FIELDS)}, story, comparison IS NOT NULL AND "
        "compared >= version AS up_to_date, updated_at FROM stories ORDER BY rowid"
    )
    for row in connection.execute(query):
        story = codec.loads(Story, row["story"])
        record: Row = {name: row[name] for name in _STORY_FIELDS}
        record.update(
            sources=list(story.articles),
            outlet_names=list(story.outlets),
            participants=list(story.participants),
            place=story.place,
            languages=list(story.languages),
            up_to_date=bool(row["up_to_date"]),
            updated_at=row["updated_at"],
        )
        yield record


def _comparison_rows(connection: sqlite3.Connection) -> Iterator[Row]:
    """The claim groups of every compared story, story by story in the order they began."""
    query = "SELECT id, comparison FROM stories WHERE comparison IS NOT NULL ORDER BY rowid"
    for row in connection.execute(query):
        comparison = codec.loads(Comparison, row["comparison"])
        for group in comparison.groups:
            yield {
                "story": row["id"],
                "group_id": group.id,
                "verdict": group.verdict,
                "reason": group.reason,
                "score": float(group.score),
                "outlets": list(group.outlets),
                "missing": list(group.missing),
                "sources": list(dict.fromkeys(claim.source for claim in group.claims)),
                "claims": codec.encode(group.claims, defaults=True),
                "conflicts": codec.encode(group.conflicts, defaults=True),
                "changes": codec.encode(group.changes, defaults=True),
            }


_INPUT_FIELDS = ("origin", "article", "outcome", "reason", "detail", "seen_at")


def _input_rows(connection: sqlite3.Connection) -> Iterator[Row]:
    """Every input ingested, in the order first seen."""
    query = f"SELECT {', '.join(_INPUT_FIELDS)} FROM inputs ORDER BY rowid"
    for row in connection.execute(query):
        yield {name: row[name] for name in _INPUT_FIELDS}


def _text(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name) for name in names)


def _ints(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name, INT) for name in names)


TABLES: dict[str, Table] = {
    "articles": Table(
        "articles",
        (
            *_text(*_ARTICLE_FIELDS),
            *(Column(layer, JSON) for layer, _ in _LAYERS),
        ),
        _article_rows,
    ),
    "stories": Table(
        "stories",
        (
            *_text(*_STORY_TEXTS),
            *_ints(*_STORY_COUNTS),
            Column("sources", LIST),
            Column("outlet_names", LIST),
            Column("participants", LIST),
            Column("place"),
            Column("languages", LIST),
            Column("up_to_date", BOOL),
            Column("updated_at"),
        ),
        _story_rows,
    ),
    "comparisons": Table(
        "comparisons",
        (
            *_text("story", "group_id", "verdict", "reason"),
            Column("score", FLOAT),
            Column("outlets", LIST),
            Column("missing", LIST),
            Column("sources", LIST),
            Column("claims", JSON),
            Column("conflicts", JSON),
            Column("changes", JSON),
        ),
        _comparison_rows,
    ),
    "inputs": Table("inputs", _text(*_INPUT_FIELDS), _input_rows),
}


def _table(name: str) -> Table:
    table = TABLES.get(name)
    if table is None:
        raise StoreError(f"unknown table {name!r}: export one of {', '.join(TABLES)}")
    return table


def columns(table: str) -> list[tuple[str, str]]:
    """The columns of an exported table as (name, kind)."""
    return [(c.name, c.kind) for c in _table(table).columns]


# ---------------------------------------------------------------------- opening the store

StoreLike = Store | Database | str | Path


@contextmanager
def _database(source: StoreLike) -> Iterator[Database]:
    """The database of an open Store or Database, or of a store file that must exist (an
    export never creates a store, nor adds the store's tables to another SQLite file)."""
    if isinstance(source, Database):
        yield source
    elif isinstance(source, Store):
        yield source.db
    else:
        path = Path(source)
        _check_store_file(path)
        with Database(path, readers=1) as db:
            yield db


def _check_store_file(path: Path) -> None:
    if not path.exists():
        raise StoreError(f"{path}: no such store (run `rashomon ingest --db {path}` first)")
    if not path.is_file():
        raise StoreError(f"{path}: is not a store file")
    try:
        uri = path.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(f"{path}: is not a SQLite database ({error})") from error
    if version < 1:
        raise StoreError(f"{path}: is not a rashomon store (no store schema)")


def rows(source: StoreLike, table: str) -> Iterator[Row]:
    """The rows of one table as dicts (json columns as Python lists and dicts), streamed."""
    spec = _table(table)
    with _database(source) as db, db.read() as connection:
        yield from _reading(db, spec.rows(connection))


def _reading(db: Database, records: Iterator[Row]) -> Iterator[Row]:
    """`records`, with a database error turned into a StoreError naming the file."""
    try:
        yield from records
    except sqlite3.Error as error:
        raise StoreError(f"{db.path}: cannot read the store: {error}") from error


# ---------------------------------------------------------------------- writing


def export(
    source: StoreLike, table: str, fmt: str, out: str | Path | TextIO, *, batch_size: int = 1024
) -> int:
    """Write one table of a store (a Store, a Database or a store file's path) as `fmt` to
    `out`: a file path (written beside and renamed into place) or, for the text formats, an
    open text stream. Returns the number of rows written. Everything is checked before a
    file is made: the table, the format, the output and the store."""
    spec = _table(table)
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if isinstance(out, (str, Path)):
        _check_target(Path(out), source)
    elif fmt == "parquet":
        raise StoreError("a parquet export needs an output file path, not a stream")
    with _database(source) as db, db.read() as connection:
        stream = _reading(db, spec.rows(connection))
        if isinstance(out, (str, Path)):
            return _write_file(stream, spec.columns, fmt, Path(out), batch_size)
        return _write_text(stream, spec.columns, fmt, out)


def _check_target(target: Path, source: StoreLike) -> None:
    if target.is_dir():
        raise StoreError(f"{target}: is a folder; give a file name to export to")
    if not target.parent.is_dir():
        raise StoreError(f"{target}: its folder {target.parent} does not exist")
    store = Path(source) if isinstance(source, (str, Path)) else source.path
    if target.resolve() == store.resolve():
        raise StoreError(f"{target}: is the store itself; export to another file")


def _write_file(
    rows: Iterator[Row], cols: tuple[Column, ...], fmt: str, target: Path, batch_size: int
) -> int:
    with _replacing(target) as tmp:
        if fmt == "parquet":
            return _write_parquet(rows, cols, tmp, batch_size)
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            return _write_text(rows, cols, fmt, handle)


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`: renamed to it when the block succeeds, removed when
    it fails, so the target is either the old file or the whole new one. A target that is
    not a regular file (/dev/null, a pipe) is written to as it is, never replaced."""
    if target.exists() and not target.is_file():
        yield target
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)


def _write_text(rows: Iterable[Row], cols: tuple[Column, ...], fmt: str, out: TextIO) -> int:
    if fmt == "jsonl":
        return _write_jsonl(rows, cols, out)
    if fmt == "json":
        return _write_json(rows, cols, out)
    if fmt == "csv":
        return _write_csv(rows, cols, out)
    raise StoreError(f"a {fmt} export needs an output file path")


def _ordered(row: Row, cols: tuple[Column, ...]) -> Row:
    return {c.name: row[c.name] for c in cols}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_jsonl(rows: Iterable[Row], cols: tuple[Column, ...], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(_json(_ordered(row, cols)) + "\n")
        count += 1
    return count


def _write_json(rows: Iterable[Row], cols: tuple[Column, ...], out: TextIO) -> int:
    """One JSON array, an object a line, written as the rows come."""
    count = 0
    for row in rows:
        out.write(("[\n" if count == 0 else ",\n") + _json(_ordered(row, cols)))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


# A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: text starting like a formula gets a leading `'`;
    None is an empty cell, a bool true/false, a number stays a number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Any, kind: str) -> Any:
    if kind in (LIST, JSON) and value is not None:
        return _json(value)
    return neutral(value)


def _write_csv(rows: Iterable[Row], cols: tuple[Column, ...], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(row[c.name], c.kind) for c in cols])
        count += 1
    return count


def _parquet_schema(cols: tuple[Column, ...]) -> Any:
    import pyarrow as pa

    types = {
        TEXT: pa.string(),
        INT: pa.int64(),
        FLOAT: pa.float64(),
        BOOL: pa.bool_(),
        LIST: pa.list_(pa.string()),
        JSON: pa.string(),
    }
    return pa.schema([pa.field(c.name, types[c.kind]) for c in cols])


def _parquet_cell(value: Any, kind: str) -> Any:
    return _json(value) if kind == JSON and value is not None else value


def _write_parquet(
    rows: Iterable[Row], cols: tuple[Column, ...], path: Path, batch_size: int
) -> int:
    """Parquet in record batches of `batch_size` rows, with the table's fixed schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(cols)
    iterator = iter(rows)
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        while batch := list(islice(iterator, max(1, batch_size))):
            cells = [{c.name: _parquet_cell(r[c.name], c.kind) for c in cols} for r in batch]
            writer.write_batch(pa.RecordBatch.from_pylist(cells, schema=schema))
            count += len(batch)
    return count
