"""Headlines that say more than their body: a larger figure, a dropped bound, a dropped
hedge, an allegation stated as fact (rashomon/compare/overstate.py), and the headlines that
must not be flagged: figures the two can both mean, questions, list counts, hedged or
attributed headlines. Each report is annotated by the real pipeline and compared on its own."""

from __future__ import annotations

import io
import json

import pytest

from rashomon.annotate import annotate_stream
from rashomon.compare import compare_story
from rashomon.model import Article, Comparison, Doc, HeadlineCheck, Story, content_id
from rashomon.report import compare as compare_report
from rashomon.report.compare_html import write_html
from rashomon.settings import Settings

TAIL = (
    " Emergency services worked through the night. Local officials promised an inquiry into"
    " the response. Schools in the area will stay closed on Wednesday."
)
FLOODS = "Floods killed 30 people in northern Spain on Tuesday." + TAIL

CASES = {
    "larger": ("Floods kill 50 in northern Spain", FLOODS),
    "bound": (
        "Storm leaves 200 homes without power",
        "The storm left up to 200 homes without power in the valley on Monday." + TAIL,
    ),
    "about": (
        "Floods kill about 40 in northern Spain",
        "Floods killed 38 people in northern Spain on Tuesday." + TAIL,
    ),
    "same": ("Floods kill 30 in northern Spain", FLOODS),
    "smaller": ("Floods kill 20 in northern Spain", FLOODS),
    "hedge": (
        "Russia used chemical weapons in eastern Ukraine",
        "Russia may have used chemical weapons in eastern Ukraine last month." + TAIL,
    ),
    "hedged": (
        "Russia may have used chemical weapons in eastern Ukraine",
        "Moscow may have used chemical weapons in eastern Ukraine last month." + TAIL,
    ),
    "allegation": (
        "Chemical company dumped toxic waste into the river",
        "Residents alleged that the chemical company dumped toxic waste into the river." + TAIL,
    ),
    "question": ("Did floods kill 50 in northern Spain?", FLOODS),
    "list": (
        "10 ways floods changed northern Spain",
        "Floods killed 3 people in northern Spain on Tuesday, in two ways." + TAIL,
    ),
    "quotation": (
        "Mayor: floods kill 50 in northern Spain",
        "Floods killed 30 people in northern Spain on Tuesday, the mayor said." + TAIL,
    ),
}


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[Comparison, Doc]]:
    settings = Settings()
    articles = [
        Article(
            id=content_id(f"{title}\n{text}".encode()),
            origin=name,
            text=text,
            title=title,
            language="en",
            extractor="as-is",
        )
        for name, (title, text) in CASES.items()
    ]
    found = {}
    for article, doc in zip(articles, annotate_stream(articles, settings), strict=True):
        assert isinstance(doc, Doc)
        story = Story(article.origin, article.title or "", (article.origin,))
        found[article.origin] = (compare_story(story, {article.origin: doc}, settings), doc)
    return found


def _check(checked, name: str) -> HeadlineCheck:
    (check,) = checked[name][0].headlines
    return check


def test_a_larger_figure_than_the_body_gives_is_an_overstatement(checked):
    (found,) = _check(checked, "larger").overstates
    assert found.kind == "number"
    assert (found.headline, found.body) == ("50", "30 people")
    assert "more than" in found.why
    doc = checked["larger"][1]
    assert doc.article.text[found.evidence.start : found.evidence.end] == found.evidence.text
    assert "30 people" in found.evidence.text


def test_dropping_the_bodys_upper_bound_is_an_overstatement(checked):
    (found,) = _check(checked, "bound").overstates
    assert found.kind == "number"
    assert found.body == "up to 200 homes"
    assert "upper bound" in found.why


@pytest.mark.parametrize("name", ["about", "same", "smaller"])
def test_figures_both_can_mean_or_a_smaller_one_are_not_flagged(checked, name):
    check = _check(checked, name)
    assert check.verdict != "unsupported", "the body backs the headline"
    assert check.overstates == ()


def test_a_hedge_the_headline_drops_is_an_overstatement(checked):
    (found,) = _check(checked, "hedge").overstates
    assert found.kind == "hedge"
    assert found.body == "may"
    assert "may have used" in found.evidence.text


def test_an_allegation_stated_as_fact_is_an_overstatement(checked):
    (found,) = _check(checked, "allegation").overstates
    assert found.kind == "attribution"
    assert "alleged" in found.body


@pytest.mark.parametrize("name", ["hedged", "question", "list"])
def test_hedged_questions_and_list_counts_are_not_flagged(checked, name):
    assert _check(checked, name).overstates == ()


def test_an_attributed_headline_still_has_its_figures_read(checked):
    # "Mayor: …" attributes: no hedge or allegation is asked of it, but its figure is weighed
    check = _check(checked, "quotation")
    assert [o.kind for o in check.overstates] == ["number"]


def test_the_reports_carry_the_overstatement_and_its_words(checked):
    comparison, doc = checked["larger"]
    record = compare_report.record(comparison)
    (headline,) = record["headlines"]
    (found,) = headline["overstates"]
    assert found["kind"] == "number" and found["evidence"]["text"].startswith("Floods killed 30")
    json.dumps(record)  # JSON-ready
    out = io.StringIO()
    write_html([comparison], {doc.article.origin: doc}, out)
    page = out.getvalue()
    assert "overstates: number" in page
    assert "is more than the body" in page
