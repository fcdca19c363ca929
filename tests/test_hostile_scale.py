"""Hostile inputs at scale: no path goes quadratic. Each input below took a minute or more
before (on 2 cores) and now takes well under a second or two; each test asserts the outcome
and the behaviour that keeps its path linear (a limit's reason, the blanked run, a folder read
once), never a wall-clock time."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from rashomon.annotate import annotate, parseable_text
from rashomon.annotate.times import _choose, _Found
from rashomon.clean import clean
from rashomon.clean.text_classes import _nearest
from rashomon.clean.text_cues import BAD, GOOD, NEAR, SHORT, find_dates
from rashomon.errors import TooLarge
from rashomon.ingest.files import expand
from rashomon.model import Article, RawDoc
from rashomon.settings import Settings

PROSE = "The city council voted on Monday to close the old bridge to traffic, the mayor said. "


def _text(body: str) -> RawDoc:
    return RawDoc(id="t", body=body.encode(), media_type="text/plain", origin="hostile.txt")


def _page(body: str) -> RawDoc:
    html = f"<html><body><article><p>{PROSE * 4}</p>{body}</article></body></html>"
    return RawDoc(id="h", body=html.encode(), media_type="text/html", origin="hostile.html")


# --- plain text: many short lines (was 149 s at 20,000) ----------------------------------------


def test_twenty_thousand_short_lines_are_cleaned() -> None:
    lines = "\n".join(f"Line {i} here" for i in range(20_000))
    article = clean(_text(PROSE * 5 + "\n" + lines), Settings())
    assert article.text.startswith(PROSE.strip())


def test_nearest_classified_neighbours_match_a_scan() -> None:
    rng = random.Random(7)
    classes = [rng.choice([GOOD, BAD, NEAR, SHORT, SHORT, SHORT]) for _ in range(500)]

    def scan(pos: int, step: int, wanted: frozenset[str]) -> str:
        pos += step
        while 0 <= pos < len(classes):
            if classes[pos] in wanted:
                return classes[pos]
            pos += step
        return BAD

    for wanted in (frozenset((GOOD, BAD)), frozenset((GOOD, BAD, NEAR))):
        for step in (-1, 1):
            expected = [scan(pos, step, wanted) for pos in range(len(classes))]
            assert _nearest(classes, wanted, step) == expected


def test_a_long_inner_run_of_punctuation_is_cleaned() -> None:
    article = clean(_text(PROSE * 3 + "Wow" + "!" * 30_000 + " " + PROSE), Settings())
    assert "!" * 30_000 in article.text


# --- annotate: a run of 30,000 '!' (was 199 s in spaCy's tokenizer) ---------------------------


def test_a_punctuation_run_is_blanked_for_the_parser_keeping_offsets() -> None:
    text = 'He said: "We will win' + "!" * 300 + '" on Monday.'
    parsed, blanked = parseable_text(text, 50)
    assert len(parsed) == len(text)
    assert blanked == 251  # the run is the 300 '!' and the closing quote
    assert parsed.endswith("win" + "!" * 25 + " " * 251 + "!" * 24 + '" on Monday.')


def test_thirty_thousand_bangs_are_annotated_with_the_limit_noted() -> None:
    text = PROSE * 3 + "Wow" + "!" * 30_000 + " " + PROSE
    doc = annotate(Article(id="b", origin="bangs", text=text), Settings())
    assert any("annotate.max_punctuation_run" in note for note in doc.limits)
    assert all(0 <= s < e <= len(text) for s, e in doc.sentences)
    assert all(text[e.start : e.end] == e.text for e in doc.entities)


def test_an_article_without_long_runs_has_no_limit_noted() -> None:
    doc = annotate(Article(id="p", origin="plain", text=PROSE + "Wow!!! " + PROSE), Settings())
    assert doc.limits == ()


# --- HTML: deep nesting (was 174 s at 100,000) and crowded tags (86 s at 100,000) ------------


def test_a_hundred_thousand_nested_divs_are_too_large() -> None:
    with pytest.raises(TooLarge) as raised:
        clean(_page("<div>" * 100_000 + "x" + "</div>" * 100_000), Settings())
    assert raised.value.reason == "too-large"
    assert raised.value.source == "hostile.html"
    assert "clean.html.max_depth" in str(raised.value)


def test_nesting_within_the_depth_limit_is_read() -> None:
    settings = Settings({"clean.html.max_depth": 200})
    article = clean(_page("<div>" * 150 + "x" + "</div>" * 150), settings)
    assert PROSE.strip() in article.text
    with pytest.raises(TooLarge):
        clean(_page("<div>" * 250 + "x" + "</div>" * 250), settings)


def test_a_tag_with_a_hundred_thousand_attributes_is_too_large() -> None:
    attributes = " ".join(f'a{i}="v{i}"' for i in range(100_000))
    with pytest.raises(TooLarge) as raised:
        clean(_page(f"<p {attributes}>{PROSE}</p>"), Settings())
    assert raised.value.reason == "too-large"
    assert "<p> tag with more than 1,000 attributes" in str(raised.value)
    assert "clean.html.max_attributes" in str(raised.value)


def test_a_tag_with_attributes_within_the_limit_is_read() -> None:
    attributes = " ".join(f"data-x{i}='{i}'" for i in range(1_000))
    article = clean(_page(f"<p {attributes}>{PROSE}</p>"), Settings())
    assert PROSE.strip() in article.text


def test_attributes_are_counted_per_tag() -> None:
    many_tags = "".join(f'<span class="c{i}" id="i{i}">w{i}</span> ' for i in range(5_000))
    article = clean(_page(f"<p>{many_tags}</p>"), Settings())
    assert "w4999" in article.text


# --- dates: 20,000 in one text (was 49 s) ------------------------------------------------------


def test_twenty_thousand_dates_are_found_once_each() -> None:
    dates = " ".join(f"{1 + i % 28} March 2020" for i in range(20_000))
    assert len(find_dates(dates)) == 20_000
    article = clean(_text(PROSE * 3 + "\n" + dates), Settings())
    assert article.published is not None and article.published.year == 2020


def test_overlapping_time_matches_keep_the_longest() -> None:
    found = [_Found(i * 10, i * 10 + 8, "day") for i in range(20_000)]
    found += [_Found(i * 10 + 2, i * 10 + 4, "day") for i in range(20_000)]  # inside: dropped
    found += [_Found(i * 10 + 6, i * 10 + 12, "day") for i in range(20_000)]  # overlaps: dropped
    chosen = _choose(found)
    assert [(f.start, f.end) for f in chosen] == [(i * 10, i * 10 + 8) for i in range(20_000)]


# --- a folder with a symbolic-link loop (never ended, memory growing) ------------------------


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("one")
    (tmp_path / "a" / "b" / "two.txt").write_text("two")
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "top").symlink_to(tmp_path)
    return tmp_path


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders os.scandir is asked to read, in order."""
    reads: list[str] = []
    scandir = os.scandir

    def counted(path: str | os.PathLike[str] = ".") -> object:
        reads.append(os.path.realpath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    return reads


@pytest.mark.parametrize("pattern", ["", "/**", "/**/*.txt", "/*/b/*", "/**/b/**"])
def test_a_link_loop_is_walked_once(
    looped: Path, pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings({"ingest.follow_symlinks": True})
    reads = _reads(monkeypatch)
    found = list(expand(f"{looped}{pattern}", settings))
    names = sorted(p.name for p in found if isinstance(p, Path))
    assert set(names) <= {"one.txt", "two.txt"} and "two.txt" in names
    assert len(found) == len(set(found))  # each file given once
    parts = max(1, pattern.count("/"))  # the glob reads a folder once per part of it
    assert all(reads.count(folder) <= parts + 1 for folder in set(reads))  # + the walk's


def test_a_glob_does_not_follow_links_unless_asked(looped: Path) -> None:
    found = list(expand(f"{looped}/**/*.txt", Settings()))
    assert sorted(str(p) for p in found) == [
        str(looped / "a" / "b" / "two.txt"),
        str(looped / "a" / "one.txt"),
    ]
