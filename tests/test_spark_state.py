"""The incremental job's pieces that run without Spark: which placed articles a new report
can meet, placing new reports after them, which runs a job adds, and a Delta table added to
rather than replaced."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from test_spark_work import DAY, STORY, THEME, VALUES, WORDS, _report, _unit

from rashomon.errors import StoreError
from rashomon.spark import state
from rashomon.spark.increment import adding
from rashomon.store import delta, tables
from rashomon.stories.cluster import Rarity


def _kept(origin: str, day: int, names: set[str], story: str, copy_of: str | None = None):
    seed = sum(map(ord, origin))
    member = replace(_report(origin, day, names, WORDS, _unit(seed, THEME)), home=False)
    return state.Kept(story, member, None, copy_of, 0)


def test_a_placed_article_is_context_within_the_window_or_through_a_shared_name():
    near = _kept("a", DAY, {"x"}, "b0:1")
    assert state.near(near, [DAY + 3], 3, frozenset())
    assert not state.near(near, [DAY + 4], 3, frozenset())
    assert not state.near(near, [], 3, frozenset())
    assert state.near(near, [DAY + 40], 3, frozenset({"x"}))
    copy = _kept("c", DAY, {"x"}, "b0:1", copy_of="a")
    assert not state.near(copy, [DAY], 3, frozenset({"x"}))  # its original stands for it


def _rarity(*members) -> Rarity:
    rarity = Rarity()
    for m in members:
        rarity.count(m.features)
    for other in range(20):  # the rest of the corpus: the story's names are rare in it
        rarity.count(_report(f"x{other}", DAY, {f"name{other}"}, [900], _unit(50)).features)
    return rarity


def test_new_reports_join_the_placed_story_they_belong_to_or_open_their_own():
    kept = [_kept("a0", DAY, STORY, "b0:4"), _kept("a1", DAY + 1, STORY, "b0:4")]
    joins = _report("n1", DAY + 2, STORY, WORDS, _unit(30, THEME))
    apart = _report("n2", DAY + 2, {"elsewhere"}, list(range(500, 530)), _unit(77))
    rarity = _rarity(*[k.member for k in kept], joins, apart)
    found = state.cluster_increment([apart, *kept, joins], VALUES, rarity, "t9")
    assert sorted((key, p.origin) for key, p in found) == [("b0:4", "n1"), ("t9:1", "n2")]
    assert dict((p.origin, p.score) for _, p in found)["n1"] >= 0.44
    assert state.cluster_increment(kept, VALUES, rarity, "t9") == []


def test_a_job_adds_the_committed_runs_the_tables_do_not_hold_yet():
    marker = {"runs": ["r1", "r2"], "tables": ["t2", "t1"], "state": ["t1", "t2"]}
    assert adding(marker, ["r1", "r2", "r3"]) == ["r3"]
    assert adding(marker, ["r1", "r2"]) == []
    assert adding({**marker, "state": []}, ["r1", "r2", "r3"]) == []  # no state: build whole
    assert adding(marker, ["r2", "r3"]) == []  # a run it holds is gone: build whole
    assert adding({}, ["r1"]) == []


def _part(uri: Path, tag: str, rows: int) -> delta.DataFile:
    schema = tables.arrow_schema("inputs")
    (uri / tag).mkdir(parents=True, exist_ok=True)
    columns = {f.name: pa.array([tag] * rows, f.type) for f in schema}
    pq.write_table(pa.table(columns, schema=schema), uri / tag / "part.parquet")
    found = os.stat(uri / tag / "part.parquet")
    return delta.DataFile(f"{tag}/part.parquet", found.st_size, int(found.st_mtime * 1000), rows)


def test_a_table_added_to_keeps_the_files_of_the_write_it_adds_to(tmp_path: Path):
    uri = tmp_path / "inputs"
    delta.commit(str(uri), "inputs", [_part(uri, "t1", 3)], "t1")
    delta.commit(str(uri), "inputs", [_part(uri, "t2", 2)], "t2", append=True)
    assert DeltaTable(str(uri)).to_pyarrow_dataset().count_rows() == 5
    assert delta.latest_tag(str(uri)) == "t2"
    assert [f.path for f in delta.files_of(str(uri), "t1")] == ["t1/part.parquet"]
    assert sorted(f.rows for f in delta.files_of(str(uri), "t2")) == [2, 3]
    # a job killed after t2 committed: the next one adds to t1's files, leaving t2's out
    delta.commit(str(uri), "inputs", [*delta.files_of(str(uri), "t1"), _part(uri, "t3", 4)], "t3")
    assert DeltaTable(str(uri)).to_pyarrow_dataset().count_rows() == 7
    with pytest.raises(StoreError, match="no version of the table came from the write t0"):
        delta.files_of(str(uri), "t0")
