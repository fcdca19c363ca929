"""The web app in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser) against uvicorn serving a store of the seed reports, the compare fixtures and hostile
documents. The main pages render their key parts at a wide and a phone width (screenshots
taken and checked), links and the filter form work with no script, and the hostile documents
run nothing, open no dialog and load nothing from anywhere but the server. A hostile page
served from another origin cannot write to the store (no-cors fetch, a form, a JSON fetch),
and a DNS name rebound to the server reads nothing."""

from __future__ import annotations

import importlib.util
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from test_web_pages import HOSTILE_OUTLET, PWN, build_store

from rashomon.report.browser import CHROMIUM, CHROMIUM_ARGS
from rashomon.settings import Settings
from rashomon.store import Store, read
from rashomon.web.app import create_app

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Every CSP violation the page reports, and whether the hostile payload ever ran.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
if importlib.util.find_spec("playwright") is None:
    pytest.skip(
        "the playwright package is not installed (pip install -e '.[dev]')",
        allow_module_level=True,
    )


# ---------------------------------------------------------------- the server and the browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    base: str
    store: Store


@contextmanager
def serving(store: Store, settings: Settings) -> Iterator[str]:
    """`store` served by uvicorn on a free port in a thread, until the block ends (the store
    is closed then): yields the base URL once /healthz answers."""
    import uvicorn

    port = _free_port()
    app = create_app(store, settings, port=port)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store = build_store(tmp_path_factory.mktemp("web"))
    with serving(store, Settings()) as base:
        yield Served(base, store)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page with what it requested, the dialogs it opened and what its console said."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_tab(browser):
    tabs: list[Tab] = []

    def opener(url: str, viewport: dict[str, int] = WIDE) -> Tab:
        page = browser.new_page(viewport=viewport)
        tab = Tab(page)
        page.add_init_script(WATCH)
        page.on("request", lambda r: tab.requests.append(r.url))
        page.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: tab.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: tab.errors.append(str(e)))
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        tabs.append(tab)
        return tab

    yield opener
    for tab in tabs:
        tab.page.close()  # type: ignore[attr-defined]


def _story_with(store: Store, fragment: str) -> read.StoryPage:
    for info in read.stories(store.db, limit=1000):
        page = read.story(store.db, info.id, with_docs=False)
        if page and any(fragment in a.origin for a in page.articles):
            return page
    raise AssertionError(fragment)


def _shot(tab: Tab, path: Path, blank: int) -> bytes:
    """A screenshot of the viewport, checked to be far from a blank page's."""
    png = tab.page.screenshot(path=str(path))  # type: ignore[attr-defined]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 4 * blank, (path.name, len(png), blank)
    return png


@pytest.fixture(scope="module")
def blank(browser) -> dict[int, int]:
    """The size of a blank page's screenshot at each width."""
    sizes = {}
    for viewport in (WIDE, PHONE):
        page = browser.new_page(viewport=viewport)
        page.set_content("<html><body></body></html>")
        sizes[viewport["width"]] = len(page.screenshot())
        page.close()
    return sizes


def _fits(tab: Tab) -> bool:
    """Whether the page is no wider than its viewport (nothing makes it scroll sideways)."""
    return bool(
        tab.page.evaluate(  # type: ignore[attr-defined]
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
    )


def _clean(tab: Tab, base: str) -> None:
    """Nothing ran, nothing was blocked, nothing was asked of another origin."""
    page = tab.page
    assert page.evaluate("window.__pwned") is None  # type: ignore[attr-defined]
    assert page.evaluate("window.__violations") == []  # type: ignore[attr-defined]
    assert tab.dialogs == [] and tab.errors == []
    assert not [m for m in tab.console if "Content Security Policy" in m]
    assert all(u.startswith(base + "/") or u.startswith("data:") for u in tab.requests), (
        tab.requests
    )


# ---------------------------------------------------------------- the main pages


def test_the_stories_list_at_both_widths(served, open_tab, blank, tmp_path):
    wide = open_tab(served.base + "/")
    rows = wide.page.locator("table.stories tbody tr")
    assert rows.count() == read.story_count(served.store.db)
    assert wide.page.locator("table.stories thead th").first.is_visible()
    assert wide.page.locator("nav.topnav input[name=q]").is_visible()
    _shot(wide, tmp_path / "stories-1280.png", blank[1280])
    _clean(wide, served.base)
    wide.page.locator("th.col-label a").click()
    wide.page.wait_for_load_state("load")
    assert "sort=label" in wide.page.url
    phone = open_tab(served.base + "/", PHONE)
    assert not phone.page.locator("table.stories thead").is_visible()
    assert phone.page.locator("nav.sorts").is_visible()
    assert phone.page.locator("a.story-link").first.is_visible()
    assert _fits(phone)
    _shot(phone, tmp_path / "stories-390.png", blank[390])


def test_the_story_page_shows_its_matrix_and_timeline_and_links_work(
    served, open_tab, blank, tmp_path
):
    story = _story_with(served.store, "000_")
    tab = open_tab(f"{served.base}/stories/{story.info.id}")
    page = tab.page
    matrix = page.locator("table.matrix")
    assert matrix.is_visible()
    assert page.locator("table.matrix tbody tr").count() == len(story.comparison.groups)
    timeline = page.locator("svg.timeline")
    assert timeline.is_visible()
    assert timeline.bounding_box()["width"] > 1000
    dots = page.locator("svg.timeline circle")
    assert dots.count() == len(story.articles)
    assert all(dots.nth(i).bounding_box()["width"] > 5 for i in range(dots.count()))
    _shot(tab, tmp_path / "story-1280.png", blank[1280])
    link = page.locator("table.matrix a").first
    href = link.get_attribute("href")
    link.click()
    state = page.evaluate(
        """(id) => { const el = document.getElementById(id); const box = el.getBoundingClientRect();
                     return {target: el.matches(':target'), top: box.top, h: innerHeight}; }""",
        href[1:],
    )
    assert state["target"] and 0 <= state["top"] < state["h"]
    _clean(tab, served.base)


def test_the_filter_form_filters_on_the_server(served, open_tab):
    story = _story_with(served.store, "trade_a")
    tab = open_tab(f"{served.base}/stories/{story.info.id}")
    page = tab.page
    every = page.locator("table.matrix tbody tr").count()
    page.select_option("form.filters select[name=verdict]", "contradict")
    page.locator("form.filters button").click()
    page.wait_for_load_state("load")
    assert "verdict=contradict" in page.url and page.url.endswith("#claims")
    rows = page.locator("table.matrix tbody tr")
    wanted = sum(g.verdict == "contradict" for g in story.comparison.groups)
    assert 0 < rows.count() == wanted < every
    assert all(rows.nth(i).get_attribute("class") == "row-contradict" for i in range(wanted))
    assert page.locator("p.shown").is_visible()
    _clean(tab, served.base)


def test_the_article_page_shows_its_marks_and_removed_lines(served, open_tab, blank, tmp_path):
    story = _story_with(served.store, "000_")
    info = next(a for a in story.articles if "000_" in a.origin)
    for viewport in (WIDE, PHONE):
        tab = open_tab(f"{served.base}/articles/{info.id}", viewport)
        page = tab.page
        for mark in ("div.text span.e", "div.text span.q", "div.text span.c"):
            assert page.locator(mark).first.is_visible(), mark
        assert page.locator("ul.removed-lines li").first.is_visible()
        assert page.locator("ul.entities li").count() > 3
        assert _fits(tab)
        _shot(tab, tmp_path / f"article-{viewport['width']}.png", blank[viewport["width"]])
        _clean(tab, served.base)
    claim = next(c for c in page.locator("div.text span.c[id]").all())
    page.goto(f"{served.base}/articles/{info.id}#{claim.get_attribute('id')}")
    assert page.evaluate("document.querySelector(':target') !== null")


def test_the_outlet_and_search_pages(served, open_tab, blank, tmp_path):
    tab = open_tab(f"{served.base}/outlets/{quote('unknown: talks_a.txt', safe='')}")
    assert tab.page.locator("h1").inner_text().startswith("unknown: talks_a.txt")
    assert tab.page.locator("table.stories a.story-link").is_visible()
    _shot(tab, tmp_path / "outlet-1280.png", blank[1280])
    tab = open_tab(f"{served.base}/outlets/Sputnik", PHONE)
    assert tab.page.locator("table.signals").is_visible()
    assert _fits(tab)
    search = open_tab(served.base + "/", PHONE)
    search.page.fill("nav.topnav input[name=q]", "Geneva talks")
    search.page.locator("nav.topnav button").click()
    search.page.wait_for_load_state("load")
    assert "/search?q=Geneva+talks" in search.page.url
    marks = search.page.locator("li.hit mark")
    assert marks.first.is_visible()
    assert {m.lower() for m in marks.all_inner_texts()} <= {"geneva", "talks"}
    assert _fits(search)
    _shot(search, tmp_path / "search-390.png", blank[390])
    _clean(search, served.base)


def test_the_api_reference_renders_without_a_script(served, open_tab):
    tab = open_tab(served.base + "/docs")
    paths = [p for p in httpx.get(served.base + "/openapi.json").json()["paths"]]
    sections = tab.page.locator("section.op")
    assert sections.count() >= len(paths) > 0
    assert tab.page.locator("section.op .method").first.is_visible()
    _clean(tab, served.base)


# ---------------------------------------------------------------- hostile documents


@pytest.mark.slow
def test_hostile_documents_run_nothing_and_load_nothing(served, open_tab, tmp_path, blank):
    story = _story_with(served.store, "hostile.jsonl:line 1")
    pages = [
        f"/stories/{story.info.id}",
        *(f"/articles/{a.id}" for a in story.articles),
        f"/outlets/{quote(HOSTILE_OUTLET, safe='')}",
        "/search?q=Valletta",
        "/search?q=" + quote("<script>alert(1)</script>"),
        "/",
        "/compare?articles="
        + ",".join([story.articles[0].id, _story_with(served.store, "000_").articles[0].id]),
    ]
    for path in pages:
        tab = open_tab(served.base + path)
        page = tab.page
        page.wait_for_timeout(50)  # an onerror or onload would have fired by now
        _clean(tab, served.base)
        # the only script is the steering forms' own file, never one from a document
        assert page.locator("script:not([src='/static/steer.js'])").count() == 0, path
        assert page.locator("img, iframe, object, embed, svg[onload]").count() == 0, path
        assert page.locator("a[href^='javascript' i]").count() == 0, path
    tab = open_tab(f"{served.base}/stories/{story.info.id}")
    text = tab.page.locator("main").inner_text()
    assert f"<script>{PWN}</script>" in text and HOSTILE_OUTLET in text
    links = tab.page.locator("div.text").first
    assert "javascript:" in links.inner_text()
    _shot(tab, tmp_path / "hostile-1280.png", blank[1280])


# ---------------------------------------------------------------- another origin

MARKER = "Quuxbridge"  # in the article a hostile page tries to store, and in no other
ATTEMPT = (
    f"Mayor Jane Doe opened the new {MARKER} in Springfield on Monday, the city council said "
    "in a statement. The bridge cost 12 million dollars and took three years to build, "
    "officials said. Doe said the bridge would cut the drive to the port by twenty minutes."
)
# (a) a no-cors text/plain fetch, (c) a JSON fetch (preflighted), then (b) two forms submitted
# into frames: text/plain carrying JSON (the classic trick against JSON APIs) and urlencoded.
HOSTILE_PAGE = """<!doctype html><title>elsewhere</title>
<iframe name="plain"></iframe><iframe name="encoded"></iframe>
<form id="plain" method="post" enctype="text/plain" target="plain" action="TARGET">
<input name='{"text": "ATTEMPT", "x": "' value='"}'></form>
<form id="encoded" method="post" target="encoded" action="TARGET">
<input name="text" value="ATTEMPT"></form>
<script>
window.attempts = (async () => {
  const out = {};
  const body = JSON.stringify({text: "ATTEMPT"});
  try {
    await fetch("TARGET", {method: "POST", mode: "no-cors", body,
                           headers: {"Content-Type": "text/plain"}});
    out.nocors = "sent";
  } catch (e) { out.nocors = "failed: " + e; }
  try {
    const r = await fetch("TARGET", {method: "POST", body,
                                     headers: {"Content-Type": "application/json"}});
    out.json = "answered " + r.status;
  } catch (e) { out.json = "blocked: " + e; }
  document.getElementById("plain").submit();
  document.getElementById("encoded").submit();
  return out;
})();
</script>"""


@pytest.fixture
def elsewhere(served) -> Iterator[str]:
    """Another origin (localhost at another port: another site, too) serving HOSTILE_PAGE
    aimed at the server's POST /api/v1/articles."""
    page = HOSTILE_PAGE.replace("TARGET", f"{served.base}/api/v1/articles")
    body = page.replace("ATTEMPT", ATTEMPT).encode()

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _written(served: Served) -> tuple[int, int]:
    """The articles in the store and the search hits of MARKER, through the API."""
    hits = httpx.get(f"{served.base}/api/v1/search", params={"q": MARKER}, timeout=30).json()
    return served.store.counts()["articles"], hits["total"]


def test_a_page_elsewhere_cannot_write_to_the_store(served, browser, elsewhere):
    before = _written(served)
    assert before[1] == 0
    page = browser.new_page()
    answers: list[tuple[str, int]] = []
    target = f"{served.base}/api/v1/articles"
    page.on(
        "response",
        lambda r: answers.append((r.request.method, r.status)) if r.url == target else None,
    )
    try:
        page.goto(elsewhere)
        attempts = page.evaluate("window.attempts")
        deadline = time.monotonic() + 20
        while len(answers) < 3 and time.monotonic() < deadline:  # the fetch and both forms
            page.wait_for_timeout(100)
    finally:
        page.close()
    assert attempts["nocors"] == "sent"  # it went out: the browser does not stop it
    assert attempts["json"].startswith("blocked"), attempts  # the preflight found no CORS
    assert sorted(answers) == [("POST", 403)] * 3, answers  # refused, all three, by Origin
    assert _written(served) == before


def test_a_name_rebound_to_the_server_reads_nothing(served, browser):
    port = served.base.rpartition(":")[2]
    rebind = "--host-resolver-rules=MAP rebound.test 127.0.0.1"  # what a rebound DNS answers
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rebind]
    )
    try:
        page = chromium.new_page()
        for path in ("/", "/api/v1/stories"):
            response = page.goto(f"http://rebound.test:{port}{path}")
            assert response is not None and response.status == 421, path
            assert "serve.allowed_hosts" in json.loads(page.locator("body").inner_text())["detail"]
        own = page.goto(f"{served.base}/api/v1/stories")
        assert own is not None and own.status == 200
    finally:
        chromium.close()
