"""The JSON API under /api/v1, in process: reading stories, articles, outlets and search over a
store of the seeds and the compare fixtures; writing articles by POST into fresh stores (the
token, the body cap, idempotence, the fetch policy, hostile text kept verbatim as JSON)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import EXAMPLES
from fastapi import FastAPI

from rashomon.errors import RashomonError
from rashomon.ingest.fetch import Fetcher
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into
from rashomon.web import api_models, api_writes
from rashomon.web.app import create_app

COMPARE = Path(__file__).parent / "fixtures" / "compare"
SEEDS = sorted(EXAMPLES.glob("0*.txt"))
PAIRS = sorted(COMPARE.glob("*_[ab].txt"))
HOSTILE = "<script>alert(1)</script> javascript:alert(1)"
SHORT_REPORT = (
    "Mayor Jane Doe opened the new Harbour Bridge in Springfield on Monday, the city council "
    "said in a statement.\n\nThe bridge cost 12 million dollars and took three years to build, "
    "officials said. Critics called the project a waste of money.\n\n"
    "Doe said the bridge would cut the drive to the port by twenty minutes."
)


def call(
    app: FastAPI, method: str, url: str, base: str = "http://localhost", **kwargs: Any
) -> httpx.Response:
    """One request to `app`, in process, as a client of `base` (the Host it names)."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            return await client.request(method, url, **kwargs)

    return asyncio.run(go())


def app_for(
    store: Store,
    settings: Settings | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> FastAPI:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RASHOMON_TOKEN", raising=False)
        return create_app(store, settings or Settings(), host=host, port=port)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The seeds and the compare fixtures, ingested."""
    path = tmp_path_factory.mktemp("api") / "news.db"
    with Store(path, Settings()) as opened:
        ingest_into(opened, [str(p) for p in [*SEEDS, *PAIRS]], Settings())
        yield opened


@pytest.fixture(scope="module")
def app(store: Store) -> FastAPI:
    return app_for(store)


@pytest.fixture(scope="module")
def seed_story(app: FastAPI, store: Store) -> dict[str, Any]:
    """The story of the two seed reports, as GET /api/v1/stories/{id} gives it."""
    hits = read.search(store.db, "Dong Jun Shoigu")
    story_id = hits[0].article.story
    response = call(app, "GET", f"/api/v1/stories/{story_id}")
    assert response.status_code == 200
    return response.json()


def get(app: FastAPI, url: str, **params: Any) -> Any:
    response = call(app, "GET", url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


# -- stories -------------------------------------------------------------------------------


def test_stories_list_counts_every_story_and_pages_through_them(app: FastAPI, store: Store) -> None:
    everything = get(app, "/api/v1/stories", limit=500)
    assert everything["total"] == store.counts()["stories"] == len(everything["items"]) == 7
    first = get(app, "/api/v1/stories", limit=3)
    second = get(app, "/api/v1/stories", limit=3, offset=3)
    assert first["total"] == second["total"] == 7
    ids = [s["id"] for s in first["items"] + second["items"]]
    assert ids == [s["id"] for s in everything["items"]][:6]
    assert get(app, "/api/v1/stories", offset=7)["items"] == []
    story = first["items"][0]
    assert set(story) >= {
        "id", "label", "event_date", "first_seen", "last_seen", "articles", "outlets",
        "outlet_names", "agree", "only_in", "contradict", "compared", "updated_at", "links",
    }  # fmt: skip
    assert story["links"]["self"] == f"/api/v1/stories/{story['id']}"


def test_stories_sort_by_articles_and_label_both_ways(app: FastAPI) -> None:
    by_articles = get(app, "/api/v1/stories", sort="articles", order="desc")["items"]
    counts = [s["articles"] for s in by_articles]
    assert counts == sorted(counts, reverse=True) and counts[0] == 4
    ascending = get(app, "/api/v1/stories", sort="articles", order="asc")["items"]
    assert [s["articles"] for s in ascending] == sorted(counts)
    by_label = get(app, "/api/v1/stories", sort="label", order="asc")["items"]
    labels = [s["label"].lower() for s in by_label]
    assert labels == sorted(labels)


def test_stories_default_page_is_the_page_size_setting(store: Store) -> None:
    small = app_for(store, Settings().replace(serve__page_size=2))
    assert len(get(small, "/api/v1/stories")["items"]) == 2


@pytest.mark.parametrize(
    "params",
    [{"sort": "nope"}, {"order": "sideways"}, {"limit": 501}, {"limit": 0}, {"offset": -1}],
)
def test_stories_bad_parameters_are_422_saying_what_is_allowed(
    app: FastAPI, params: dict[str, Any]
) -> None:
    response = call(app, "GET", "/api/v1/stories", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", next(iter(params))]
    if "sort" in params:
        assert "'updated'" in detail[0]["msg"] and "'contradict'" in detail[0]["msg"]


def test_sort_names_are_the_stores(app: FastAPI) -> None:
    assert {s.value for s in api_models.Sort} == set(read.SORTS)


def test_seed_story_has_two_agree_groups_and_both_seeds(seed_story: dict[str, Any]) -> None:
    comparison = seed_story["comparison"]
    assert seed_story["compared"] is True
    verdicts = [g["verdict"] for g in comparison["groups"]]
    assert verdicts.count("agree") == 2 == seed_story["agree"]
    assert verdicts.count("only_in") == seed_story["only_in"]
    assert "Sputnik" in seed_story["outlets"]
    assert sorted(Path(a).name for a in seed_story["articles"]) == [p.name for p in SEEDS]
    assert {m["origin"] for m in seed_story["members"]} == set(seed_story["articles"])
    assert comparison["id"] == seed_story["id"]
    assert set(comparison["signals"]) == set(seed_story["articles"])
    assert {"dates", "participants", "place", "languages", "duplicates"} <= set(seed_story)


def test_seed_story_claim_offsets_point_into_the_article_texts(
    app: FastAPI, seed_story: dict[str, Any]
) -> None:
    ids = {m["origin"]: m["id"] for m in seed_story["members"]}
    texts = {
        origin: get(app, f"/api/v1/articles/{i}")["annotation"]["text"] for origin, i in ids.items()
    }
    claims = [c for g in seed_story["comparison"]["groups"] for c in g["claims"]]
    assert len(claims) > 10
    for claim in claims:
        assert texts[claim["source"]][claim["start"] : claim["end"]] == claim["text"]
    for headline in seed_story["comparison"]["headlines"]:
        evidence = headline["evidence"]
        if evidence is not None:
            assert (
                texts[evidence["source"]][evidence["start"] : evidence["end"]] == evidence["text"]
            )


def test_unknown_story_article_and_outlet_are_404_json(app: FastAPI) -> None:
    for url in ("/api/v1/stories/s000", "/api/v1/articles/0000", "/api/v1/outlets/Nobody%20Here"):
        response = call(app, "GET", url)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json()["detail"].startswith("no such ")


# -- articles and outlets ------------------------------------------------------------------


def test_article_has_its_metadata_and_annotation(app: FastAPI, seed_story: dict[str, Any]) -> None:
    member = next(m for m in seed_story["members"] if m["outlet"] == "Sputnik")
    article = get(app, member["links"]["self"])
    assert article["id"] == member["id"] and article["story"] == seed_story["id"]
    assert article["title"] == "China to Continue Support Russia Amid Western Pressure"
    assert article["published"] == "2024-01-31"
    assert article["links"]["story"] == f"/api/v1/stories/{seed_story['id']}"
    note = article["annotation"]
    text = note["text"]
    assert "Dong Jun" in text and note["source"] == member["origin"]
    assert note["removed"] and all({"text", "reason"} <= set(r) for r in note["removed"])
    assert any(r["text"].startswith("Subscribe") for r in note["removed"])
    for layer in ("entities", "quotes", "claims", "times"):
        assert note[layer], layer
        for span in note[layer]:
            assert text[span["start"] : span["end"]] == span["text"]
    assert any(e["canonical"] == "Dong Jun" for e in note["entities"])
    assert all(len(s) == 2 for s in note["sentences"])


def test_outlets_list_and_a_known_outlets_profile(app: FastAPI, store: Store) -> None:
    outlets = get(app, "/api/v1/outlets")
    names = [o["name"] for o in outlets["items"]]
    assert outlets["total"] == len(names) == len({r[0] for r in read.outlets(store.db)})
    assert "Sputnik" in names
    unknown = next(o for o in outlets["items"] if o["name"].startswith("unknown: "))
    assert get(app, unknown["links"]["self"])["name"] == unknown["name"]  # spaces and colons

    sputnik = get(app, "/api/v1/outlets/Sputnik")
    assert sputnik["profile"]["known"] is True
    assert sputnik["profile"]["state_affiliated"] is True
    assert sputnik["profile"]["country"] == "RU"
    assert sputnik["article_count"] == 1 and sputnik["story_count"] == 1
    assert [a["outlet"] for a in sputnik["articles"]] == ["Sputnik"]
    assert len(sputnik["stories"]) == 1 and sputnik["stories"][0]["agree"] == 2
    assert len(sputnik["signals"]) == 1
    assert sputnik["signals"][0]["source"] == sputnik["articles"][0]["origin"]
    assert sputnik["description"].startswith("Sputnik")


# -- search --------------------------------------------------------------------------------


def test_search_finds_the_seeds_and_highlights_the_words(app: FastAPI) -> None:
    found = get(app, "/api/v1/search", q="Shoigu video call")
    origins = {Path(h["article"]["origin"]).name for h in found["items"]}
    assert origins == {SEEDS[0].name}
    hit = found["items"][0]
    assert "\x02" not in hit["snippet"] and "\x03" not in hit["snippet"]
    marked = [hit["snippet"][start:end].lower() for start, end in hit["highlights"]]
    assert set(marked) == {"shoigu", "video", "call"}
    both = get(app, "/api/v1/search", q="Dong Jun")["items"]
    assert {Path(h["article"]["origin"]).name for h in both} == {p.name for p in SEEDS}
    second = get(app, "/api/v1/search", q="Dong Jun", limit=1, offset=1)
    assert second["items"][0] == both[1] and second["total"] == len(both) == 2
    assert found["total"] == 1 and get(app, "/api/v1/search", q='"')["total"] == 0


def test_search_title_highlights(app: FastAPI) -> None:
    hit = get(app, "/api/v1/search", q="western pressure")["items"][0]
    assert hit["title"] == "China to Continue Support Russia Amid Western Pressure"
    assert [hit["title"][s:e] for s, e in hit["title_highlights"]] == ["Western", "Pressure"]


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(", "*", "<script>", 'Shoigu" OR "x', "AND OR NOT", "^", "a:b", "'", "\x00", ""],
)
def test_hostile_search_strings_are_200_never_500(app: FastAPI, query: str) -> None:
    found = get(app, "/api/v1/search", q=query)
    assert found["query"] == query
    for hit in found["items"]:
        assert "<script>" not in hit["snippet"]


def test_search_query_length_is_capped(app: FastAPI) -> None:
    assert call(app, "GET", "/api/v1/search", params={"q": "x" * 1001}).status_code == 422


# -- writing -------------------------------------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "fresh.db", Settings()) as opened:
        yield opened


def post(app: FastAPI, body: Any = None, **kwargs: Any) -> httpx.Response:
    if body is not None:
        kwargs["json"] = body
    return call(app, "POST", "/api/v1/articles", **kwargs)


def test_posted_seeds_make_one_story_and_a_repost_changes_nothing(fresh: Store) -> None:
    app = app_for(fresh)  # loopback, no token: writes are open
    texts = [p.read_text("utf-8") for p in SEEDS]
    first, second = (post(app, {"text": t}) for t in texts)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["created"] is second.json()["created"] is True
    assert first.json()["story"] == second.json()["story"]
    assert second.headers["location"] == second.json()["links"]["self"]
    assert second.json()["outlet"] == "Sputnik"
    story = get(app, second.json()["links"]["story"])
    assert [g["verdict"] for g in story["comparison"]["groups"]].count("agree") == 2
    assert {m["id"] for m in story["members"]} == {first.json()["id"], second.json()["id"]}
    assert all(origin.startswith("api:") for origin in story["articles"])

    again = post(app, {"text": texts[0], "title": "Another title"})
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert fresh.counts()["articles"] == 2
    assert get(app, "/api/v1/stories")["total"] == 1


def test_post_with_a_token_needs_it(fresh: Store) -> None:
    app = app_for(fresh, Settings().replace(serve__token="t0ken"))
    assert post(app, {"text": SHORT_REPORT}).status_code == 401
    wrong = post(app, {"text": SHORT_REPORT}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json() == {"detail": "a write token is required"}
    assert fresh.counts()["articles"] == 0
    right = post(app, {"text": SHORT_REPORT}, headers={"Authorization": "Bearer t0ken"})
    assert right.status_code == 201 and right.json()["created"] is True
    assert get(app, "/api/v1/stories")["total"] == 1  # reading needs no token


def test_an_app_beyond_loopback_without_a_token_does_not_start(fresh: Store) -> None:
    with pytest.raises(RashomonError, match="needs a write token"):
        app_for(fresh, host="0.0.0.0")
    assert app_for(fresh, Settings().replace(serve__token="t"), host="0.0.0.0") is not None


def test_a_body_over_the_cap_is_413_declared_or_chunked(fresh: Store) -> None:
    app = app_for(fresh, Settings().replace(serve__max_body_bytes=1000))
    big = ("word " * 400).encode()
    declared = post(app, content=big, headers={"Content-Type": "text/html"})
    assert declared.status_code == 413 and "max_body_bytes" in declared.json()["detail"]

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 100

    streamed = post(app, content=chunks(), headers={"Content-Type": "text/html"})
    assert streamed.request.headers.get("content-length") is None
    assert streamed.status_code == 413
    assert streamed.headers["content-type"] == "application/json"
    assert fresh.counts()["articles"] == 0


def test_post_a_loopback_url_is_refused_without_a_request(
    fresh: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[httpx.Request] = []
    monkeypatch.setattr(httpx.Client, "send", lambda self, request, **kw: sent.append(request))
    response = post(app_for(fresh), {"url": "http://127.0.0.1/x"})
    assert response.status_code == 400
    assert response.json()["reason"] == "refused-url"
    assert "loopback" in response.json()["detail"]
    assert sent == []
    assert fresh.counts()["articles"] == 0


def test_post_a_url_fetches_it_with_the_metadata_given(
    fresh: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "<html><head><title>Bridge opens</title></head><body><article>{}</article></body>"
    html = page.format("".join(f"<p>{p}</p>" for p in SHORT_REPORT.split("\n\n")))

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["host"] == "news.example.com"
        return httpx.Response(200, text=html, headers={"content-type": "text/html"})

    def make(settings: Settings) -> Fetcher:
        return Fetcher(
            settings, transport=httpx.MockTransport(handler), resolve=lambda _: ["93.184.216.34"]
        )

    monkeypatch.setattr(api_writes, "make_fetcher", make)
    url = "https://news.example.com/bridge"
    response = post(app_for(fresh), {"url": url, "published": "2025-05-05", "byline": "A. B."})
    assert response.status_code == 201, response.text
    article = get(app_for(fresh), response.json()["links"]["self"])
    assert article["origin"] == url and article["url"] == url
    assert article["published"] == "2025-05-05"
    assert "Harbour Bridge" in article["annotation"]["text"]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"text": ""}, 422, "empty"),
        ({"text": "   \n  "}, 422, "empty"),
        ({"text": "Hello."}, 422, "no-article"),
        ({"html": "<html><body><nav>Home</nav></body></html>"}, 422, "no-article"),
    ],
)
def test_post_without_an_article_is_a_clear_422(
    fresh: Store, body: dict[str, str], status: int, reason: str
) -> None:
    response = post(app_for(fresh), body)
    assert response.status_code == status
    assert response.json()["reason"] == reason and response.json()["detail"]
    assert fresh.counts()["articles"] == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "give the article"),
        ({"text": SHORT_REPORT, "html": "<p>x</p>"}, "not both"),
        ({"text": SHORT_REPORT, "published": "last Tuesday"}, "ISO date"),
        ({"text": SHORT_REPORT, "url": "javascript:alert(1)"}, "http"),
        ({"text": SHORT_REPORT, "colour": "red"}, "Extra inputs"),
        ({"text": 12}, "valid string"),
        ([SHORT_REPORT], "an object"),
    ],
)
def test_post_json_fields_are_checked(fresh: Store, body: Any, words: str) -> None:
    response = post(app_for(fresh), body)
    assert response.status_code == 422
    assert words in str(response.json()["detail"])
    assert SHORT_REPORT not in response.text  # errors do not echo the input


def test_post_bad_bodies_and_content_types(fresh: Store) -> None:
    app = app_for(fresh)
    broken = post(app, content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    empty = post(app, content=b"", headers={"Content-Type": "application/json"})
    assert empty.status_code == 422
    for kind in ("application/pdf", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": kind} if kind else {}
        refused = post(app, content=b"%PDF-1.4", headers=headers)
        assert refused.status_code == 415 and "application/json" in refused.json()["detail"]
    binary = post(
        app, content=b"\x89PNG\r\n\x1a\n" + bytes(200), headers={"Content-Type": "text/html"}
    )
    assert binary.status_code == 422 and binary.json()["reason"] == "unsupported"


def test_post_a_raw_html_body_with_metadata_in_the_query(fresh: Store) -> None:
    app = app_for(fresh)
    params = {"title": "Bridge opens", "published": "2025-05-05T10:00:00Z", "outlet": "Gazette"}
    page = "".join(f"<p>{p}</p>" for p in SHORT_REPORT.split("\n\n"))
    response = post(
        app,
        content=f"<html><body><article>{page}</article></body></html>".encode(),
        params=params,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert response.status_code == 201, response.text
    article = get(app, response.json()["links"]["self"])
    assert article["title"] == "Bridge opens" and article["published"] == "2025-05-05"
    bad = post(
        app, content=b"x", params={"published": "soon"}, headers={"Content-Type": "text/html"}
    )
    assert bad.status_code == 422 and "ISO date" in bad.json()["detail"]


def test_query_metadata_beside_a_json_body_is_honoured(fresh: Store) -> None:
    app = app_for(fresh)
    response = post(app, {"text": SHORT_REPORT, "title": "Bridge"}, params={"outlet": "Gazette"})
    assert response.status_code == 201, response.text
    assert response.json()["outlet"] == "Gazette" and response.json()["title"] == "Bridge"


def test_query_and_json_body_giving_one_field_two_values_is_a_422(fresh: Store) -> None:
    app = app_for(fresh)
    response = post(app, {"text": SHORT_REPORT, "outlet": "Gazette"}, params={"outlet": "Herald"})
    assert response.status_code == 422 and "outlet" in response.json()["detail"]
    same = post(app, {"text": SHORT_REPORT, "outlet": "Gazette"}, params={"outlet": "Gazette"})
    assert same.status_code == 201, same.text
    assert fresh.counts()["articles"] == 1


def test_hostile_title_and_body_come_back_verbatim_as_json(fresh: Store) -> None:
    app = app_for(fresh)
    body = f"{SHORT_REPORT}\n\nOne reader wrote {HOSTILE} in the comments, the paper said."
    response = post(app, {"text": body, "title": HOSTILE, "byline": HOSTILE})
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["title"] == HOSTILE
    raw = call(app, "GET", response.json()["links"]["self"])
    assert raw.headers["content-type"] == "application/json"
    assert HOSTILE.replace("<", "\\u003c") not in raw.text  # JSON strings, not escaped HTML
    article = raw.json()
    assert article["title"] == HOSTILE == article["annotation"]["title"]
    assert HOSTILE in article["annotation"]["text"]
    hit = get(app, "/api/v1/search", q="javascript alert")["items"][0]
    assert HOSTILE in hit["snippet"]
    text = article["annotation"]["text"]
    assert any(HOSTILE in text[s:e] for s, e in article["annotation"]["sentences"])
    assert get(app, article["links"]["story"])["members"][0]["title"] == HOSTILE


# -- the same-origin guard and the token ---------------------------------------------------

SERVER = "http://localhost:8000"  # where the guarded apps below listen (port 8000)
FORM_TYPES = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
]


def guarded(store: Store, settings: Settings | None = None, host: str = "127.0.0.1") -> FastAPI:
    return app_for(store, settings, host=host, port=8000)


def post_at(app: FastAPI, base: str = SERVER, **kwargs: Any) -> httpx.Response:
    return call(app, "POST", "/api/v1/articles", base=base, **kwargs)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://localhost:3000"},  # this machine, another port: another origin
        {"Origin": "https://localhost:8000"},
        {"Origin": "null"},  # a sandboxed frame, a data: URL
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": SERVER, "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_write_from_another_origin_is_403_before_any_work(
    fresh: Store, headers: dict[str, str]
) -> None:
    response = post_at(guarded(fresh), json={"text": SHORT_REPORT}, headers=headers)
    assert response.status_code == 403, response.text
    assert "refused" in response.json()["detail"]
    assert response.headers["content-security-policy"]  # the guard's answers are headed too
    assert fresh.counts()["articles"] == 0


def test_a_write_from_the_servers_own_origin_is_stored(fresh: Store) -> None:
    own = {"Origin": SERVER, "Sec-Fetch-Site": "same-origin"}
    response = post_at(guarded(fresh), json={"text": SHORT_REPORT}, headers=own)
    assert response.status_code == 201, response.text
    ipv6 = {"Origin": "http://[::1]:8000"}  # the origin as the Host names it
    again = post_at(guarded(fresh), "http://[::1]:8000", json={"text": SHORT_REPORT}, headers=ipv6)
    assert again.status_code == 200 and again.json()["created"] is False
    assert fresh.counts()["articles"] == 1


@pytest.mark.parametrize("kind", FORM_TYPES)
def test_text_plain_and_form_bodies_are_415_before_the_token_or_any_work(
    fresh: Store, kind: str
) -> None:
    app = guarded(fresh, Settings().replace(serve__token="t0ken"))
    body = json.dumps({"text": SHORT_REPORT}).encode()  # the JSON a form can smuggle as text
    for headers in ({}, {"Authorization": "Bearer t0ken"}):
        response = post_at(app, content=body, headers={**headers, "Content-Type": kind})
        assert response.status_code == 415, response.text
        assert "application/json" in response.json()["detail"]
    untyped = post_at(app, content=body, headers={"Authorization": "Bearer t0ken"})
    assert untyped.status_code == 415 and "no content type" in untyped.json()["detail"]
    assert fresh.counts()["articles"] == 0


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:8000",  # a DNS name rebound to 127.0.0.1
        "evil.example",
        "localhost:9999",  # another port than the server's
        "localhost.:8000",
        "127.0.0.2:8000",
        "localhost:8000@evil.example",
        "",
    ],
)
def test_a_host_not_allowed_is_421_on_reads_and_writes(fresh: Store, host: str) -> None:
    app = guarded(fresh)
    headers = {"Host": host}
    for method, path in [("GET", "/api/v1/stories"), ("GET", "/"), ("GET", "/healthz")]:
        response = call(app, method, path, base=SERVER, headers=headers)
        assert response.status_code == 421, (path, response.text)
        assert "serve.allowed_hosts" in response.json()["detail"]
    written = post_at(app, json={"text": SHORT_REPORT}, headers={**headers, "Origin": SERVER})
    assert written.status_code == 421
    assert fresh.counts()["articles"] == 0


@pytest.mark.parametrize(
    "host", ["localhost:8000", "LocalHost:8000", "127.0.0.1:8000", "[::1]:8000"]
)
def test_the_loopback_names_at_the_servers_port_are_allowed(fresh: Store, host: str) -> None:
    response = call(guarded(fresh), "GET", "/healthz", base=SERVER, headers={"Host": host})
    assert response.status_code == 200 and response.text == "ok"


def test_allowed_hosts_adds_names_for_any_port_or_one(fresh: Store) -> None:
    settings = Settings().replace(
        serve__token="t", serve__allowed_hosts=["News.Example.org", "tunnel.example:9000"]
    )
    app = guarded(fresh, settings, host="10.0.0.5")
    for host, status in [
        ("news.example.org", 200),
        ("news.example.org:443", 200),
        ("tunnel.example:9000", 200),
        ("tunnel.example:9001", 421),
        ("10.0.0.5:8000", 200),  # the address it listens on
        ("10.0.0.5:80", 421),
        ("other.example.org", 421),
    ]:
        response = call(app, "GET", "/healthz", base=SERVER, headers={"Host": host})
        assert response.status_code == status, host


def test_listening_everywhere_allows_the_address_a_client_reached(fresh: Store) -> None:
    app = guarded(fresh, Settings().replace(serve__token="t"), host="0.0.0.0")
    lan = "http://192.168.1.5:8000"  # the connection's local address, as the server sees it
    assert call(app, "GET", "/healthz", base=lan).status_code == 200
    assert call(app, "GET", "/healthz", base=SERVER).status_code == 200
    rebound = call(app, "GET", "/healthz", base=lan, headers={"Host": "evil.example:8000"})
    assert rebound.status_code == 421


@pytest.mark.parametrize(
    "value",
    [
        "Bearer t\u00f6ken".encode(),  # UTF-8, not ASCII
        b"Bearer t\xf6ken",  # Latin-1
        b"Bearer \xff\xfe\x00",  # no encoding at all
        "Bearer t0ken\u00a0".encode(),
        "B\u00e9arer t0ken".encode(),
    ],
)
def test_an_authorization_header_that_is_not_ascii_is_401(fresh: Store, value: bytes) -> None:
    app = guarded(fresh, Settings().replace(serve__token="t0ken"))
    response = post_at(app, json={"text": SHORT_REPORT}, headers={"Authorization": value})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert fresh.counts()["articles"] == 0


def test_a_token_is_still_required_from_the_servers_own_origin(fresh: Store) -> None:
    app = guarded(fresh, Settings().replace(serve__token="t0ken"))
    own = {"Origin": SERVER, "Sec-Fetch-Site": "same-origin"}
    for token in (None, "t0ke", "t0ken0", "T0KEN"):
        headers = {**own, "Authorization": f"Bearer {token}"} if token else own
        assert post_at(app, json={"text": SHORT_REPORT}, headers=headers).status_code == 401
    assert fresh.counts()["articles"] == 0
    right = post_at(
        app, json={"text": SHORT_REPORT}, headers={**own, "Authorization": "Bearer t0ken"}
    )
    assert right.status_code == 201, right.text


def test_a_token_that_is_not_printable_ascii_is_refused_at_start(fresh: Store) -> None:
    for token in ("t\u00f6ken", "t0\nken"):
        with pytest.raises(RashomonError, match="printable ASCII"):
            app_for(fresh, Settings().replace(serve__token=token))


def test_every_write_endpoint_needs_the_token(fresh: Store) -> None:
    app = guarded(fresh, Settings().replace(serve__token="t0ken"))
    paths = call(app, "GET", "/openapi.json", base=SERVER).json()["paths"]
    writes = [
        (method, path.replace("{", "").replace("}", ""))
        for path, methods in paths.items()
        for method in methods
        if method not in ("get", "head", "options")
    ]
    assert ("post", "/api/v1/articles") in writes
    for method, path in writes:
        response = call(app, method, path, base=SERVER, json={"text": SHORT_REPORT})
        assert response.status_code == 401, (method, path)
    assert fresh.counts()["articles"] == 0


# -- the schema ----------------------------------------------------------------------------


def test_openapi_lists_every_endpoint_with_its_response_schema(app: FastAPI) -> None:
    schema = get(app, "/openapi.json")
    expected = {
        ("get", "/api/v1/stories"): ("200", "StoryList"),
        ("get", "/api/v1/stories/{story_id}"): ("200", "StoryDetail"),
        ("get", "/api/v1/articles/{article_id}"): ("200", "ArticleDetail"),
        ("get", "/api/v1/outlets"): ("200", "OutletList"),
        ("get", "/api/v1/outlets/{name}"): ("200", "OutletDetail"),
        ("get", "/api/v1/search"): ("200", "SearchResults"),
        ("post", "/api/v1/articles"): ("201", "ArticleCreated"),
        ("patch", "/api/v1/articles/{article_id}"): ("200", "ArticleSummary"),
        ("get", "/api/v1/compare"): ("200", "PickedOut"),
        ("post", "/api/v1/stories/merge"): ("200", "SteeredOut"),
        ("post", "/api/v1/stories/{story_id}/split"): ("201", "SteeredOut"),
        ("get", "/api/v1/stories/{story_id}/blindspot"): ("200", "BlindspotOut"),
    }
    # a list of days, and files (CSV or JSON) to download: no one model
    others = {
        ("get", "/api/v1/stories/{story_id}/coverage"),
        ("get", "/api/v1/stories/{story_id}/export"),
        ("get", "/api/v1/export/stories"),
        ("get", "/api/v1/export/search"),
    }
    api_paths = {
        (method, path)
        for path, methods in schema["paths"].items()
        if path.startswith("/api/")
        for method in methods
    }
    assert api_paths == set(expected) | others
    for (method, path), (status, model) in expected.items():
        operation = schema["paths"][path][method]
        assert operation["summary"] and operation["description"]
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"]["$ref"] == f"#/components/schemas/{model}"
    post_body = schema["paths"]["/api/v1/articles"]["post"]["requestBody"]["content"]
    assert set(post_body) == {"application/json", "text/html"}
    assert "text" in post_body["application/json"]["schema"]["properties"]
    comparison = schema["components"]["schemas"]["ComparisonOut"]
    assert {"groups", "headlines", "provenance", "signals"} <= set(comparison["properties"])


def test_patch_corrects_an_articles_outlet_and_its_story(fresh: Store) -> None:
    app = app_for(fresh)
    created = post(app, {"text": SHORT_REPORT}).json()
    assert created["outlet"] != "Harbour Gazette"
    url = created["links"]["self"]
    changed = call(app, "PATCH", url, json={"outlet": "Harbour Gazette"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["outlet"] == "Harbour Gazette"
    assert get(app, url)["outlet"] == "Harbour Gazette"
    story = get(app, created["links"]["story"])
    assert story["outlets"] == ["Harbour Gazette"] and story["compared"]


def test_patch_refuses_bad_bodies_unknown_ids_and_other_origins(fresh: Store) -> None:
    app = app_for(fresh)
    url = post(app, {"text": SHORT_REPORT}).json()["links"]["self"]
    assert call(app, "PATCH", url, json={}).status_code == 422
    assert call(app, "PATCH", url, json={"outlet": ""}).status_code == 422
    assert call(app, "PATCH", url, content=b"outlet=x").status_code == 415
    assert (
        call(app, "PATCH", "/api/v1/articles/0000000000000000", json={"outlet": "X"}).status_code
        == 404
    )
    foreign = call(
        app, "PATCH", url, json={"outlet": "X"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert get(app, url)["outlet"] != "X"
