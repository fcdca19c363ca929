"""Accuracy floors on the extraction benchmark: a change that lowers F1 below the pinned
floor fails. Not a benchmark (bench/ prints the figures and speed); just a guard, skipped when
the shared data is not beside the checkout."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from rashomon.clean.html import clean_html
from rashomon.clean.text import clean_text
from rashomon.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import aeb  # noqa: E402

# measured 0.978 and 0.915; the floors leave room for harmless changes
HTML_FLOOR = 0.970
TEXT_FLOOR = 0.900

pytestmark = [
    pytest.mark.slow,  # reads the whole benchmark: about 25 s
    pytest.mark.skipif(not aeb.AEB.is_dir(), reason=f"no AEB data at {aeb.AEB}"),
]


@pytest.fixture(scope="module")
def pages() -> list[tuple[str, str, str]]:
    return list(aeb.pages())


def test_html_cleaner_stays_above_its_f1_floor(pages):
    settings = Settings().replace(clean__html__audit=False)
    pred = {
        item_id: "\n\n".join(clean_html(html, url=url, settings=settings).paragraphs)
        for item_id, url, html in pages
    }
    scores = aeb.score(aeb.gold_bodies(), pred)
    assert scores["f1"] >= HTML_FLOOR, scores


def test_plain_text_cleaner_stays_above_its_f1_floor(pages):
    import html_text

    settings = Settings()
    pred = {
        item_id: "\n\n".join(
            clean_text(
                html_text.extract_text(html, guess_layout=True), settings=settings
            ).paragraphs
        )
        for item_id, _, html in pages
    }
    scores = aeb.score(aeb.gold_bodies(), pred)
    assert scores["f1"] >= TEXT_FLOOR, scores


# Attribution on real reports: PolNeAR dev, first 30 articles (measured overlap F1: source
# 0.71, content 0.76 on these; 0.75 / 0.78 on all of dev).
import polnear  # noqa: E402

SOURCE_FLOOR = 0.67
CONTENT_FLOOR = 0.73


@pytest.mark.skipif(not polnear.default_root().is_dir(), reason="no PolNeAR data")
def test_attribution_stays_above_its_floor_on_real_reports():
    from rashomon.annotate import annotate_texts

    articles = polnear.load("dev")[:30]
    docs = annotate_texts([a.text for a in articles], Settings())
    scores = polnear.score_articles(articles, [d.quotes for d in docs])
    source = scores.get("source", "overlap").f1
    content = scores.get("content", "overlap").f1
    assert source >= SOURCE_FLOOR and content >= CONTENT_FLOOR, (source, content)


RELAY_PHRASES = re.compile(r"\b(?:[Aa]ccording to|as quoted by|as cited by)\b")


def test_relay_phrases_in_real_reports_become_sources_or_relays():
    """Every "according to X" / "as quoted by X" in the AEB articles' gold bodies should end up
    as a quote's cue (X the source) or in a quote's `via` (X relays someone)."""
    from rashomon.annotate import annotate_texts

    texts = [t for t in aeb.gold_bodies().values() if RELAY_PHRASES.search(t)]
    found = total = 0
    for doc in annotate_texts(texts, Settings()):
        for match in RELAY_PHRASES.finditer(doc.article.text):
            sentence = next(s for s in doc.sentences if s[0] <= match.start() < s[1])
            total += 1
            found += any(
                (q.cue_span and q.cue_span[0] == match.start())
                or (
                    q.via
                    and sentence[0]
                    <= max(q.start, q.cue_span[0] if q.cue_span else 0)
                    < sentence[1]
                )
                for q in doc.quotes
            )
    assert total > 40
    assert found / total >= 0.90, (found, total)  # measured 75 of 78
