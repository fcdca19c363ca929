"""The server never shows its own folders: a stored file's origin is shown as
file:DIGEST/NAME in every API response and page, consistently, unless serve.show_paths."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES
from fastapi import FastAPI
from test_web_api import app_for, call

from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into
from rashomon.web.paths import hide_paths, public_origin

SEEDS = sorted(EXAMPLES.glob("0*.txt"))


@pytest.mark.parametrize(
    "origin",
    ["https://example.com/a/b.html", "api:0123abcd", "<stdin>", "a.txt", "file:1a2b3c4d/a.txt"],
)
def test_urls_api_ids_and_bare_names_are_shown_as_they_are(origin):
    assert public_origin(origin) == origin


@pytest.mark.parametrize(
    ("origin", "tail"),
    [
        ("/srv/news/2026/a.html", "/a.html"),
        ("relative/folder/a.html", "/a.html"),
        ("/srv/crawl.warc.gz#12", "/crawl.warc.gz#12"),
        ("/srv/feed.xml#item-3", "/feed.xml#item-3"),
        ("/srv/dump.jsonl:line 7", "/dump.jsonl:line 7"),
        ("C:\\Users\\ana\\news\\b.txt", "/b.txt"),
    ],
)
def test_a_path_keeps_its_name_and_record_and_hides_its_folder(origin, tail):
    shown = public_origin(origin)
    assert shown.startswith("file:") and shown.endswith(tail)
    assert "srv" not in shown and "Users" not in shown and "folder" not in shown
    assert public_origin(origin) == shown  # the same on every response


def test_two_files_of_one_name_in_two_folders_stay_apart():
    assert public_origin("/a/index.html") != public_origin("/b/index.html")
    assert public_origin("/a/index.html").split("/")[0] == public_origin("/a/x.html").split("/")[0]


def test_hide_paths_replaces_only_the_named_origins_in_values_and_keys():
    origin = "/srv/news/a.html"
    content = {
        "origin": origin,
        "signals": {origin: {"source": origin}},
        "members": [origin, "/srv/news/other.html"],
        "text": f"the file {origin} was read",  # a text that mentions it is not an origin
    }
    hidden = hide_paths(content, [origin])
    shown = public_origin(origin)
    assert hidden["origin"] == shown
    assert hidden["signals"] == {shown: {"source": shown}}
    assert hidden["members"] == [shown, "/srv/news/other.html"]
    assert hidden["text"] == content["text"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("secret-server-folder")
    for seed in SEEDS:
        (folder / seed.name).write_bytes(seed.read_bytes())
    with Store(folder / "news.db", Settings()) as opened:
        ingest_into(opened, [str(folder)], Settings())
        yield opened


@pytest.fixture(scope="module")
def app(store: Store) -> FastAPI:
    return app_for(store)


def _reads(store: Store) -> list[str]:
    info = read.stories(store.db, limit=5)[0]
    article = read.search(store.db, "Shoigu")[0].article
    quoted = article.outlet.replace(" ", "%20").replace(":", "%3A")
    return [
        f"/api/v1/stories/{info.id}",
        f"/api/v1/articles/{article.id}",
        f"/api/v1/outlets/{quoted}",
        "/api/v1/search?q=Shoigu",
        f"/stories/{info.id}",
        f"/articles/{article.id}",
        f"/outlets/{quoted}",
        "/search?q=Shoigu",
        "/",
    ]


def test_no_response_names_the_servers_folder(app, store):
    for url in _reads(store):
        response = call(app, "GET", url)
        assert response.status_code == 200, url
        assert "secret-server-folder" not in response.text, url


def test_a_storys_members_and_its_comparison_name_each_article_alike(app, store):
    info = read.stories(store.db, limit=5)[0]
    story = call(app, "GET", f"/api/v1/stories/{info.id}").json()
    members = {m["origin"] for m in story["members"]}
    assert members == set(story["articles"])
    assert all(o.startswith("file:") for o in members)
    assert set(story["comparison"]["signals"]) <= members
    sources = {c["source"] for g in story["comparison"]["groups"] for c in g["claims"]}
    assert sources and sources <= members


def test_show_paths_gives_the_stored_origin(store):
    shown = app_for(store, Settings().replace(serve__show_paths=True))
    article = read.search(store.db, "Shoigu")[0].article
    body = call(shown, "GET", f"/api/v1/articles/{article.id}").json()
    assert body["origin"] == article.origin
    assert "secret-server-folder" in json.dumps(body)
    assert Path(article.origin).is_file()
