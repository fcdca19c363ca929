"""Time expressions: finding, normalising, resolving, and the words that only look like dates."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SEEDS

from rashomon.annotate.times import find_times, resolve
from rashomon.model import TimeExpr

JAN31 = date(2024, 1, 31)  # a Wednesday


def times(nlp, text: str, anchor: date | None = JAN31) -> list[TimeExpr]:
    found = find_times(nlp(text), anchor)
    for t in found:
        assert text[t.start : t.end] == t.text
    assert [t.start for t in found] == sorted(t.start for t in found)
    return found


def one(nlp, text: str, phrase: str, anchor: date | None = JAN31) -> TimeExpr:
    hits = [t for t in times(nlp, text, anchor) if t.text == phrase]
    assert len(hits) == 1, (phrase, times(nlp, text, anchor))
    return hits[0]


def covers(found: list[TimeExpr], text: str, phrase: str) -> bool:
    start = text.index(phrase)
    end = start + len(phrase)
    return any(t.start < end and start < t.end for t in found)


# --- the seed reports ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_000(nlp) -> tuple[str, list[TimeExpr]]:
    path = SEEDS / "000_b336833760f4749c.txt"
    if not path.is_file():
        pytest.skip(f"shared data not found at {SEEDS}")
    text = path.read_text("utf-8")
    return text, find_times(nlp(text), None)


def by_text(found: list[TimeExpr], phrase: str) -> TimeExpr:
    return next(t for t in found if t.text == phrase)


def test_seed_000_wednesday_is_left_relative_then_resolves(seed_000) -> None:
    _, found = seed_000
    wednesday = by_text(found, "Wednesday")
    assert wednesday.value is None
    assert wednesday.anchor == "none"
    assert wednesday.relative == {"unit": "weekday", "weekday": 2, "shift": 0}
    placed = resolve(wednesday, JAN31)
    assert placed.value == "2024-01-31"
    assert placed.granularity == "day"
    assert placed.anchor != "none"


@pytest.mark.parametrize(
    ("phrase", "value", "granularity"),
    [
        ("Wednesday", "2024-01-31", "day"),
        ("last month", "2023-12", "month"),
        ("last October", "2023-10", "month"),
        ("this year", "2024", "year"),
    ],
)
def test_seed_000_resolves_against_the_story_date(seed_000, phrase, value, granularity) -> None:
    _, found = seed_000
    t = by_text(found, phrase)
    assert t.value is None and t.anchor == "none" and t.relative
    placed = resolve(t, JAN31)
    assert (placed.value, placed.granularity) == (value, granularity)


def test_seed_000_offsets_and_traps(seed_000) -> None:
    text, found = seed_000
    for t in found:
        assert text[t.start : t.end] == t.text
    for trap in ("Dong Jun", "75th anniversary", "We will support"):
        assert not covers(found, text, trap), trap


def test_seed_000_anchored(nlp, seed_000) -> None:
    text, _ = seed_000
    found = find_times(nlp(text), JAN31)
    assert by_text(found, "this year").value == "2024"
    assert by_text(found, "this year").anchor == "published"
    assert by_text(found, "Wednesday").value == "2024-01-31"


def test_seed_001(nlp) -> None:
    text = (
        "On January 31, the Russian and Chinese defense ministers held talks via "
        "videoconference.\n\nHe noted that the US and other Western countries have been trying "
        "to isolate Russia in recent years; China understands this."
    )
    jan = one(nlp, text, "January 31")
    assert (jan.value, jan.granularity, jan.anchor) == ("2024-01-31", "day", "published")
    vague = one(nlp, text, "in recent years")
    assert (vague.value, vague.granularity, vague.anchor, vague.relative) == (
        None,
        "vague",
        "none",
        None,
    )
    assert resolve(vague, JAN31) == vague


def test_yearless_date_without_anchor_is_relative(nlp) -> None:
    t = one(nlp, "On January 31, the ministers held talks.", "January 31", None)
    assert t.value is None and t.anchor == "none"
    assert t.relative is not None
    assert (t.relative["month"], t.relative["day"]) == (1, 31)
    assert resolve(t, JAN31).value == "2024-01-31"


# --- kinds of expression --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value", "granularity", "anchor"),
    [
        (
            "The deal was signed on 31.01.2024 in Moscow.",
            "31.01.2024",
            "2024-01-31",
            "day",
            "absolute",
        ),
        (
            "The deal was signed on 2024-01-31 in Moscow.",
            "2024-01-31",
            "2024-01-31",
            "day",
            "absolute",
        ),
        (
            "The deal was signed on 1/31/2024 in Moscow.",
            "1/31/2024",
            "2024-01-31",
            "day",
            "absolute",
        ),
        (
            "The deal was signed on 31/1/2024 in Moscow.",
            "31/1/2024",
            "2024-01-31",
            "day",
            "absolute",
        ),
        (
            "The deal was signed on January 31, 2024.",
            "January 31, 2024",
            "2024-01-31",
            "day",
            "absolute",
        ),
        (
            "The deal was signed on 31 January 2024.",
            "31 January 2024",
            "2024-01-31",
            "day",
            "absolute",
        ),
        ("The deal was signed on Jan. 5, 2023.", "Jan. 5, 2023", "2023-01-05", "day", "absolute"),
        ("The talks began in March 2023.", "March 2023", "2023-03", "month", "absolute"),
        ("The talks began in 2019.", "2019", "2019", "year", "absolute"),
        ("Relations soured in the 1990s.", "the 1990s", "199", "decade", "absolute"),
        ("Profits fell in Q3 2023.", "Q3 2023", "2023-Q3", "quarter", "absolute"),
        ("They met yesterday.", "yesterday", "2024-01-30", "day", "published"),
        ("They meet today.", "today", "2024-01-31", "day", "published"),
        ("They will meet next Tuesday.", "next Tuesday", "2024-02-06", "day", "published"),
        ("They met last Wednesday.", "last Wednesday", "2024-01-24", "day", "published"),
        ("They met on Monday.", "Monday", "2024-01-29", "day", "published"),
        ("They spoke last month.", "last month", "2023-12", "month", "published"),
        ("They spoke earlier this month.", "earlier this month", "2024-01", "month", "published"),
        ("They spoke last week.", "last week", "2024-W04", "week", "published"),
        ("He was removed last October.", "last October", "2023-10", "month", "published"),
        ("Prices rose last year.", "last year", "2023", "year", "published"),
        ("Prices rose this year.", "this year", "2024", "year", "published"),
        ("The treaty was signed three years ago.", "three years ago", "2021", "year", "published"),
        ("They met on January 31.", "January 31", "2024-01-31", "day", "published"),
    ],
)
def test_expression_kinds(nlp, text, phrase, value, granularity, anchor) -> None:
    t = one(nlp, text, phrase)
    assert (t.value, t.granularity, t.anchor) == (value, granularity, anchor)


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("The summit ran from January 5 to 10.", "from January 5 to 10", "2024-01-05/2024-01-10"),
        ("Output fell between 2019 and 2021.", "between 2019 and 2021", "2019/2021"),
        ("The fair ran January 29-February 2.", "January 29-February 2", "2024-01-29/2024-02-02"),
        ("The fair ran 5-10 March 2023.", "5-10 March 2023", "2023-03-05/2023-03-10"),
        ("It rained from March to May 2023.", "from March to May 2023", "2023-03/2023-05"),
        (
            "It ran from December 29 to January 2.",
            "from December 29 to January 2",
            "2023-12-29/2024-01-02",
        ),
        ("The war of 2008-09 was short.", "2008-09", "2008/2009"),
    ],
)
def test_ranges(nlp, text, phrase, value) -> None:
    t = one(nlp, text, phrase)
    assert (t.value, t.granularity) == (value, "range")


def test_range_without_anchor_resolves(nlp) -> None:
    t = one(nlp, "The summit ran from January 5 to 10.", "from January 5 to 10", None)
    assert t.value is None and t.anchor == "none" and t.granularity == "range"
    assert resolve(t, JAN31).value == "2024-01-05/2024-01-10"


@pytest.mark.parametrize(
    "phrase",
    ["in recent years", "recently", "for decades", "soon", "in the coming weeks", "years ago"],
)
def test_vague_expressions_never_resolve(nlp, phrase) -> None:
    text = f"Tensions have grown {phrase}, officials said."
    t = one(nlp, text, phrase)
    assert (t.value, t.granularity, t.anchor, t.relative) == (None, "vague", "none", None)
    assert resolve(t, JAN31).value is None


@pytest.mark.parametrize(
    ("relative", "anchor", "value"),
    [
        ({"unit": "weekday", "weekday": 2, "shift": 0}, date(2024, 2, 1), "2024-01-31"),
        (
            {"unit": "weekday", "weekday": 2, "shift": 0, "tense": "future"},
            date(2024, 2, 1),
            "2024-02-07",
        ),
        ({"unit": "weekday", "weekday": 2, "shift": -1}, JAN31, "2024-01-24"),
        ({"unit": "weekday", "weekday": 2, "shift": 1}, JAN31, "2024-02-07"),
        ({"unit": "month", "shift": -1}, JAN31, "2023-12"),
        ({"unit": "quarter", "shift": -1}, JAN31, "2023-Q4"),
        ({"month": 10, "shift": -1}, JAN31, "2023-10"),
        ({"month": 10, "shift": -1}, date(2024, 11, 15), "2024-10"),
        ({"month": 3, "shift": 1}, JAN31, "2024-03"),
        ({"month": 8, "day": 15}, JAN31, "2023-08-15"),  # over six months ahead: last year
        ({"month": 6, "day": 15}, JAN31, "2024-06-15"),
        ({"month": 8, "shift": 0, "tense": "future"}, JAN31, "2024-08"),
        ({"month": 12, "day": 5, "tense": "past"}, date(2024, 6, 1), "2023-12-05"),
        ({"quarter": 3}, date(2024, 11, 1), "2024-Q3"),
    ],
)
def test_resolve(relative, anchor, value) -> None:
    t = TimeExpr(0, 4, "word", None, "day", "none", relative)
    assert resolve(t, anchor).value == value


def test_resolve_leaves_placed_expressions_alone() -> None:
    t = TimeExpr(0, 10, "2024-01-31", "2024-01-31", "day", "absolute")
    assert resolve(t, date(2020, 1, 1)) is t


def test_future_tense_weekday_looks_forward(nlp) -> None:
    t = one(nlp, "The ministers will meet on Friday.", "Friday")
    assert t.value == "2024-02-02"


# --- precision: names and words that are not dates ----------------------------------------


@pytest.mark.parametrize(
    ("text", "trap"),
    [
        ("Chinese Defense Minister Dong Jun held a video call.", "Dong Jun"),
        ("We will support Russia, the minister said.", "We"),
        ("Wed by the river, the couple left.", "Wed"),
        ("He may go to Moscow if the talks fail.", "may"),
        ("May God bless the troops, he said.", "May"),
        ("The march through the capital was peaceful.", "march"),
        ("Protesters march through the capital.", "march"),
        ("The Sun reported the story first.", "Sun"),
        ("This year marks the 75th anniversary of relations.", "75th anniversary"),
        ("The minister, who is 75 years old, spoke.", "75 years old"),
        ("The two countries fought for three years.", "three years"),
        ("USA Today reported the story.", "Today"),
        ("June Carter sang at the event.", "June"),
        ("China launched a Long March 5 rocket.", "March 5"),
        ("About 2000 people attended the rally.", "2000"),
        ("He left as soon as the call ended.", "soon"),
        ("He appeared on This Week with the host.", "This Week"),
        ("Crowds gathered on Ash Wednesday.", "Wednesday"),
    ],
)
def test_traps(nlp, text, trap) -> None:
    assert not covers(times(nlp, text), text, trap)


def test_traps_do_not_hide_real_dates(nlp) -> None:
    text = "The march in March drew crowds; he may return in May."
    found = times(nlp, text)
    # "drew" is past: the latest March on or before the date; "may return" has no tense
    assert [(t.text, t.value) for t in found] == [("March", "2023-03"), ("May", "2024-05")]


def test_empty_and_dateless_text(nlp) -> None:
    assert times(nlp, "") == []
    assert times(nlp, "The ministers discussed security and trade.") == []


def test_all_results_have_offsets_into_text(nlp) -> None:
    text = (
        "On Wednesday, January 31, 2024, Dong Jun spoke. Last week, in mid-March and from "
        "2019 to 2021 nothing happened; 31.01.2024 and 1/31/2024 are dates, for decades."
    )
    found = times(nlp, text)
    assert len(found) >= 6
    for t in found:
        assert t.produced_by == "rashomon.times.v1"
        assert t.granularity in {
            "day",
            "week",
            "month",
            "quarter",
            "year",
            "decade",
            "range",
            "vague",
        }
