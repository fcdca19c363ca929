"""Incremental `rashomon spark run` on a real local[2] Spark: a job that adds an archive to
an output places its reports into the stories the first job built and re-compares only the
stories that changed; the result has every input once, the stories of a full build over
both archives, imports into a store, and `--rebuild` gives the full build's tables."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SHARED

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (17): not found", allow_module_level=True)

from deltalake import DeltaTable  # noqa: E402
from test_spark import build_crawl  # noqa: E402

from rashomon import codec  # noqa: E402
from rashomon.model import Comparison  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.spark import job, state  # noqa: E402
from rashomon.store import Store  # noqa: E402
from rashomon.store.importer import import_folder  # noqa: E402

AEB = SHARED / "data" / "extraction" / "aeb"

pytestmark = [
    pytest.mark.slow,  # four jobs on a local Spark: about three minutes
    pytest.mark.skipif(not AEB.is_dir(), reason=f"shared data not found at {AEB}"),
]


@pytest.fixture(scope="module")
def spark():
    session = job.session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_crawl(tmp_path_factory.mktemp("crawl") / "crawl")


@pytest.fixture(scope="module")
def whole(spark, crawl: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One job over the whole crawl."""
    out = tmp_path_factory.mktemp("whole") / "out"
    job.run(spark, [str(crawl)], str(out), Settings())
    return out


@pytest.fixture(scope="module")
def added(spark, crawl: Path, tmp_path_factory: pytest.TempPathFactory):
    """A job over the first archive, then one over the whole crawl, which adds to it."""
    out = tmp_path_factory.mktemp("added") / "out"
    first = job.run(spark, [str(crawl / "a.warc.gz")], str(out), Settings())
    before = {name: _rows(out, name) for name in ("stories", "comparisons", "articles")}
    second = job.run(spark, [str(crawl)], str(out), Settings())
    return out, first, second, before


def _rows(out: Path, name: str) -> list[dict]:
    return DeltaTable(str(out / name)).to_pyarrow_table().to_pylist()


def _stories(out: Path) -> set[frozenset[str]]:
    return {frozenset(r["sources"]) for r in _rows(out, "stories")}


def _comparisons(out: Path) -> dict[str, Comparison]:
    return {r["story"]: codec.loads(Comparison, r["comparison"]) for r in _rows(out, "comparisons")}


def test_the_second_job_adds_to_the_first_and_every_input_is_there_once(added, whole):
    out, first, second, _ = added
    assert not first.incremental and second.incremental and second.tables_written
    origins = [r["origin"] for r in _rows(out, "inputs")]
    assert len(origins) == len(set(origins))
    assert sorted(origins) == sorted(r["origin"] for r in _rows(whole, "inputs"))
    ids = [r["id"] for r in _rows(out, "articles")]
    assert len(ids) == len(set(ids)) == second.articles == len(_rows(whole, "articles"))
    assert len(_rows(out, "annotations")) == len(ids)
    assert second.stories == len(_rows(out, "stories")) == len(_rows(out, "comparisons"))


def test_added_reports_join_the_stories_a_full_build_gives(added, whole):
    out, _, _, _ = added
    assert _stories(out) == _stories(whole)
    by_id = {r["id"]: r["story"] for r in _rows(out, "articles")}
    for story in _rows(out, "stories"):
        comparison = _comparisons(out)[story["id"]]
        assert {by_id[a] for a in comparison.story.articles if a in by_id} <= {story["id"]}


def test_only_the_stories_that_gained_a_report_are_compared_again(added):
    out, _, _, before = added
    earlier = {r["id"]: r for r in before["stories"]}
    now = {r["id"]: r for r in _rows(out, "stories")}
    assert set(earlier) <= set(now)  # a story keeps its id when a report joins it
    grown = {i for i in earlier if now[i]["sources"] != earlier[i]["sources"]}
    same = set(earlier) - grown
    assert grown and same
    old = {r["story"]: r["comparison"] for r in before["comparisons"]}
    new = {r["story"]: r["comparison"] for r in _rows(out, "comparisons")}
    assert all(new[i] == old[i] for i in same)
    assert all(new[i] != old[i] for i in grown)
    first_articles = {r["id"]: r for r in before["articles"]}
    kept = [r for r in _rows(out, "articles") if r["id"] in first_articles]
    assert kept == [first_articles[r["id"]] for r in kept]  # earlier rows are not rewritten


def test_an_added_output_imports_into_a_store(added, tmp_path: Path):
    out, _, second, _ = added
    with Store(tmp_path / "news.db") as store:
        imported = import_folder(out, store)
    assert imported.articles == second.articles and imported.stories == second.stories


def test_a_rebuild_gives_the_full_builds_stories_and_one_state(spark, crawl, added, whole):
    out, _, _, _ = added
    again = job.run(spark, [str(crawl)], str(out), Settings())
    assert not again.tables_written  # nothing new
    rebuilt = job.run(spark, [str(crawl)], str(out), Settings(), rebuild=True)
    assert rebuilt.tables_written and not rebuilt.incremental
    assert _stories(out) == _stories(whole)
    mine, theirs = _comparisons(out), _comparisons(whole)
    assert mine == theirs
    for part in state.PARTS:
        assert len(os.listdir(out / state.STATE / part)) == 1  # the replaced state is gone
