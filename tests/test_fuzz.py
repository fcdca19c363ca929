"""No input crashes the cleaner: it returns an Article or raises an InputError naming it."""

from __future__ import annotations

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rashomon.clean import clean
from rashomon.errors import InputError
from rashomon.model import Article, RawDoc
from rashomon.settings import Settings

SETTINGS = Settings()

TAGS = [
    "<p>",
    "</p>",
    "<div class='x'>",
    "</div>",
    "<script>",
    "</script>",
    "<h1>",
    "</h1>",
    "<br>",
    "<article>",
    "<!--",
    "-->",
    "<meta charset='koi8-r'>",
    "<table><tr><td>",
    "&amp;",
    "&#0;",
    "<title>",
    "</title>",
    "<html>",
    "<body>",
    "<?xml version='1.0'?>",
    "<![CDATA[",
]

html_like = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=80)), max_size=60).map(
    "".join
)


def _check(body: bytes, media_type: str) -> None:
    raw = RawDoc.from_bytes(body, media_type, "fuzz-input")
    try:
        article = clean(raw, SETTINGS)
    except InputError as error:
        assert error.source == "fuzz-input"
        assert error.message
        return
    assert isinstance(article, Article)
    assert article.text.strip()


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["text/plain", "text/html"]))
def test_arbitrary_bytes_never_crash_the_cleaner(body: bytes, media_type: str):
    _check(body, media_type)


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_like)
def test_malformed_html_never_crashes_the_cleaner(markup: str):
    _check(markup.encode("utf-8", "surrogatepass"), "text/html")


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_arbitrary_text_never_crashes_the_cleaner(text: str):
    _check(text.encode("utf-8", "surrogatepass"), "text/plain")


NEWS_PIECES = [
    "“",
    "”",
    '"',
    "‘",
    "’",
    "«",
    "»",
    "''",
    ":",
    ", ",
    ". ",
    "\n\n",
    "\n",
    " said",
    " told",
    " according to ",
    " as quoted by ",
    " citing ",
    " He",
    " she",
    " the minister",
    " Dong Jun",
    " Shoigu",
    " the Russian Defense Ministry",
    " officials",
    " on Wednesday",
    " last month",
    " 31.01.2024",
    " 5%",
    " $3 million",
    " not",
    " may",
    " and",
    " reported",
    " Reuters",
    " China",
    " We",
]


@hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(NEWS_PIECES) | st.text(max_size=8), min_size=1, max_size=60))
def test_annotation_never_crashes_and_every_span_points_at_its_text(pieces):
    from rashomon.annotate import annotate_stream

    text = "".join(pieces)
    article = Article(id="fuzz", origin="fuzz", text=text)
    (doc,) = list(annotate_stream([article], SETTINGS))
    assert not isinstance(doc, Exception), doc
    for layer in (doc.entities, doc.times, doc.quotes, doc.claims):
        for item in layer:
            assert text[item.start : item.end] == item.text
    for quote in doc.quotes:
        for span in (quote.speaker_span, quote.cue_span, quote.addressee_span):
            assert span is None or 0 <= span[0] < span[1] <= len(text)
        assert quote.continues is None or 0 <= quote.continues < len(doc.quotes)
    for claim in doc.claims:
        assert claim.quote is None or 0 <= claim.quote < len(doc.quotes)
