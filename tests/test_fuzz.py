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
