"""The web app's pages, in process (httpx against the ASGI app): the stories list sorts and
pages, a story shows its comparison as the report does and filters it on the server, every
claim links to its words, articles show their highlights and removed lines, outlets and search
work whatever their names and queries, the API reference lists the API, and hostile documents
come out escaped on every page."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import lxml.html
import pytest
from conftest import EXAMPLES, ROOT

from rashomon.model import Doc
from rashomon.pipeline import annotate_inputs
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.store.ingest import ingest_into
from rashomon.store.read import SNIPPET_CLOSE, SNIPPET_OPEN
from rashomon.web.app import CSP, create_app
from rashomon.web.pages import code_spans, link_url, snippet_html
from rashomon.web.paths import public_origin
from rashomon.web.timeline import MAX_TICKS, Dot, coverage_svg, day_of, ticks

FIXTURES = ROOT / "tests" / "fixtures" / "compare"

# ---------------------------------------------------------------- hostile documents

PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
IMG = f'<img src=x onerror="{PWN}">'
JS_LINK = f'<a href="javascript:{PWN}">click</a>'
SVG = '"><svg onload=alert(1)>'
HOSTILE_OUTLET = f"<b>Evil</b> {SVG} News"
# What must never reach a page as markup (each one is only ever shown as text).
RAW = (SCRIPT, IMG, JS_LINK, SVG, "<svg onload", "<b>Evil</b>", 'href="javascript:')

HOSTILE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour fire {SCRIPT} closes port</title>
<link rel="canonical" href="javascript:{PWN}">
</head><body>
<article>
<h1>Harbour fire &lt;script&gt;{PWN}&lt;/script&gt; closes port {IMG}</h1>
<p>A fire broke out at the main harbour of Valletta on Tuesday night, the port authority said,
and shipping was halted for several hours while crews fought the blaze near the terminal.</p>
<p>Officials said the words &lt;script&gt;{PWN}&lt;/script&gt; were painted on a wall, and a
sign read &lt;img src=x onerror="{PWN}"&gt; next to it. {SCRIPT}</p>
<p>"We will reopen the port as soon as it is safe," harbour master Joseph Camilleri told
reporters, adding that nobody had been hurt. Read more at {JS_LINK} or
&lt;a href="javascript:{PWN}"&gt;click&lt;/a&gt;.</p>
<p>The authority said an investigation into the cause of the fire had begun and that ferries
to Gozo would run on their usual timetable from Wednesday morning.</p>
{IMG}
</article>
</body></html>
"""
HOSTILE_RECORDS = [
    {
        "url": "javascript:alert(1)",
        "title": f"{SVG} Ferry strike {SCRIPT} ends",
        "outlet": HOSTILE_OUTLET,
        "byline": IMG,
        "published": "2025-05-06",
        "text": (
            "Ferry workers in Valletta ended a two-day strike on Monday after the port "
            "authority agreed to raise wages, the union said.\n\n"
            f"The union's leader said {SCRIPT} and {IMG} were slogans seen on the picket "
            f"line, and a leaflet linked to {JS_LINK}.\n\n"
            '"We got what we asked for," union secretary Maria Borg told reporters outside '
            "the terminal on Monday evening.\n\n"
            "Services to Gozo will resume on Tuesday morning, the ferry operator said."
        ),
    },
    {
        "url": "https://news.example.org/2025/05/ferries-resume",
        "title": "Ferries to Gozo resume after strike",
        "published": "2025-05-07",
        "text": (
            "Ferries between Malta and Gozo resumed on Tuesday morning after a two-day strike "
            "by ferry workers ended, the operator said.\n\n"
            "The first boat left Cirkewwa at six o'clock, and the operator said every service "
            "would run to its usual timetable.\n\n"
            '"Passengers can travel as normal," the operator said in a statement.'
        ),
    },
]


def write_hostile(folder: Path) -> list[str]:
    """The hostile inputs written to `folder`: an HTML page and a JSONL file."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "hostile.html"
    page.write_text(HOSTILE_HTML, "utf-8")
    records = folder / "hostile.jsonl"
    records.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE_RECORDS), "utf-8")
    return [str(page), str(records)]


def build_store(folder: Path) -> Store:
    """A store of the seed reports, the compare fixtures and the hostile documents."""
    settings = Settings()
    store = Store(folder / "web.db", settings)
    inputs = [str(EXAMPLES), *sorted(str(p) for p in FIXTURES.glob("*.txt"))]
    ingest_into(store, [*inputs, *write_hostile(folder / "hostile")], settings)
    return store


# ---------------------------------------------------------------- the app in process


@dataclass
class Site:
    store: Store
    app: object

    def get(self, path: str, **params: str) -> httpx.Response:
        return asyncio.run(_get(self.app, path, params))

    def tree(self, path: str, **params: str) -> lxml.html.HtmlElement:
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return lxml.html.document_fromstring(response.text)


async def _get(app: object, path: str, params: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        return await client.get(path, params=params or None)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    store = build_store(tmp_path_factory.mktemp("web"))
    try:
        yield Site(store, create_app(store, Settings()))
    finally:
        store.close()


def _story_of(site: Site, fragment: str) -> read.StoryPage:
    """The story with a member whose origin contains `fragment`."""
    for info in read.stories(site.store.db, limit=1000):
        page = read.story(site.store.db, info.id)
        if page and any(fragment in a.origin for a in page.articles):
            return page
    raise AssertionError(f"no story has a member from {fragment}")


@pytest.fixture(scope="module")
def seeds(site: Site) -> read.StoryPage:
    return _story_of(site, "000_")


@pytest.fixture(scope="module")
def hostile(site: Site) -> read.StoryPage:
    return _story_of(site, "hostile.jsonl:line 1")


@pytest.fixture(scope="module")
def hostile_articles(site: Site) -> dict[str, read.ArticleInfo]:
    """Every hostile input's article, by the end of its origin."""
    found = {}
    for info in read.stories(site.store.db, limit=1000):
        page = read.story(site.store.db, info.id, with_docs=False)
        assert page is not None
        for a in page.articles:
            if "/hostile/" in a.origin:
                found[a.origin.rsplit("/", 1)[-1]] = a
    assert len(found) == 3
    return found


def _ids(tree) -> set[str]:
    return set(tree.xpath("//@id"))


# ---------------------------------------------------------------- the stories list


def test_the_stories_list_has_a_row_per_story_with_its_counts(site, seeds):
    tree = site.tree("/")
    rows = tree.xpath('//table[contains(@class, "stories")]/tbody/tr')
    assert len(rows) == read.story_count(site.store.db)
    link = f"/stories/{seeds.info.id}"
    (row,) = [r for r in rows if r.xpath(f'.//a[@href="{link}"]')]
    assert seeds.info.agree == 2
    assert row.xpath('./td[contains(@class, "col-agree")]')[0].text_content().strip() == "✓ 2"
    for verdict in ("only_in", "contradict"):
        cell = row.xpath(f'./td[contains(@class, "col-{verdict}")]')[0].text_content()
        assert cell.split()[-1] == str(getattr(seeds.info, verdict))
    outlets = row.xpath('./td[contains(@class, "col-outlets")]')[0].text_content()
    assert all(name in outlets for name in seeds.info.outlet_names)
    assert row.xpath('./td[contains(@class, "col-date")]')[0].text_content() == "2024-01-31"


def _labels(tree) -> list[str]:
    return [a.text_content() for a in tree.xpath('//a[@class="story-link"]')]


def test_sorting_by_a_column_changes_the_order(site):
    up = _labels(site.tree("/", sort="label", order="asc"))
    down = _labels(site.tree("/", sort="label", order="desc"))
    assert up == sorted(up, key=str.lower) and down == list(reversed(up))
    by_agree = site.tree("/", sort="agree")
    counts = [
        int(td.text_content().split()[-1])
        for td in by_agree.xpath('//td[contains(@class, "col-agree")]')
    ]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    heading = by_agree.xpath("//th[@aria-sort]")
    assert [th.get("class") for th in heading] == ["col-agree"]
    assert heading[0].get("aria-sort") == "descending"
    assert heading[0].xpath(".//a/@href") == ["/?sort=agree&order=asc"]  # a click flips it


def test_the_list_pages_by_the_page_size(site):
    app = create_app(site.store, Settings().replace(serve__page_size=3))
    total = read.story_count(site.store.db)
    seen: list[str] = []
    page = 1
    while True:
        response = asyncio.run(_get(app, "/", {"sort": "label", "order": "asc", "page": str(page)}))
        tree = lxml.html.document_fromstring(response.text)
        labels = _labels(tree)
        assert len(labels) <= 3
        seen += labels
        nxt = tree.xpath('//a[@rel="next"]/@href')
        if not nxt:
            break
        page += 1
    assert len(seen) == total == len(set(seen)) and page == -(-total // 3)


@pytest.mark.parametrize(
    "params", [{"sort": "nope"}, {"order": "sideways"}, {"page": "0"}, {"page": "x"}]
)
def test_a_bad_list_query_is_a_400_page(site, params):
    response = site.get("/", **params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


# ---------------------------------------------------------------- a story


def test_the_story_page_has_a_matrix_row_per_group(site, seeds):
    tree = site.tree(f"/stories/{seeds.info.id}")
    rows = tree.xpath('//table[contains(@class, "matrix")]/tbody/tr')
    assert seeds.comparison is not None
    groups = seeds.comparison.groups
    assert len(rows) == len(groups)
    for i, (row, group) in enumerate(zip(rows, groups, strict=True), 1):
        assert row.get("id") == f"s-g{i}"
        assert row.get("class") == f"row-{group.verdict}"
        assert group.reason in row.text_content()
    columns = [th.text_content() for th in tree.xpath('//table[contains(@class, "matrix")]//th')]
    assert set(seeds.info.outlet_names) <= set(columns)


@pytest.mark.parametrize("verdict", ["agree", "only_in", "contradict"])
def test_a_verdict_filter_keeps_only_its_rows(site, verdict):
    page = _story_of(site, "trade_a")
    assert page.comparison is not None
    tree = site.tree(f"/stories/{page.info.id}", verdict=verdict)
    rows = tree.xpath('//table[contains(@class, "matrix")]/tbody/tr')
    wanted = [i for i, g in enumerate(page.comparison.groups, 1) if g.verdict == verdict]
    assert wanted
    assert [r.get("id") for r in rows] == [f"s-g{i}" for i in wanted]  # anchors kept
    assert tree.xpath('//select[@name="verdict"]/option[@selected]/@value') == [verdict]
    conflicts = tree.xpath('//li[@class="conflict"]')
    assert bool(conflicts) == (verdict == "contradict")


def test_an_outlet_filter_keeps_the_groups_it_states(site):
    page = _story_of(site, "trade_a")
    assert page.comparison is not None
    outlet = next(a.outlet for a in page.articles if "trade_a" in a.origin)
    tree = site.tree(f"/stories/{page.info.id}", outlet=outlet)
    rows = tree.xpath('//table[contains(@class, "matrix")]/tbody/tr')
    wanted = [
        f"s-g{i}"
        for i, g in enumerate(page.comparison.groups, 1)
        if any(r.outlet == outlet for r in g.claims)
    ]
    assert 0 < len(wanted) < len(page.comparison.groups)
    assert [r.get("id") for r in rows] == wanted
    both = site.tree(f"/stories/{page.info.id}", outlet=outlet, verdict="contradict")
    assert len(both.xpath('//table[contains(@class, "matrix")]/tbody/tr')) < len(rows)
    assert "Showing" in both.xpath('//p[contains(@class, "shown")]')[0].text_content()


def test_a_bad_verdict_is_a_400_page(site, seeds):
    assert site.get(f"/stories/{seeds.info.id}", verdict="<script>").status_code == 400


def test_every_claim_links_to_its_words_on_the_page(site, seeds):
    tree = site.tree(f"/stories/{seeds.info.id}")
    by_id = {e.get("id"): e for e in tree.xpath("//*[@id]")}
    assert len(by_id) == len(tree.xpath("//@id"))  # ids are unique
    local = [h for h in tree.xpath("//a/@href") if h.startswith("#")]
    assert local and all(h[1:] in by_id for h in local)
    assert seeds.comparison is not None
    links = tree.xpath('//table[contains(@class, "matrix")]//a')
    refs = [r for g in seeds.comparison.groups for r in g.claims]
    assert len(links) == len(refs)
    for link, ref in zip(links, refs, strict=True):
        target = by_id[link.get("href")[1:]]
        words = seeds.docs[ref.source].article.text[ref.start : ref.end]
        assert target.text_content() == words
        assert link.text_content() == ref.text


def test_links_to_other_pages_resolve_to_their_ids(site, seeds):
    story = site.tree(f"/stories/{seeds.info.id}")
    article_links = sorted(set(story.xpath('//a[starts-with(@href, "/articles/")]/@href')))
    assert sorted({f"/articles/{a.id}" for a in seeds.articles}) == article_links
    outlet_links = set(story.xpath('//a[starts-with(@href, "/outlets/")]/@href'))
    assert {f"/outlets/{quote(n, safe='')}" for n in seeds.info.outlet_names} <= outlet_links
    story_ids = _ids(story)
    for href in article_links:
        article = site.tree(href)
        ids = _ids(article)
        for link in article.xpath("//a/@href"):
            path, _, anchor = link.partition("#")
            if anchor and not path:
                assert anchor in ids, link
            elif anchor and path == f"/stories/{seeds.info.id}":
                assert anchor in story_ids, link


def test_the_story_page_shows_headlines_quotes_provenance_signals_and_timeline(site, seeds):
    tree = site.tree(f"/stories/{seeds.info.id}")
    text = tree.text_content()
    comparison = seeds.comparison
    assert comparison is not None
    for check in comparison.headlines:
        assert check.headline in text
        if check.evidence:
            assert check.evidence.text in text
    for doc in seeds.docs.values():
        for quote_ in doc.quotes:
            assert quote_.text in text
            assert all(relay in text for relay in quote_.via)
    chains = tree.xpath('//td[@class="chain"]')
    assert chains and all("→" in c.text_content() for c in chains)
    for p in comparison.provenance:
        assert f"{p.attributed_quotes} attributed" in text
    assert len(tree.xpath('//div[@class="card"]')) == len(comparison.signals)
    (svg,) = tree.xpath('//svg[@class="timeline"]')
    assert len(svg.xpath(".//circle")) == len(seeds.articles)
    names = [t.text_content() for t in svg.xpath('.//text[@class="tl-name"]')]
    assert all(any(n in name for name in names) for n in seeds.info.outlet_names)
    assert svg.xpath('.//text[contains(@class, "tl-tick")]')
    # one seed report carries no date: it sits (hollow) on the story's day, not on the day
    # it was stored, so the axis spans the event and not the years since
    assert any(a.published is None for a in seeds.articles)
    days = [t.text_content() for t in svg.xpath('.//text[contains(@class, "tl-tick")]')]
    assert any("2024" in d for d in days) and not any(str(date.today().year) in d for d in days)
    assert len(svg.xpath('.//circle[contains(@class, "tl-added")]')) == 1


def test_an_uncompared_story_lists_its_members_and_says_it_is_pending(tmp_path):
    settings = Settings()
    with Store(tmp_path / "pending.db", settings) as store:
        paths = [str(FIXTURES / "talks_a.txt"), str(FIXTURES / "talks_b.txt")]
        store.add(list(annotate_inputs(paths, settings, known=store.known)))
        store.update(compare=False)
        (info,) = read.stories(store.db)
        assert not info.compared
        app = create_app(store, settings)
        response = asyncio.run(_get(app, f"/stories/{info.id}", {}))
        listed = asyncio.run(_get(app, "/", {}))
    assert response.status_code == 200
    tree = lxml.html.document_fromstring(response.text)
    assert "comparison of this story is pending" in tree.text_content()
    assert not tree.xpath('//table[contains(@class, "matrix")]')
    assert len(tree.xpath('//ul[contains(@class, "articles")]/li')) == 2
    assert tree.xpath('//svg[@class="timeline"]')
    assert "comparison pending" in listed.text


def test_a_story_page_follows_its_story_as_members_arrive_and_it_is_compared(tmp_path):
    """Story pages are cached by the story's version: a new member or a new comparison shows
    at once, and an unchanged story is served from the cache."""
    settings = Settings()
    with Store(tmp_path / "growing.db", settings) as store:
        app = create_app(store, settings)
        first, second = str(FIXTURES / "talks_a.txt"), str(FIXTURES / "talks_b.txt")
        store.add(list(annotate_inputs([first], settings, known=store.known)))
        store.update(compare=False)
        (info,) = read.stories(store.db)
        pending = asyncio.run(_get(app, f"/stories/{info.id}", {}))
        store.update(leftovers=True)
        alone = asyncio.run(_get(app, f"/stories/{info.id}", {}))
        store.add(list(annotate_inputs([second], settings, known=store.known)))
        store.update()
        both = asyncio.run(_get(app, f"/stories/{info.id}", {}))
        again = asyncio.run(_get(app, f"/stories/{info.id}", {}))
    assert "comparison of this story is pending" in pending.text
    assert "comparison of this story is pending" not in alone.text
    assert "talks_b.txt" not in alone.text and "talks_b.txt" in both.text
    assert both.text == again.text


def test_a_story_compared_at_an_earlier_size_says_how_much_its_comparison_covers(tmp_path):
    """While an ingest defers a big story's comparison, its page shows the older comparison,
    says how many of its reports it covers, and the list flags it as updating."""
    overrides = ["store.compare_small=2", "store.compare_growth=1.0"]
    settings = Settings.load(None, overrides, use_default_file=False)
    base = sorted(EXAMPLES.glob("0*.txt"))[0].read_text(encoding="utf-8")
    with Store(tmp_path / "deferred.db", settings) as store:
        app = create_app(store, settings)
        for k in range(3):
            path = tmp_path / f"{k}.txt"
            path.write_text(base + (f"\n\nUpdate {k}: updated again." if k else ""), "utf-8")
            store.add(list(annotate_inputs([str(path)], settings, known=store.known)))
            store.update(defer=True)
        (info,) = read.stories(store.db)
        page = asyncio.run(_get(app, f"/stories/{info.id}", {}))
        listed = asyncio.run(_get(app, "/", {}))
        api = asyncio.run(_get(app, f"/api/v1/stories/{info.id}", {})).json()
    assert (info.articles, info.compared_articles, info.compared) == (3, 2, False)
    assert "This comparison covers 2 of the story's 3 reports" in page.text
    assert lxml.html.document_fromstring(page.text).xpath('//table[contains(@class, "matrix")]')
    assert "updating" in listed.text and "comparison pending" not in listed.text
    assert (api["compared"], api["compared_articles"]) == (False, 2)
    assert api["comparison"] is not None


def test_a_big_story_page_links_to_the_texts_it_leaves_out_and_every_link_lands(tmp_path):
    """With serve.story_texts=1, a story of three reports of one outlet carries one text;
    the others' claims and quotes link to their own article pages, where each id exists."""
    settings = Settings.load(None, ["serve.story_texts=1"], use_default_file=False)
    title, *paragraphs = sorted(EXAMPLES.glob("0*.txt"))[0].read_text("utf-8").split("\n\n")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    head = f'<title>{html.escape(title)}</title><meta property="og:site_name" content="Daily X">'
    with Store(tmp_path / "big.db", settings) as store:
        for k in range(3):
            path = tmp_path / f"{k}.html"
            extra = f"<p>Update {k}: this report was updated again.</p>" if k else ""
            link = f'<link rel="canonical" href="https://daily-x.example/news/{k}">'
            page = f"<html><head>{head}{link}</head><body><article><h1>{html.escape(title)}</h1>"
            path.write_text(page + body + extra + "</article></body></html>", "utf-8")
            store.add(list(annotate_inputs([str(path)], settings, known=store.known)))
            store.update()
        (info,) = read.stories(store.db)
        app = create_app(store, settings)
        tree = lxml.html.document_fromstring(asyncio.run(_get(app, f"/stories/{info.id}", {})).text)
        away = {urlsplit(h).path for h in tree.xpath('//a[starts-with(@href, "/articles/")]/@href')}
        pages = {
            path: lxml.html.document_fromstring(asyncio.run(_get(app, path, {})).text)
            for path in away
        }
    assert info.articles == 3
    assert len(tree.xpath('//div[@class="text"]')) == 1
    assert len(tree.xpath('//p[contains(@class, "elsewhere")]')) == 2
    here, there = _ids(tree), {path: _ids(page) for path, page in pages.items()}
    claims = tree.xpath('//table[contains(@class, "matrix")]//a/@href')
    claims += tree.xpath('//table[contains(@class, "quotes")]//a/@href')
    assert any(h.startswith("/articles/") and "#" in h for h in claims)
    for href in claims:
        parts = urlsplit(href)
        if parts.path.startswith("/articles/"):
            assert parts.fragment in there[parts.path], href
        elif not parts.path:
            assert parts.fragment in here, href


# ---------------------------------------------------------------- an article


def test_the_article_page_highlights_its_text_and_lists_removed_lines(site, seeds):
    info = next(a for a in seeds.articles if "000_" in a.origin)
    doc: Doc = seeds.docs[info.origin]
    tree = site.tree(f"/articles/{info.id}")
    (body,) = tree.xpath('//div[@class="text"]')
    assert body.text_content() == doc.article.text
    kinds = {c for span in body.xpath(".//span") for c in span.get("class").split()}
    assert {"c", "q", "e", "spk"} <= kinds
    for claim in doc.claims:
        assert tree.get_element_by_id(f"span-c{claim.start}-{claim.end}") is not None
    assert doc.article.removed
    removed = tree.xpath('//ul[contains(@class, "removed-lines")]/li')
    assert len(removed) == len(doc.article.removed)
    for li, r in zip(removed, doc.article.removed, strict=True):
        assert r.text in li.text_content() and r.reason in li.text_content()
    names = tree.xpath('//ul[contains(@class, "entities")]//span[starts-with(@class, "e ")]')
    assert {e.canonical for e in doc.entities} == {n.text_content() for n in names}
    meta = tree.xpath('//dl[contains(@class, "meta")]')[0].text_content()
    assert info.outlet in meta and public_origin(info.origin) in meta
    assert info.origin not in meta  # the server's folders stay hidden


def test_an_article_page_lists_its_claim_groups_with_links_both_ways(site, seeds):
    info = seeds.articles[0]
    tree = site.tree(f"/articles/{info.id}")
    assert seeds.comparison is not None
    mine = [g for g in seeds.comparison.groups if any(r.source == info.origin for r in g.claims)]
    items = tree.xpath('//ul[contains(@class, "groups")]/li')
    assert len(items) == len(mine)
    ids = _ids(tree)
    for li in items:
        for href in li.xpath('.//ul[@class="refs"]//a/@href'):
            assert href[1:] in ids


# ---------------------------------------------------------------- outlets


def test_every_outlet_in_the_list_has_its_page(site):
    tree = site.tree("/outlets")
    links = tree.xpath('//table[contains(@class, "outlets")]//a')
    names = [name for name, _, _ in read.outlets(site.store.db)]
    assert [a.text_content() for a in links] == names
    for link in links:
        page = site.tree(link.get("href"))
        assert link.text_content() in page.xpath("//h1")[0].text_content()


def test_an_outlet_name_with_a_colon_and_spaces_has_its_page(site):
    name = "unknown: talks_a.txt"
    tree = site.tree(f"/outlets/{quote(name, safe='')}")
    assert tree.xpath("//h1")[0].text_content().startswith(name)
    stories = tree.xpath('//table[contains(@class, "stories")]//a[@class="story-link"]')
    assert len(stories) == 1
    assert "not in the registry" in tree.text_content()


def test_a_registry_outlet_shows_its_profile_and_signals(site):
    tree = site.tree("/outlets/Sputnik")
    text = tree.text_content()
    assert "state-affiliated" in text and "in the registry" in text
    assert "sputniknews.com" in text
    rows = tree.xpath('//table[contains(@class, "signals")]/tbody/tr')
    assert len(rows) == 1 and rows[0].xpath('.//a[starts-with(@href, "/articles/")]')
    assert "Over 1 compared article" in tree.xpath('//p[@class="aggregate"]')[0].text_content()


# ---------------------------------------------------------------- search


def test_search_marks_the_matched_words(site):
    tree = site.tree("/search", q="Geneva")
    hits = tree.xpath('//li[@class="hit"]')
    assert hits
    marks = tree.xpath('//li[@class="hit"]//mark')
    assert marks and {m.text_content().lower() for m in marks} == {"geneva"}
    for hit in hits:
        assert hit.xpath('.//a[starts-with(@href, "/articles/")]')


def test_search_pages_by_the_page_size(site):
    app = create_app(site.store, Settings().replace(serve__page_size=1))
    total = len(read.search(site.store.db, "talks"))
    assert total > 1
    seen = []
    for page in range(1, total + 1):
        response = asyncio.run(_get(app, "/search", {"q": "talks", "page": str(page)}))
        tree = lxml.html.document_fromstring(response.text)
        seen += tree.xpath('//a[@class="hit-title"]/@href')
        (found,) = tree.xpath('//p[contains(@class, "found")]')
        assert f"{total} articles found" in found.text_content()
        assert f"page {page} of {total}" in found.text_content()
        assert bool(tree.xpath('//a[@rel="prev"]')) == (page > 1)
        assert bool(tree.xpath('//a[@rel="next"]')) == (page < total)
    assert len(seen) == len(set(seen)) == total
    past = asyncio.run(_get(app, "/search", {"q": "talks", "page": "99"}))
    assert past.status_code == 200 and "No more articles" in past.text


@pytest.mark.parametrize(
    "query",
    ['"', 'Geneva"', "NEAR(", "NEAR(Geneva talks, 2)", "*", "talks*", SCRIPT, "a OR", "-", "^"],
)
def test_hostile_queries_never_fail(site, query):
    response = site.get("/search", q=query)
    assert response.status_code == 200
    assert SCRIPT not in response.text
    tree = lxml.html.document_fromstring(response.text)
    assert not tree.xpath("//script")
    assert tree.xpath('//input[@name="q"]/@value')[0] == query


def test_a_snippet_is_escaped_before_its_marks_go_in():
    o, c = SNIPPET_OPEN, SNIPPET_CLOSE
    assert str(snippet_html(f"<b>{o}x{c}</b>")) == "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"
    assert str(snippet_html(f"{c}a{o}{o}b")) == "a<mark>b</mark>"  # always paired
    assert str(snippet_html("<mark>")) == "&lt;mark&gt;"


def test_search_finds_a_hostile_title_and_shows_it_as_text(site):
    response = site.get("/search", q="Ferry strike")
    assert response.status_code == 200
    tree = lxml.html.document_fromstring(response.text)
    titles = [a.text_content() for a in tree.xpath('//a[@class="hit-title"]')]
    assert HOSTILE_RECORDS[0]["title"] in titles


# ---------------------------------------------------------------- the API reference


def test_docs_lists_every_api_path_and_method(site):
    tree = site.tree("/docs")
    spec = site.app.openapi()  # type: ignore[attr-defined]
    api = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/v1")}
    assert api
    ids = _ids(tree)
    for path, ops in api.items():
        for method, op in ops.items():
            assert f"op-{method}-{path}" in ids
            section = tree.get_element_by_id(f"op-{method}-{path}")
            assert path in section.text_content()
            for param in op.get("parameters", []):
                assert param["name"] in section.text_content()
            for code in op.get("responses", {}):
                assert code in section.text_content()
    assert site.get("/openapi.json").json()["paths"].keys() == spec["paths"].keys()
    assert not any(p in spec["paths"] for p in ("/", "/docs", "/search"))  # pages stay out


def test_code_spans_in_descriptions():
    assert str(code_spans("use `a<b>` or `c")) == "use <code>a&lt;b&gt;</code> or `c"


# ---------------------------------------------------------------- every page


def _pages(seeds: read.StoryPage, hostile: dict[str, read.ArticleInfo]) -> list[str]:
    return [
        "/",
        "/?sort=label&order=asc",
        f"/stories/{seeds.info.id}",
        *sorted({f"/stories/{a.story}" for a in hostile.values()}),
        *(f"/articles/{a.id}" for a in [*seeds.articles, *hostile.values()]),
        "/outlets",
        *(f"/outlets/{quote(a.outlet, safe='')}" for a in hostile.values()),
        "/outlets/Sputnik",
        "/search?q=Valletta",
        "/search?q=talks",
        "/docs",
        "/stories/no-such-story",
        "/compare?articles=" + ",".join(a.id for a in [seeds.articles[0], *hostile.values()]),
    ]


def test_every_page_has_the_csp_and_no_inline_script_or_style(site, seeds, hostile_articles):
    for path in _pages(seeds, hostile_articles):
        response = site.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["content-type"].startswith("text/html"), path
        tree = lxml.html.document_fromstring(response.text)
        assert not tree.xpath("//style | //iframe | //object | //embed"), path
        # the one script a page may load is the steering forms' own file (no inline script)
        scripts = tree.xpath("//script")
        assert all(s.get("src") == "/static/steer.js" and not s.text for s in scripts), path
        assert not tree.xpath("//@style"), path
        assert not [a for e in tree.iter() for a in e.attrib if a.lower().startswith("on")], path
        sources = tree.xpath("//link/@href | //img/@src | //form/@action")
        assert all(s.startswith("/") or s.startswith("data:") for s in sources), path


def test_unknown_ids_get_a_plain_404_page(site):
    paths = ("/stories/nope", "/articles/nope", "/outlets/nope", "/outlets/a%2Fb%3Ac", "/nope/x")
    for path in paths:
        response = site.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text
    api = site.get("/api/v1/nope")  # the API answers in JSON
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"


def test_the_stylesheets_are_served(site):
    for path in ("/static/style.css", "/assets/compare.css"):
        response = site.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
    assert ".v-agree" in site.get("/assets/compare.css").text


# ---------------------------------------------------------------- hostile documents


def test_hostile_documents_are_escaped_on_every_page(site, seeds, hostile, hostile_articles):
    for path in _pages(seeds, hostile_articles):
        html = site.get(path).text
        for raw in RAW:
            assert raw not in html, (path, raw)
        tree = lxml.html.document_fromstring(html)
        assert not tree.xpath("//svg[@onload] | //b | //img"), path
        hrefs = tree.xpath('//@href[not(. = "data:,")]')  # the empty favicon
        assert not [h for h in hrefs if urlsplit(h.strip()).scheme not in ("", "http", "https")]
    story = site.tree(f"/stories/{hostile.info.id}").text_content()
    for raw in (SCRIPT, IMG, JS_LINK, HOSTILE_OUTLET):
        assert raw in story  # shown as the words they are
    jsonl = next(a for a in hostile.articles if "hostile.jsonl" in a.origin)
    page = site.tree(f"/articles/{jsonl.id}")
    assert page.xpath("//h1")[0].text_content() == HOSTILE_RECORDS[0]["title"]
    assert page.xpath('//div[@class="text"]')[0].text_content() == (
        hostile.docs[jsonl.origin].article.text
    )


def test_only_http_and_https_urls_become_links(site, hostile_articles):
    bad = hostile_articles["hostile.jsonl:line 1"]
    good = hostile_articles["hostile.jsonl:line 2"]
    tree = site.tree(f"/articles/{bad.id}")
    meta = tree.xpath('//dl[contains(@class, "meta")]')[0]
    assert "javascript:alert(1)" in meta.text_content()
    assert not meta.xpath('.//a[contains(@href, "javascript")]')
    tree = site.tree(f"/articles/{good.id}")
    assert tree.xpath(f'//a[@href="{good.url}"]')
    assert link_url("JavaScript:alert(1)") is None
    assert link_url(" javascript:alert(1)") is None
    assert link_url("data:text/html,<script>") is None
    assert link_url("http:/no-host") is None
    assert link_url("https://example.org/a?b=1") == "https://example.org/a?b=1"


def test_a_hostile_outlet_name_has_its_page(site, hostile):
    tree = site.tree(f"/outlets/{quote(HOSTILE_OUTLET, safe='')}")
    assert tree.xpath("//h1")[0].text_content().startswith(HOSTILE_OUTLET)


# ---------------------------------------------------------------- the timeline


def test_the_timeline_escapes_names_and_titles():
    from datetime import date

    dots = [
        Dot(HOSTILE_OUTLET, date(2025, 5, 6), SCRIPT, "/articles/x", True, "/outlets/y"),
        Dot("plain", date(2025, 5, 9), "t", None, False),
    ]
    svg = str(coverage_svg(dots))
    for raw in (SCRIPT, "<b>", "<svg onload"):
        assert raw not in svg
    tree = lxml.html.fragment_fromstring(svg)
    assert [c.get("class") for c in tree.xpath("//circle")] == [
        "tl-dot tl-published",
        "tl-dot tl-added",
    ]
    assert HOSTILE_OUTLET in tree.text_content()
    assert "style" not in svg


def test_the_timeline_axis_has_a_few_labelled_days():
    from datetime import date, timedelta

    first = date(2024, 1, 1)
    for days in (0, 1, 5, 30, 400, 4000):
        marks = ticks(first, first + timedelta(days=days))
        assert marks[0] == first and 1 <= len(marks) <= MAX_TICKS
    svg = coverage_svg([Dot("a", first, "t")])  # one day: its neighbours either side
    labels = lxml.html.fragment_fromstring(str(svg)).xpath('//text[contains(@class, "tl-tick")]')
    assert [t.text_content() for t in labels] == ["31 Dec 2023", "1 Jan 2024", "2 Jan 2024"]
    assert day_of("2024-02-03", "2025-01-01T00:00:00+00:00") == (date(2024, 2, 3), True)
    assert day_of(None, "2025-01-01T10:00:00+00:00") == (date(2025, 1, 1), False)
    assert day_of("garbage", None) is None
    assert str(coverage_svg([])) == ""
