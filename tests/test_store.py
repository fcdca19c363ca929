"""The store: lossless records, migrations, idempotent ingest, incremental stories, bad
inputs, a kill -9 in the middle of an ingest, and several writers on one file."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EXAMPLES, SHARED
from typer.testing import CliRunner

from rashomon import codec
from rashomon.cli import app
from rashomon.errors import StoreError
from rashomon.model import (
    Comparison,
    Doc,
    HeadlineVerdict,
    Result,
    Story,
    Verdict,
    content_id,
)
from rashomon.pipeline import compare_inputs
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.ingest import Totals, ingest_into
from rashomon.store.sqlite import Database, migrations
from rashomon.store.stories import story_id_of

COMPARE = Path(__file__).parent / "fixtures" / "compare"
POLNEAR_DEV = SHARED / "data" / "quotes" / "polnear" / "dev" / "text"
SEEDS = sorted(EXAMPLES.glob("0*.txt"))
PAIRS = sorted(COMPARE.glob("*.txt"))  # with the seeds, seven stories
FILES = [str(p) for p in [*SEEDS, *PAIRS]]


@pytest.fixture(scope="module")
def compared() -> tuple[list[Comparison], dict[str, Doc], list[Result]]:
    """The seeds and the compare fixtures annotated, grouped and compared in one batch."""
    return compare_inputs(FILES, Settings())


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Totals]:
    """The seeds and the compare fixtures ingested in one run, in FILES order."""
    path, settings = tmp_path_factory.mktemp("whole") / "news.db", Settings()
    with Store(path, settings) as store:
        totals = ingest_into(store, FILES, settings)
    return path, totals


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection of our own (not the store's), closed after the block."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


def _one(path: Path, sql: str, *args: object) -> object:
    with _open(path) as connection:
        return connection.execute(sql, args).fetchone()[0]


def _membership(path: Path) -> list[tuple[str, str, str | None, int]]:
    """Every article's (origin, story, copy of, placing number), in placing order."""
    with _open(path) as connection:
        rows = connection.execute(
            "SELECT origin, story, copy_of, placed FROM articles ORDER BY placed"
        )
        return [tuple(r) for r in rows]


def _assert_consistent(path: Path, articles: int) -> None:
    """Whole and finished: every article stored once, placed once in a listed story, every
    story's comparison current, the placing order without gaps, SQLite's own check ok."""
    with _open(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        distinct = c.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone()
        assert tuple(distinct) == (articles, articles)
        assert c.execute("SELECT count(*) FROM articles WHERE placed IS NULL").fetchone()[0] == 0
        placed = [r[0] for r in c.execute("SELECT placed FROM articles ORDER BY placed")]
        assert placed == list(range(1, articles + 1))
        orphans = "SELECT count(*) FROM articles WHERE story NOT IN (SELECT id FROM stories)"
        assert c.execute(orphans).fetchone()[0] == 0
        sizes = dict(c.execute("SELECT story, count(*) FROM articles GROUP BY story").fetchall())
        listed = dict(c.execute("SELECT id, articles FROM stories").fetchall())
        assert sizes == listed
        stale = c.execute("SELECT count(*) FROM stories WHERE compared < version").fetchone()[0]
        assert stale == 0
        assert c.execute("SELECT count(*) FROM stories WHERE comparison IS NULL").fetchone()[0] == 0
        features = "SELECT count(*) FROM articles a JOIN story_features f ON f.article = a.id"
        assert c.execute(features).fetchone()[0] == articles


# ---------------------------------------------------------------------------- codec


def test_codec_round_trip_keeps_docs_stories_and_comparisons_equal(compared):
    comparisons, docs, _ = compared
    assert len(docs) == len(FILES) and len(comparisons) == 7
    for doc in docs.values():
        text = codec.dumps(doc)
        assert codec.loads(Doc, text) == doc
        assert codec.dumps(codec.loads(Doc, text)) == text
    verdicts = set()
    for comparison in comparisons:
        assert codec.loads(Story, codec.dumps(comparison.story)) == comparison.story
        back = codec.loads(Comparison, codec.dumps(comparison))
        assert back == comparison
        verdicts.update(g.verdict for g in back.groups)
        # The verdicts come back as the enums they left as, not as bare strings.
        assert all(type(g.verdict) is Verdict for g in back.groups)
        assert all(type(h.verdict) is HeadlineVerdict for h in back.headlines)
    assert set(Verdict) <= verdicts  # every kind of group went through


def test_codec_leaves_out_fields_at_their_default_and_restores_them(compared):
    _, docs, _ = compared
    doc = max(docs.values(), key=lambda d: len(d.entities))
    entity = doc.entities[0]
    assert entity.produced_by == "rashomon.entities.v1"  # the default
    assert "rashomon.entities.v1" not in codec.dumps(doc)
    assert codec.loads(Doc, codec.dumps(doc)).entities[0].produced_by == entity.produced_by


# ---------------------------------------------------------------------------- migrations


def test_new_database_has_every_migration_and_reopening_changes_nothing(tmp_path):
    path = tmp_path / "news.db"
    known = migrations()
    assert [n for n, _, _ in known] == list(range(1, len(known) + 1))
    with Database(path) as db:
        assert db.version == len(known)
    assert _one(path, "PRAGMA user_version") == len(known)
    assert _one(path, "PRAGMA journal_mode") == "wal"
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    with _open(path) as c:
        before = c.execute(schema).fetchall()
    assert {"articles", "inputs", "stories", "story_features", "articles_fts"} <= {
        r["name"] for r in before
    }
    with Store(path) as store:
        assert store.db.version == len(known)
        assert store.counts()["articles"] == 0
    with _open(path) as c:
        assert c.execute(schema).fetchall() == before
        assert c.execute("PRAGMA user_version").fetchone()[0] == len(known)


def test_a_store_from_before_a_migration_is_brought_up_to_date_keeping_everything(tmp_path, whole):
    """A version-1 store (no compared_articles, no article score, no hand decisions yet)
    opened by this rashomon: migrations 2 to 4 run, every article, story and comparison is
    kept, and the comparisons count as covering their stories."""
    path = tmp_path / "old.db"
    shutil.copy(whole[0], path)
    with sqlite3.connect(path) as c:
        before = c.execute("SELECT id, version, compared, comparison FROM stories").fetchall()
        articles = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        c.execute("ALTER TABLE stories DROP COLUMN compared_articles")
        c.execute("ALTER TABLE articles DROP COLUMN score")
        c.execute("DROP TABLE hand_decisions")
        c.execute("PRAGMA user_version = 1")
    with Store(path) as store:
        assert store.db.version == len(migrations())
        assert store.counts()["articles"] == articles and store.counts()["uncompared"] == 0
    with _open(path) as c:
        after = c.execute("SELECT id, version, compared, comparison FROM stories").fetchall()
        uncovered = "SELECT count(*) FROM stories WHERE compared_articles != articles"
        assert c.execute(uncovered).fetchone()[0] == 0
    assert [tuple(r) for r in after] == before


def test_database_from_a_newer_rashomon_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "newer.db"
    Database(path).close()
    with sqlite3.connect(path) as c:
        c.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    with pytest.raises(StoreError, match=re.escape(str(path))) as caught:
        Store(path)
    assert "newer" in str(caught.value)
    assert _one(path, "PRAGMA user_version") == len(migrations()) + 1  # left as it was


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=re.escape(str(path))):
        Store(path)
    assert path.read_bytes() == before


def test_a_missing_folder_or_a_folder_is_refused(tmp_path):
    missing = tmp_path / "nowhere" / "news.db"
    with pytest.raises(StoreError, match="does not exist"):
        Store(missing)
    assert not missing.parent.exists()
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_cli_ingest_into_an_unusable_db_is_a_usage_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00\x01junk" * 100)
    result = CliRunner().invoke(app, ["ingest", str(SEEDS[0]), "--db", str(bad), "--no-progress"])
    assert result.exit_code == 2
    assert "not a SQLite database" in result.output


# ---------------------------------------------------------------------------- ingest


def test_ingesting_twice_stores_nothing_twice(tmp_path, whole):
    path, settings = tmp_path / "news.db", Settings()
    shutil.copy(whole[0], path)
    first = whole[1]
    with Store(path, settings) as store:
        counts = store.counts()
    assert first.added.stored == len(FILES) and first.added.skipped == 0
    assert first.updated.placed == len(FILES) and first.updated.compared == 7
    assert counts["articles"] == len(FILES) and counts["stories"] == 7
    assert counts["unplaced"] == counts["uncompared"] == counts["failed"] == 0
    rows = "SELECT id, seq, story, placed, copy_of FROM articles ORDER BY seq"
    with _open(path) as c:
        articles = c.execute(rows).fetchall()
        stories = c.execute("SELECT id, version, compared FROM stories ORDER BY id").fetchall()
    with Store(path, settings) as store:
        second = ingest_into(store, FILES, settings)
        assert store.counts() == counts
    assert second.added.stored == 0 and second.added.skipped == len(FILES)
    assert second.added.reasons == {"stored": len(FILES)}
    assert second.updated.placed == second.updated.compared == 0
    with _open(path) as c:
        assert c.execute(rows).fetchall() == articles
        assert c.execute("SELECT id, version, compared FROM stories ORDER BY id").fetchall() == (
            stories
        )
        inputs = c.execute("SELECT origin, outcome, reason FROM inputs").fetchall()
    assert sorted(r["origin"] for r in inputs) == sorted(FILES)
    assert {(r["outcome"], r["reason"]) for r in inputs} == {("ok", "ok")}  # kept, not skipped
    _assert_consistent(path, len(FILES))


def test_same_bytes_under_two_names_are_stored_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    body = SEEDS[0].read_bytes()
    (folder / "a.txt").write_bytes(body)
    (folder / "b.txt").write_bytes(body)
    path, settings = tmp_path / "news.db", Settings()
    with Store(path, settings) as store:
        totals = ingest_into(store, [str(folder)], settings)
        (tmp_path / "c.txt").write_bytes(body)  # the same bytes again, in a later run
        later = ingest_into(store, [str(tmp_path / "c.txt")], settings)
        assert store.known(content_id(body))
        assert store.counts()["articles"] == 1
    assert totals.added.stored == 1 and totals.added.reasons == {"ok": 1, "duplicate": 1}
    assert later.added.reasons == {"stored": 1}
    with _open(path) as c:
        inputs = c.execute("SELECT origin, article, outcome, reason FROM inputs").fetchall()
    by_name = {Path(r["origin"]).name: tuple(r)[1:] for r in inputs}
    assert by_name == {
        "a.txt": (content_id(body), "ok", "ok"),
        "b.txt": (content_id(body), "skipped", "duplicate"),
        "c.txt": (content_id(body), "skipped", "stored"),
    }


def test_store_batch_size_sets_the_transactions(tmp_path, monkeypatch):
    settings = Settings.load(None, ["store.batch_size=3"], use_default_file=False)
    batches: list[int] = []
    add = Store.add

    def counting(self, results):
        batches.append(len(results))
        return add(self, results)

    monkeypatch.setattr(Store, "add", counting)
    with Store(tmp_path / "news.db", settings) as store:
        ingest_into(store, FILES[:5], settings)
    assert batches == [3, 2]


def _reposts(folder: Path, n: int) -> list[str]:
    """The first seed and n - 1 re-posts of it (a distinct last line each): one story."""
    base = SEEDS[0].read_text(encoding="utf-8")
    folder.mkdir()
    paths = []
    for k in range(n):
        path = folder / f"{k:02d}.txt"
        extra = f"\n\nUpdate {k}: this report was updated {k + 1} times since it ran." if k else ""
        path.write_text(base + extra, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_a_big_story_is_compared_again_as_it_grows_by_a_share_and_at_the_end(tmp_path, monkeypatch):
    """With store.compare_small=2 and store.compare_growth=1 (compare again on doubling), a
    story growing one article per batch is compared at 1, 2 and 4 articles while the run
    goes on, and once more at 7 when it ends: current at the end, not after every batch."""
    overrides = ["store.batch_size=1", "store.compare_small=2", "store.compare_growth=1.0"]
    settings = Settings.load(None, overrides, use_default_file=False)
    sizes: list[tuple[int, int]] = []  # (articles, compared_articles) after each update
    update = Store.update

    def watching(self, **options):
        done = update(self, **options)
        with _open(self.path) as c:
            row = c.execute("SELECT articles, compared_articles FROM stories").fetchone()
        sizes.append(tuple(row) if row else (0, 0))
        return done

    monkeypatch.setattr(Store, "update", watching)
    path = tmp_path / "news.db"
    with Store(path, settings) as store:
        totals = ingest_into(store, _reposts(tmp_path / "in", 7), settings)
        assert store.counts()["uncompared"] == 0
    assert sizes[1:] == [(1, 1), (2, 2), (3, 2), (4, 4), (5, 4), (6, 4), (7, 4), (7, 7)]
    assert totals.updated.compared == 4
    assert _one(path, "SELECT count(*) FROM stories WHERE compared < version") == 0


def test_with_no_growth_share_every_changed_story_is_compared_after_every_batch(tmp_path):
    overrides = ["store.batch_size=1", "store.compare_small=2", "store.compare_growth=0"]
    settings = Settings.load(None, overrides, use_default_file=False)
    with Store(tmp_path / "news.db", settings) as store:
        totals = ingest_into(store, _reposts(tmp_path / "in", 5), settings)
    assert totals.updated.compared == 5


def test_bad_inputs_are_recorded_as_failed_and_the_rest_is_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 64)
    missing = tmp_path / "no-such-file.txt"
    path = tmp_path / "news.db"
    result = CliRunner().invoke(
        app, ["ingest", str(folder), str(missing), "--db", str(path), "--no-progress"]
    )
    assert result.exit_code == 1, result.output  # an input failed
    with _open(path) as c:
        rows = c.execute("SELECT origin, outcome, reason, detail FROM inputs").fetchall()
        stored = {r[0] for r in c.execute("SELECT origin FROM articles")}
    by_name = {Path(r["origin"]).name: r for r in rows}
    assert stored == {str(folder / seed.name) for seed in SEEDS}
    assert {by_name[s.name]["outcome"] for s in SEEDS} == {"ok"}
    failed = {name: r["reason"] for name, r in by_name.items() if r["outcome"] == "failed"}
    assert failed == {"empty.txt": "empty", "junk.bin": "unsupported", missing.name: "missing"}
    assert all(by_name[name]["detail"] for name in failed)
    with Store(path) as store:
        assert store.counts()["failed"] == 3
    _assert_consistent(path, len(SEEDS))


# ---------------------------------------------------------------------------- stories


def test_seeds_form_one_story_compared_with_two_agreeing_groups(tmp_path, compared):
    path, settings = tmp_path / "news.db", Settings()
    with Store(path, settings) as store:
        ingest_into(store, [str(EXAMPLES)], settings)
        assert store.counts()["unplaced"] == 0
    with _open(path) as c:
        story = c.execute("SELECT * FROM stories").fetchall()
    assert len(story) == 1
    row = story[0]
    assert row["articles"] == 2 and row["outlets"] == 2
    assert row["agree"] == 2 and row["compared"] == row["version"] == 1
    comparison = codec.loads(Comparison, row["comparison"])
    assert sum(g.verdict == "agree" for g in comparison.groups) == 2
    assert (row["only_in"], row["contradict"]) == (
        sum(g.verdict == "only_in" for g in comparison.groups),
        sum(g.verdict == "contradict" for g in comparison.groups),
    )
    assert row["id"] == story_id_of(content_id(SEEDS[0].read_bytes()))  # the first to arrive
    assert set(codec.loads(Story, row["story"]).articles) == {str(p) for p in SEEDS}

    with Store(path, settings) as store:
        more = ingest_into(store, [str(p) for p in PAIRS], settings)
    with _open(path) as c:
        seed_row = c.execute("SELECT * FROM stories WHERE id = ?", (row["id"],)).fetchone()
        ids = {r[0] for r in c.execute("SELECT id FROM stories")}
    assert tuple(seed_row) == tuple(row)  # not touched: not even compared again
    assert more.updated.stories == len(ids) - 1 == 6
    # The same groups as the one-batch `rashomon compare` (whose ids follow publication
    # order, not arrival order, so only the members are compared).
    with _open(path) as c:
        rows = c.execute("SELECT group_concat(origin, '|') FROM articles GROUP BY story")
        groups = {frozenset(r[0].split("|")) for r in rows}
    assert groups == {frozenset(c.story.articles) for c in compared[0]}


def test_reopened_store_goes_on_placing_as_one_run_would(tmp_path, whole):
    settings, halves = Settings(), tmp_path / "halves.db"
    half = len(FILES) // 2
    with Store(halves, settings) as store:
        ingest_into(store, FILES[:half], settings)
    first = _membership(halves)
    with Store(halves, settings) as store:
        assert store.counts()["articles"] == half
        ingest_into(store, FILES[half:], settings)
    after = _membership(halves)
    assert after[:half] == first  # the first half's stories did not move
    assert after == _membership(whole[0])
    _assert_consistent(halves, len(FILES))


# ---------------------------------------------------------------------------- kill -9


def _documents(folder: Path) -> set[str]:
    """Seeds, compare fixtures and the eight shortest real PolNeAR articles of at least 900
    bytes (short to keep the test quick); their content ids."""
    folder.mkdir()
    sizes = {p: p.stat().st_size for p in POLNEAR_DEV.glob("*.txt")}
    texts = sorted((p for p in sizes if sizes[p] >= 900), key=lambda p: (sizes[p], p.name))[:8]
    for source in [*SEEDS, *PAIRS, *texts]:
        shutil.copy(source, folder / source.name)
    ids = {content_id(p.read_bytes()) for p in folder.iterdir()}
    assert len(ids) == len(SEEDS) + len(PAIRS) + len(texts) == 24
    return ids


def _committed(path: Path) -> int:
    try:
        return int(_one(path, "SELECT count(*) FROM articles"))  # type: ignore[arg-type]
    except sqlite3.Error:  # not there yet, or not migrated yet
        return 0


@pytest.mark.slow
@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason=f"shared data not found at {POLNEAR_DEV}")
def test_ingest_killed_midway_then_restarted_stores_everything_exactly_once(tmp_path):
    ids = _documents(tmp_path / "docs")
    path = tmp_path / "news.db"
    script = Path(sys.executable).with_name("rashomon")
    # Two documents per transaction, and the annotation interleaved with the storing (small
    # pipeline batches and entity-resolution windows), so the run is long enough to be killed
    # between its first and its last transaction.
    args = [
        str(script),
        *("--setting", "store.batch_size=2", "--setting", "pipeline.batch_size=2"),
        *("--setting", "annotate.resolve_window=2"),
        *("ingest", str(tmp_path / "docs"), "--db", str(path), "--no-progress"),
    ]
    log = tmp_path / "killed.log"
    with log.open("wb") as stderr:
        run = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
    deadline = time.monotonic() + 90
    try:
        while _committed(path) < 4:  # two whole batches
            assert run.poll() is None, "ingest ended before it was killed: " + log.read_text()
            assert time.monotonic() < deadline, "ingest stored nothing in 90 s"
            time.sleep(0.02)
        os.kill(run.pid, signal.SIGKILL)
    finally:
        run.kill()
        run.wait()
    assert run.returncode == -signal.SIGKILL
    killed_at = _committed(path)
    assert 4 <= killed_at < len(ids), "killed too late to test anything"
    assert _one(path, "PRAGMA integrity_check") == "ok"

    done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    _assert_consistent(path, len(ids))
    with _open(path) as c:
        assert {r[0] for r in c.execute("SELECT id FROM articles")} == ids
        outcomes = dict(c.execute("SELECT reason, count(*) FROM inputs GROUP BY reason"))
    assert outcomes == {"ok": len(ids)}  # the killed run's stored inputs keep their ok

    settings = Settings()
    with Store(path, settings) as store:
        again = ingest_into(store, [str(tmp_path / "docs")], settings)
    assert again.added.stored == 0 and again.added.reasons == {"stored": len(ids)}
    _assert_consistent(path, len(ids))


# ---------------------------------------------------------------------------- concurrency


def test_threads_adding_and_updating_at_once_end_consistent(tmp_path, compared):
    results = compared[2]
    assert len(results) == len(FILES)
    batches = [results[0::2], results[1::2]]
    errors: list[BaseException] = []
    adding = threading.Barrier(3)
    added = threading.Event()

    def guarded(work):
        def run() -> None:
            try:
                work()
            except BaseException as error:  # reported by the test below
                errors.append(error)

        return run

    with Store(tmp_path / "news.db", Settings()) as store:
        outcomes = []

        def add(batch: list[Result]):
            def work() -> None:
                adding.wait()
                outcomes.append(store.add(batch))

            return work

        def update() -> None:
            adding.wait()
            while not added.is_set():
                store.update()
                time.sleep(0.01)

        threads = [threading.Thread(target=guarded(w)) for w in (*map(add, batches), update)]
        for thread in threads:
            thread.start()
        for thread in threads[:2]:
            thread.join(60)
        added.set()
        threads[2].join(60)
        assert not errors, errors
        store.update()
        counts = store.counts()
        assert sorted(o.stored for o in outcomes) == sorted(len(b) for b in batches)
        assert counts["articles"] == len(FILES) and counts["inputs"] == len(FILES)
        assert counts["unplaced"] == counts["uncompared"] == 0
        again = store.add(results)
        assert again.stored == 0 and again.reasons == {"stored": len(FILES)}
    _assert_consistent(tmp_path / "news.db", len(FILES))


def test_two_stores_on_one_file_place_as_one_would(tmp_path, whole):
    settings, shared = Settings(), tmp_path / "shared.db"
    a, b, c = FILES[:6], FILES[6:12], FILES[12:]
    with Store(shared, settings) as first, Store(shared, settings) as second:
        ingest_into(first, a, settings)  # the first holds an index of a
        ingest_into(second, b, settings)  # the second places b after a
        ingest_into(first, c, settings)  # the first restores b, then places c
        assert first.keeper._last_placed == len(FILES)
        ingest_into(second, FILES, settings)  # nothing new; the second catches up on c
        assert second.keeper._last_placed == len(FILES)
        assert first.counts() == second.counts()
    assert _membership(shared) == _membership(whole[0])
    _assert_consistent(shared, len(FILES))


def test_two_stores_adding_and_placing_at_once_end_consistent(tmp_path, compared):
    """Two processes on one file, simulated by two Store objects in two threads: each waits
    for the other's transactions and restores the other's placings before placing its own."""
    results = compared[2]
    path, errors = tmp_path / "news.db", []
    start = threading.Barrier(2)
    with Store(path, Settings()) as first, Store(path, Settings()) as second:

        def work(store: Store, batch: list[Result]) -> None:
            try:
                start.wait()
                for half in (batch[: len(batch) // 2], batch[len(batch) // 2 :]):
                    store.add(half)
                    store.update()
            except BaseException as error:  # reported by the test below
                errors.append(error)

        threads = [
            threading.Thread(target=work, args=(first, results[0::2])),
            threading.Thread(target=work, args=(second, results[1::2])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors, errors
        first.update()  # each catches up on the other's last placings
        second.update()
        assert first.counts() == second.counts()
        assert first.counts()["articles"] == len(FILES)
    _assert_consistent(path, len(FILES))


def test_a_stored_story_keeps_the_score_that_placed_each_member(tmp_path):
    from rashomon.pipeline import story_inputs
    from rashomon.settings import Settings
    from rashomon.store import read
    from rashomon.store.ingest import ingest_into

    seeds = [str(p) for p in sorted(EXAMPLES.glob("0*.txt"))]
    batch = story_inputs(seeds, Settings())[0][0]
    path = tmp_path / "news.db"
    for one in seeds:  # one run per report: the second is placed by a reopened index
        with Store(path, Settings()) as store:
            ingest_into(store, [one], Settings())
    with Store(path, Settings()) as store:
        (info,) = read.stories(store.db, limit=5)
        page = read.story(store.db, info.id)
    assert page is not None
    # the store places in arrival order, the batch in publication order: the opener may
    # differ, the pair's score does not
    assert page.story.articles[0] == seeds[0] and page.story.scores[0] is None
    assert page.story.scores[1] == max(s for s in batch.scores if s is not None)
