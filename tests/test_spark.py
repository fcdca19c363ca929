"""`rashomon spark run` on a real local[2] Spark: the same output as the local pipeline on a
WARC crawl built here from real pages and the seed reports; a corrupt record and an empty
file recorded, not fatal; an interrupted job resumed to every record exactly once."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLES, SHARED

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (17): not found", allow_module_level=True)

import pyarrow.parquet as pq  # noqa: E402
from deltalake import DeltaTable  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from rashomon import codec  # noqa: E402
from rashomon.model import Comparison, Doc, Outcome  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.spark import job  # noqa: E402

AEB = SHARED / "data" / "extraction" / "aeb"
PAGES = 10  # real pages in the crawl, half in each archive

pytestmark = [
    pytest.mark.slow,  # a local Spark: about two minutes for the module
    pytest.mark.skipif(not AEB.is_dir(), reason=f"shared data not found at {AEB}"),
]


# ---------------------------------------------------------------------- the crawl


def _pages() -> list[tuple[str, bytes]]:
    import json

    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    found = []
    for path in sorted((AEB / "html").glob("*.html.gz"))[:PAGES]:
        key = path.name.removesuffix(".html.gz")
        url = truth.get(key, {}).get("url") or f"https://page.example/{key}"
        found.append((url, gzip.decompress(path.read_bytes())))
    return found


def _record(writer: WARCWriter, uri: str, body: bytes, content_type: str, kind: str) -> None:
    headers = None
    if kind == "response":
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
    warc_headers = {"WARC-Date": "2024-02-01T10:00:00Z"}
    if kind == "resource":
        warc_headers["Content-Type"] = content_type
    record = writer.create_warc_record(
        uri,
        kind,
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)


def _archive(records: list[tuple[str, bytes, str, str]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, body, content_type, kind in records:
        _record(writer, uri, body, content_type, kind)
    return out.getvalue()


def build_crawl(folder: Path) -> Path:
    """Two WARC.gz archives of real pages and the seed reports (one page repeated byte for
    byte, the second archive cut short inside its last record) and an empty file."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [(url, html, "text/html; charset=utf-8", "response") for url, html in _pages()]
    seeds = [
        (f"https://seed.example/{p.name}", p.read_bytes(), "text/plain", "resource")
        for p in sorted(EXAMPLES.glob("0*.txt"))
    ]
    half = len(pages) // 2
    url, html, content_type, kind = pages[2]
    near = html.replace(b"</body>", b"<p>Updated with a correction.</p></body>", 1)
    pages.append((url + "?updated", near, content_type, kind))  # a near-identical copy
    (folder / "a.warc.gz").write_bytes(_archive(pages[:half] + seeds[:1]))
    second = _archive(pages[half:] + seeds[1:] + [pages[0]])
    cut = _archive([pages[1]])
    (folder / "b.warc.gz").write_bytes(second + cut[: len(cut) // 2])
    (folder / "c-empty.warc.gz").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_crawl(tmp_path_factory.mktemp("crawl") / "crawl")


@pytest.fixture(scope="module")
def spark():
    session = job.session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def local(crawl: Path):
    """The local pipeline's comparisons, docs and results on the crawl."""
    from rashomon.pipeline import compare_inputs

    return compare_inputs([str(crawl)], Settings())


@pytest.fixture(scope="module")
def output(spark, crawl: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("spark") / "out"
    report = job.run(spark, [str(crawl)], str(out), Settings())
    return out, report


def _table(out: Path, name: str) -> list[dict]:
    return DeltaTable(str(out / name)).to_pyarrow_table().to_pylist()


# ---------------------------------------------------------------------- same as local


def test_every_input_document_is_recorded_as_the_local_pipeline_records_it(local, output):
    _, _, results = local
    out, report = output
    inputs = _table(out, "inputs")
    assert sorted((r.origin, str(r.outcome), r.reason) for r in results) == sorted(
        (r["origin"], r["outcome"], r["reason"]) for r in inputs
    )
    assert report.outcomes[("ok", "ok")] == PAGES + 3


def test_clean_texts_and_annotations_are_the_local_pipelines(local, output):
    _, docs, _ = local
    out, _ = output
    articles = {r["origin"]: r for r in _table(out, "articles")}
    annotations = {r["id"]: r for r in _table(out, "annotations")}
    assert set(articles) == set(docs)
    for origin, doc in docs.items():
        assert articles[origin]["text"] == doc.article.text, origin
        assert codec.loads(Doc, annotations[doc.article.id]["doc"]) == doc, origin
        assert len(annotations[doc.article.id]["vector"]) > 100


def test_stories_and_verdicts_are_the_local_pipelines(local, output):
    comparisons, docs, _ = local
    out, _ = output
    mine = {
        r["story"]: codec.loads(Comparison, r["comparison"]) for r in _table(out, "comparisons")
    }
    theirs = {c.story.id: c for c in comparisons}
    assert set(mine) == set(theirs)
    for story_id, comparison in theirs.items():
        assert mine[story_id].story == comparison.story
        verdicts = [(g.verdict, [c.source for c in g.claims]) for g in comparison.groups]
        assert [(g.verdict, [c.source for c in g.claims]) for g in mine[story_id].groups] == (
            verdicts
        )
        assert mine[story_id] == comparison
    seeds = {o for o, d in docs.items() if "seed.example" in (d.article.url or "")}
    together = [c for c in mine.values() if seeds <= set(c.story.articles)]
    assert len(seeds) == 2 and len(together) == 1  # one event, two outlets: one story
    assert {g.verdict for g in together[0].groups} >= {"agree", "only_in"}


def test_a_repeated_page_is_a_copy_in_its_originals_story(output):
    out, _ = output
    inputs = _table(out, "inputs")
    repeats = [r for r in inputs if r["reason"] == "duplicate"]
    assert len(repeats) == 1 and repeats[0]["detail"].startswith("same content as ")
    first = repeats[0]["detail"].removeprefix("same content as ")
    story = [s for s in _table(out, "stories") if first in s["sources"]]
    assert len(story) == 1 and repeats[0]["origin"] in story[0]["sources"]


def test_a_near_identical_copy_is_folded_into_its_originals_story(local, output):
    comparisons, _, _ = local
    out, _ = output
    articles = {r["origin"]: r for r in _table(out, "articles")}
    copies = [r for r in articles.values() if r["copy_of"]]
    assert len(copies) == 1 and copies[0]["url"].endswith("?updated")
    original = [r for r in articles.values() if r["id"] == copies[0]["copy_of"]][0]
    assert original["story"] == copies[0]["story"]
    local_pairs = {pair for c in comparisons for pair in c.story.duplicates}
    assert (copies[0]["origin"], original["origin"]) in local_pairs


def test_a_corrupt_record_and_an_empty_file_are_reported_not_fatal(output):
    out, _ = output
    failed = {r["origin"]: r for r in _table(out, "inputs") if r["outcome"] == "failed"}
    cut = [r for o, r in failed.items() if "b.warc.gz#" in o]
    assert len(cut) == 1 and cut[0]["reason"] == "malformed" and "cut short" in cut[0]["detail"]
    empty = [r for o, r in failed.items() if o.endswith("c-empty.warc.gz")]
    assert len(empty) == 1 and empty[0]["reason"] == "empty"
    assert len(failed) == 2


def test_the_tables_have_their_documented_schemas_and_duckdb_reads_them(output):
    import duckdb

    from rashomon.store.tables import SCHEMAS, TABLES

    out, _ = output
    for name in TABLES:
        table = DeltaTable(str(out / name))
        expected = [c.split()[0] for c in SCHEMAS[name].split(", ")]
        assert table.schema().to_arrow().names == expected, name
        for uri in table.file_uris():
            assert pq.read_schema(uri).names == expected, name
        assert table.count() == len(_table(out, name)), name  # the commit's row counts
    files = DeltaTable(str(out / "claim_groups")).file_uris()  # the current version's files
    verdicts = duckdb.sql(
        f"SELECT verdict, count(*) FROM read_parquet({files!r}) GROUP BY 1"
    ).fetchall()
    assert {v for v, _ in verdicts} <= {"agree", "only_in", "contradict"} and verdicts


def test_the_output_imports_into_a_store_the_web_app_serves(output, tmp_path: Path):
    from rashomon.store import Store
    from rashomon.store.importer import import_folder

    out, _ = output
    with Store(tmp_path / "news.db") as store:
        imported = import_folder(out, store)
        counts = store.counts()
    stories = _table(out, "stories")
    assert imported.stories == len(stories) == counts["stories"]
    assert counts["articles"] == len(_table(out, "articles"))
    assert counts["uncompared"] == 0


# ---------------------------------------------------------------------- resuming


def test_a_rerun_with_nothing_new_does_nothing(spark, crawl: Path, output):
    out, _ = output
    before = sorted(p.name for p in (out / "articles").iterdir())
    report = job.run(spark, [str(crawl)], str(out), Settings())
    assert report.files == 0 and report.files_skipped == 3 and not report.tables_written
    assert report.articles == len(_table(out, "articles")) and report.stories > 0
    assert sorted(p.name for p in (out / "articles").iterdir()) == before


def test_an_interrupted_job_resumes_to_every_record_exactly_once(
    spark, crawl: Path, output, tmp_path: Path
):
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "rashomon.cli",
        "-s",
        "spark.files_per_run=1",
        "spark",
        "run",
        str(crawl),
        "--output",
        str(out),
        "--master",
        "local[2]",
    ]
    process = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    manifest = out / "_work" / "manifest"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.is_dir() and any(manifest.glob("*.jsonl")):
            break
        time.sleep(0.2)
    assert process.poll() is None, "the job ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert not (out / "inputs").exists()  # killed after one run, before any table

    settings = Settings.load(None, ["spark.files_per_run=1"])
    report = job.run(spark, [str(crawl)], str(out), settings)
    assert report.files_skipped >= 1 and report.files + report.files_skipped == 3
    whole, _ = output
    origins = [r["origin"] for r in _table(out, "inputs")]
    assert len(origins) == len(set(origins))
    assert sorted(origins) == sorted(r["origin"] for r in _table(whole, "inputs"))
    ids = [r["id"] for r in _table(out, "articles")]
    assert len(ids) == len(set(ids)) == len(_table(whole, "articles"))


def test_an_input_that_names_nothing_is_a_usage_error(spark, tmp_path: Path):
    with pytest.raises(job.JobError, match="no such file"):
        job.run(spark, [str(tmp_path / "missing.warc.gz")], str(tmp_path / "out"), Settings())


def test_the_command_runs_a_job_and_reports_its_outcomes(crawl: Path, tmp_path: Path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sorted(EXAMPLES.glob("0*.txt")):
        shutil.copy(path, folder / path.name)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "rashomon.cli", "spark", "run", str(folder), "--output", str(out)]
        + ["--master", "local[1]"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 articles in 1 stories" in done.stderr
    assert len(_table(out, "stories")) == 1
    assert [Outcome(r["outcome"]) for r in _table(out, "inputs")] == [Outcome.OK] * 2


def test_an_undated_report_joins_its_dated_story_on_spark(spark, seed_docs):
    """`job._undated` as Spark runs it: of the two seed reports (one story locally), the
    first dated and placed in a dated block's story, the second undated; the undated pass
    puts it in that story."""
    from dataclasses import replace
    from datetime import date

    from rashomon.errors import Reason
    from rashomon.model import Result
    from rashomon.spark import work
    from rashomon.stories import embed_leads, features_for
    from rashomon.stories.cluster import Rarity

    settings = Settings()
    first, second = seed_docs.values()
    docs = [
        replace(first, article=replace(first.article, published=date(2024, 2, 1))),
        replace(second, article=replace(second.article, published=None)),
    ]
    features = features_for(docs, settings)
    vectors = embed_leads(docs, settings)
    rarity = Rarity()
    for found in features:
        rarity.count(found)
    records = [
        work.Processed(
            ("r", 0, i),
            d.article.origin,
            Result(d.article.origin, Outcome.OK, Reason.OK, "", d.article.id, d),
            v,
        )
        for i, (d, v) in enumerate(zip(docs, vectors, strict=True))
    ]
    pairs = spark.sparkContext.parallelize(list(zip(records, features, strict=True)), 2)
    placed = {docs[0].article.origin: job.Place("b1:3")}
    values = job._executor_settings(settings)
    shared = spark.sparkContext.broadcast(rarity)
    found = job._undated(spark.sparkContext, pairs, placed, shared, values)
    assert {o: p.story for o, p in found.items()} == {docs[1].article.origin: "b1:3"}


# ---------------------------------------------------------------------- large WARCs in parts


def _read_with(spark, crawl: Path, split_bytes: int) -> tuple[list[tuple], list]:
    from rashomon.spark import reading

    files = job.Files(spark)
    listed, _ = files.expand(str(crawl))
    values = {**dict(Settings()), "spark.split_bytes": split_bytes}
    documents, reads, held = reading.read(spark.sparkContext, listed, "run-x", values, 4)
    seen = []
    for item in documents.collect():
        outcome = item.raw.id if item.raw is not None else (item.failed.reason, item.failed.detail)
        seen.append((item.order[1], item.source, getattr(item.raw, "origin", None), outcome))
    for rdd in held:
        rdd.unpersist()
    return sorted(seen, key=str), [(r.source, r.documents) for r in sorted(reads, key=str)]


def test_a_large_warc_read_in_parts_gives_the_documents_of_the_whole_file(spark, crawl: Path):
    whole, whole_reads = _read_with(spark, crawl, 0)
    parts, part_reads = _read_with(spark, crawl, 5_000)  # the archives are ~100 KB: many parts
    assert parts == whole
    assert part_reads == whole_reads
    assert sum(1 for s in whole if isinstance(s[3], str)) >= PAGES
    assert any("cut short" in str(s[3]) for s in parts)  # b.warc.gz's damaged end, as whole
