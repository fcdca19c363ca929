"""Correcting an outlet after ingest: `rashomon outlet NAME --article ID | --was OUTLET`
rewrites the stored articles and compares their stories again under the outlet they now
have; an unknown id or outlet changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into

SEEDS = sorted(EXAMPLES.glob("0*.txt"))
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store of the two seed reports (one has no outlet: 'unknown: FILE')."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    path = tmp_path / "news.db"
    with Store(path, Settings()) as store:
        ingest_into(store, [str(folder)], Settings())
    return path


def _unknown(path: Path) -> str:
    with Store(path, Settings()) as store:
        names = [name for name, _, _ in read.outlets(store.db)]
    (name,) = [n for n in names if n.startswith("unknown: ")]
    return name


def _story(path: Path) -> read.StoryPage:
    with Store(path, Settings()) as store:
        (info,) = read.stories(store.db, limit=10)
        page = read.story(store.db, info.id)
    assert page is not None
    return page


def test_an_unknown_outlet_renamed_is_compared_again_under_its_name(db):
    old = _unknown(db)
    before = _story(db)
    result = runner.invoke(app, ["outlet", "Global Times", "--was", old, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 article now says Global Times" in result.output
    page = _story(db)
    assert "Global Times" in page.story.outlets and old not in page.story.outlets
    assert page.info.compared is True and page.info.version > before.info.version
    assert page.comparison is not None
    stated = {c.outlet for g in page.comparison.groups for c in g.claims}
    assert "Global Times" in stated and old not in stated
    with Store(db, Settings()) as store:
        names = {name for name, _, _ in read.outlets(store.db)}
        hits = read.search(store.db, "Dong Jun")
        (hit,) = [h.article for h in hits if h.article.origin.endswith(SEEDS[0].name)]
        found = read.article(store.db, hit.id)
    assert "Global Times" in names and old not in names
    assert found is not None and found[1].article.outlet == "Global Times"


def test_an_article_named_by_id_is_corrected(db):
    with Store(db, Settings()) as store:
        article = read.search(store.db, "Dong Jun")[0].article
    result = runner.invoke(app, ["outlet", "Harbour Gazette", "-a", article.id, "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(db, Settings()) as store:
        found = read.article(store.db, article.id)
    assert found is not None and found[0].outlet == "Harbour Gazette"


def test_a_name_the_registry_knows_is_written_as_the_registry_writes_it(db):
    old = _unknown(db)
    result = runner.invoke(app, ["outlet", "Xinhua", "--was", old, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Xinhua News Agency" in _story(db).story.outlets


def test_unknown_ids_or_outlets_change_nothing(db):
    old = _unknown(db)
    before = db.read_bytes()
    for args in (["-a", "0000000000000000"], ["--was", "nobody"], ["-a", "x", "--was", old], []):
        result = runner.invoke(app, ["outlet", "Herald", *args, "--db", str(db)])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    assert _unknown(db) == old
    assert (
        "nobody" in runner.invoke(app, ["outlet", "H", "--was", "nobody", "--db", str(db)]).output
    )
    assert len(db.read_bytes()) == len(before)


def test_a_missing_store_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["outlet", "Herald", "-a", "x", "--db", str(tmp_path / "no.db")])
    assert result.exit_code == 2 and "no such store" in result.output
    assert not (tmp_path / "no.db").exists()


def test_a_registry_url_keeps_its_outlet(tmp_path):
    path = tmp_path / "news.db"
    report = tmp_path / "bbc.jsonl"
    text = SEEDS[0].read_text("utf-8")
    row = {"text": text, "url": "https://www.bbc.com/news/world-123"}
    report.write_text(json.dumps(row) + "\n")
    with Store(path, Settings()) as store:
        ingest_into(store, [str(report)], Settings())
        (name,) = [n for n, _, _ in read.outlets(store.db)]
    result = runner.invoke(app, ["outlet", "Herald", "--was", name, "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "keep the registry outlet" in result.output
    with Store(path, Settings()) as store:
        assert [n for n, _, _ in read.outlets(store.db)] == [name]
