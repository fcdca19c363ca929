"""Exports of a store: every table in every format, read back with json, csv, pyarrow, DuckDB."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.errors import StoreError
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.export import FORMATS, TABLES, columns, export, neutral, rows
from rashomon.store.ingest import ingest_into

ROOT = Path(__file__).resolve().parents[1]
SEEDS_STORY = {"000_b336833760f4749c.txt", "001_e0f29892ad68ab7a.txt"}
runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the two seed reports and the comparison fixtures, ingested once."""
    path = tmp_path_factory.mktemp("store") / "news.db"
    inputs = [
        *sorted(ROOT.glob("examples/0*.txt")),
        *sorted(ROOT.glob("tests/fixtures/compare/*.txt")),
    ]
    settings = Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(p) for p in inputs], settings)
    return path


@pytest.fixture(scope="module")
def expected_counts(store_path: Path) -> dict[str, int]:
    """Rows each table should export, counted straight from the store."""
    with Store(store_path) as store, store.db.read() as connection:
        groups = connection.execute(
            "SELECT sum(agree + only_in + contradict) FROM stories WHERE comparison IS NOT NULL"
        ).fetchone()[0]
        counts = store.counts()
    return {
        "articles": counts["articles"],
        "stories": counts["stories"],
        "inputs": counts["inputs"],
        "comparisons": groups,
    }


@pytest.fixture(scope="module")
def exported(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every table in every format, exported once: {(table, format): (path, rows written)}."""
    folder = tmp_path_factory.mktemp("exports")
    done = {}
    for table in TABLES:
        for fmt in FORMATS:
            path = folder / f"{table}.{fmt}"
            done[(table, fmt)] = (path, export(store_path, table, fmt, path, batch_size=5))
    return done


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _seed_story(records: list[dict]) -> dict:
    (story,) = [r for r in records if {Path(s).name for s in r["sources"]} == SEEDS_STORY]
    return story


def test_the_store_has_what_the_tests_need(expected_counts):
    assert expected_counts["articles"] == 16
    assert expected_counts["stories"] >= 7
    assert expected_counts["comparisons"] > expected_counts["stories"]


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_table_exports_every_row_in_every_format(exported, expected_counts, table, fmt):
    path, written = exported[(table, fmt)]
    assert written == expected_counts[table]
    assert path.is_file()
    assert not list(path.parent.glob("*.partial"))


@pytest.mark.parametrize("table", list(TABLES))
def test_jsonl_lines_parse_with_the_documented_columns(exported, table):
    records = _jsonl(exported[(table, "jsonl")][0])
    assert [list(r) for r in records] == [[name for name, _ in columns(table)]] * len(records)


@pytest.mark.parametrize("table", list(TABLES))
def test_json_is_one_array_equal_to_the_jsonl(exported, table):
    array = json.loads(exported[(table, "json")][0].read_text("utf-8"))
    assert array == _jsonl(exported[(table, "jsonl")][0])


def test_stories_export_the_seeds_story_with_two_agreeing_groups(exported):
    story = _seed_story(_jsonl(exported[("stories", "jsonl")][0]))
    assert story["agree"] == 2
    assert story["articles"] == 2 and story["outlets"] == 2
    assert story["event_date"] == "2024-01-31"
    assert "Sputnik" in story["outlet_names"]
    assert story["up_to_date"] is True


def test_comparisons_are_one_row_per_claim_group_pointing_into_the_articles(exported):
    stories = _jsonl(exported[("stories", "jsonl")][0])
    groups = _jsonl(exported[("comparisons", "jsonl")][0])
    articles = {a["origin"]: a for a in _jsonl(exported[("articles", "jsonl")][0])}
    seeds = _seed_story(stories)["id"]
    agreed = [g for g in groups if g["story"] == seeds and g["verdict"] == "agree"]
    assert len(agreed) == 2
    for group in groups:
        assert group["sources"] and set(group["sources"]) <= set(articles)
        for claim in group["claims"]:
            text = articles[claim["source"]]["text"]
            assert text[claim["start"] : claim["end"]] == claim["text"]


def test_articles_carry_their_annotation_with_every_field(exported):
    articles = _jsonl(exported[("articles", "jsonl")][0])
    sputnik = next(a for a in articles if a["origin"].endswith("001_e0f29892ad68ab7a.txt"))
    assert sputnik["published"] == "2024-01-31" and sputnik["story"]
    assert sputnik["entities"] and sputnik["claims"] and sputnik["quotes"]
    entity = sputnik["entities"][0]
    assert {"start", "end", "text", "type", "key", "via", "produced_by"} <= set(entity)
    assert sputnik["text"][entity["start"] : entity["end"]] == entity["text"]


@pytest.mark.parametrize("table", list(TABLES))
def test_csv_round_trips_nested_columns_as_json_text(exported, table):
    with exported[(table, "csv")][0].open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    records = _jsonl(exported[(table, "jsonl")][0])
    assert len(read) == len(records)
    for cell_row, record in zip(read, records, strict=True):
        for name, kind in columns(table):
            cell, value = cell_row[name], record[name]
            if kind in ("json", "list<string>"):
                assert json.loads(cell) == value
            elif kind == "int64":
                assert int(cell) == value
            elif kind == "double":
                assert float(cell) == pytest.approx(value)
            elif kind == "bool":
                assert cell == ("true" if value else "false")
            else:
                assert cell == ("" if value is None else neutral(value))


@pytest.mark.parametrize("table", list(TABLES))
def test_parquet_reads_back_with_pyarrow_with_the_fixed_schema(exported, table):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = exported[(table, "parquet")][0]
    read = pq.read_table(path)
    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "list<string>": pa.list_(pa.string()),
        "json": pa.string(),
    }
    assert [(f.name, f.type) for f in read.schema] == [(n, types[k]) for n, k in columns(table)]
    records = _jsonl(exported[(table, "jsonl")][0])
    json_columns = {n for n, k in columns(table) if k == "json"}
    as_read = read.to_pylist()
    for row in as_read:
        for name in json_columns:
            row[name] = json.loads(row[name])
    assert as_read == records


def test_parquet_reads_back_with_duckdb(exported, expected_counts):
    duckdb = pytest.importorskip("duckdb")
    stories = str(exported[("stories", "parquet")][0])
    groups = str(exported[("comparisons", "parquet")][0])
    types = dict(
        duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE '{stories}')").fetchall()
    )
    assert types["agree"] == "BIGINT" and types["label"] == "VARCHAR"
    assert types["outlet_names"] == "VARCHAR[]" and types["up_to_date"] == "BOOLEAN"
    seed_id = _seed_story(_jsonl(exported[("stories", "jsonl")][0]))["id"]
    seeds = duckdb.sql(f"SELECT agree, sources FROM '{stories}' WHERE id = '{seed_id}'").fetchall()
    assert [(agree, {Path(s).name for s in sources}) for agree, sources in seeds] == [
        (2, SEEDS_STORY)
    ]
    verdicts = dict(duckdb.sql(f"SELECT verdict, count(*) FROM '{groups}' GROUP BY 1").fetchall())
    assert sum(verdicts.values()) == expected_counts["comparisons"]
    assert set(verdicts) <= {"agree", "only_in", "contradict"}
    per_story = duckdb.sql(
        f"SELECT s.agree, count(*) FILTER (WHERE g.verdict = 'agree') FROM '{stories}' s "
        f"JOIN '{groups}' g ON g.story = s.id GROUP BY s.id, s.agree"
    ).fetchall()
    assert all(agree == counted for agree, counted in per_story)
    ((fewest_claims, score_type),) = duckdb.sql(
        f"SELECT min(json_array_length(claims::JSON)), typeof(any_value(score)) FROM '{groups}'"
    ).fetchall()
    assert fewest_claims >= 1 and score_type == "DOUBLE"


def test_rows_streams_the_same_records_as_the_export(store_path, exported):
    assert list(rows(store_path, "inputs")) == _jsonl(exported[("inputs", "jsonl")][0])


def test_an_open_store_exports_to_a_text_stream(store_path, expected_counts):
    out = io.StringIO()
    with Store(store_path) as store:
        written = export(store, "inputs", "csv", out)
    lines = out.getvalue().splitlines()
    assert written == expected_counts["inputs"] == len(lines) - 1
    assert lines[0] == "origin,article,outcome,reason,detail,seen_at"


def test_an_export_replaces_an_existing_file_whole(store_path, tmp_path):
    path = tmp_path / "inputs.jsonl"
    path.write_text("old\n" * 1000, encoding="utf-8")
    export(store_path, "inputs", "jsonl", path)
    assert all(json.loads(line)["outcome"] for line in path.read_text("utf-8").splitlines())


def test_unknown_table_or_format_is_refused_by_name(store_path, tmp_path):
    with pytest.raises(StoreError, match="unknown table 'claims'"):
        export(store_path, "claims", "jsonl", tmp_path / "out.jsonl")
    with pytest.raises(StoreError, match="unknown export format 'xlsx'"):
        export(store_path, "stories", "xlsx", tmp_path / "out.xlsx")
    assert not list(tmp_path.iterdir())


def test_parquet_to_a_stream_is_refused(store_path):
    with pytest.raises(StoreError, match="parquet export needs an output file"):
        export(store_path, "stories", "parquet", io.StringIO())


def test_a_missing_store_is_refused_and_nothing_is_created(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="missing.db: no such store"):
        export(missing, "stories", "jsonl", tmp_path / "out.jsonl")
    assert not list(tmp_path.iterdir())


def test_a_sqlite_file_that_is_not_a_store_is_left_alone(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a rashomon store"):
        export(other, "stories", "jsonl", tmp_path / "out.jsonl")
    assert other.read_bytes() == before
    assert not (tmp_path / "out.jsonl").exists()


def test_exporting_over_the_store_itself_is_refused(store_path):
    with pytest.raises(StoreError, match="is the store itself"):
        export(store_path, "stories", "csv", store_path)


def test_a_failed_export_leaves_no_file_under_the_final_name(store_path, tmp_path, monkeypatch):
    import rashomon.store.export as module

    def broken(connection):
        yield from module._input_rows(connection)
        raise RuntimeError("disk full")

    table = module.TABLES["inputs"]
    monkeypatch.setitem(module.TABLES, "inputs", module.Table("inputs", table.columns, broken))
    for fmt in FORMATS:
        with pytest.raises(RuntimeError, match="disk full"):
            export(store_path, "inputs", fmt, tmp_path / f"inputs.{fmt}")
    assert not list(tmp_path.iterdir())


def test_cli_exports_jsonl_to_stdout_by_default(store_path, expected_counts):
    result = runner.invoke(app, ["export", "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == expected_counts["stories"]
    assert _seed_story(records)["agree"] == 2


def test_cli_exports_parquet_to_a_file(store_path, tmp_path, expected_counts):
    import pyarrow.parquet as pq

    out = tmp_path / "groups.parquet"
    args = ["export", "--db", str(store_path), "-t", "comparisons", "-f", "parquet", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == expected_counts["comparisons"]
    assert f"exported {expected_counts['comparisons']} comparisons rows" in result.output


def test_cli_refuses_parquet_without_an_output_file(store_path):
    result = runner.invoke(app, ["export", "--db", str(store_path), "-f", "parquet"])
    assert result.exit_code == 2
    assert "give an output file" in result.output


def test_cli_refuses_a_missing_store_without_creating_it(tmp_path):
    missing = tmp_path / "news.db"
    out = tmp_path / "stories.csv"
    result = runner.invoke(app, ["export", "--db", str(missing), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 2
    assert "no such store" in result.output
    assert not list(tmp_path.iterdir())


def test_cli_refuses_an_unknown_table(store_path):
    result = runner.invoke(app, ["export", "--db", str(store_path), "-t", "claims"])
    assert result.exit_code == 2
    assert "claims" in result.output


def test_cli_choices_are_the_exportable_tables_and_formats():
    from rashomon.cli.store import ExportFormat, ExportTable

    assert [t.value for t in ExportTable] == list(TABLES)
    assert sorted(f.value for f in ExportFormat) == sorted(FORMATS)


def test_an_export_to_a_pipe_is_written_in_place(store_path, expected_counts, tmp_path):
    """A target that is not a regular file (a pipe, /dev/null) is written to, never replaced
    by a renamed temporary file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def drain() -> None:
        with fifo.open("rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    assert export(store_path, "stories", "jsonl", fifo) == expected_counts["stories"]
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(got[0].decode().splitlines()) == expected_counts["stories"]


def test_csv_text_that_a_spreadsheet_would_run_gets_a_leading_quote(tmp_path):
    """CSV injection: an article whose title starts like a formula exports as text."""
    page = tmp_path / "formula.html"
    page.write_text(
        '<html><head><title>=HYPERLINK("http://x.invalid","open")</title></head><body>'
        '<article><h1>=HYPERLINK("http://x.invalid","open")</h1>'
        + "".join(
            f"<p>Paragraph {n} of a report on the regional council meeting, where members"
            " discussed the budget for roads, schools and the new library at length.</p>"
            for n in range(8)
        )
        + "</article></body></html>",
        "utf-8",
    )
    db = tmp_path / "news.db"
    settings = Settings()
    with Store(db, settings) as store:
        ingest_into(store, [str(page)], settings)
    out = tmp_path / "articles.csv"
    export(db, "articles", "csv", out)
    with out.open(encoding="utf-8", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["title"].startswith("'=HYPERLINK(")
    assert neutral("-5 degrees") == "'-5 degrees" and neutral(-5) == -5
