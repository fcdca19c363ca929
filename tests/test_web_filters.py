"""What an analyst steers by (issue 23), in process: filters on the stories list and on search
in the API and on the pages (combined, paged, counted, refused by name when bad), a story's
blindspot and articles per day, downloads of a story and of a list (CSV cells that would be
formulas neutralised), and lang/dir on text that is not English. The store: the seed reports,
the compare fixtures, an Arabic report, two reports of an outlet with a 60-character name (one
titled like a spreadsheet formula)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import EXAMPLES, ROOT
from fastapi import FastAPI
from test_web_api import app_for, call

from rashomon.report.textlang import lang_attrs, text_direction
from rashomon.settings import Settings
from rashomon.store import Store, browse, read
from rashomon.store.ingest import ingest_into
from rashomon.web import exports

FIXTURES = ROOT / "tests" / "fixtures" / "compare"
LONG_OUTLET = "Regionalzeitungsverlagsgesellschaft Evening Chronicle Herald!"[:60]
FORMULA_TITLE = '=HYPERLINK("http://evil.example/","open") Harbour bridge reopens'
ARABIC_TITLE = "انقطاع الكهرباء في بيروت"
RECORDS = [
    {
        "url": "https://www.aljazeera.net/news/2025/3/1/beirut-power",
        "title": ARABIC_TITLE,
        "published": "2025-03-01",
        "text": (
            "انقطعت الكهرباء عن معظم أحياء بيروت مساء السبت بعد عطل في محطة التوليد الرئيسية، "
            "بحسب ما أعلنت مؤسسة كهرباء لبنان.\n\n"
            "وقالت المؤسسة في بيان إن فرق الصيانة تعمل على إصلاح العطل وإن التيار سيعود تدريجيا "
            "خلال ساعات.\n\nوأضاف البيان أن المستشفيات لم تتأثر لأنها تعمل بمولدات خاصة."
        ),
    },
    {
        "outlet": LONG_OUTLET,
        "title": "Council approves new cycle lanes",
        "published": "2025-04-02",
        "text": (
            "The city council approved a plan on Wednesday to build forty kilometres of new "
            "cycle lanes across the city centre, the mayor's office said.\n\n"
            "The plan will cost 8 million pounds and work will start in the summer, officials "
            "said.\n\nShop owners said they feared the loss of parking spaces."
        ),
    },
    {
        "outlet": LONG_OUTLET,
        "title": FORMULA_TITLE,
        "published": "2025-06-10",
        "text": (
            "The Harbour bridge in Porthaven reopened to traffic on Tuesday after six months of "
            "repairs to its steel cables, the county engineer said.\n\n"
            "Engineers replaced twelve cables and repainted the deck, and lorries over 40 "
            "tonnes are still banned, the county said.\n\n"
            "Drivers said the detour through the valley had added an hour to their journeys."
        ),
    },
]


def build_filter_store(folder: Path) -> Store:
    """The seeds, the compare fixtures and RECORDS, ingested into folder/filters.db."""
    folder.mkdir(parents=True, exist_ok=True)
    extra = folder / "extra.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), "utf-8")
    settings = Settings()
    store = Store(folder / "filters.db", settings)
    inputs = [str(EXAMPLES), *sorted(str(p) for p in FIXTURES.glob("*.txt")), str(extra)]
    ingest_into(store, inputs, settings)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = build_filter_store(tmp_path_factory.mktemp("filters"))
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def app(store: Store) -> FastAPI:
    return app_for(store)


def get_json(app: FastAPI, url: str, **params: Any) -> Any:
    """GET `url` (its own query kept: httpx drops it when given even empty params)."""
    response = call(app, "GET", url, **({"params": params} if params else {}))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def _everything(store: Store) -> list[read.StoryInfo]:
    return read.stories(store.db, limit=1000)


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {s["id"] for s in items}


def _story_of(store: Store, outlet: str) -> read.StoryInfo:
    return next(s for s in _everything(store) if outlet in s.outlet_names)


def _c(name: str) -> str:
    """The XPath test for an element of class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _page(app: FastAPI, url: str, **params: Any) -> lxml.html.HtmlElement:
    response = call(app, "GET", url, params=params)
    assert response.status_code == 200, response.text[:300]
    return lxml.html.document_fromstring(response.text)


# ---------------------------------------------------------------- filters in the API


def test_each_filter_narrows_the_stories_list_and_its_total(app: FastAPI, store: Store) -> None:
    every = _everything(store)
    state = set(browse.state_outlets(store.db))
    assert state == {"Sputnik", "Al Jazeera"}
    expected = {
        "language=ar": {s.id for s in every if s.outlet_names == ("Al Jazeera",)},
        "outlet=Sputnik": {s.id for s in every if "Sputnik" in s.outlet_names},
        "state=yes": {s.id for s in every if state & set(s.outlet_names)},
        "state=no": {s.id for s in every if not state & set(s.outlet_names)},
        "min_outlets=3": {s.id for s in every if s.outlets >= 3},
        "contradictions=yes": {s.id for s in every if s.contradict > 0},
        "contradictions=no": {s.id for s in every if s.contradict == 0},
        "from=2025-03-01&to=2025-04-30": {
            s.id
            for s in every
            if "2025-03-01" <= (s.event_date or s.first_seen or "")[:10] <= "2025-04-30"
        },
    }
    for query, wanted in expected.items():
        found = get_json(app, f"/api/v1/stories?{query}&limit=500")
        assert wanted and _ids(found["items"]) == wanted, query
        assert found["total"] == len(wanted), query
    assert len(expected["state=yes"]) + len(expected["state=no"]) == len(every)


def test_filters_combine_and_keep_the_sort_and_the_paging(app: FastAPI, store: Store) -> None:
    both = get_json(app, "/api/v1/stories?state=yes&language=en")
    assert [s["outlet_names"] for s in both["items"]] == [
        list(_story_of(store, "Sputnik").outlet_names)
    ]
    query = "/api/v1/stories?contradictions=no&sort=label&order=asc"
    whole = get_json(app, query + "&limit=500")
    labels = [s["label"].lower() for s in whole["items"]]
    assert labels == sorted(labels) and whole["total"] == len(labels) >= 3
    first, second = get_json(app, query + "&limit=2"), get_json(app, query + "&limit=2&offset=2")
    assert first["total"] == second["total"] == whole["total"]
    assert [s["id"] for s in first["items"] + second["items"]] == [
        s["id"] for s in whole["items"][:4]
    ]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("from=2025-13-01", "from"),
        ("to=yesterday", "to"),
        ("language=%3Cscript%3E", "language"),
        ("state=maybe", "state"),
        ("min_outlets=-1", "min_outlets"),
        ("min_outlets=two", "min_outlets"),
        ("contradictions=1", "contradictions"),
        ("from=2025-05-01&to=2025-04-01", "from"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/v1/stories", "/api/v1/search?q=said&", "/api/v1/export/stories"]
)
def test_a_bad_filter_is_a_422_naming_its_parameter(
    app: FastAPI, path: str, query: str, param: str
) -> None:
    joiner = "" if path.endswith("&") else "?"
    response = call(app, "GET", f"{path}{joiner}{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"][0]["loc"] == ["query", param]


def test_search_filters_narrow_the_hits_and_the_total(app: FastAPI, store: Store) -> None:
    every = get_json(app, "/api/v1/search", q="said", limit=500)
    assert every["total"] == len(every["items"]) > 5
    by_outlet = get_json(app, "/api/v1/search", q="said", outlet=LONG_OUTLET)
    assert by_outlet["total"] == 2 == len(by_outlet["items"])
    assert {h["article"]["outlet"] for h in by_outlet["items"]} == {LONG_OUTLET}
    dated = get_json(app, "/api/v1/search", q="said", **{"from": "2025-06-01", "to": "2025-06-30"})
    assert [h["article"]["title"] for h in dated["items"]] == [FORMULA_TITLE]
    big = get_json(app, "/api/v1/search", q="said", min_outlets=3, limit=500)
    stories = {s.id: s for s in _everything(store)}
    assert big["total"] == len(big["items"]) > 0
    assert all(stories[h["article"]["story"]].outlets >= 3 for h in big["items"])
    state = get_json(app, "/api/v1/search", q="said", state="yes", limit=500)
    assert {h["article"]["outlet"] for h in state["items"]} == {"Sputnik"}
    none = get_json(app, "/api/v1/search", q="said", state="no", limit=500)
    assert none["total"] + state["total"] == every["total"]


# ---------------------------------------------------------------- one story in the API


def test_the_story_api_names_the_outlets_that_did_not_cover_it(app: FastAPI, store: Store) -> None:
    seed = _story_of(store, "Sputnik")
    story = get_json(app, f"/api/v1/stories/{seed.id}")
    spot = story["blindspot"]
    assert spot == get_json(app, f"/api/v1/stories/{seed.id}/blindspot")
    outlets = {name for name, _, _ in read.outlets(store.db)}
    missing = outlets - set(seed.outlet_names)
    assert spot["total"] == len(missing) == len(spot["outlets"]) + spot["more"]
    assert len(spot["outlets"]) == browse.BLINDSPOT_LIMIT < len(missing)
    names = [o["name"] for o in spot["outlets"]]
    assert names[0] == LONG_OUTLET  # two stories: the most active
    assert set(names) <= missing and "Sputnik" not in names
    jazeera = next(o for o in spot["outlets"] if o["name"] == "Al Jazeera")
    assert jazeera | {"link": ""} == {
        "name": "Al Jazeera", "country": "QA", "ownership": "state", "state_affiliated": True,
        "known": True, "articles": 1, "stories": 1, "link": "",
    }  # fmt: skip
    unknown = next(o for o in spot["outlets"] if o["name"].startswith("unknown: "))
    assert unknown["known"] is False and unknown["state_affiliated"] is None
    small = get_json(app, f"/api/v1/stories/{seed.id}/blindspot", limit=3)
    assert [o["name"] for o in small["outlets"]] == names[:3]
    assert small["more"] == spot["total"] - 3


def test_the_story_api_counts_its_articles_per_day(app: FastAPI, store: Store) -> None:
    farm = _story_of(store, "unknown: farm_a.txt")
    page = read.story(store.db, farm.id, with_docs=False)
    assert page is not None
    days = get_json(app, f"/api/v1/stories/{farm.id}")["coverage"]
    assert days == get_json(app, f"/api/v1/stories/{farm.id}/coverage")
    assert sum(d["articles"] for d in days) == farm.articles
    assert [d["day"] for d in days] == sorted(d["day"] for d in days)
    for day in days:
        members = [a for a in page.articles if (a.published or a.added_at)[:10] == day["day"]]
        assert day["articles"] == len(members)
        assert day["published"] == sum(a.published is not None for a in members)
    for url in ("/blindspot", "/coverage", "/export"):
        assert call(app, "GET", f"/api/v1/stories/s000{url}").status_code == 404


def test_coverage_falls_back_to_the_day_first_seen() -> None:
    def info(published: str | None, added: str) -> read.ArticleInfo:
        return read.ArticleInfo("a", "o", None, "x", None, None, published, None, added, None, None)

    days = browse.coverage(
        [info("2025-01-02T10:00", "2025-02-01"), info(None, "2025-01-02 09:00"), info("junk", "x")]
    )
    assert days == (browse.DayCount("2025-01-02", 2, 1),)


# ---------------------------------------------------------------- downloads


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_story_downloads_as_json_and_csv(app: FastAPI, store: Store) -> None:
    trade = _story_of(store, "unknown: trade_a.txt")
    page = read.story(store.db, trade.id, with_docs=False)
    assert page is not None and page.comparison is not None
    base = f"/api/v1/stories/{trade.id}/export"
    whole = call(app, "GET", base)
    assert whole.headers["content-type"] == "application/json"
    assert whole.headers["content-disposition"] == f'attachment; filename="story-{trade.id}.json"'
    data = whole.json()
    assert data["story"]["id"] == trade.id and len(data["members"]) == trade.articles
    claims = [c for g in page.comparison.groups for c in g.claims]
    assert len(data["claims"]) == len(claims)
    assert {c["verdict"] for c in data["claims"]} == {g.verdict for g in page.comparison.groups}
    members = call(app, "GET", base, params={"format": "csv", "table": "members"})
    assert members.headers["content-type"].startswith("text/csv")
    assert "attachment" in members.headers["content-disposition"]
    rows = _csv(members)
    assert [r["id"] for r in rows] == [a.id for a in page.articles]
    assert list(rows[0]) == list(exports.MEMBER_COLUMNS)
    claim_rows = _csv(call(app, "GET", base, params={"format": "csv", "table": "claims"}))
    assert [r["text"] for r in claim_rows] == [exports.neutral(c.text) for c in claims]
    shown = [r["source"] for r in claim_rows] + [r["origin"] for r in rows]
    assert shown and not [o for o in shown if o.startswith("/")]  # the server's paths hidden


def test_filtered_lists_download_with_their_filters(app: FastAPI, store: Store) -> None:
    stories = call(app, "GET", "/api/v1/export/stories", params={"state": "yes", "format": "csv"})
    assert stories.headers["content-disposition"] == 'attachment; filename="stories.csv"'
    rows = _csv(stories)
    assert {r["id"] for r in rows} == _ids(get_json(app, "/api/v1/stories", state="yes")["items"])
    as_json = call(app, "GET", "/api/v1/export/stories", params={"state": "yes", "format": "json"})
    assert [r["id"] for r in as_json.json()] == [r["id"] for r in rows]
    hits = call(app, "GET", "/api/v1/export/search", params={"q": "said", "language": "en"})
    assert hits.headers["content-disposition"] == 'attachment; filename="search.csv"'
    found = _csv(hits)
    assert len(found) == get_json(app, "/api/v1/search", q="said", language="en")["total"]
    assert all("\x02" not in r["snippet"] for r in found)


def test_csv_cells_that_would_be_formulas_are_neutralised(app: FastAPI) -> None:
    hits = call(app, "GET", "/api/v1/export/search", params={"q": "Porthaven", "format": "csv"})
    (row,) = _csv(hits)
    assert row["title"] == "'" + FORMULA_TITLE
    assert (
        json.loads(
            call(
                app, "GET", "/api/v1/export/search", params={"q": "Porthaven", "format": "json"}
            ).text
        )[0]["title"]
        == FORMULA_TITLE
    )  # JSON is the data as it is
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert exports.neutral(cell) == "'" + cell
    assert exports.neutral(-1) == -1 and exports.neutral("a=1") == "a=1"
    assert exports.neutral(None) == "" and exports.neutral(True) == "true"


# ---------------------------------------------------------------- the pages


def test_the_stories_page_filters_and_keeps_its_filters_in_every_link(store: Store) -> None:
    small = app_for(store, Settings().replace(serve__page_size=2))
    params = {"contradictions": "no", "min_outlets": "1", "sort": "label", "order": "asc"}
    tree = _page(small, "/", **params)
    wanted = get_json(small, "/api/v1/stories", contradictions="no", sort="label", order="asc")
    labels = [a.text_content() for a in tree.xpath(f"//a[{_c('story-link')}]")]
    assert labels == [s["label"] for s in wanted["items"]] and len(labels) == 2
    form = tree.xpath(f"//form[{_c('list-filters')}]")[0]
    assert form.get("method") == "get" and form.get("action") == "/"
    assert form.xpath(".//select[@name='contradictions']/option[@selected]")[0].get("value") == "no"
    assert form.xpath(".//input[@name='min_outlets']")[0].get("value") == "1"
    hidden = {i.get("name"): i.get("value") for i in form.xpath(".//input[@type='hidden']")}
    assert hidden == {"sort": "label", "order": "asc"}
    following = tree.xpath(f"//nav[{_c('pager')}]//a[@rel='next']")[0].get("href")
    assert "contradictions=no" in following and "min_outlets=1" in following
    for header in tree.xpath(f"//table[{_c('stories')}]/thead//th//a"):
        assert "contradictions=no" in header.get("href")
    downloads = [a.get("href") for a in tree.xpath(f"//p[{_c('downloads')}]//a")]
    assert all(
        h.startswith("/api/v1/export/stories?") and "contradictions=no" in h for h in downloads
    )
    text = tree.xpath(f"//main//p[{_c('muted')}]")[0].text_content()
    assert text.startswith(f"{wanted['total']} stories pass the filters")


def test_a_filter_nothing_passes_keeps_its_values_and_says_so(app: FastAPI) -> None:
    tree = _page(app, "/", language="zz", outlet="Nobody <b>Here</b>", min_outlets="99")
    assert not tree.xpath(f"//a[{_c('story-link')}]")
    assert "No story passes these filters." in tree.text_content()
    form = tree.xpath(f"//form[{_c('list-filters')}]")[0]
    chosen = {
        s.get("name"): s.xpath("./option[@selected]")[0].get("value")
        for s in form.xpath(".//select")
    }
    assert chosen["language"] == "zz" and chosen["outlet"] == "Nobody <b>Here</b>"
    assert not tree.xpath("//b")  # the value is text, never markup
    assert get_json(app, "/api/v1/stories", language="zz")["total"] == 0


def test_the_list_pages_refuse_a_bad_filter_by_name(app: FastAPI) -> None:
    for path in ("/", "/search"):
        response = call(app, "GET", path, params={"q": "said", "min_outlets": "many"})
        assert response.status_code == 400
        assert "min_outlets" in response.text


def test_the_search_page_filters_and_pages_with_its_filters(store: Store) -> None:
    small = app_for(store, Settings().replace(serve__page_size=2))
    tree = _page(small, "/search", q="said", language="en", state="no")
    total = get_json(small, "/api/v1/search", q="said", language="en", state="no")["total"]
    assert f"{total} articles found" in tree.xpath(f"//p[{_c('found')}]")[0].text_content()
    assert len(tree.xpath(f"//li[{_c('hit')}]")) == 2
    form = tree.xpath(f"//form[{_c('list-filters')}]")[0]
    assert form.get("action") == "/search"
    assert form.xpath(".//select[@name='language']/option[@selected]")[0].get("value") == "en"
    assert form.xpath(".//input[@type='hidden'][@name='q']")[0].get("value") == "said"
    following = tree.xpath(f"//nav[{_c('pager')}]//a[@rel='next']")[0].get("href")
    assert "language=en" in following and "state=no" in following and "q=said" in following
    downloads = [a.get("href") for a in tree.xpath(f"//p[{_c('downloads')}]//a")]
    assert downloads and all("/api/v1/export/search?" in h and "state=no" in h for h in downloads)


def test_the_story_page_shows_its_blindspot_days_and_downloads(app: FastAPI, store: Store) -> None:
    seed = _story_of(store, "Sputnik")
    tree = _page(app, f"/stories/{seed.id}")
    rows = tree.xpath(f"//table[{_c('blindspot')}]/tbody/tr")
    assert len(rows) == browse.BLINDSPOT_LIMIT
    assert rows[0].xpath(".//a")[0].text_content() == LONG_OUTLET
    spot = browse.blindspot(store.db, seed.id)
    assert f"and {spot.more} more outlets" in tree.xpath(f"//p[{_c('more')}]")[0].text_content()
    days = tree.xpath(f"//table[{_c('per-day')}]/tbody/tr")
    assert [d.xpath("./th")[0].text_content() for d in days] == [
        d.day for d in browse.coverage(read.story(store.db, seed.id, with_docs=False).articles)
    ]
    for link in tree.xpath(f"//p[{_c('downloads')}]//a"):
        response = call(app, "GET", link.get("href"))
        assert (
            response.status_code == 200 and "attachment" in response.headers["content-disposition"]
        )


def test_text_in_another_language_carries_lang_and_dir(app: FastAPI, store: Store) -> None:
    arabic = _story_of(store, "Al Jazeera")
    (member,) = read.story(store.db, arabic.id, with_docs=False).articles
    assert member.language == "ar"
    tree = _page(app, f"/articles/{member.id}")
    for element in (
        tree.xpath("//h1")[0],
        tree.xpath(f"//div[{_c('text')}]")[0],
    ):
        assert (element.get("lang"), element.get("dir")) == ("ar", "rtl")
    story = _page(app, f"/stories/{arabic.id}")
    for element in (
        *story.xpath(f"//article[{_c('report')}]//h4"),
        *story.xpath(f"//article[{_c('report')}]//div[{_c('text')}]"),
    ):
        assert (element.get("lang"), element.get("dir")) == ("ar", "rtl")
    hit = _page(app, "/search", q="بيروت").xpath(f"//li[{_c('hit')}]//a[{_c('hit-title')}]")[0]
    assert hit.get("dir") == "rtl"
    english = _page(app, f"/stories/{_story_of(store, 'Sputnik').id}")
    assert all(
        e.get("lang") is None
        for e in english.xpath(f"//article[{_c('report')}]//div[{_c('text')}]")
    )


def test_lang_attributes_are_only_ever_a_language_code() -> None:
    assert lang_attrs("ru") == ' lang="ru"'
    assert lang_attrs("he") == ' lang="he" dir="rtl"' and lang_attrs("fa-IR").endswith('"rtl"')
    assert lang_attrs("en") == lang_attrs("en-GB") == lang_attrs(None) == ""
    assert lang_attrs('"><script>') == "" and lang_attrs("ar onload=x") == ""
    assert [text_direction(c) for c in ("ar", "ur", "de", None)] == ["rtl", "rtl", "ltr", "ltr"]
