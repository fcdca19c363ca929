"""`rashomon import DIR --db news.db`: the tables `rashomon spark run` wrote, into a store.

The folder holds one Delta table per table (`rashomon.store.tables`, `rashomon.store.delta`),
each read at the version of the newest write every table holds, or, as jobs before Delta
wrote them, one folder of plain Parquet part files per table. It is checked first (every
table the import reads, with every column of its type), so a wrong folder is refused before
anything is written. The tables are read with pyarrow, batch by batch; pyspark is never
needed.

Into a store with no articles, the folder's placing is kept: every article goes in with its
story, its copy-of and a placing number in the clustering order (publication date, undated
last, ties by origin), and every story with its comparison. The store later rebuilds its
story index by replaying that order, so the placing is checked first: each story begins with
the article its id derives from, and a copy repeats an article placed before it in its
story. Into a store that holds articles already (from `rashomon ingest` or an earlier
import), the folder's stories cannot be merged with the store's, so they are not used: the
new articles go in unplaced, and the store places and compares them itself, as an ingest
would. Either way the inputs go in too, and one write transaction holds it all, so a
refused or failed import leaves the store as it was. Whatever is then left waiting (those
new articles, a story the folder has no comparison for) the store does as an ingest ends,
placing and comparing. The folder is only read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from rashomon import codec, plan
from rashomon.compare import outlet_of
from rashomon.errors import StoreError
from rashomon.model import Comparison, Doc, Story
from rashomon.settings import Settings
from rashomon.store import _INSERT_ARTICLE, _INSERT_FEATURES, Store, _article_row
from rashomon.store.delta import snapshot, table_dataset
from rashomon.store.stories import features_row, now, story_id_of, verdict_counts
from rashomon.store.tables import arrow_schema
from rashomon.stories import Features

__all__ = ["READ", "Imported", "check_folder", "import_folder"]

READ = ("articles", "annotations", "inputs", "stories", "comparisons")  # claim_groups is derived
_BATCH_ROWS = 256

_INSERT_STORY = """INSERT INTO stories (id, label, event_date, first_seen, last_seen, articles,
    outlets, story, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_SAVE_COMPARISON = """UPDATE stories SET comparison = ?, compared = version, agree = ?,
    only_in = ?, contradict = ?, compared_articles = articles WHERE id = ?"""
_INSERT_INPUT = """INSERT INTO inputs (key, origin, article, outcome, reason, detail, seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING"""
_WAITING = """SELECT EXISTS (SELECT 1 FROM articles WHERE placed IS NULL)
    OR EXISTS (SELECT 1 FROM stories WHERE compared < version)"""


@dataclass
class Imported:
    """What one import did. `stories` and `comparisons` count what was written: the folder's
    own, or (into a store that held articles) the stories the store's placing changed and
    the comparisons it wrote. `skipped` articles were stored already; `placed_here` articles
    the store placed itself."""

    articles: int = 0
    stories: int = 0
    comparisons: int = 0
    inputs: int = 0
    skipped: int = 0
    placed_here: int = 0


@dataclass
class _Place:
    """An article's place as the folder's `articles` table gives it."""

    outlet: str | None
    story: str | None
    copy_of: str | None


def import_folder(folder: str | Path, store: Store) -> Imported:
    """Load the tables under `folder` into `store` (see the module doc for what is kept)."""
    path = check_folder(folder)
    loading = _Loading(path, store.settings)
    imported, waiting = store.db.write(loading.load)
    if waiting:  # what the import left unplaced, or a story the folder did not compare
        updated = store.update(leftovers=True)
        imported.placed_here = updated.placed
        imported.comparisons += updated.compared
        if loading.keep_placing is False:
            imported.stories = updated.stories
    return imported


def check_folder(folder: str | Path) -> Path:
    """The folder, once every table the import reads is there with its columns; a StoreError
    naming the folder, the table and what is wrong otherwise (before anything is opened for
    writing, so a wrong folder changes nothing)."""
    path = Path(folder)
    if not path.is_dir():
        raise StoreError(f"{path}: not a folder of tables (as `rashomon spark run` writes)")
    versions = _versions(path)
    for table in READ:
        _check_table(path, table, versions.get(table))
    return path


def _versions(folder: Path) -> dict[str, int | None]:
    """The Delta version of each table to read (`delta.snapshot`: one write's, even when a
    job died between two tables' commits)."""
    try:
        return snapshot(folder, READ)
    except Exception as error:  # deltalake's errors (a broken log) derive from Exception
        raise StoreError(f"{folder}: the tables' Delta logs cannot be read: {error}") from error


def _check_table(folder: Path, table: str, version: int | None) -> None:
    where = folder / table
    if not where.is_dir():
        raise StoreError(f"{folder}: the {table} table is missing (no folder {where})")
    dataset = table_dataset(folder, table, version)
    if not dataset.files:
        raise StoreError(f"{folder}: the {table} table has no Parquet files in {where}")
    schema = dataset.schema
    for expected in arrow_schema(table):
        if expected.name not in schema.names:
            raise StoreError(
                f"{folder}: the {table} table lacks the column {expected.name} ({expected.type})"
            )
        found = schema.field(expected.name).type
        if not _same_type(found, expected.type):
            raise StoreError(
                f"{folder}: the {table} table's column {expected.name} is {found}, "
                f"not {expected.type}"
            )


def _same_type(found: pa.DataType, expected: pa.DataType) -> bool:
    """Whether a column's type reads as the expected one: large strings and lists count as
    strings and lists, and a list's item may have any name (Spark calls it `element`)."""
    if pa.types.is_list(expected):
        listed = pa.types.is_list(found) or pa.types.is_large_list(found)
        return listed and _same_type(found.value_type, expected.value_type)
    if pa.types.is_string(expected):
        return pa.types.is_string(found) or pa.types.is_large_string(found)
    return bool(found.equals(expected))


def _rows(
    folder: Path, table: str, version: int | None, columns: list[str]
) -> Iterator[list[dict[str, Any]]]:
    """A table's rows (at its Delta version), a batch at a time, only the columns asked."""
    dataset = table_dataset(folder, table, version)
    batches = dataset.to_batches(columns=columns, batch_size=_BATCH_ROWS)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as error:
            raise StoreError(f"{folder}: the {table} table cannot be read: {error}") from error
        if batch is None:
            return
        yield batch.to_pylist()


class _Loading:
    """One import, run inside the store's write transaction (`load`)."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self.settings = settings
        self.keep_placing: bool | None = None  # decided in the transaction
        self.imported = Imported()
        self.places: dict[str, _Place] = {}
        self.stored: list[Features] = []  # the articles this import placed
        self.skipped: set[str] = set()
        self.dim: int | None = None
        self.story_ids: set[str] = set()  # the stories of the folder's placing
        self.versions = _versions(folder)

    def _rows(self, table: str, columns: list[str]) -> Iterator[list[dict[str, Any]]]:
        return _rows(self.folder, table, self.versions.get(table), columns)

    def refuse(self, what: str) -> StoreError:
        return StoreError(f"{self.folder}: {what}")

    def load(self, connection: sqlite3.Connection) -> tuple[Imported, bool]:
        """Everything, in the caller's transaction; whether work is left for `update`."""
        self.keep_placing = connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        self.dim = _stored_dim(connection)
        self._read_places()
        self._load_articles(connection)
        if self.keep_placing:
            self._place(connection)
            self._load_stories(connection)
            self._load_comparisons(connection)
        self._load_inputs(connection)
        return self.imported, bool(connection.execute(_WAITING).fetchone()[0])

    # ------------------------------------------------------------------ articles

    def _read_places(self) -> None:
        columns = ["id", "outlet", "story", "copy_of"]
        for rows in self._rows("articles", columns):
            for row in rows:
                if not row["id"]:
                    raise self.refuse("the articles table has a row without an id")
                if row["id"] in self.places:
                    raise self.refuse(f"article {row['id']} is in the articles table twice")
                self.places[row["id"]] = _Place(row["outlet"], row["story"], row["copy_of"])

    def _load_articles(self, connection: sqlite3.Connection) -> None:
        """Each annotated article not stored yet, with its story features (unplaced)."""
        annotated: set[str] = set()
        for rows in self._rows("annotations", ["id", "doc", "vector"]):
            for row in rows:
                if row["id"] not in self.places:
                    raise self.refuse(f"article {row['id']} has annotations but no articles row")
                if row["id"] in annotated:
                    raise self.refuse(f"article {row['id']} is in the annotations table twice")
                annotated.add(row["id"])
            self._store_batch(connection, rows)
        missing = self.places.keys() - annotated
        if missing:
            raise self.refuse(f"article {min(missing)} has no annotations row")

    def _store_batch(self, connection: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
        known = _known(connection, [row["id"] for row in rows])
        self.skipped.update(known)
        self.imported.skipped += len(known)
        new = [row for row in rows if row["id"] not in known]
        docs = [self._doc(row) for row in new]
        features = plan.features(docs, self.settings)
        for row, doc, found in zip(new, docs, features, strict=True):
            vector = self._vector(row)
            outlet = self.places[row["id"]].outlet or outlet_of(doc).name
            connection.execute(_INSERT_ARTICLE, _article_row(doc, outlet, row["doc"]))
            connection.execute(_INSERT_FEATURES, (row["id"], *features_row(found, vector)))
            if self.keep_placing:
                self.stored.append(found)
        self.imported.articles += len(new)

    def _doc(self, row: dict[str, Any]) -> Doc:
        try:
            doc = codec.loads(Doc, row["doc"])
        except Exception as error:  # any malformed JSON or record: refuse the folder
            raise self.refuse(f"the doc of article {row['id']} cannot be read: {error}") from error
        if doc.article.id != row["id"]:
            raise self.refuse(f"the doc of article {row['id']} is article {doc.article.id}")
        return doc

    def _vector(self, row: dict[str, Any]) -> np.ndarray:
        """The article's lead vector, as long as every other vector of the store."""
        vector = np.asarray(row["vector"] or [], np.float32)
        if self.dim is None:
            self.dim = len(vector)
        if not len(vector) or len(vector) != self.dim:
            raise self.refuse(
                f"article {row['id']} has a vector of {len(vector)} numbers, not {self.dim}"
            )
        return vector

    # ------------------------------------------------------------------ placing

    def _place(self, connection: sqlite3.Connection) -> None:
        """Number the articles in the clustering order, with their story and copy-of, once
        the order is one the story index can replay."""
        order = [self.stored[i].article_id for i in plan.placing_order(self.stored)]
        order = self._replayable(order)
        self._check_placing(order)
        connection.executemany(
            "UPDATE articles SET story = ?, placed = ?, copy_of = ? WHERE id = ?",
            (
                (self.places[a].story, n, self.places[a].copy_of, a)
                for n, a in enumerate(order, start=1)
            ),
        )

    def _replayable(self, order: list[str]) -> list[str]:
        """`order` with every article held back until its story has begun (with the article
        its id derives from) and what it copies is placed: a story an incremental job added
        an earlier-dated report to still begins with the report that opened it. Otherwise
        the clustering order; what can never be placed stays last, for the check to name."""
        out: list[str] = []
        placed: set[str] = set()
        begun = set(self.story_ids)
        waiting: dict[str, list[str]] = {}  # a story or an article -> what waits for it

        def blocker(article: str) -> str | None:
            place = self.places[article]
            if place.copy_of:
                return None if place.copy_of in placed else place.copy_of
            if not place.story or place.story in begun or story_id_of(article) == place.story:
                return None
            return place.story

        for first in order:
            pending = [first]
            while pending:
                article = pending.pop()
                held = blocker(article)
                if held is not None:
                    waiting.setdefault(held, []).append(article)
                    continue
                out.append(article)
                placed.add(article)
                story = self.places[article].story or ""
                begun.add(story)
                for key in (article, story):
                    pending.extend(reversed(waiting.pop(key, [])))
        return out + [a for found in waiting.values() for a in found]

    def _check_placing(self, order: list[str]) -> None:
        """What `StoryKeeper` needs to rebuild its index from this order: every story begins
        with the article its id derives from, and a copy follows what it repeats, in its
        story."""
        story_of: dict[str, str] = {}
        for article in order:
            place = self.places[article]
            if not place.story:
                raise self.refuse(f"article {article} has no story")
            if place.copy_of:
                if story_of.get(place.copy_of) != place.story:
                    raise self.refuse(
                        f"article {article} is a copy of {place.copy_of}, which is not placed "
                        f"before it in story {place.story}"
                    )
            elif place.story not in self.story_ids and story_id_of(article) != place.story:
                raise self.refuse(
                    f"story {place.story} begins with article {article}, whose story would be "
                    f"{story_id_of(article)}"
                )
            story_of[article] = place.story
            self.story_ids.add(place.story)

    # ------------------------------------------------------------------ stories

    def _load_stories(self, connection: sqlite3.Connection) -> None:
        """Each story's row; label, date and counts from the Story, as the store writes them."""
        columns = ["id", "first_seen", "last_seen", "story"]
        seen: set[str] = set()
        stamp = now()
        for rows in self._rows("stories", columns):
            for row in rows:
                story = self._record(Story, row["story"], f"story {row['id']}")
                if story.id != row["id"]:
                    raise self.refuse(f"the story column of story {row['id']} is story {story.id}")
                if row["id"] not in self.story_ids:
                    raise self.refuse(f"story {row['id']} has no articles in the articles table")
                if row["id"] in seen:
                    raise self.refuse(f"story {row['id']} is in the stories table twice")
                seen.add(row["id"])
                connection.execute(_INSERT_STORY, _story_row(story, row, stamp))
        missing = self.story_ids - seen
        if missing:
            raise self.refuse(f"story {min(missing)} has no row in the stories table")
        self.imported.stories = len(seen)

    def _load_comparisons(self, connection: sqlite3.Connection) -> None:
        seen: set[str] = set()
        for rows in self._rows("comparisons", ["story", "comparison"]):
            for row in rows:
                story = row["story"]
                comparison = self._record(Comparison, row["comparison"], f"story {story}")
                if comparison.story.id != story:
                    raise self.refuse(
                        f"the comparison of story {story} is of {comparison.story.id}"
                    )
                if story not in self.story_ids:
                    raise self.refuse(f"the comparison of story {story} has no story to go with")
                if story in seen:
                    raise self.refuse(f"story {story} is in the comparisons table twice")
                seen.add(story)
                counts = verdict_counts(comparison.groups)
                verdicts = (counts["agree"], counts["only_in"], counts["contradict"])
                connection.execute(_SAVE_COMPARISON, (row["comparison"], *verdicts, story))
        self.imported.comparisons = len(seen)

    def _record(self, cls: type[Any], text: str | None, what: str) -> Any:
        try:
            return codec.loads(cls, text or "")
        except Exception as error:  # any malformed JSON or record: refuse the folder
            raise self.refuse(f"the {cls.__name__} of {what} cannot be read: {error}") from error

    # ------------------------------------------------------------------ inputs

    def _load_inputs(self, connection: sqlite3.Connection) -> None:
        """Every input and how it ended; one whose article the store held already is
        `skipped`, as an ingest records it. An input recorded before is left as it was."""
        columns = ["origin", "article", "outcome", "reason", "detail"]
        stamp = now()
        for rows in self._rows("inputs", columns):
            for row in rows:
                values = self._input_row(row)
                inserted = connection.execute(_INSERT_INPUT, (*values, stamp)).rowcount
                self.imported.inputs += inserted

    def _input_row(self, row: dict[str, Any]) -> tuple[object, ...]:
        origin, article = row["origin"], row["article"]
        if not origin or not row["outcome"]:
            raise self.refuse("the inputs table has a row without an origin or an outcome")
        outcome, reason, detail = row["outcome"], row["reason"] or "", row["detail"] or ""
        if outcome == "ok" and article not in self.places:
            raise self.refuse(f"input {origin} was read as article {article}, not in the folder")
        if outcome == "ok" and article in self.skipped:
            outcome, reason, detail = "skipped", "stored", "already stored"
        return (f"{origin}\x00{article or ''}", origin, article, outcome, reason, detail)


def _known(connection: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Those of `ids` the store holds already."""
    marks = ",".join("?" * len(ids))
    rows = connection.execute(f"SELECT id FROM articles WHERE id IN ({marks})", ids)
    return {row[0] for row in rows}


def _stored_dim(connection: sqlite3.Connection) -> int | None:
    """How many numbers the store's lead vectors have (None while it has none)."""
    row = connection.execute("SELECT length(vector) FROM story_features LIMIT 1").fetchone()
    return None if row is None else row[0] // np.dtype(np.float32).itemsize


def _story_row(story: Story, row: dict[str, Any], stamp: str) -> tuple[object, ...]:
    return (
        story.id,
        story.label,
        story.event_date,
        row["first_seen"],
        row["last_seen"],
        len(story.articles),
        len(story.outlets),
        row["story"],
        stamp,
    )
