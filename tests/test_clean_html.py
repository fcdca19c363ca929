"""HTML cleaner: hand-written news pages with what must and must not come out, a few AEB pages
read at run time (skipped when the shared data is absent), metadata, the fallback path,
malformed input, and the shared metadata helpers."""

from __future__ import annotations

import gzip
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from rashomon.clean.base import Cleaned
from rashomon.clean.html import clean_html
from rashomon.clean.metadata import (
    clean_title,
    language_code,
    normalize_byline,
    outlet_from_url,
    parse_date,
)
from rashomon.clean.reasons import REASONS
from rashomon.model import Hints
from rashomon.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
SHARED = Path(os.environ.get("RASHOMON_SHARED", Path(__file__).resolve().parents[2] / "shared"))
AEB = SHARED / "data" / "extraction" / "aeb"
_TOKEN = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


def _text(cleaned: Cleaned) -> str:
    return "\n\n".join(cleaned.paragraphs)


def _clean(name: str, **kwargs: object) -> Cleaned:
    return clean_html((FIXTURES / name).read_text("utf-8"), **kwargs)  # type: ignore[arg-type]


# --- hand-written pages: with / without ------------------------------------------------------

PAGES = {
    "harbour_news.html": {
        "url": "https://www.coastalherald.co.uk/news/2023/03/14/harbour-ferry-strike-called-off",
        "with": [
            "A strike that would have halted the harbour ferry for two days",
            "This deal recognises the work they did through the winter storms.",
            "Services will run to the normal timetable on Wednesday and Thursday",
        ],
        "without": [
            "We use cookies",
            "Accept all",
            "Share on Twitter",
            "Related stories",
            "Ferry fares to rise by 20p from June",
            "About time they sorted this out",
            "Privacy policy",
            "All rights reserved",
            "Sign up to our Morning Briefing",
            "Transport Correspondent",
        ],
    },
    "wire_story.html": {
        "url": "https://www.dailyledger.com/markets/2022/08/09/coffee-harvest-drought",
        "with": [
            "Brazil's coffee harvest will fall to its lowest level in 12 years",
            "Arabica futures in New York rose 3.1%",
            "Growers in the south said irrigation costs had doubled since 2020",
        ],
        "without": [
            "Read more: Coffee futures jump",
            "Advertisement",
            "Reporting by Marta Souza",
            "More from Markets",
            "Cocoa prices slide",
            "Subscribe for $1",
            "4 min read",
        ],
    },
    "blog_de.html": {
        "url": "https://stadtblog-lindenau.de/2024/04/neue-radwege-altstadt/",
        "with": [
            "Ab dem 2. Mai wird die Hauptstraße zwischen Marktplatz und Bahnhof",
            "Der Verband will die Umsätze in den ersten sechs Monaten beobachten.",
        ],
        "without": [
            "Jeden Freitag die wichtigsten Nachrichten",
            "Endlich! Die Hauptstraße",
            "Schreibe einen Kommentar",
            "Neueste Beiträge",
            "Datenschutz",
            "Flohmarkt am Kanal",
        ],
    },
    "aspnet_form_page.html": {
        "url": None,
        "with": [
            "Os postos de saúde dos bairros Centro",
            "O custo estimado é de R$ 1,2 milhão por ano.",
        ],
        "without": ["__VIEWSTATE", "wEPDwUKMTY1NDU2MTA1MmRk"],
    },
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_clean_html_keeps_the_article_and_drops_the_page(name: str) -> None:
    case = PAGES[name]
    cleaned = _clean(name, url=case["url"])
    text = _key(_text(cleaned))
    for snippet in case["with"]:
        assert _key(snippet) in text, f"{name}: missing {snippet!r}"
    for snippet in case["without"]:
        assert _key(snippet) not in text, f"{name}: kept {snippet!r}"
    assert cleaned.extractor.startswith("trafilatura")


def test_clean_html_headline_is_not_part_of_the_body() -> None:
    cleaned = _clean("harbour_news.html")
    assert cleaned.title == "Harbour ferry strike called off after late-night deal"
    assert not any(_key(p) == _key(cleaned.title) for p in cleaned.paragraphs)


def test_clean_html_paragraphs_stay_separate() -> None:
    cleaned = _clean("harbour_news.html")
    assert len(cleaned.paragraphs) >= 6
    assert all("\n\n" not in p for p in cleaned.paragraphs)


# --- metadata --------------------------------------------------------------------------------


def test_clean_html_metadata_from_og_jsonld_and_time() -> None:
    url = "https://www.coastalherald.co.uk/news/2023/03/14/harbour-ferry-strike-called-off"
    cleaned = _clean("harbour_news.html", url=url)
    assert cleaned.title == "Harbour ferry strike called off after late-night deal"
    assert cleaned.published == date(2023, 3, 14)  # published, not the modified date
    assert cleaned.byline == "Priya Raman"
    assert cleaned.site_name == "The Coastal Herald"
    assert cleaned.canonical_url == url  # relative <link rel=canonical> resolved
    assert cleaned.declared_language == "en"
    assert cleaned.outlet == "coastalherald.co.uk"
    assert cleaned.url == url


def test_clean_html_metadata_strips_site_suffix_and_normalises_byline() -> None:
    cleaned = _clean("wire_story.html")
    assert cleaned.title == "Drought cuts coffee harvest to 12-year low"
    assert cleaned.byline == "Marta Souza, James Okafor"
    assert cleaned.published == date(2022, 8, 9)
    assert cleaned.site_name == "Daily Ledger"
    assert cleaned.outlet == "dailyledger.com"  # from the canonical URL when no url is given
    assert cleaned.declared_language == "en"


def test_clean_html_metadata_german_blog() -> None:
    cleaned = _clean("blog_de.html")
    assert cleaned.title == "Neue Radwege in der Altstadt: Was sich ab Mai ändert"
    assert cleaned.published == date(2024, 4, 18)
    assert cleaned.byline == "Katrin Vogel"
    assert cleaned.declared_language == "de"
    assert cleaned.canonical_url == "https://stadtblog-lindenau.de/2024/04/neue-radwege-altstadt/"


def test_clean_html_hints_fill_what_the_page_does_not_say() -> None:
    hints = Hints(
        published="2021-05-06",
        byline="By Ana Lima",
        outlet="Jornal do Vale",
        language="pt-BR",
        title="Ignored: the page has a title",
    )
    cleaned = _clean("aspnet_form_page.html", hints=hints)
    assert cleaned.published == date(2021, 5, 6)
    assert cleaned.byline == "Ana Lima"
    assert cleaned.outlet == "Jornal do Vale"
    assert cleaned.declared_language == "pt"  # xml:lang of the page
    assert cleaned.title and cleaned.title.startswith("Prefeitura amplia")


# --- the audit -------------------------------------------------------------------------------


def test_clean_html_audit_lists_visible_boilerplate_in_page_order() -> None:
    cleaned = _clean("harbour_news.html")
    texts = [r.text for r in cleaned.removed]
    assert any("We use cookies" in t for t in texts)
    assert "Business" in texts  # a menu word also found inside the article is still listed
    assert any("Privacy policy" in t for t in texts)
    positions = [r.position for r in cleaned.removed]
    assert positions == sorted(positions)
    assert all(r.reason in REASONS for r in cleaned.removed)
    body = {_key(p) for p in cleaned.paragraphs}
    assert not any(_key(r.text) in body for r in cleaned.removed)


def test_clean_html_audit_names_the_rule_that_moved_a_line() -> None:
    cleaned = _clean("wire_story.html")
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons.get("Read more: Coffee futures jump as frost hits Brazil") == "related"


def test_clean_html_audit_can_be_switched_off_and_is_capped() -> None:
    off = _clean("harbour_news.html", settings=Settings({"clean.html.audit": False}))
    assert all(r.reason != "html-boilerplate" for r in off.removed)
    capped = _clean("harbour_news.html", settings=Settings({"clean.html.audit_max_blocks": 5}))
    assert all(r.position < 5 for r in capped.removed)


# --- fallback --------------------------------------------------------------------------------


def test_clean_html_falls_back_to_resiliparse_when_trafilatura_gets_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    cleaned = _clean("harbour_news.html")
    assert cleaned.extractor == "resiliparse"
    text = _key(_text(cleaned))
    assert _key("A strike that would have halted the harbour ferry") in text
    assert cleaned.title == "Harbour ferry strike called off after late-night deal"


def test_clean_html_falls_back_when_trafilatura_gives_too_little(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with a threshold above trafilatura's whole output, resiliparse is tried and kept if longer
    from rashomon.clean import html

    tried: list[int] = []
    body = html._resiliparse_body

    def watched(main_lines: list[str], *args: object) -> object:
        tried.append(len(main_lines))
        return body(main_lines, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(html, "_resiliparse_body", watched)
    assert _clean("aspnet_form_page.html").extractor == "trafilatura"
    assert tried == []  # trafilatura's body is long enough: resiliparse is not tried
    settings = Settings({"clean.min_chars": 100_000})
    cleaned = _clean("aspnet_form_page.html", settings=settings)
    assert len(tried) == 1 and tried[0] > 0
    assert cleaned.extractor == "trafilatura"  # resiliparse's body is no longer: not kept
    assert _key("Os postos de saúde dos bairros Centro") in _key(_text(cleaned))


def test_clean_html_no_fallback_when_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    cleaned = _clean("harbour_news.html", settings=Settings({"clean.html.fallback": False}))
    assert cleaned.paragraphs == ()
    assert cleaned.extractor == ""


# --- malformed input never raises ------------------------------------------------------------

MALFORMED = {
    "empty": "",
    "whitespace": "   \n\t  ",
    "empty body": "<html><head><title>x</title></head><body></body></html>",
    "only scripts": "<html><body><script>var a = '<p>not text</p>';</script>"
    "<script type='application/ld+json'>{broken json</script><style>p{}</style></body></html>",
    "unclosed tags": "<html><body><div><p>Unclosed paragraph one with some words<p>and two"
    "<div><span><b>bold never closed<table><tr><td>cell" * 20,
    "garbage bytes": "\x00\x01\x02\ufffd\udcff<<<>>>&&&;;" + "\x89PNG\r\n\x1a\n" * 50,
    "not html": "just a plain line of text, no markup at all",
    "deep nesting": "<div>" * 3000 + "deep text in the middle of many divs" + "</div>" * 3000,
    "xml declaration": "<?xml version='1.0' encoding='utf-8'?>"
    "<html><body><p>xml decl</p></body></html>",
    "huge attribute": "<html><body><p title='" + "x" * 200_000 + "'>text</p></body></html>",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_clean_html_malformed_input_never_raises(name: str) -> None:
    cleaned = clean_html(MALFORMED[name], url="https://example.com/a")
    assert isinstance(cleaned, Cleaned)
    assert all(isinstance(p, str) and p for p in cleaned.paragraphs)


def test_clean_html_nothing_readable_gives_no_paragraphs() -> None:
    for name in ("empty", "whitespace", "empty body", "only scripts"):
        cleaned = clean_html(MALFORMED[name])
        assert cleaned.paragraphs == (), name
        assert cleaned.extractor == "", name


def test_clean_html_accepts_bytes() -> None:
    raw = (FIXTURES / "blog_de.html").read_bytes()
    cleaned = clean_html(raw)  # type: ignore[arg-type]
    assert _key("Parkplätze") in _key(_text(cleaned))


# --- real pages from the Article Extraction Benchmark (read at run time) ---------------------

AEB_CASES = {
    # item id prefix: boilerplate seen in the page that must not come out
    "08f7937627": ["Pick Six Newsletter", "Rams top Bears as offenses struggle"],
    "3c5bf8db42": ["Related: From Big Bang to Present", "Skip to main content"],
    "70cb2d5bca": ["Taylor Swift is allowed to play her music at the AMAs", "Accessibility links"],
    "ba4dfe2d3e": ["DON'T MISS", "READ MORE: China plague outbreak confirmed"],
    "d48aeb9cf2": ["More Great WIRED Stories", "Skip to main content"],
    "f8ff621a0b": ["Copyright ©2019 Dow Jones", "This article has been sent to"],
}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if len(s) > 30]


@pytest.fixture(scope="module")
def aeb_pages() -> dict[str, tuple[str, str, str]]:
    truth = AEB / "ground-truth.json"
    if not truth.is_file():
        pytest.skip(f"AEB data not found at {AEB}")
    gold = json.loads(truth.read_text("utf-8"))
    found = {}
    for prefix in AEB_CASES:
        item_id = next(k for k in gold if k.startswith(prefix))
        raw = gzip.decompress((AEB / "html" / f"{item_id}.html.gz").read_bytes())
        found[prefix] = (
            raw.decode("utf-8", errors="replace"),
            gold[item_id]["url"],
            gold[item_id]["articleBody"],
        )
    return found


@pytest.mark.parametrize("prefix", sorted(AEB_CASES))
def test_clean_html_aeb_page_first_and_last_sentence_without_boilerplate(
    aeb_pages: dict[str, tuple[str, str, str]], prefix: str
) -> None:
    html, url, gold = aeb_pages[prefix]
    cleaned = clean_html(html, url=url)
    text = _key(_text(cleaned))
    sentences = _sentences(gold)
    visible = _key(re.sub(r"<[^>]+>", " ", html))
    assert _key(sentences[0]) in text, "first sentence of the gold body missing"
    assert _key(sentences[-1]) in text, "last sentence of the gold body missing"
    for snippet in AEB_CASES[prefix]:
        assert _key(snippet) in visible, f"test data: {snippet!r} is not in the page"
        assert _key(snippet) not in text, f"kept boilerplate {snippet!r}"
    assert cleaned.title and cleaned.published and cleaned.outlet
    assert cleaned.declared_language == "en"


# --- shared metadata helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-19T08:57:40+01:00", date(2019, 11, 19)),
        ("2019-11-19", date(2019, 11, 19)),
        ("20191119", date(2019, 11, 19)),
        ("2019/11/19", date(2019, 11, 19)),
        ("19.11.2019", date(2019, 11, 19)),
        ("11/19/2019", date(2019, 11, 19)),  # month first when the day cannot be a month
        ("Nov. 19, 2019", date(2019, 11, 19)),
        ("Tuesday, November 19th, 2019 5:45 AM PST", date(2019, 11, 19)),
        ("19 November 2019", date(2019, 11, 19)),
        ("sexta-feira, 22 de outubro de 2010 às 20:13", date(2010, 10, 22)),
        ("18. April 2024", date(2024, 4, 18)),
        ("19 ноября 2019", date(2019, 11, 19)),
        ("no date here", None),
        ("2019-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_forms(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_month_first_when_asked() -> None:
    assert parse_date("03/04/2020", dayfirst=False) == date(2020, 3, 4)
    assert parse_date("03/04/2020") == date(2020, 4, 3)


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Pound falls | Reuters", "Reuters", None, "Pound falls"),
        ("Pound falls - BBC News", "BBC News", None, "Pound falls"),
        ("BBC News - Pound falls", "BBC News", None, "Pound falls"),
        ("Pound falls – The Guardian", "The Guardian", None, "Pound falls"),
        ("Pound falls | Business | Reuters", "Reuters", None, "Pound falls | Business"),
        ("Pound falls :: example", None, "https://www.example.com/x", "Pound falls"),
        ("Spider-Man - the review", None, None, "Spider-Man - the review"),  # no site known
        ("Reuters", "Reuters", None, "Reuters"),  # nothing else left: kept
        ("Jobs - a memoir - Penguin", "Penguin", None, "Jobs - a memoir"),
        ("Web design | Thrive Marketing", "Thrive Marketing Agency", None, "Web design"),
        ("Top HR tools | DianaHR", None, "https://www.getdianahr.com/blog/x", "Top HR tools"),
        ("davidbau.com Vibe Coding", None, "https://davidbau.com/archives/x", "Vibe Coding"),
        ("davidbau.com", None, "https://davidbau.com/archives/x", "davidbau.com"),
        (None, "x", None, None),
    ],
)
def test_clean_title(
    title: str | None, site: str | None, url: str | None, expected: str | None
) -> None:
    assert clean_title(title, site, url) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By JANE DOE and John Roe", "Jane Doe, John Roe"),
        ("Maria Costa, Staff Writer", "Maria Costa"),
        ("by Priya Raman", "Priya Raman"),
        ("Von Katrin Vogel", "Katrin Vogel"),
        ("Ana Lima; Ana Lima & Rui Costa", "Ana Lima, Rui Costa"),
        ("https://www.facebook.com/someone", None),
        ("Staff Reporter", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_byline(byline: str | None, expected: str | None) -> None:
    assert normalize_byline(byline) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("http://news.sky.com/story/1", "sky.com"),
        ("https://WWW.Example.COM.br/a?b=c", "example.com.br"),
        ("www.reuters.com/article/x", "reuters.com"),
        ("http://localhost:8000/x", None),
        ("https://192.168.1.1/", None),
        ("not a url", None),
        (None, None),
    ],
)
def test_outlet_from_url(url: str | None, expected: str | None) -> None:
    assert outlet_from_url(url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en-US", "en"),
        ("pt_BR", "pt"),
        ("DE", "de"),
        ("en-GB,en;q=0.9", "en"),
        ("", None),
        ("english language", None),
        (None, None),
    ],
)
def test_language_code(value: str | None, expected: str | None) -> None:
    assert language_code(value) == expected
