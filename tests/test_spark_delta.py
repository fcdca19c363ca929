"""`rashomon spark run` writes Delta tables: a second job killed in the middle of its write
(after its data files are written, before or between its commits) leaves the first job's
tables readable, and a re-run completes them and clears what the killed job left."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

pytest.importorskip("pyspark")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java (17): not found", allow_module_level=True)

from deltalake import DeltaTable  # noqa: E402

from rashomon.settings import Settings  # noqa: E402
from rashomon.spark import job  # noqa: E402
from rashomon.store import Store, delta  # noqa: E402
from rashomon.store.importer import import_folder  # noqa: E402
from rashomon.store.tables import TABLES  # noqa: E402

pytestmark = pytest.mark.slow  # a local Spark and a killed one: about two minutes

SEEDS = sorted(EXAMPLES.glob("0*.txt"))[:2]

# A job in its own process whose `delta.commit` kills the process (SIGKILL, no cleanup)
# when it is called for the table numbered KILL_AT (0: before any commit).
_KILLED_JOB = """
import os, signal, sys
from rashomon.settings import Settings
from rashomon.spark import job
from rashomon.store import delta

kill_at, calls, commit = int(sys.argv[3]), [], delta.commit

def dying(*args, **kwargs):
    if len(calls) == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    calls.append(args[1])
    return commit(*args, **kwargs)

delta.commit = dying
job.run(job.session("local[1]"), [sys.argv[1]], sys.argv[2], Settings())
"""


@pytest.fixture(scope="module")
def spark():
    session = job.session("local[2]")
    yield session
    session.stop()


def _rows(out: Path, table: str, version: int | None = None) -> list[tuple]:
    data = DeltaTable(str(out / table), version=version).to_pyarrow_table().to_pylist()
    return sorted(tuple(sorted((k, repr(v)) for k, v in row.items())) for row in data)


def _kill_a_job(inputs: Path, out: Path, kill_at: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_JOB, str(inputs), str(out), str(kill_at)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        code = process.wait(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # Spark's JVM, if it outlived its driver
    assert code == -signal.SIGKILL, f"the job was not killed (exit code {code})"


def test_jobs_killed_mid_write_leave_the_tables_readable_and_a_rerun_completes_them(
    spark, tmp_path: Path
):
    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(SEEDS[0], inputs / SEEDS[0].name)
    first = job.run(spark, [str(inputs)], str(out), Settings())
    assert first.tables_written and first.articles == 1
    before = {t: _rows(out, t) for t in TABLES}
    kept = {t: _folders(out, t) for t in TABLES}
    shutil.copy(SEEDS[1], inputs / SEEDS[1].name)

    _kill_a_job(inputs, out, kill_at=0)  # every table's files written, nothing committed
    killed = {t: _folders(out, t) - kept[t] for t in TABLES}
    assert all(killed.values()), "the killed job had not written every table's files"
    assert {t: _rows(out, t) for t in TABLES} == before  # every reader sees the first job's

    _kill_a_job(inputs, out, kill_at=1)  # killed again, after the articles' commit
    assert not any(killed[t] & _folders(out, t) for t in TABLES)  # cleared as the job began
    killed = {t: _folders(out, t) - kept[t] for t in TABLES}
    assert all(killed.values())
    versions = delta.snapshot(out, TABLES)
    assert DeltaTable(str(out / "articles")).version() == versions["articles"] + 1
    assert {t: _rows(out, t, versions[t]) for t in TABLES} == before  # as an import reads
    with Store(tmp_path / "before.db") as store:
        assert import_folder(out, store).articles == 1

    again = job.run(spark, [str(inputs)], str(out), Settings())
    assert again.tables_written and again.articles == 2 and again.stories == 1
    origins = {r["origin"] for r in DeltaTable(str(out / "inputs")).to_pyarrow_table().to_pylist()}
    assert origins == {str(inputs / p.name) for p in SEEDS}
    for table in TABLES:
        left = _folders(out, table)
        assert not left & killed[table], table  # the killed jobs' files are deleted
        assert left == kept[table] | delta.folders(str(out / table)), table
    with Store(tmp_path / "after.db") as store:
        assert import_folder(out, store).articles == 2


def _folders(out: Path, table: str) -> set[str]:
    """The folders of data files in a table (one per write of it)."""
    return {p.name for p in (out / table).iterdir() if p.is_dir()} - {"_delta_log"}


def test_an_output_of_plain_parquet_tables_imports_and_is_rebuilt_as_delta(spark, tmp_path: Path):
    """An output folder as jobs before Delta wrote it (a folder of part files per table, a
    marker without tags) still imports, and the next job makes its tables Delta tables."""
    import json

    import pyarrow.parquet as pq

    inputs, out = tmp_path / "inputs", tmp_path / "out"
    inputs.mkdir()
    shutil.copy(SEEDS[0], inputs / SEEDS[0].name)
    job.run(spark, [str(inputs)], str(out), Settings())
    before = {t: _rows(out, t) for t in TABLES}
    for table in TABLES:
        data = DeltaTable(str(out / table)).to_pyarrow_table()
        shutil.rmtree(out / table)
        (out / table).mkdir()
        pq.write_table(data, out / table / "part-00000-old.snappy.parquet")
        (out / table / "_SUCCESS").write_text("")
    marker = out / "_work" / "tables.json"
    old = json.loads(marker.read_text("utf-8"))
    marker.write_text(json.dumps({k: old[k] for k in ("runs", "articles", "stories")}))
    (marker.parent / ".tables.json.crc").unlink()  # Hadoop's checksum of the file it wrote
    with Store(tmp_path / "old.db") as store:
        assert import_folder(out, store).articles == 1

    again = job.run(spark, [str(inputs)], str(out), Settings())
    assert again.files == 0 and again.tables_written  # no new input, the tables rebuilt
    assert {t: _rows(out, t) for t in TABLES} == before
    for table in TABLES:
        assert {p.name for p in (out / table).iterdir()} == {"_delta_log"} | _folders(out, table)
