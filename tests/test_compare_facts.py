"""The fact rules of compare (issue 19): short hand-written pairs of reports, each stating one
fact two ways, compared as one story. Each rule has a pair that must conflict and one that
must not, and `compare.fact_rules = false` shows the earlier verdict."""

from __future__ import annotations

from datetime import date

import pytest

from rashomon.annotate import annotate_stream, annotate_texts
from rashomon.compare import compare_story
from rashomon.compare.units import is_furniture, parse_number, units_of
from rashomon.model import Article, Comparison, Conflict, Doc
from rashomon.settings import Settings
from rashomon.stories import features_for, story_of


def _compare(
    left: str,
    right: str,
    language: str | None = None,
    published: date | None = None,
    title: str | None = None,
    **changes,
) -> Comparison:
    """Two one-outlet reports of one story (in `language`, published on `published` when
    given), compared with the settings changed by `changes`."""
    settings = Settings().replace(**changes)
    articles = [
        Article(
            id=name, origin=name, text=text, language=language, published=published, title=title
        )
        for name, text in (("a.txt", left), ("b.txt", right))
    ]
    docs = [d for d in annotate_stream(articles, settings) if isinstance(d, Doc)]
    story = story_of(docs, [], features_for(docs, settings))
    return compare_story(story, {d.article.origin: d for d in docs}, settings)


def _conflicts(comparison: Comparison) -> list[Conflict]:
    return [c for g in comparison.groups for c in g.conflicts]


def _kinds(comparison: Comparison) -> list[str]:
    return [c.kind for c in _conflicts(comparison)]


TAIL = " Rescue teams searched the area through the night, officials said."


# -- numbers ----------------------------------------------------------------------------------


def test_money_with_scale_words_conflicts() -> None:
    found = _compare(
        "Tesla was valued at $135 bn on the stock market on Monday." + TAIL,
        "Tesla was valued at $185.5 bn on the stock market on Monday." + TAIL,
    )
    assert _kinds(found) == ["number"]
    conflict = _conflicts(found)[0]
    assert {conflict.left, conflict.right} == {"$135 bn", "$185.5 bn"}


def test_the_same_money_in_other_words_agrees() -> None:
    found = _compare(
        "Tesla was valued at $135 bn on the stock market on Monday." + TAIL,
        "Tesla was valued at $135 billion on the stock market on Monday." + TAIL,
    )
    assert _kinds(found) == []


def test_money_reads_its_currency_and_scale() -> None:
    docs = annotate_texts(["Tesla was valued at $185.5 bn on Monday."], Settings())
    (unit,) = units_of(docs, ["x"])
    (number,) = unit.numbers
    assert (number.value, number.unit) == (185.5e9, "usd")


@pytest.mark.parametrize(
    ("left", "right", "conflict"),
    [
        ("About 40 people were killed", "38 people were killed", False),
        ("40 people were killed", "400 people were killed", True),
        ("Nearly 30 people were killed", "27 people were killed", False),
    ],
)
def test_approximations_and_orders_of_magnitude(left, right, conflict) -> None:
    place = " in the blast at the fuel depot in the port city."
    found = _compare(left + place + TAIL, right + place + TAIL)
    assert (_kinds(found) == ["number"]) is conflict


def test_percentages_on_the_same_day_conflict() -> None:
    found = _compare(
        "The S&P 500 index rose 4.48% on Monday as markets rallied." + TAIL,
        "The S&P 500 index rose 7.03% on Monday as markets rallied." + TAIL,
    )
    assert _kinds(found) == ["number"]


SHORT = "Thai soldier who killed 20 is shot dead."
LONG = (
    "Thai police on Sunday shot dead a soldier who killed 26 people and wounded 57 in the "
    "worst mass shooting in the country's history."
)


def test_a_count_inside_a_longer_claim_conflicts() -> None:
    found = _compare(SHORT + TAIL, LONG + TAIL)
    assert "number" in _kinds(found)
    anchor = _compare(SHORT + TAIL, LONG + TAIL, compare__fact_rules=False)
    assert _kinds(anchor) == [], "main's rules do not see it"


def test_rows_of_a_table_are_not_a_conflict() -> None:
    found = _compare(
        "Loans from 60,001 soles to 90,000 soles have 30% coverage per borrower under the fund."
        + TAIL,
        "Loans from 30,001 soles to 60,000 soles have 70% coverage per borrower under the fund."
        + TAIL,
    )
    assert "number" not in _kinds(found)


def test_a_denied_figure_states_nothing_against_another() -> None:
    found = _compare(
        "Stonoga did not pay the bail of 500,000 zlotys set by the court in Warsaw." + TAIL,
        "Stonoga paid the bail of 200,000 zlotys set by the court in Warsaw." + TAIL,
    )
    assert "number" not in _kinds(found)


# -- dates --------------------------------------------------------------------------------------


def test_two_weekdays_for_one_event_conflict() -> None:
    found = _compare(
        "The tank trailer rolled off the deck of the landing craft early Saturday north of "
        "Campbell River due to heavy wave action." + TAIL,
        "Heavy wave action caused the tank trailer to roll off the deck of the landing craft "
        "north of Campbell River on Monday." + TAIL,
    )
    (conflict,) = [c for c in _conflicts(found) if c.kind == "date"]
    assert "Saturday" in conflict.left and "Monday" in conflict.right
    assert conflict.why


def test_weekdays_are_read_against_the_story_calendar() -> None:
    found = _compare(
        "The tank trailer rolled off the deck of the landing craft early Saturday north of "
        "Campbell River due to heavy wave action." + TAIL,
        "Heavy wave action caused the tank trailer to roll off the deck of the landing craft "
        "north of Campbell River on Monday." + TAIL,
        published=date(2019, 12, 31),
    )
    (conflict,) = [c for c in _conflicts(found) if c.kind == "date"]
    assert "2019-12-28" in conflict.left and "2019-12-30" in conflict.right
    assert "calendar" in conflict.why


def test_the_same_weekday_agrees() -> None:
    found = _compare(
        "The tank trailer rolled off the deck of the landing craft early Saturday north of "
        "Campbell River due to heavy wave action." + TAIL,
        "Heavy wave action caused the tank trailer to roll off the deck of the landing craft "
        "north of Campbell River on Saturday." + TAIL,
    )
    assert "date" not in _kinds(found)


def test_weekday_names_in_a_language_read_sentence_by_sentence() -> None:
    said = "Es gebe keinen Grund, länger einseitig an die Verpflichtungen gebunden zu sein"
    found = _compare(
        f"{said}, erklärte Machthaber Kim Jong Un am Dienstag vor dem Zentralkomitee.",
        f"{said}, sagte Kim Jong Un am Mittwoch vor dem Zentralkomitee.",
        language="de",
    )
    (conflict,) = [c for c in _conflicts(found) if c.kind == "date"]
    assert {conflict.left, conflict.right} == {"Tuesday", "Wednesday"}


def test_a_weekday_in_brackets_dates_an_earlier_figure() -> None:
    found = _compare(
        "Die Europäische Zentralbank setzte den Referenzkurs auf 1,1193 (Dienstag: 1,1234) "
        "Dollar fest.",
        "Die Europäische Zentralbank setzte den Referenzkurs auf 1,1193 (Donnerstag: 1,1110) "
        "Dollar fest.",
        language="de",
    )
    assert "date" not in _kinds(found)


# -- every conflict explains itself ---------------------------------------------------------


def test_a_conflict_keeps_its_spans_and_why() -> None:
    found = _compare(
        "Tesla was valued at $135 bn on the stock market on Monday." + TAIL,
        "Tesla was valued at $185.5 bn on the stock market on Monday." + TAIL,
    )
    (conflict,) = _conflicts(found)
    assert len(conflict.spans) == 2 and "$135 bn" in conflict.spans[0]
    assert "$185.5 bn" in conflict.spans[1]
    assert len(conflict.starts) == 2 and conflict.why


def test_parse_number_still_reads_plain_figures() -> None:
    n = parse_number("about 100 homes")
    assert n is not None and n.bound == "~"


# -- page furniture ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Follow us on Twitter for the latest news",
        "Get our curated newsletters delivered to your inbox",
        "By registering you agree to our privacy policy, terms & conditions.",
        "Are you a print subscriber?",
        "Read or Share this story: -no-tribal-compact-before-she-gets-facts/4662135002",
        "Original-Content von: bpa, übermittelt durch news aktuell",
    ],
)
def test_page_furniture_is_never_a_claim(text) -> None:
    assert is_furniture(text)


def test_a_sentence_of_the_story_is_not_furniture() -> None:
    assert not is_furniture("The company said its newsletter reached 2 million readers.")
    assert not is_furniture("Nine people have died after floods in Jakarta.")


def test_furniture_shared_by_two_reports_is_not_an_agreement() -> None:
    form = " Get our curated newsletters delivered to your inbox."
    found = _compare(
        "Nine people died in floods in Jakarta on New Year's Eve." + form,
        "Floods killed nine people in Jakarta on New Year's Eve." + form,
    )
    texts = [c.text for g in found.groups for c in g.claims]
    assert texts and not any("newsletter" in t for t in texts)
    anchor = _compare(
        "Nine people died in floods in Jakarta on New Year's Eve." + form,
        "Floods killed nine people in Jakarta on New Year's Eve." + form,
        compare__fact_rules=False,
    )
    assert any("newsletter" in c.text for g in anchor.groups for c in g.claims)


# -- independence and headlines -------------------------------------------------------------

WIRE = "The central bank cut the reserve requirement ratio by 50 basis points, effective Jan. 6."


def test_a_wire_text_run_verbatim_is_one_source() -> None:
    found = _compare(WIRE + TAIL, WIRE + " The yuan held steady in Shanghai trading.")
    (group,) = [g for g in found.groups if g.verdict == "agree" and "reserve" in g.claims[0].text]
    assert "1 independent source" in group.reason and "same words" in group.reason
    anchor = _compare(WIRE + TAIL, WIRE + " The yuan held steady.", compare__fact_rules=False)
    (group,) = [g for g in anchor.groups if g.verdict == "agree" and "reserve" in g.claims[0].text]
    assert "2 independent outlets" in group.reason


def test_reworded_reports_stay_independent() -> None:
    found = _compare(
        WIRE + TAIL,
        "Banks must hold 50 basis points less in reserve from Jan. 6 after the central bank cut.",
    )
    reasons = [g.reason for g in found.groups if g.verdict == "agree"]
    assert reasons and all("same words" not in r for r in reasons)


def test_a_headline_is_not_its_own_evidence() -> None:
    headline = "Floods kill nine in Jakarta as rains hit the capital"
    body = f"{headline}. Rescue teams searched flooded streets in the south of the city."
    found = _compare(body, "Nine people died in floods in Jakarta.", title=headline)
    check = next(h for h in found.headlines if h.source == "a.txt")
    assert check.evidence is None or not check.evidence.text.startswith(headline)


# -- roles, negation and modality --------------------------------------------------------------


def test_one_role_given_to_two_people_conflicts() -> None:
    found = _compare(
        "Health Minister Jens Spahn announced new rules for care homes on Monday." + TAIL,
        "Health Minister Karl Lauterbach announced new rules for care homes on Monday." + TAIL,
    )
    (conflict,) = [c for c in _conflicts(found) if c.kind == "role"]
    assert {conflict.left, conflict.right} == {
        "health minister Jens Spahn",
        "health minister Karl Lauterbach",
    }
    anchor = _compare(
        "Health Minister Jens Spahn announced new rules for care homes on Monday." + TAIL,
        "Health Minister Karl Lauterbach announced new rules for care homes on Monday." + TAIL,
        compare__fact_rules=False,
    )
    assert "role" not in _kinds(anchor)


def test_a_former_holder_is_no_role_conflict() -> None:
    found = _compare(
        "Former Health Minister Jens Spahn criticised the new rules for care homes on Monday."
        + TAIL,
        "Health Minister Karl Lauterbach defended the new rules for care homes on Monday." + TAIL,
    )
    assert "role" not in _kinds(found)


def test_denied_against_confirmed_conflicts() -> None:
    found = _compare(
        "The ministry denied that Russian troops had crossed the border near Kharkiv on Monday."
        + TAIL,
        "The ministry confirmed that Russian troops had crossed the border near Kharkiv on "
        "Monday." + TAIL,
    )
    (conflict,) = [c for c in _conflicts(found) if c.kind == "negation"]
    assert conflict.why and len(conflict.spans) == 2


def test_did_not_deny_is_no_conflict_with_confirmed() -> None:
    found = _compare(
        "The ministry did not deny that Russian troops had crossed the border near Kharkiv on "
        "Monday." + TAIL,
        "The ministry confirmed that Russian troops had crossed the border near Kharkiv on "
        "Monday." + TAIL,
    )
    assert "negation" not in _kinds(found)


def test_a_hedge_is_no_conflict_with_an_assertion() -> None:
    found = _compare(
        "Russian troops may have crossed the border near Kharkiv on Monday." + TAIL,
        "Russian troops crossed the border near Kharkiv on Monday." + TAIL,
    )
    assert _kinds(found) == []
