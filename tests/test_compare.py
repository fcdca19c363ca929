"""rashomon compare: claim alignment, verdicts, contradictions, headline checks, provenance.

The seeds are checked against expected.json "story"; the contradiction pairs in
tests/fixtures/compare differ in exactly one fact each (see the README there)."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.compare import compare_story
from rashomon.compare.align import Link, groups_of
from rashomon.compare.conflicts import compatible as numbers_compatible
from rashomon.compare.headlines import quotation_words
from rashomon.compare.units import parse_number
from rashomon.compare.words import stem
from rashomon.model import Comparison, Doc, Story
from rashomon.pipeline import compare_inputs, story_inputs
from rashomon.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "compare"
SEED_NAMES = ["000_b336833760f4749c.txt", "001_e0f29892ad68ab7a.txt"]
FIRST, SECOND = SEED_NAMES


def _seeds() -> list[str]:
    return [str(EXAMPLES / name) for name in SEED_NAMES]


def _named(source: str) -> str:
    return Path(source).name


def _one_story(
    paths: list[str], published: list[date] | None = None
) -> tuple[Comparison, dict[str, Doc]]:
    """Annotate `paths` and compare them as one story (whatever the clustering says), each
    published on the day given (if any)."""
    settings = Settings()
    stories, results = story_inputs(paths, settings)
    docs = {r.record.article.origin: r.record for r in results if isinstance(r.record, Doc)}
    for path, day in zip(paths, published or [], strict=False):
        doc = docs[path]
        docs[path] = replace(doc, article=replace(doc.article, published=day))
    base = next(s for s in stories if len(s.articles) == max(len(t.articles) for t in stories))
    articles = tuple(dict.fromkeys([*base.articles, *docs]))
    story = Story(base.id, base.label, articles, base.outlets, base.event_date, dates=base.dates)
    return compare_story(story, docs, settings), docs


@pytest.fixture(scope="module")
def seeds() -> tuple[Comparison, dict[str, Doc]]:
    comparisons, docs, _ = compare_inputs(_seeds(), Settings())
    assert len(comparisons) == 1, "the two seeds are one story"
    return comparisons[0], docs


def _covers(claim_text: str, wanted: str) -> bool:
    a, b = " ".join(claim_text.split()), " ".join(wanted.split())
    return b in a or a in b


# -- the seeds against expected.json ---------------------------------------------------------


def test_seed_agreements(seeds, expected) -> None:
    comparison, _ = seeds
    agree = [g for g in comparison.groups if g.verdict == "agree"]
    for item in expected["story"]["agree"]:
        found = [
            g
            for g in agree
            if any(_named(c.source) == FIRST and _covers(c.text, item[FIRST]) for c in g.claims)
            and any(_named(c.source) == SECOND and _covers(c.text, item[SECOND]) for c in g.claims)
        ]
        assert found, f"no agreement for {item['claim']!r}"
        assert len(found[0].outlets) == 2


def test_seed_only_in_each_side(seeds, expected) -> None:
    comparison, _ = seeds
    for side, items in expected["story"]["only_in"].items():
        for wanted in items:
            holding = [
                g for g in comparison.groups if any(_covers(c.text, wanted) for c in g.claims)
            ]
            assert holding, f"{wanted!r} is in no group"
            for g in holding:
                assert g.verdict == "only_in", f"{wanted!r}: {g.verdict} ({g.reason})"
                assert {_named(c.source) for c in g.claims} == {side}
                assert len(g.missing) == 1 and g.missing[0] != g.outlets[0]


def test_seed_no_contradiction(seeds) -> None:
    comparison, _ = seeds
    assert [g for g in comparison.groups if g.verdict == "contradict"] == []


def test_seed_headlines(seeds, expected) -> None:
    comparison, _ = seeds
    checks = {_named(h.source): h for h in comparison.headlines}
    for item in expected["story"]["headlines"]:
        check = checks[item["file"]]
        if item["supported_by_own_body"]:
            assert check.verdict == "supported", check
            assert check.evidence is not None and item["support"] in check.evidence.text
        else:
            assert check.verdict == "unsupported", check
            closest = item["closest_support"]
            assert check.elsewhere is not None and _named(check.elsewhere.source) == closest["file"]
            assert check.elsewhere.text.startswith(closest["starts"])
            assert check.elsewhere_verdict in ("partly", "supported")
    assert checks[FIRST].quotation, "the first headline is worded as a quotation"
    assert not checks[SECOND].quotation


def test_seed_provenance(seeds) -> None:
    comparison, _ = seeds
    by_file = {_named(p.source): p for p in comparison.provenance}
    assert by_file[FIRST].via == ()
    relays = dict(by_file[SECOND].via)
    assert len(relays) == 1
    relay, count = next(iter(relays.items()))
    assert "Defence" in relay and count == 3
    assert comparison.relays == ((relay, (by_file[SECOND].outlet,)),)
    for p in comparison.provenance:
        assert p.attributed_quotes > 0 and p.unattributed_quotes == 0


def test_every_verdict_points_at_its_words(seeds) -> None:
    comparison, docs = seeds
    refs = [c for g in comparison.groups for c in g.claims]
    refs += [h.evidence for h in comparison.headlines if h.evidence]
    refs += [h.elsewhere for h in comparison.headlines if h.elsewhere]
    assert refs
    for ref in refs:
        assert docs[ref.source].article.text[ref.start : ref.end] == ref.text


def test_every_claim_is_in_exactly_one_group(seeds) -> None:
    comparison, docs = seeds
    placed = [(c.source, c.start, c.end) for g in comparison.groups for c in g.claims]
    claims = [(s, c.start, c.end) for s, d in docs.items() for c in d.claims]
    assert sorted(placed) == sorted(claims)


def test_a_folded_copy_counts_once(tmp_path) -> None:
    original = (EXAMPLES / SECOND).read_text("utf-8")
    copy = tmp_path / "copy_of_second.txt"
    copy.write_text(original.replace("Get the latest news", "Read the latest news"), "utf-8")
    comparisons, _, _ = compare_inputs([*_seeds(), str(copy)], Settings())
    assert len(comparisons) == 1
    comparison = comparisons[0]
    pair = {str(copy), str(EXAMPLES / SECOND)}
    folded = [c for c, original in comparison.story.duplicates if {c, original} == pair]
    assert len(folded) == 1, "one of the two is folded into the other"
    sources = {c.source for g in comparison.groups for c in g.claims}
    assert folded[0] not in sources and (pair - set(folded)) <= sources
    agree = [g for g in comparison.groups if g.verdict == "agree"]
    assert agree and all(len(g.outlets) == 2 for g in agree)


# -- contradictions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pair", "kind", "facts"),
    [
        ("storm", "number", {"12 people", "15 people"}),
        ("trade", "date", {"2025-03-03", "2025-03-04"}),
        ("border", "negation", None),
        ("farm", "speaker", {"Annie Genevard", "Michel Barnier"}),
        ("talks", "place", {"Geneva", "Vienna"}),
        ("prices", "predicate", {"rose", "fell"}),
    ],
)
def test_a_contradiction_names_the_conflicting_facts(pair, kind, facts) -> None:
    comparison, _ = _one_story([str(FIXTURES / f"{pair}_a.txt"), str(FIXTURES / f"{pair}_b.txt")])
    contradict = [g for g in comparison.groups if g.verdict == "contradict"]
    assert len(contradict) == 1, [g.reason for g in contradict]
    group = contradict[0]
    assert [c.kind for c in group.conflicts] == [kind]
    conflict = group.conflicts[0]
    if facts:
        assert {conflict.left, conflict.right} == facts
    assert kind in group.reason
    assert len({c.source for c in group.claims}) == 2
    assert [g for g in comparison.groups if g.verdict == "agree"], "the rest still agrees"


def test_a_figure_changed_overnight_is_a_later_count_not_a_contradiction() -> None:
    paths = [str(FIXTURES / "storm_a.txt"), str(FIXTURES / "storm_b.txt")]
    comparison, _ = _one_story(paths, [date(2025, 2, 4), date(2025, 2, 5)])
    assert [g.reason for g in comparison.groups if g.verdict == "contradict"] == []
    changed = [g for g in comparison.groups if g.changes]
    assert len(changed) == 1 and changed[0].verdict == "agree"
    assert {changed[0].changes[0].left, changed[0].changes[0].right} == {"12 people", "15 people"}
    assert "later count" in changed[0].reason
    same_day, _ = _one_story(paths, [date(2025, 2, 4), date(2025, 2, 4)])
    assert [g.verdict for g in same_day.groups].count("contradict") == 1


def test_different_emphasis_is_no_contradiction() -> None:
    paths = [str(FIXTURES / "summit_a.txt"), str(FIXTURES / "summit_b.txt")]
    comparison, _ = _one_story(paths)
    assert [g.reason for g in comparison.groups if g.verdict == "contradict"] == []
    assert [g for g in comparison.groups if g.verdict == "agree"]
    assert [g for g in comparison.groups if g.verdict == "only_in"]


# -- the parts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "bound"),
    [
        ("3000 troops", 3000, "troop", "="),
        ("more than 50 people", 50, "people", ">="),
        ("about 100 homes", 100, "home", "~"),
        ("up to 20 people", 20, "people", "<="),
        ("5 million USD", 5e6, "usd", "="),
        ("12%", 12, "%", "="),
        ("75th anniversary", 75, "anniversary", "="),
    ],
)
def test_numbers_parse_with_unit_and_bound(text, value, unit, bound) -> None:
    n = parse_number(text)
    assert n is not None and (n.value, n.unit, n.bound) == (value, stem(unit), bound)


def test_no_digits_no_number() -> None:
    assert parse_number("dozens of people") is None


@pytest.mark.parametrize(
    ("left", "right", "compatible"),
    [
        ("12 people", "15 people", False),
        ("12 people", "12 people", True),
        ("more than 50 people", "52 people", True),
        ("more than 50 people", "30 people", False),
        ("about 100 homes", "110 homes", True),
        ("about 100 homes", "150 homes", False),
        ("5 million USD", "5.2 million USD", True),
        ("5.1 million USD", "5.3 million USD", False),
        ("40000 homes", "42000 homes", True),
        ("41200 homes", "42000 homes", False),
        ("at least 10 people", "up to 20 people", True),
        ("at least 30 people", "up to 20 people", False),
    ],
)
def test_number_compatibility(left, right, compatible) -> None:
    a, b = parse_number(left), parse_number(right)
    assert a is not None and b is not None
    assert numbers_compatible(a, b) is compatible
    assert numbers_compatible(b, a) is compatible


@pytest.mark.parametrize(
    ("headline", "words"),
    [
        ("Minister: We will not back down", "We will not back down"),
        ('Minister: "Talks have failed"', "Talks have failed"),
        ("“We have no choice,” says the chancellor", "We have no choice,"),
        ("Minister resigns after scandal", None),
        ("Analysis: the vote that changed the party", None),
    ],
)
def test_quotation_headlines(headline, words) -> None:
    assert quotation_words(headline) == words


def test_stems_meet_across_inflections() -> None:
    pairs = [
        ("ministers", "minister"),
        ("talks", "talk"),
        ("closed", "closes"),
        ("agreed", "agree"),
    ]
    for a, b in pairs:
        assert stem(a) == stem(b), (a, b)
    assert stem("countries") == stem("country")
    assert stem("crisis") == "crisis"


def test_groups_are_connected_links() -> None:
    links = [Link(0, 3, 0.6, 0.6, 0.5), Link(3, 5, 0.7, 0.7, 0.5)]
    assert groups_of(6, links) == [[0, 3, 5], [1], [2], [4]]


# -- the command -----------------------------------------------------------------------------------


def test_compare_json_contract() -> None:
    out = CliRunner().invoke(app, ["compare", *_seeds(), "-f", "json", "--no-progress"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert set(payload) == {"stories", "failed"}
    story = payload["stories"][0]
    for key in ("id", "articles", "outlets", "event_date", "participants", "groups"):
        assert key in story
    for key in ("headlines", "provenance", "signals", "relays"):
        assert key in story
    assert story["event_date"] == "2024-01-31"
    verdicts = {g["verdict"] for g in story["groups"]}
    assert verdicts <= {"agree", "only_in", "contradict"} and "agree" in verdicts
    claim = story["groups"][0]["claims"][0]
    assert {"source", "text", "start", "end"} <= set(claim)
    assert {h["verdict"] for h in story["headlines"]} <= {"supported", "partly", "unsupported"}
    prov = story["provenance"][0]
    assert {"source", "via", "attributed_quotes", "unattributed_quotes"} <= set(prov)
    assert set(story["signals"]) == set(story["articles"])


def test_compare_text_markdown_and_output_file(tmp_path) -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["compare", *_seeds(), "--no-progress"])
    assert text.exit_code == 0
    assert "Claims" in text.stdout and "Headlines" in text.stdout and "2024-01-31" in text.stdout
    target = tmp_path / "report.md"
    md = runner.invoke(app, ["compare", *_seeds(), "-f", "markdown", "-o", str(target)])
    assert md.exit_code == 0
    written = target.read_text("utf-8")
    assert written.startswith("# Compared stories") and "| ✓ |" in written
    assert "### Quotes and their chains" in written and "← Ministry of Defence" in written


def test_compare_records_a_bad_input_and_goes_on(tmp_path) -> None:
    missing = tmp_path / "nowhere.txt"
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    out = CliRunner().invoke(
        app, ["compare", *_seeds(), str(missing), str(empty), "-f", "json", "--no-progress"]
    )
    assert out.exit_code == 1
    payload = json.loads(out.stdout)
    assert {Path(f["source"]).name for f in payload["failed"]} == {"nowhere.txt", "empty.txt"}
    assert payload["stories"] and payload["stories"][0]["groups"]


def test_reports_in_other_languages_agree_sentence_by_sentence() -> None:
    """German (no model reads it) and Russian (names and dates by natasha, no claim finder)
    reports of the seeds' event are compared sentence by sentence: their sentence on the call
    joins the English claims on it, and nothing is called a contradiction."""
    stories = Path(__file__).parent / "fixtures" / "stories"
    german, russian = stories / "de_defence_call.txt", stories / "ru_defence_call.txt"
    comparison, _ = _one_story([*_seeds(), str(german), str(russian)])
    call = [
        g
        for g in comparison.groups
        if any("video call" in c.text for c in g.claims if _named(c.source) == FIRST)
    ]
    assert len(call) == 1 and call[0].verdict == "agree"
    sources = {_named(c.source) for c in call[0].claims}
    assert {FIRST, SECOND, german.name, russian.name} <= sources
    assert [g.reason for g in comparison.groups if g.verdict == "contradict"] == []


def test_numbers_of_unread_languages() -> None:
    from rashomon.compare.units import _numbers_in

    text = (
        "Sachschaden von mindestens 10 000 Euro; bei 11'235 Personen, 1689 sind genesen; "
        "5,9 Prozent; 1 milyon 783 bini; Twój adres IP: 207.241.231.132 oraz bando 5 casas"
    )
    assert _numbers_in(text) == [
        "mindestens 10000 Euro",
        "11235 Personen",
        "1689 sind",
        "5.9 Prozent",
        "5 casas",
    ]
    bounded = parse_number("mindestens 10000 Euro")
    assert bounded is not None and bounded.bound == ">="


def test_a_bare_count_takes_the_verb_before_it() -> None:
    from rashomon.compare.units import _counted

    twenty = parse_number("20")
    twenty_six = parse_number("26")
    assert twenty is not None and twenty_six is not None
    left = _counted(twenty, "The gunman killed 20 people before police shot him")
    right = _counted(twenty_six, "A soldier killed 26 in a shooting rampage")
    assert left.unit == right.unit == "^" + stem("killed")
    assert not numbers_compatible(left, right)
    assert _counted(twenty, "It was one of 20").unit == ""  # a function word says nothing


def test_a_story_of_one_outlet_says_so() -> None:
    comparison, _ = _one_story([str(FIXTURES / "summit_a.txt")])
    assert {g.verdict for g in comparison.groups} == {"only_in"}
    assert all("no other outlet reports this story" in g.reason for g in comparison.groups)
    assert all(g.missing == () for g in comparison.groups)
    out = CliRunner().invoke(app, ["compare", str(FIXTURES / "summit_a.txt"), "--no-progress"])
    assert out.exit_code == 0 and "One outlet only" in out.stdout


def test_a_headline_backed_by_two_sentences_of_its_body() -> None:
    """ "Protesters greet Nordic leaders in Oslo": the leaders in Oslo are in one sentence,
    the protesters in another; together they back the headline partly, never one alone."""
    paths = [str(FIXTURES / "summit_a.txt"), str(FIXTURES / "summit_b.txt")]
    comparison, docs = _one_story(paths)
    check = next(h for h in comparison.headlines if h.source == paths[1])
    assert check.evidence is not None and check.also is not None
    texts = check.evidence.text + " " + check.also.text
    assert "Oslo" in texts and "protesters" in texts
    assert check.verdict in ("partly", "supported")
    text = docs[paths[1]].article.text
    assert text[check.also.start : check.also.end] == check.also.text
    supported = next(h for h in comparison.headlines if h.source == paths[0])
    assert supported.also is None or supported.verdict != "supported"


def test_reading_reports_count_what_they_leave_out() -> None:
    runner = CliRunner()
    capped = runner.invoke(app, ["-s", "compare.only_in_shown=2", "compare", *_seeds()])
    assert capped.exit_code == 0
    assert "more claims only in Sputnik" in capped.stdout
    md = runner.invoke(
        app, ["-s", "compare.only_in_shown=2", "compare", *_seeds(), "-f", "markdown"]
    )
    rows = [line for line in md.stdout.splitlines() if line.startswith("| ● |")]
    assert len(rows) == 4 and "more claims only in" in md.stdout
    full = runner.invoke(app, ["compare", *_seeds(), "-f", "markdown", "--no-progress"])
    assert "more claims only in" not in full.stdout
    assert "succeeded Gen\\. Li Shangfu" in full.stdout


def test_a_story_of_many_outlets_letters_them_in_the_terminal() -> None:
    from rashomon.report.compare import write

    paths = sorted(str(p) for p in FIXTURES.glob("*.txt"))
    assert len(paths) > 8
    comparison, docs = _one_story(paths)
    out = io.StringIO()
    write([comparison], docs, [], "text", out, 0)
    report = out.getvalue()
    assert f"{len(paths)} outlets, lettered under the claims table" in report
    assert "A = unknown: " in report and "outlets" in report
    md = io.StringIO()
    write([comparison], docs, [], "markdown", md, 0)
    assert "| | claim | A | B |" in md.getvalue()
