"""Names shared across articles: the resolver's canonical names reach every layer."""

from __future__ import annotations

from pathlib import Path

from rashomon.annotate import annotate_texts
from rashomon.annotate.corpus import resolve_corpus
from rashomon.annotate.resolver import Resolver
from rashomon.pipeline import annotate_inputs

FULL = (
    "Russian Defence Minister Sergei Shoigu met his Chinese counterpart in Moscow on Tuesday. "
    "Shoigu said the two armies would hold joint exercises next year."
)
VARIANT = "Shoygu said the exercises would take place in the Pacific, Interfax reported."


def test_a_transliteration_in_another_article_takes_the_full_name(settings):
    docs = resolve_corpus(annotate_texts([FULL, VARIANT], settings))
    variant = docs[1]
    (quote,) = [q for q in variant.quotes if "exercises would take place" in q.text]
    assert quote.speaker == "Sergei Shoigu"
    assert quote.via == ("Interfax",)
    keys = {e.key for d in docs for e in d.entities if e.type == "PERSON"}
    assert keys == {"person:sergei-shoigu"}


def test_names_do_not_depend_on_the_order_of_articles(settings):
    forward = resolve_corpus(annotate_texts([FULL, VARIANT], settings))
    backward = resolve_corpus(annotate_texts([VARIANT, FULL], settings))
    assert [q.speaker for q in forward[1].quotes] == [q.speaker for q in backward[0].quotes]


def test_a_later_window_reuses_the_names_of_an_earlier_one(settings):
    resolver = Resolver()
    resolve_corpus(annotate_texts([FULL], settings), resolver)
    (later,) = resolve_corpus(annotate_texts([VARIANT], settings), resolver)
    assert later.quotes[0].speaker == "Sergei Shoigu"


def test_the_annotate_run_resolves_names_across_its_inputs(tmp_path: Path, settings):
    (tmp_path / "a.txt").write_text(FULL + "\n", "utf-8")
    (tmp_path / "b.txt").write_text(VARIANT + "\n", "utf-8")
    results = list(
        annotate_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], settings, raw_text=True)
    )
    speakers = {q.speaker for r in results for q in r.record.quotes}
    assert speakers == {"Sergei Shoigu"}
