"""`rashomon import`: a folder of Parquet tables, as `rashomon spark run` writes them (built here
from the local pipeline with the job's own row builders, no pyspark), loaded into a store: the
folder's placing kept and replayable, pages served, re-import a no-op, a non-empty store
placing the new articles itself, bad folders refused with the store left as it was."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES
from deltalake import DeltaTable
from fastapi import FastAPI
from typer.testing import CliRunner

from rashomon import codec
from rashomon.cli import app
from rashomon.compare import outlet_of
from rashomon.errors import StoreError
from rashomon.model import Comparison, Doc, Result, Story
from rashomon.pipeline import annotate_inputs, compare_inputs
from rashomon.settings import Settings
from rashomon.store import Store, delta
from rashomon.store.importer import Imported, import_folder
from rashomon.store.ingest import ingest_into
from rashomon.store.tables import (
    TABLES,
    annotation_row,
    arrow_schema,
    article_row,
    claim_group_rows,
    comparison_row,
    input_row,
    story_row,
)
from rashomon.stories import embed_leads
from rashomon.web.app import create_app

COMPARE = Path(__file__).parent / "fixtures" / "compare"
SEEDS = sorted(EXAMPLES.glob("0*.txt"))
runner = CliRunner()

Tables = dict[str, pa.Table]


# ---------------------------------------------------------------------------- the folder


def write_tables(
    out: Path, comparisons: list[Comparison], docs: dict[str, Doc], results: list[Result]
) -> Path:
    """The tables of `rashomon spark run` for what `compare_inputs` returned, one folder of
    Parquet part files each (articles and annotations split over two parts)."""
    rows = _table_rows(comparisons, docs, results)
    for table, table_rows in rows.items():
        schema = arrow_schema(table)
        folder = out / table
        folder.mkdir(parents=True)
        parts = 2 if table in ("articles", "annotations") else 1
        for part in range(parts):
            chunk = [dict(zip(schema.names, row, strict=True)) for row in table_rows[part::parts]]
            data = pa.Table.from_pylist(chunk, schema=schema)
            pq.write_table(data, folder / f"part-{part:05d}.parquet")
        (folder / "_SUCCESS").write_text("")  # Spark's marker, which readers skip
    return out


def _table_rows(
    comparisons: list[Comparison], docs: dict[str, Doc], results: list[Result]
) -> dict[str, list[tuple]]:
    settings = Settings()
    story_of = {o: c.story for c in comparisons for o in c.story.articles}
    copy_of = {
        copy: docs[original].article.id
        for c in comparisons
        for copy, original in c.story.duplicates
        if copy in docs
    }
    origins = list(docs)
    vectors = embed_leads([docs[o] for o in origins], settings)
    days = {
        o: d.article.published.isoformat() if d.article.published else None for o, d in docs.items()
    }
    return {
        "articles": [
            article_row(docs[o], o, outlet_of(docs[o]).name, story_of[o].id, copy_of.get(o))
            for o in origins
        ],
        "annotations": [annotation_row(docs[o], v) for o, v in zip(origins, vectors, strict=True)],
        "inputs": [input_row(r, r.origin, "run-1") for r in results],
        "stories": [
            story_row(c.story, c, [days.get(o) for o in c.story.articles]) for c in comparisons
        ],
        "comparisons": [comparison_row(c) for c in comparisons],
        "claim_groups": [row for c in comparisons for row in claim_group_rows(c)],
    }


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seeds, the compare pairs, a near copy of a seed and a byte-for-byte copy of one."""
    extra = tmp_path_factory.mktemp("copies")
    text = SEEDS[0].read_text("utf-8")
    (extra / "near_copy.txt").write_text(text.replace("More bad news", "More bad news indeed"))
    shutil.copy(SEEDS[1], extra / "exact_copy.txt")
    copies = [extra / "near_copy.txt", extra / "exact_copy.txt"]
    return [str(p) for p in [*SEEDS, *sorted(COMPARE.glob("*.txt")), *copies]]


@pytest.fixture(scope="session")
def compared(inputs: list[str]) -> tuple[list[Comparison], dict[str, Doc], list[Result]]:
    return compare_inputs(inputs, Settings())


@pytest.fixture(scope="session")
def folder(tmp_path_factory: pytest.TempPathFactory, compared) -> Path:
    return write_tables(tmp_path_factory.mktemp("spark") / "out", *compared)


@pytest.fixture(scope="session")
def tables(folder: Path) -> Tables:
    return {t: pq.read_table(folder / t) for t in TABLES}


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the seeds, ingested locally."""
    path, settings = tmp_path_factory.mktemp("seeded") / "news.db", Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(p) for p in SEEDS], settings)
    return path


@pytest.fixture
def stores(seeded_store: Path, tmp_path: Path) -> tuple[Path, Path]:
    """An empty store and a copy of the seeded one, this test's own."""
    empty, seeded = tmp_path / "empty.db", tmp_path / "seeded.db"
    Store(empty).close()
    shutil.copy(seeded_store, seeded)
    assert _rows(seeded, "SELECT count(*) FROM articles") == [(len(SEEDS),)]
    return empty, seeded


@pytest.fixture(scope="module")
def imported(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Imported]:
    """The folder imported into a new store."""
    path = tmp_path_factory.mktemp("imported") / "news.db"
    with Store(path) as store:
        return path, import_folder(folder, store)


def _rows(path: Path, sql: str, *args: object) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in connection.execute(sql, args)]
    finally:
        connection.close()


def _dump(path: Path) -> list[tuple]:
    """Every row of every table of the store."""
    names = ("articles", "story_features", "inputs", "stories")
    return [(n, *row) for n in names for row in _rows(path, f"SELECT * FROM {n} ORDER BY 1")]


def _altered(folder: Path, out: Path, table: str, change: Callable[[pa.Table], pa.Table]) -> Path:
    """A copy of the folder with one table changed (written as one part)."""
    shutil.copytree(folder, out)
    data = change(pq.read_table(folder / table))
    shutil.rmtree(out / table)
    (out / table).mkdir()
    pq.write_table(data, out / table / "part-00000.parquet")
    return out


def _seed_story(tables: Tables) -> str:
    """The story of the seeds (and the copies of them)."""
    articles = tables["articles"].to_pylist()
    (story,) = {a["story"] for a in articles if a["origin"] == str(SEEDS[1])}
    return story


# ---------------------------------------------------------------------------- into an empty store


def test_the_folder_has_what_the_tests_need(tables: Tables):
    articles = tables["articles"].to_pylist()
    assert len(articles) == 17 and tables["inputs"].num_rows == 18
    assert sum(a["copy_of"] is not None for a in articles) == 1  # the near copy
    skipped = [r for r in tables["inputs"].to_pylist() if r["outcome"] == "skipped"]
    assert [r["reason"] for r in skipped] == ["duplicate"]  # the exact copy
    assert tables["stories"].num_rows == tables["comparisons"].num_rows >= 6


def test_counts_after_the_import_are_the_tables(imported, tables: Tables):
    path, done = imported
    assert done == Imported(
        articles=tables["articles"].num_rows,
        stories=tables["stories"].num_rows,
        comparisons=tables["comparisons"].num_rows,
        inputs=tables["inputs"].num_rows,
    )
    with Store(path) as store:
        counts = store.counts()
    assert counts == {
        "articles": done.articles,
        "stories": done.stories,
        "inputs": done.inputs,
        "failed": 0,
        "unplaced": 0,
        "uncompared": 0,
    }


def test_articles_keep_the_folders_story_and_copy_placed_in_clustering_order(imported, tables):
    path, _ = imported
    stored = _rows(path, "SELECT id, story, copy_of, placed FROM articles ORDER BY placed")
    assert [p for *_, p in stored] == list(range(1, len(stored) + 1))
    expected = {a["id"]: (a["story"], a["copy_of"]) for a in tables["articles"].to_pylist()}
    assert {a: (s, c) for a, s, c, _ in stored} == expected
    dates = [d for (d,) in _rows(path, "SELECT published FROM articles ORDER BY placed")]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # undated last


def test_docs_stories_and_comparisons_are_stored_as_written(imported, compared):
    path, _ = imported
    comparisons, docs, _ = compared
    stored_docs = dict(_rows(path, "SELECT origin, doc FROM articles"))
    assert {o: codec.loads(Doc, t) for o, t in stored_docs.items()} == docs
    stored = {s: (t, c) for s, t, c in _rows(path, "SELECT id, story, comparison FROM stories")}
    for comparison in comparisons:
        story, compared_json = stored[comparison.story.id]
        assert codec.loads(Story, story) == comparison.story
        assert codec.loads(Comparison, compared_json) == comparison


def test_stories_rows_carry_the_tables_counts_and_a_current_comparison(imported, tables):
    path, _ = imported
    columns = "id, articles, outlets, agree, only_in, contradict, first_seen, last_seen"
    stored = {r[0]: r[1:] for r in _rows(path, f"SELECT {columns} FROM stories")}
    for row in tables["stories"].to_pylist():
        names = columns.split(", ")[1:]
        assert stored[row["id"]] == tuple(row[n] for n in names)
    current = "SELECT version, compared, compared_articles = articles FROM stories"
    assert set(_rows(path, current)) == {(1, 1, 1)}


def _call(application: FastAPI, url: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.get(url)

    return asyncio.run(go())


_PAGE_COUNT = r'(\d+)<span class="vh"> {}</span>'


def test_every_story_page_and_api_story_shows_the_tables_verdicts(
    imported, tables, monkeypatch: pytest.MonkeyPatch
):
    path, _ = imported
    monkeypatch.delenv("RASHOMON_TOKEN", raising=False)
    with Store(path) as store:
        application = create_app(store, Settings())
        for row in tables["stories"].to_pylist():
            api = _call(application, f"/api/v1/stories/{row['id']}")
            assert api.status_code == 200, api.text
            body = api.json()
            page = _call(application, f"/stories/{row['id']}")
            assert page.status_code == 200
            for verdict, word in (("agree", "agree"), ("only_in", "only in one")):
                assert body[verdict] == row[verdict]
                shown = re.search(_PAGE_COUNT.format(word), page.text)
                assert shown is not None and int(shown.group(1)) == row[verdict]
            assert body["contradict"] == row["contradict"]
            assert row["label"] in html.unescape(page.text)
        for article in tables["articles"].column("id").to_pylist():
            assert _call(application, f"/articles/{article}").status_code == 200


def test_a_local_ingest_after_the_import_replays_its_placing(folder, tables, tmp_path):
    """The store's index is rebuilt from the imported placing: a new near copy of a seed is
    found to repeat the imported original, in the seeds' story."""
    path = tmp_path / "news.db"
    near = tmp_path / "another_copy.txt"
    near.write_text(SEEDS[1].read_text("utf-8").replace("held talks", "held long talks"))
    settings = Settings()
    with Store(path, settings) as store:
        import_folder(folder, store)
        results = list(annotate_inputs([str(near)], settings))
        assert store.add(results).stored == 1
        updated = store.update()
    assert updated.placed == 1 and updated.compared == 1
    seeds = _seed_story(tables)
    ((story, copy_of, placed),) = _rows(
        path, "SELECT story, copy_of, placed FROM articles WHERE origin = ?", str(near)
    )
    assert story == seeds and placed == tables["articles"].num_rows + 1
    originals = {a["id"] for a in tables["articles"].to_pylist() if a["story"] == seeds}
    assert copy_of in originals


def test_importing_the_folder_again_changes_nothing(folder, tables, tmp_path):
    path = tmp_path / "news.db"
    with Store(path) as store:
        import_folder(folder, store)
    before = _dump(path)
    with Store(path) as store:
        again = import_folder(folder, store)
    assert again == Imported(skipped=tables["articles"].num_rows)
    assert _dump(path) == before


def test_a_story_the_folder_did_not_compare_is_compared_by_the_store(folder, tables, tmp_path):
    seeds = _seed_story(tables)
    bad = _altered(
        folder,
        tmp_path / "out",
        "comparisons",
        lambda data: data.filter(pc.field("story") != seeds),
    )
    path = tmp_path / "news.db"
    with Store(path) as store:
        done = import_folder(bad, store)
        counts = store.counts()
    assert done.comparisons == tables["comparisons"].num_rows and done.placed_here == 0
    assert counts["uncompared"] == 0
    (row,) = [r for r in tables["stories"].to_pylist() if r["id"] == seeds]
    assert _rows(path, "SELECT agree FROM stories WHERE id = ?", seeds) == [(row["agree"],)]


# ---------------------------------------------------------------------------- a non-empty store


def test_a_store_with_articles_places_the_new_ones_itself(folder, tables, tmp_path):
    path, settings = tmp_path / "news.db", Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(p) for p in SEEDS], settings)
        done = import_folder(folder, store)
        counts = store.counts()
    new = tables["articles"].num_rows - len(SEEDS)
    assert (done.articles, done.skipped, done.placed_here) == (new, len(SEEDS), new)
    assert done.inputs == tables["inputs"].num_rows - len(SEEDS)  # the seeds' inputs are known
    assert done.stories >= tables["stories"].num_rows - 1 and done.comparisons == done.stories
    assert counts["articles"] == tables["articles"].num_rows
    assert counts["unplaced"] == counts["uncompared"] == 0
    placed = [p for (p,) in _rows(path, "SELECT placed FROM articles ORDER BY placed")]
    assert placed == list(range(1, counts["articles"] + 1))
    outcomes = _rows(path, "SELECT outcome, reason FROM inputs WHERE origin LIKE '%exact_copy%'")
    assert outcomes == [("skipped", "duplicate")]


def test_an_input_of_an_article_stored_before_is_recorded_as_skipped(folder, tmp_path):
    """The seeds ingested under other names: the folder's inputs of them are `skipped`."""
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, renamed / seed.name)
    path, settings = tmp_path / "news.db", Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(renamed)], settings)
        import_folder(folder, store)
    for seed in SEEDS:
        rows = _rows(path, "SELECT outcome, reason FROM inputs WHERE origin = ?", str(seed))
        assert rows == [("skipped", "stored")]


# ---------------------------------------------------------------------------- refused


def _drop(column: str) -> Callable[[pa.Table], pa.Table]:
    return lambda data: data.drop_columns([column])


def _as_text(column: str) -> Callable[[pa.Table], pa.Table]:
    def change(data: pa.Table) -> pa.Table:
        index = data.schema.get_field_index(column)
        return data.set_column(index, column, pc.cast(data[column], pa.string()))

    return change


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("articles", _drop("copy_of"), "the articles table lacks the column copy_of"),
        ("stories", _as_text("articles"), "the stories table's column articles is string"),
        ("annotations", _drop("vector"), "the annotations table lacks the column vector"),
    ],
)
def test_a_table_without_its_columns_is_refused(folder, stores, tmp_path, table, change, message):
    bad = _altered(folder, tmp_path / "bad", table, change)
    _assert_refused(bad, stores, [str(bad), message])


def test_a_missing_table_is_refused(folder, stores, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    shutil.rmtree(bad / "comparisons")
    _assert_refused(bad, stores, [str(bad), "the comparisons table is missing"])


@pytest.mark.parametrize("name", ["a_file.parquet", "nowhere"])
def test_what_is_not_a_folder_is_refused(stores, tmp_path, name):
    bad = tmp_path / name
    if name.endswith(".parquet"):
        bad.write_bytes(b"PAR1")
    _assert_refused(bad, stores, [str(bad), "not a folder of tables"])


def _rename_story(old: str, new: str) -> Callable[[Path], None]:
    """Every mention of story `old` (articles, stories, comparisons) made `new`."""

    def change(out: Path) -> None:
        for table, column in (("articles", "story"), ("stories", "id"), ("comparisons", "story")):
            data = pq.read_table(out / table)
            values = [new if v == old else v for v in data[column].to_pylist()]
            index = data.schema.get_field_index(column)
            data = data.set_column(index, column, pa.array(values, pa.string()))
            shutil.rmtree(out / table)
            (out / table).mkdir()
            pq.write_table(data, out / table / "part-00000.parquet")

    return change


def test_a_story_not_named_after_its_first_article_is_refused(folder, tables, stores, tmp_path):
    """Written rows are rolled back: the articles went in before the placing was checked."""
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    seeds = _seed_story(tables)
    _rename_story(seeds, "s000000000000")(bad)
    _assert_refused(
        bad, stores, [str(bad), "story s000000000000 begins with article"], seeded=False
    )


def test_a_copy_of_an_article_in_another_story_is_refused(folder, tables, stores, tmp_path):
    articles = tables["articles"].to_pylist()
    elsewhere = next(a["id"] for a in articles if a["story"] != _seed_story(tables))

    def change(data: pa.Table) -> pa.Table:
        values = [elsewhere if v else None for v in data["copy_of"].to_pylist()]
        index = data.schema.get_field_index("copy_of")
        return data.set_column(index, "copy_of", pa.array(values, pa.string()))

    bad = _altered(folder, tmp_path / "bad", "articles", change)
    _assert_refused(
        bad, stores, [str(bad), f"is a copy of {elsewhere}, which is not placed"], seeded=False
    )


def test_an_article_without_annotations_is_refused(folder, tables, stores, tmp_path):
    last = tables["annotations"].num_rows - 1
    bad = _altered(folder, tmp_path / "bad", "annotations", lambda data: data.slice(0, last))
    _assert_refused(bad, stores, [str(bad), "has no annotations row"])


def _assert_refused(
    bad: Path, stores: tuple[Path, ...], words: list[str], *, seeded: bool = True
) -> None:
    """Import refused with a message holding `words`, into an empty store and (unless not
    `seeded`: a placing is only checked when it is kept) into one holding the seeds; no
    store changed."""
    for path in stores if seeded else stores[:1]:
        before = _dump(path)
        with Store(path) as store, pytest.raises(StoreError) as raised:
            import_folder(bad, store)
        for word in words:
            assert word in str(raised.value)
        assert _dump(path) == before


# ---------------------------------------------------------------------------- the command


def test_the_command_imports_and_says_what_it_did(folder, tables, tmp_path):
    db = tmp_path / "news.db"
    result = runner.invoke(app, ["import", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (
        f"imported {tables['articles'].num_rows} articles, {tables['stories'].num_rows} "
        f"stories, {tables['comparisons'].num_rows} comparisons, {tables['inputs'].num_rows} "
        "inputs" in result.output
    )
    assert "skipped 0 already stored" in result.output
    again = runner.invoke(app, ["import", str(folder), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert f"skipped {tables['articles'].num_rows} already stored" in again.output


def test_the_command_refuses_a_bad_folder_without_creating_the_store(folder, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    shutil.rmtree(bad / "inputs")
    db = tmp_path / "news.db"
    result = runner.invoke(app, ["import", str(bad), "--db", str(db)])
    assert result.exit_code == 2
    assert "the inputs table is missing" in result.output and str(bad) in result.output
    assert not db.exists()


def test_spark_spellings_of_the_types_are_read(folder, tables, tmp_path):
    """Spark names a list's item `element`; another writer may write large strings."""
    floats = pa.list_(pa.field("element", pa.float32()))

    def change(data: pa.Table) -> pa.Table:
        data = data.set_column(6, "vector", data["vector"].cast(floats))
        return data.set_column(5, "doc", data["doc"].cast(pa.large_string()))

    spark = _altered(folder, tmp_path / "out", "annotations", change)
    assert (
        pq.read_schema(next((spark / "annotations").glob("*.parquet"))).field("vector").type
        == floats
    )
    with Store(tmp_path / "news.db") as store:
        assert import_folder(spark, store).articles == tables["articles"].num_rows


# ---------------------------------------------------------------------------- Delta tables


def _as_delta(folder: Path, out: Path, tag: str = "20260101T000000000000-aaaaaa") -> Path:
    """The folder's tables as `rashomon spark run` writes them now: each a Delta table whose
    Parquet files lie in a folder named by the write's tag, committed in one commit."""
    for table in TABLES:
        add_version(out, table, pq.read_table(folder / table), tag)
    return out


def add_version(out: Path, table: str, data: pa.Table, tag: str) -> None:
    """`data` committed as the new version of one Delta table under `out`."""
    (out / table / tag).mkdir(parents=True)
    path = out / table / tag / "part-00000.parquet"
    pq.write_table(data, path)
    stat = path.stat()
    found = delta.DataFile(f"{tag}/{path.name}", stat.st_size, stat.st_mtime_ns // 10**6, len(data))
    delta.commit(str(out / table), table, [found], tag)


def test_delta_tables_import_as_the_parquet_ones_do(folder, tables, tmp_path):
    out = _as_delta(folder, tmp_path / "delta")
    assert all(DeltaTable(str(out / t)).count() == tables[t].num_rows for t in TABLES)
    with Store(tmp_path / "parquet.db") as store:
        from_parquet = import_folder(folder, store)
    with Store(tmp_path / "delta.db") as store:
        assert import_folder(out, store) == from_parquet
    stored = "SELECT id, story, copy_of, placed, doc FROM articles ORDER BY id"
    assert _rows(tmp_path / "delta.db", stored) == _rows(tmp_path / "parquet.db", stored)


def test_an_import_reads_the_last_write_every_table_holds(folder, tables, tmp_path):
    """A job killed between two tables' commits: the articles hold a newer write than the
    other tables, so the import reads the write before it in every table."""
    out = _as_delta(folder, tmp_path / "delta")
    fewer = tables["articles"].slice(0, 1)
    add_version(out, "articles", fewer, "20260102T000000000000-bbbbbb")
    assert DeltaTable(str(out / "articles")).count() == 1
    assert delta.snapshot(out, TABLES) == {t: 0 for t in TABLES}
    with Store(tmp_path / "news.db") as store:
        assert import_folder(out, store).articles == tables["articles"].num_rows


def test_a_table_neither_delta_nor_parquet_is_refused(folder, stores, tmp_path):
    bad = _as_delta(folder, tmp_path / "bad")
    shutil.rmtree(bad / "stories")
    (bad / "stories").mkdir()
    (bad / "stories" / "notes.txt").write_text("not a table")
    _assert_refused(bad, stores, [str(bad), "the stories table", "neither a Delta table"])


def test_duckdb_reads_a_delta_tables_current_files(folder, tables, tmp_path):
    import duckdb

    out = _as_delta(folder, tmp_path / "delta")
    add_version(out, "articles", tables["articles"].slice(0, 2), "20260102T000000000000-bbbbbb")
    files = DeltaTable(str(out / "articles")).file_uris()
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall()
    assert count == [(2,)]  # the current version only, not the files of the one before


def test_a_story_that_gained_an_earlier_dated_report_replays_from_its_opener(tmp_path: Path):
    from rashomon.store.importer import _Loading, _Place
    from rashomon.store.stories import story_id_of

    loading = _Loading(tmp_path, Settings())
    story = story_id_of("opener")
    loading.places = {
        "earlier": _Place(None, story, None),  # dated before the opener, added by a later job
        "opener": _Place(None, story, None),
        "copy": _Place(None, story, "earlier"),
        "alone": _Place(None, story_id_of("alone"), None),
    }
    order = loading._replayable(["earlier", "copy", "alone", "opener"])  # the clustering order
    assert order == ["alone", "opener", "earlier", "copy"]
    loading._check_placing(order)  # replayable: no refusal
    loading.places["orphan"] = _Place(None, "s-nobody-opened", None)
    loading.story_ids = set()
    with pytest.raises(StoreError, match="story s-nobody-opened begins with article orphan"):
        loading._check_placing(loading._replayable(["orphan", *order]))
