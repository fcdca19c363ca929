"""Steering the grouping by hand (rashomon.store.steer): merging stories, splitting articles
off a story, comparing picked articles; each decision is one transaction that keeps every
article, survives reopening the store, and holds against a later ingest, in this process
and in another one whose story index was built before the decision; an unknown id changes
nothing. The `rashomon story` commands over them."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.settings import Settings
from rashomon.store import Store, read, steer
from rashomon.store.ingest import ingest_into

SEEDS = sorted(EXAMPLES.glob("0*.txt"))
COMPARE = Path(__file__).parent / "fixtures" / "compare"
PAIRS = [COMPARE / f"{name}_{side}.txt" for name in ("border", "farm") for side in "ab"]
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the two seeds (one story) and the border and farm pairs (a story each)."""
    path = tmp_path_factory.mktemp("steer") / "news.db"
    with Store(path, Settings()) as store:
        ingest_into(store, [str(p) for p in [*SEEDS, *PAIRS]], Settings())
    return path


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    shutil.copy(built, path)
    return path


def _story_of(store: Store, name: str) -> str:
    """The story of the article read from the file `name`."""
    for info in read.stories(store.db, limit=100):
        page = read.story(store.db, info.id, with_docs=False)
        assert page is not None
        if any(a.origin.endswith(name) for a in page.articles):
            return info.id
    raise AssertionError(name)


def _article(store: Store, name: str) -> read.ArticleInfo:
    with store.db.read() as connection:
        (row,) = connection.execute(
            "SELECT id FROM articles WHERE origin LIKE ?", (f"%{name}",)
        ).fetchall()
    found = read.article(store.db, row["id"])
    assert found is not None
    return found[0]


def _grouping(store: Store) -> dict[str, str | None]:
    with store.db.read() as connection:
        return {r["id"]: r["story"] for r in connection.execute("SELECT id, story FROM articles")}


def _variant(path: Path, folder: Path) -> Path:
    """A near-copy of a report (one line added), which the placing folds into its story."""
    folder.mkdir(exist_ok=True)
    out = folder / f"again_{path.name}"
    out.write_text(path.read_text("utf-8") + "\nThe report was updated on Thursday.\n", "utf-8")
    return out


# ---------------------------------------------------------------- merging


def test_merge_makes_one_story_of_two_keeping_every_article_and_compares_it(db):
    with Store(db, Settings()) as store:
        border, farm = _story_of(store, "border_a.txt"), _story_of(store, "farm_a.txt")
        before = store.counts()
        steered = store.merge_stories([border, farm])
        assert steered.kind == "merge" and steered.moved == 2
        assert {steered.story, *steered.removed} == {border, farm}
        page = read.story(store.db, steered.story, with_docs=False)
        assert page is not None and page.info.compared and page.comparison is not None
        assert {a.origin.rsplit("/", 1)[-1] for a in page.articles} == {p.name for p in PAIRS}
        after = store.counts()
        assert after["articles"] == before["articles"]
        assert after["stories"] == before["stories"] - 1
        assert read.story(store.db, steered.removed[0]) is None
        assert steer.successor(store.db, steered.removed[0]) == steered.story


def test_merge_keeps_the_id_of_the_story_that_began_first(db):
    with Store(db, Settings()) as store:
        border, farm = _story_of(store, "border_a.txt"), _story_of(store, "farm_a.txt")
        with store.db.read() as connection:
            (first,) = connection.execute(
                "SELECT story FROM articles WHERE story IN (?, ?) ORDER BY placed LIMIT 1",
                (border, farm),
            ).fetchone()
        assert store.merge_stories([farm, border]).story == first


def test_a_merge_survives_reopening_and_a_later_ingest_adds_to_it(db, tmp_path):
    with Store(db, Settings()) as store:
        border, farm = _story_of(store, "border_a.txt"), _story_of(store, "farm_a.txt")
        merged = store.merge_stories([border, farm]).story
    again = _variant(COMPARE / "farm_b.txt", tmp_path / "later")
    with Store(db, Settings()) as store:
        ingest_into(store, [str(again)], Settings())
        assert _story_of(store, "border_b.txt") == merged
        assert _story_of(store, "farm_b.txt") == merged
        assert _story_of(store, again.name) == merged
        assert store.counts()["uncompared"] == 0
        with store.db.read() as connection:
            kinds = [r[0] for r in connection.execute("SELECT kind FROM hand_decisions")]
    assert kinds == ["merge"]


def test_an_id_merged_twice_leads_to_the_story_that_holds_it_now(db):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        border, farm = _story_of(store, "border_a.txt"), _story_of(store, "farm_a.txt")
        first = store.merge_stories([border, farm])
        last = store.merge_stories([first.story, seed_story])
        for old in (border, farm, seed_story):
            assert steer.successor(store.db, old) == last.story
        assert steer.successor(store.db, "s000000000000") is None
        assert steer.successor(store.db, 'x"]') is None
        assert store.counts()["stories"] == 1


# ---------------------------------------------------------------- splitting


def test_split_moves_an_article_into_a_story_of_its_own_and_compares_both(db):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        second = _article(store, SEEDS[1].name)
        steered = store.split_story(seed_story, [second.id])
        assert steered.kind == "split" and steered.moved == 1
        assert seed_story in steered.stories and steered.story != seed_story
        assert _story_of(store, SEEDS[1].name) == steered.story
        assert _story_of(store, SEEDS[0].name) == seed_story
        for story in steered.stories:
            page = read.story(store.db, story, with_docs=False)
            assert page is not None and page.info.compared and len(page.articles) == 1
        assert store.counts()["articles"] == len(SEEDS) + len(PAIRS)


def test_splitting_off_a_storys_first_article_leaves_the_id_with_it(db):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        with store.db.read() as connection:
            (first,) = connection.execute(
                "SELECT id FROM articles WHERE story = ? ORDER BY placed LIMIT 1", (seed_story,)
            ).fetchone()
        steered = store.split_story(seed_story, [first])
        assert steered.story == seed_story  # the story's id is its first article's
        (other,) = [s for s in steered.stories if s != seed_story]
        assert read.story(store.db, other) is not None


def test_a_split_article_is_not_put_back_by_a_later_ingest(db, tmp_path):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        second = _article(store, SEEDS[1].name)
        new = store.split_story(seed_story, [second.id]).story
    copy = _variant(SEEDS[1], tmp_path / "later")
    with Store(db, Settings()) as store:  # reopened: the index is built from the rows
        ingest_into(store, [str(copy)], Settings())
        assert _story_of(store, SEEDS[1].name) == new
        assert _story_of(store, copy.name) == new  # its copy follows it, not the old story
        assert _story_of(store, SEEDS[0].name) == seed_story


def test_another_process_index_built_before_a_split_respects_it(db, tmp_path):
    with Store(db, Settings()) as server, Store(db, Settings()) as analyst:
        server.update()  # the server's index holds the grouping as it was
        assert server.keeper._index is not None
        seed_story = _story_of(analyst, SEEDS[0].name)
        new = analyst.split_story(seed_story, [_article(analyst, SEEDS[1].name).id]).story
        copy = _variant(SEEDS[1], tmp_path / "later")
        ingest_into(server, [str(copy)], Settings())
        assert _story_of(server, copy.name) == new
        assert _story_of(server, SEEDS[1].name) == new


def test_a_merge_holds_in_another_process_index_built_before_it(db, tmp_path):
    with Store(db, Settings()) as server, Store(db, Settings()) as analyst:
        server.update()
        border, farm = _story_of(analyst, "border_a.txt"), _story_of(analyst, "farm_a.txt")
        merged = analyst.merge_stories([border, farm]).story
        copy = _variant(COMPARE / "border_b.txt", tmp_path / "later")
        copy2 = _variant(COMPARE / "farm_a.txt", tmp_path / "later")
        ingest_into(server, [str(copy), str(copy2)], Settings())
        assert _story_of(server, copy.name) == merged == _story_of(server, copy2.name)
        with server.db.read() as connection:
            stories = {r[0] for r in connection.execute("SELECT story FROM articles")}
            rows = {r[0] for r in connection.execute("SELECT id FROM stories")}
        assert stories == rows  # no article points at a story that ended


def test_a_split_then_a_merge_back_reuses_the_id_above_its_old_version(db):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        second = _article(store, SEEDS[1].name)
        new = store.split_story(seed_story, [second.id]).story
        old = read.story_state(store.db, new)
        back = store.merge_stories([seed_story, new])
        assert back.story == seed_story and back.removed == [new]
        again = store.split_story(seed_story, [second.id]).story
        assert again == new
        state = read.story_state(store.db, new)
        assert old is not None and state is not None and state[0] > old[0]


# ---------------------------------------------------------------- refusals


def _snapshot(path: Path) -> tuple[object, ...]:
    with sqlite3.connect(path) as connection:
        return (
            connection.execute(
                "SELECT id, story, copy_of, score FROM articles ORDER BY id"
            ).fetchall(),
            connection.execute("SELECT id, version, compared FROM stories ORDER BY id").fetchall(),
            connection.execute("SELECT count(*) FROM hand_decisions").fetchone(),
        )


def test_unknown_ids_and_impossible_decisions_change_nothing(db):
    before = _snapshot(db)
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
        border = _story_of(store, "border_a.txt")
        border_a = _article(store, "border_a.txt").id
        seed_ids = [a for a, s in _grouping(store).items() if s == seed_story]
        with pytest.raises(steer.Unknown, match="s000000000000"):
            store.merge_stories([seed_story, "s000000000000"])
        with pytest.raises(steer.Refused, match="two different"):
            store.merge_stories([seed_story, seed_story])
        with pytest.raises(steer.Unknown, match="nosuchstory"):
            store.split_story("nosuchstory", [border_a])
        with pytest.raises(steer.Unknown, match="0000000000000000"):
            store.split_story(seed_story, ["0000000000000000"])
        with pytest.raises(steer.Refused, match=border):
            store.split_story(seed_story, [border_a])
        with pytest.raises(steer.Refused, match="empty"):
            store.split_story(seed_story, seed_ids)
        with pytest.raises(steer.Refused, match="name the articles"):
            store.split_story(seed_story, [])
        store.update()  # the index built again after the refusals places as before
    assert _snapshot(db) == before


# ---------------------------------------------------------------- comparing picked articles


def test_picked_articles_are_compared_side_by_side_without_storing_anything(db):
    before = _snapshot(db)
    with Store(db, Settings()) as store:
        ids = [_article(store, "border_a.txt").id, _article(store, "farm_b.txt").id]
        picked = store.compare_articles(ids)
        assert len(picked.story.articles) == 2 and set(picked.docs) == set(picked.story.articles)
        assert picked.comparison.story == picked.story and picked.comparison.groups
        assert read.story(store.db, picked.story.id) is None
        with pytest.raises(steer.Refused, match="two different"):
            store.compare_articles([ids[0], ids[0]])
        with pytest.raises(steer.Unknown, match="0000000000000000"):
            store.compare_articles([ids[0], "0000000000000000"])
    assert _snapshot(db) == before


def test_picking_the_two_seeds_gives_their_storys_comparison(db):
    with Store(db, Settings()) as store:
        ids = [_article(store, s.name).id for s in SEEDS]
        picked = store.compare_articles(ids)
        page = read.story(store.db, _story_of(store, SEEDS[0].name))
    assert page is not None and page.comparison is not None
    verdicts = sorted(g.verdict for g in picked.comparison.groups)
    assert verdicts == sorted(g.verdict for g in page.comparison.groups)


# ---------------------------------------------------------------- the commands


def test_story_merge_and_split_commands(db):
    with Store(db, Settings()) as store:
        border, farm = _story_of(store, "border_a.txt"), _story_of(store, "farm_a.txt")
        seed_story = _story_of(store, SEEDS[0].name)
        second = _article(store, SEEDS[1].name).id
    merged = runner.invoke(app, ["story", "merge", border, farm, "--db", str(db)])
    assert merged.exit_code == 0, merged.output
    assert "merged 2 stories into" in merged.output
    split = runner.invoke(app, ["story", "split", seed_story, second, "--db", str(db)])
    assert split.exit_code == 0, split.output
    assert "split 1 article off" in split.output
    with Store(db, Settings()) as store:
        assert _story_of(store, "farm_b.txt") == _story_of(store, "border_a.txt")
        assert _story_of(store, SEEDS[1].name) != seed_story
    listed = runner.invoke(app, ["story", "decisions", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert [line.split("\t")[2] for line in lines] == ["merge", "split"]
    assert farm in lines[0] and border in lines[0] and seed_story in lines[1]


def test_story_compare_command_prints_the_comparison(db):
    with Store(db, Settings()) as store:
        ids = [_article(store, s.name).id for s in SEEDS]
    before = _snapshot(db)
    result = runner.invoke(app, ["story", "compare", *ids, "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert '"groups"' in result.stdout
    assert _snapshot(db) == before


def test_story_commands_with_unknown_ids_change_nothing_and_exit_2(db, tmp_path):
    with Store(db, Settings()) as store:
        seed_story = _story_of(store, SEEDS[0].name)
    before = _snapshot(db)
    for args, named in (
        (["merge", seed_story, "s000000000000"], "s000000000000"),
        (["merge", seed_story], "two different"),
        (["split", "nosuchstory", "0000000000000000"], "nosuchstory"),
        (["split", seed_story, "0000000000000000"], "0000000000000000"),
        (["compare", "0000000000000000", "1111111111111111"], "0000000000000000"),
    ):
        result = runner.invoke(app, ["story", *args, "--db", str(db)])
        assert result.exit_code == 2, (args, result.output)
        assert named in result.output and "Traceback" not in result.output
    assert _snapshot(db) == before
    missing = runner.invoke(app, ["story", "merge", "a", "b", "--db", str(tmp_path / "no.db")])
    assert missing.exit_code == 2 and "no such store" in missing.output
    assert not (tmp_path / "no.db").exists()
