"""What an analyst steers by (issue 23), in Debian's Chromium driven by Playwright (never a
downloaded browser): the filter form narrows the stories list and search with no script and
its URL opens the same view; the stories index fits a 1366-pixel screen with a 60-character
outlet name; a story page shows its blindspot and articles per day, and its downloads arrive
as files; Arabic text reads right to left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_web_browser
from test_web_browser import PHONE, WIDE, Served, _clean, serving
from test_web_filters import ARABIC_TITLE, LONG_OUTLET, build_filter_store

from rashomon.settings import Settings
from rashomon.store import browse, read

LAPTOP = {"width": 1366, "height": 768}
# the browser and its tabs, as the main browser tests have them
browser = test_web_browser.browser
open_tab = test_web_browser.open_tab


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store = build_filter_store(tmp_path_factory.mktemp("filters-web"))
    with serving(store, Settings()) as base:
        yield Served(base, store)


def _story_of(served: Served, outlet: str) -> read.StoryInfo:
    return next(s for s in read.stories(served.store.db, limit=1000) if outlet in s.outlet_names)


def test_the_filter_form_narrows_the_list_and_its_url_opens_the_same_view(served, open_tab):
    tab = open_tab(served.base + "/")
    page = tab.page
    every = page.locator("table.stories tbody tr").count()
    page.select_option("form.list-filters select[name=state]", "yes")
    page.fill("form.list-filters input[name=min_outlets]", "2")
    page.locator("form.list-filters button").click()
    page.wait_for_load_state("load")
    assert "state=yes" in page.url and "min_outlets=2" in page.url
    wanted = browse.story_count(served.store.db, browse.Filters(state=True, min_outlets=2))
    rows = page.locator("table.stories tbody tr")
    assert 0 < rows.count() == wanted < every
    assert page.locator("form.list-filters select[name=state]").input_value() == "yes"
    assert page.locator("form.list-filters input[name=min_outlets]").input_value() == "2"
    labels = page.locator("a.story-link").all_inner_texts()
    page.locator("th.col-label a").click()  # sorting keeps the filters
    page.wait_for_load_state("load")
    assert "state=yes" in page.url and "sort=label" in page.url
    assert sorted(page.locator("a.story-link").all_inner_texts()) == sorted(labels)
    shared = open_tab(page.url)  # the URL is the view
    assert (
        shared.page.locator("a.story-link").all_inner_texts()
        == page.locator("a.story-link").all_inner_texts()
    )
    _clean(tab, served.base)


def test_search_filters_by_language_with_no_script(served, open_tab):
    tab = open_tab(served.base + "/search?q=said")
    page = tab.page
    every = page.locator("li.hit").count()
    page.select_option("form.list-filters select[name=outlet]", LONG_OUTLET)
    page.locator("form.list-filters button").click()
    page.wait_for_load_state("load")
    assert "q=said" in page.url and "outlet=" in page.url
    hits = page.locator("li.hit")
    assert 0 < hits.count() == 2 < every
    assert page.locator("input[type=search][name=q]").first.input_value() == "said"
    _clean(tab, served.base)


def test_the_stories_index_fits_a_laptop_with_a_60_character_outlet_name(served, open_tab):
    assert len(LONG_OUTLET) == 60
    for path in ("/", "/?outlet=" + LONG_OUTLET.replace(" ", "+")):
        tab = open_tab(served.base + path, LAPTOP)
        page = tab.page
        assert page.locator("table.stories a", has_text=LONG_OUTLET).first.is_visible()
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 1366, (path, width)
        _clean(tab, served.base)


def test_the_filter_form_fits_a_phone(served, open_tab):
    for path in ("/", "/search?q=said"):
        tab = open_tab(served.base + path, PHONE)
        assert tab.page.locator("form.list-filters select[name=outlet]").is_visible()
        width = tab.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)


def test_a_story_page_shows_its_blindspot_and_days_and_downloads_its_files(served, open_tab):
    seed = _story_of(served, "Sputnik")
    tab = open_tab(f"{served.base}/stories/{seed.id}", WIDE)
    page = tab.page
    spot = page.locator("table.blindspot")
    assert spot.is_visible()
    assert spot.locator("tbody tr").count() == browse.BLINDSPOT_LIMIT
    assert spot.locator("tbody tr").first.locator("a").inner_text() == LONG_OUTLET
    assert page.locator("p.more").is_visible()
    days = page.locator("table.per-day")
    assert days.is_visible() and days.locator("caption").is_visible()
    assert days.locator("svg.daybar rect").first.bounding_box()["width"] > 20
    for label, name in (
        ("JSON", f"story-{seed.id}.json"),
        ("CSV of the claims", f"story-{seed.id}-claims.csv"),
    ):
        with page.expect_download() as arrived:
            page.locator("p.downloads a", has_text=label).click()
        assert arrived.value.suggested_filename == name
    _clean(tab, served.base)


def test_arabic_text_reads_right_to_left(served, open_tab):
    story = _story_of(served, "Al Jazeera")
    tab = open_tab(f"{served.base}/stories/{story.id}")
    page = tab.page
    heading = page.locator("article.report h4")
    assert heading.inner_text() == ARABIC_TITLE
    assert heading.evaluate("e => [e.lang, getComputedStyle(e).direction]") == ["ar", "rtl"]
    text = page.locator("article.report div.text").first
    assert text.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "rtl"  # auto
    english = open_tab(f"{served.base}/stories/{_story_of(served, 'Sputnik').id}")
    assert english.page.locator("h1").evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert english.page.locator("article.report div.text").first.get_attribute("lang") is None
    _clean(tab, served.base)
