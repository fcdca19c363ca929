"""The API's steering endpoints (rashomon.web.api_steer), in process: picked articles compared
side by side without storing anything, stories merged and articles split off by hand, each
write behind the token and the same-origin rule; unknown ids are 404 and impossible
decisions 422, and neither changes anything. The pages' controls for them (the picking
form, the merge and split forms) render without any untrusted text as markup."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from fastapi import FastAPI
from test_steer import PAIRS, SEEDS
from test_web_api import SERVER, app_for, call

from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into

TOKEN = {"Authorization": "Bearer t0ken"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("steer_api") / "news.db"
    with Store(path, Settings()) as store:
        ingest_into(store, [str(p) for p in [*SEEDS, *PAIRS]], Settings())
    return path


@pytest.fixture
def store(built: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "news.db"
    shutil.copy(built, path)
    with Store(path, Settings()) as opened:
        yield opened


@pytest.fixture
def app(store: Store) -> FastAPI:
    return app_for(store, Settings().replace(serve__token="t0ken"), port=8000)


def ids_of(store: Store, *names: str) -> list[str]:
    with store.db.read() as connection:
        rows = connection.execute("SELECT id, origin FROM articles").fetchall()
    return [next(r["id"] for r in rows if r["origin"].endswith(n)) for n in names]


def story_of(store: Store, name: str) -> str:
    (article,) = ids_of(store, name)
    found = read.article(store.db, article)
    assert found is not None and found[0].story is not None
    return found[0].story


def snapshot(store: Store) -> tuple[Any, ...]:
    with sqlite3.connect(store.path) as connection:
        return (
            connection.execute("SELECT id, story FROM articles ORDER BY id").fetchall(),
            connection.execute("SELECT id, version FROM stories ORDER BY id").fetchall(),
        )


def write(app: FastAPI, url: str, body: Any, headers: dict[str, str] = TOKEN) -> Any:
    return call(app, "POST", url, base=SERVER, json=body, headers=headers)


# ---------------------------------------------------------------- comparing picked articles


def test_picked_articles_compare_side_by_side_and_nothing_is_stored(app, store):
    before = snapshot(store)
    a, b = ids_of(store, "border_a.txt", "farm_b.txt")
    for params in ({"articles": f"{a},{b}"}, {"articles": [a, b]}):
        response = call(app, "GET", "/api/v1/compare", base=SERVER, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["comparison"]["id"].startswith("p") and body["comparison"]["groups"]
        assert [m["id"] for m in body["members"]] == [a, b]
        assert all(m["origin"].startswith("file:") for m in body["members"])  # paths hidden
    assert snapshot(store) == before


def test_compare_refuses_fewer_than_two_and_names_an_unknown_id(app, store):
    (a,) = ids_of(store, "border_a.txt")
    one = call(app, "GET", "/api/v1/compare", base=SERVER, params={"articles": f"{a},{a}"})
    assert one.status_code == 422 and "two different" in one.json()["detail"]
    unknown = call(
        app, "GET", "/api/v1/compare", base=SERVER, params={"articles": f"{a},0000000000000000"}
    )
    assert unknown.status_code == 404 and "0000000000000000" in unknown.json()["detail"]
    assert call(app, "GET", "/api/v1/compare", base=SERVER).status_code == 422


# ---------------------------------------------------------------- merging and splitting


def test_merge_makes_one_story_and_the_old_id_is_gone(app, store):
    border, farm = story_of(store, "border_a.txt"), story_of(store, "farm_a.txt")
    response = write(app, "/api/v1/stories/merge", {"stories": [border, farm]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "merge" and body["moved"] == 2 and body["story"]["articles"] == 4
    (gone,) = body["removed"]
    moved_api = call(app, "GET", f"/api/v1/stories/{gone}", base=SERVER)  # the API says where
    assert moved_api.status_code == 308
    assert moved_api.headers["location"] == body["story"]["links"]["self"]
    assert body["story"]["id"] in moved_api.json()["detail"]
    assert call(app, "GET", "/api/v1/stories/nosuchstory", base=SERVER).status_code == 404
    story = call(app, "GET", body["story"]["links"]["self"], base=SERVER).json()
    assert story["compared"] and len(story["members"]) == 4
    moved = call(app, "GET", f"/stories/{gone}", base=SERVER)  # the page leads on
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/stories/{body['story']['id']}"


def test_split_moves_articles_into_a_new_story(app, store):
    seed_story = story_of(store, SEEDS[0].name)
    (second,) = ids_of(store, SEEDS[1].name)
    response = write(app, f"/api/v1/stories/{seed_story}/split", {"articles": [second]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "split" and body["story"]["articles"] == 1
    assert {s["id"] for s in body["stories"]} == {seed_story, body["story"]["id"]}
    assert story_of(store, SEEDS[1].name) == body["story"]["id"]


def test_steering_needs_the_token_and_the_servers_origin(app, store):
    before = snapshot(store)
    border, farm = story_of(store, "border_a.txt"), story_of(store, "farm_a.txt")
    seed_story = story_of(store, SEEDS[0].name)
    (second,) = ids_of(store, SEEDS[1].name)
    for url, body in (
        ("/api/v1/stories/merge", {"stories": [border, farm]}),
        (f"/api/v1/stories/{seed_story}/split", {"articles": [second]}),
    ):
        assert write(app, url, body, {}).status_code == 401
        assert write(app, url, body, {"Authorization": "Bearer wrong"}).status_code == 401
        foreign = {**TOKEN, "Origin": "http://evil.example"}
        assert write(app, url, body, foreign).status_code == 403
        cross = {**TOKEN, "Sec-Fetch-Site": "cross-site"}
        assert write(app, url, body, cross).status_code == 403
        form = call(
            app,
            "POST",
            url,
            base=SERVER,
            content=b"stories=a&stories=b",
            headers={**TOKEN, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 415
    assert snapshot(store) == before


def test_unknown_ids_are_404_and_impossible_decisions_422_changing_nothing(app, store):
    before = snapshot(store)
    seed_story, border = story_of(store, SEEDS[0].name), story_of(store, "border_a.txt")
    (border_a,) = ids_of(store, "border_a.txt")
    seeds = ids_of(store, *(s.name for s in SEEDS))
    for url, body, status, words in (
        ("/api/v1/stories/merge", {"stories": [seed_story, "s000000000000"]}, 404, "s000000000000"),
        ("/api/v1/stories/merge", {"stories": [seed_story, seed_story]}, 422, "two different"),
        ("/api/v1/stories/merge", {"stories": [seed_story]}, 422, ""),
        ("/api/v1/stories/merge", {"stories": [seed_story, "<b>x</b>"]}, 422, ""),
        ("/api/v1/stories/merge", {}, 422, ""),
        ("/api/v1/stories/nosuchstory/split", {"articles": [border_a]}, 404, "nosuchstory"),
        (f"/api/v1/stories/{seed_story}/split", {"articles": ["0000000000000000"]}, 404, "0000"),
        (f"/api/v1/stories/{seed_story}/split", {"articles": [border_a]}, 422, border),
        (f"/api/v1/stories/{seed_story}/split", {"articles": seeds}, 422, "empty"),
        (f"/api/v1/stories/{seed_story}/split", {"articles": []}, 422, ""),
    ):
        response = write(app, url, body)
        assert response.status_code == status, (url, body, response.text)
        assert words in str(response.json()["detail"])
    plain = call(app, "POST", "/api/v1/stories/merge", base=SERVER, content=b"{}", headers=TOKEN)
    assert plain.status_code == 415
    assert snapshot(store) == before


# ---------------------------------------------------------------- the pages' controls


def page(app: FastAPI, url: str, **params: Any) -> lxml.html.HtmlElement:
    response = call(app, "GET", url, base=SERVER, params=params or None)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return lxml.html.document_fromstring(response.text)


def test_the_picked_comparison_page_shows_the_claims_matrix(app, store):
    a, b = ids_of(store, "border_a.txt", "farm_b.txt")
    tree = page(app, "/compare", articles=[a, b])
    assert tree.xpath("//table[contains(@class, 'matrix')]") and tree.xpath("//h1")
    picked = [
        i.get("value") for i in tree.xpath("//form[@class='steer-merge']//input[@name='stories']")
    ]
    assert set(picked) == {story_of(store, "border_a.txt"), story_of(store, "farm_b.txt")}
    for bad, status in (({"articles": a}, 400), ({"articles": [a, "0000000000000000"]}, 404)):
        response = call(app, "GET", "/compare", base=SERVER, params=bad)
        assert response.status_code == status
        assert "text/html" in response.headers["content-type"]


def test_story_and_search_pages_carry_the_steering_forms(app, store):
    seed_story = story_of(store, SEEDS[0].name)
    tree = page(app, f"/stories/{seed_story}")
    (pick,) = tree.xpath("//form[@class='steer-pick']")
    assert pick.get("method") == "get" and pick.get("action") == "/compare"
    assert len(pick.xpath(".//input[@type='checkbox'][@name='articles']")) == 2
    (split,) = pick.xpath(".//button[@data-steer='split']")
    assert split.get("formaction") == f"/api/v1/stories/{seed_story}/split"
    (merge,) = tree.xpath("//form[@class='steer-merge']")
    assert merge.get("action") == "/api/v1/stories/merge"
    assert tree.xpath("//script[@src='/static/steer.js']")
    hits = page(app, "/search", q="Dong Jun")
    (form,) = hits.xpath("//form[@class='steer-pick']")
    assert form.xpath(".//input[@type='checkbox'][@name='articles']")
