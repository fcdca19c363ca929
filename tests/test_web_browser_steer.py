"""The steering controls in a real browser (Debian's Chromium through Playwright, as in
test_web_browser): picking two articles on the search page shows their comparison; the merge
and split forms, with the write token typed in, go through the API's protected routes and
land on the story they made; a wrong token is refused on the page and changes nothing. Each
test serves a store of its own (the writes change it), with a write token set."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import test_web_browser as browsing

from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into

SEEDS = sorted((Path(__file__).resolve().parents[1] / "examples").glob("0*.txt"))
COMPARE = Path(__file__).parent / "fixtures" / "compare"
PAIRS = [COMPARE / f"{name}_{side}.txt" for name in ("border", "farm") for side in "ab"]
TOKEN = "t0ken"
browser = browsing.browser  # the fixtures: one Chromium, tabs that record what they did
open_tab = browsing.open_tab


@dataclass
class Served:
    base: str
    store: Store


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("steer_web") / "news.db"
    with Store(path, Settings()) as store:
        ingest_into(store, [str(p) for p in [*SEEDS, *PAIRS]], Settings())
    return path


@pytest.fixture
def served(built: Path, tmp_path: Path) -> Iterator[Served]:
    shutil.copy(built, tmp_path / "news.db")
    settings = Settings().replace(serve__token=TOKEN)
    store = Store(tmp_path / "news.db", settings)
    with browsing.serving(store, settings) as base:
        yield Served(base, store)


def _story_of(store: Store, name: str) -> str:
    with store.db.read() as connection:
        rows = connection.execute("SELECT origin, story FROM articles").fetchall()
    return next(r["story"] for r in rows if r["origin"].endswith(name))


def _id_of(store: Store, name: str) -> str:
    with store.db.read() as connection:
        rows = connection.execute("SELECT id, origin FROM articles").fetchall()
    return next(r["id"] for r in rows if r["origin"].endswith(name))


def test_picking_two_articles_on_the_search_page_shows_their_comparison(served, open_tab):
    tab = open_tab(served.base + "/search?q=border")
    page = tab.page
    border_a, border_b = (_id_of(served.store, f"border_{s}.txt") for s in "ab")
    page.check(f"form.steer-pick input[value='{border_a}']")
    page.check(f"form.steer-pick input[value='{border_b}']")
    page.click("form.steer-pick button[type=submit]")
    page.wait_for_url("**/compare?*")
    assert border_a in page.url and border_b in page.url and TOKEN not in page.url
    assert page.locator("table.matrix").count() >= 1
    assert "2 picked articles" in page.locator("h1").inner_text()
    browsing._clean(tab, served.base)


def test_the_merge_form_merges_with_the_token(served, open_tab):
    border, farm = _story_of(served.store, "border_a.txt"), _story_of(served.store, "farm_a.txt")
    tab = open_tab(f"{served.base}/stories/{border}")
    page = tab.page
    page.fill("form.steer-merge input[type=text][name=stories]", farm)
    page.fill("#steer-token", "wrong")
    page.click("form.steer-merge button[type=submit]")
    page.wait_for_function("document.querySelector('.steer-status').textContent.includes('401')")
    assert _story_of(served.store, "farm_a.txt") == farm  # refused: nothing changed
    page.fill("#steer-token", TOKEN)
    with page.expect_navigation(timeout=30_000):  # to the merged story (border began first)
        page.click("form.steer-merge button[type=submit]")
    assert page.url.endswith(f"/stories/{border}")
    merged = _story_of(served.store, "farm_b.txt")
    assert merged == _story_of(served.store, "border_a.txt") == border
    assert page.locator("form.steer-pick input[type=checkbox]").count() == 4
    assert read.story(served.store.db, farm) is None
    browsing._clean(tab, served.base)


def test_the_split_button_splits_the_checked_articles_off(served, open_tab):
    seed_story = _story_of(served.store, SEEDS[0].name)
    second = _id_of(served.store, SEEDS[1].name)
    tab = open_tab(f"{served.base}/stories/{seed_story}")
    page = tab.page
    page.check(f"form.steer-pick input[value='{second}']")
    page.fill("#steer-token", TOKEN)
    page.click("form.steer-pick button[data-steer=split]")
    page.wait_for_url(lambda url: f"/stories/{seed_story}" not in url, timeout=30_000)
    new = _story_of(served.store, SEEDS[1].name)
    assert new != seed_story and page.url.endswith(f"/stories/{new}")
    assert _story_of(served.store, SEEDS[0].name) == seed_story
    assert page.locator("form.steer-pick input[type=checkbox]").count() == 1
    browsing._clean(tab, served.base)
