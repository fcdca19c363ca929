"""Provenance and signals of one report: its relays and quoted speakers, its loaded or
sensational wording outside direct quotes, its stance shares, promotional lines and gaps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import SHARED

from rashomon.clean.reasons import REASONS
from rashomon.compare.provenance import describe, provenance_of, relays_of
from rashomon.compare.signals import (
    PROMOTIONAL,
    default_words,
    load_words,
    profile_line,
    signals_of,
)
from rashomon.errors import RegistryError
from rashomon.model import Article, Doc, Outlet, Quote
from rashomon.outlets.registry import identify
from rashomon.pipeline import annotate_inputs
from rashomon.settings import Settings

SEEDS = SHARED / "data" / "seeds"
BLOG = SEEDS / "000_b336833760f4749c.txt"
AGENCY = SEEDS / "001_e0f29892ad68ab7a.txt"
MINISTRY = "Ministry of Defence of the Russian Federation"

TEXTS = {
    "crackdown": (
        "Shameful regime crackdown on protesters in the capital\n\n"
        "The government detained forty protesters on Tuesday, police said.\n\n"
        '"This regime is afraid of its own people," said Anna Petrova, a lawyer for the '
        "detainees. The regime has banned all rallies since March.\n"
    ),
    "budget": (
        "Council approves new budget\n\n"
        "The city council approved the budget on Monday. The plan is a disgraceful waste of "
        "money. Officials may raise taxes next year. Critics should be ashamed. The mayor said "
        "the budget was balanced.\n"
    ),
    "roads_quoted": (
        "Minister promises new roads\n\n"
        "The roads will be finished by June, Transport Minister Maria Lopez said on Friday, as "
        "quoted by the Interior Ministry.\n\n"
        '"We have the money and the workers," Lopez said, according to the Interior Ministry.\n'
    ),
    "roads_cited": (
        "Roads to be finished by June\n\n"
        "Transport Minister Maria Lopez said the roads would be finished by June, as cited by "
        'the Interior Ministry. "Nothing will stop us," she added. A source close to the '
        "ministry said costs had doubled.\n"
    ),
}


def _annotate(paths: list[Path]) -> dict[str, Doc]:
    docs = {}
    for result in annotate_inputs([str(p) for p in paths], Settings()):
        assert isinstance(result.record, Doc), result.detail
        docs[Path(result.origin).stem] = result.record
    return docs


@pytest.fixture(scope="module")
def seeds() -> dict[str, Doc]:
    if not BLOG.is_file() or not AGENCY.is_file():
        pytest.skip(f"shared seeds not found at {SEEDS}")
    docs = _annotate([BLOG, AGENCY])
    return {"blog": docs[BLOG.stem], "agency": docs[AGENCY.stem]}


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    folder = tmp_path_factory.mktemp("reports")
    paths = []
    for name, text in TEXTS.items():
        path = folder / f"{name}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return _annotate(paths)


def _outlet_of(doc: Doc) -> Outlet:
    return identify(doc.article.url, doc.article.outlet)


def _quote(via: tuple[str, ...] = (), **fields: object) -> Quote:
    values: dict[str, object] = {
        "kind": "indirect",
        "start": 0,
        "end": 4,
        "text": "text",
        "speaker": "Jane Roe",
        "speaker_span": None,
        "cue": "said",
        "cue_span": None,
        "via": via,
    }
    values.update(fields)
    return Quote(**values)  # type: ignore[arg-type]


def _doc(*quotes: Quote) -> Doc:
    return Doc(Article(id="x", origin="made.txt", text="text"), quotes=quotes)


# ---------------------------------------------------------------- provenance of the seeds


def test_the_agency_seed_relays_the_ministry_for_three_quotes(seeds) -> None:
    doc = seeds["agency"]
    found = provenance_of(doc, _outlet_of(doc).name)
    assert found.via == ((MINISTRY, 3),)
    assert found.source == doc.article.origin
    assert found.attributed_quotes == len(doc.quotes)
    assert found.unattributed_quotes == 0
    assert describe(found).startswith(f"relays the {MINISTRY} (3 quotes); ")


def test_the_blog_seed_names_no_relay_and_counts_a_continuation_once(seeds) -> None:
    doc = seeds["blog"]
    continuations = [q for q in doc.quotes if q.continues is not None]
    assert continuations, "the blog seed should carry one quote on without a new cue"
    found = provenance_of(doc, "")
    assert found.via == ()
    assert found.attributed_quotes + found.unattributed_quotes == len(doc.quotes) - len(
        continuations
    )
    assert sum(n for _, n in found.speakers) == found.attributed_quotes
    counts = [n for _, n in found.speakers]
    assert counts == sorted(counts, reverse=True)
    assert describe(found) == (
        f"names no source for any quote; {found.attributed_quotes} quotes attributed, 0 "
        "unattributed"
    )


# ---------------------------------------------------------------- provenance, synthetic


def test_relays_of_groups_two_outlets_under_one_relay(texts) -> None:
    quoted = provenance_of(texts["roads_quoted"], "Example Times")
    cited = provenance_of(texts["roads_cited"], "Daily Example")
    assert quoted.via == (("Interior Ministry", 2),)
    assert cited.via == (("Interior Ministry", 1),)
    lone = provenance_of(texts["budget"], "Third Paper")
    assert relays_of([quoted, cited, lone]) == (
        ("Interior Ministry", ("Daily Example", "Example Times")),
    )


def test_an_anonymous_source_is_unattributed(texts) -> None:
    found = provenance_of(texts["roads_cited"], "Daily Example")
    assert found.unattributed_quotes == 1
    assert found.attributed_quotes == 2
    assert found.speakers == (("Maria Lopez", 2),)
    assert describe(found) == (
        "relays the Interior Ministry (1 quote); 2 quotes attributed, 1 unattributed"
    )


def test_a_relay_chain_counts_each_relay_and_a_continuation_counts_nothing() -> None:
    doc = _doc(
        _quote(via=("Ministry of Transport", "Example Wire")),
        _quote(via=("Ministry of Transport",), continues=0),
        _quote(via=("Example Wire",), speaker="Ann Lee"),
        _quote(speaker=None),
        _quote(speaker="officials", anonymous=True),
    )
    found = provenance_of(doc, "Example Times")
    assert found.via == (("Example Wire", 2), ("Ministry of Transport", 1))
    assert found.attributed_quotes == 2
    assert found.unattributed_quotes == 2
    assert found.speakers == (("Ann Lee", 1), ("Jane Roe", 1))
    assert describe(found) == (
        "relays Example Wire (2 quotes), the Ministry of Transport (1 quote); "
        "2 quotes attributed, 2 unattributed"
    )


def test_relays_of_names_an_unnamed_outlet_by_its_source() -> None:
    found = provenance_of(_doc(_quote(via=("Example Wire",))), "")
    assert relays_of([found]) == (("Example Wire", ("made.txt",)),)


# ---------------------------------------------------------------- signals of the seeds


def test_the_blog_seed_shows_its_spam_and_no_byline(seeds) -> None:
    doc = seeds["blog"]
    found = signals_of(doc, _outlet_of(doc))
    assert any(line.startswith("Tired of being poor?") for line in found.promotional)
    assert all(r.reason in PROMOTIONAL for r in doc.article.removed if r.text in found.promotional)
    assert "byline" in found.missing
    assert found.claims == len(doc.claims)
    assert found.source == doc.article.origin


def test_the_agency_seed_keeps_a_quoted_word_out(seeds) -> None:
    doc = seeds["agency"]
    text = doc.article.text
    assert "hegemony" in text
    found = signals_of(doc, _outlet_of(doc))
    assert "hegemony" not in [hit.text.lower() for hit in found.words]
    assert found.missing == ("byline",)
    assert found.promotional == ()


def test_the_agency_seed_outlet_profile(seeds) -> None:
    outlet = _outlet_of(seeds["agency"])
    assert outlet.known and outlet.state_affiliated
    line = profile_line(outlet)
    assert line.startswith(f"{outlet.name}: Russia, state-owned, state-affiliated (")
    assert outlet.basis in line
    assert outlet.source in line


# ---------------------------------------------------------------- signals, synthetic


def test_a_loaded_headline_word_has_its_offsets(texts) -> None:
    doc = texts["crackdown"]
    title = doc.article.title
    assert title is not None
    hits = [hit for hit in signals_of(doc, Outlet("x")).words if hit.where == "headline"]
    assert [(h.start, h.end, h.text, h.kind) for h in hits] == [
        (0, 8, "Shameful", "loaded"),
        (9, 15, "regime", "loaded"),
    ]
    assert all(title[h.start : h.end] == h.text for h in hits)


def test_a_word_inside_a_direct_quote_is_not_the_outlets(texts) -> None:
    doc = texts["crackdown"]
    text = doc.article.text
    inside = text.index("This regime") + len("This ")
    own = text.index("The regime has") + len("The ")
    assert any(q.kind == "direct" and q.start <= inside < q.end for q in doc.quotes)
    hits = [hit for hit in signals_of(doc, Outlet("x")).words if hit.where == "body"]
    assert [(h.start, h.end, h.text) for h in hits] == [(own, own + len("regime"), "regime")]


def test_stance_shares(texts) -> None:
    found = signals_of(texts["budget"], Outlet("x"))
    assert found.claims == 5
    assert found.opinion_share == pytest.approx(0.4)
    assert found.hedged_share == pytest.approx(0.2)
    assert found.reported_share == pytest.approx(0.2)
    assert [(h.where, h.text, h.kind) for h in found.words] == [("body", "disgraceful", "loaded")]


def test_no_claims_no_shares_and_what_is_missing() -> None:
    doc = _doc()
    found = signals_of(doc, Outlet("x"))
    assert (found.claims, found.opinion_share, found.hedged_share) == (0, 0.0, 0.0)
    assert found.reported_share == 0.0
    assert found.missing == ("byline", "date")
    signed = replace(doc, article=replace(doc.article, byline="Ann Lee"))
    assert signals_of(signed, Outlet("x")).missing == ("date",)
    dated = replace(signed, article=replace(signed.article, published=date(2024, 5, 1)))
    assert signals_of(dated, Outlet("x")).missing == ()


def test_promotional_reasons_are_cleaning_reasons() -> None:
    assert set(PROMOTIONAL) <= set(REASONS)


def test_profile_lines() -> None:
    known = Outlet(
        name="Example Agency",
        country="NO",
        ownership="state",
        state_affiliated=True,
        basis="owned by the ministry of culture",
        source="https://example.org/owners",
        known=True,
    )
    assert profile_line(known) == (
        "Example Agency: Norway, state-owned, state-affiliated "
        "(owned by the ministry of culture; source: https://example.org/owners)"
    )
    independent = replace(known, ownership="private", state_affiliated=False, basis="", source="")
    assert profile_line(independent) == (
        "Example Agency: Norway, privately owned, not state-affiliated"
    )
    assert profile_line(Outlet("example.org")) == (
        "example.org: unknown outlet (not in the registry)"
    )
    assert profile_line(Outlet("")) == "unknown outlet (not in the registry)"


# ---------------------------------------------------------------- the word list


def test_the_packaged_word_list() -> None:
    words = default_words()
    assert 150 <= len(words) <= 250
    assert set(words.terms.values()) == {"loaded", "sensational"}
    for neutral in ("attack", "crisis", "war", "support"):
        assert neutral not in words.terms
    assert all(term == term.lower() for term in words.terms)


def test_a_word_list_matches_phrases_on_word_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text(
        "# a test list\n\nregime\tloaded\nyou won't believe\tsensational\nso-called\tloaded\n",
        "utf-8",
    )
    words = load_words(path)
    text = "A Regimen, a subregime, the REGIME's so‑called plan: you  won’t\nbelieve it."
    found = [(text[s:e], kind) for s, e, _, kind in words.find(text)]
    assert found == [
        ("REGIME", "loaded"),
        ("so‑called", "loaded"),
        ("you  won’t\nbelieve", "sensational"),
    ]


@pytest.mark.parametrize(
    ("body", "line", "says"),
    [
        ("regime\tloaded\nslams sensational\n", 2, "2 tab-separated columns"),
        ("# list\nregime\tloaded\nslams\tdramatic\n", 3, "kind must be loaded or sensational"),
        ("Regime\tloaded\n", 1, "lower case"),
        ("regime\tloaded\n\nregime\tsensational\n", 3, "already listed on line 1"),
        ("\tloaded\n", 1, "empty"),
        ("regime\tloaded\textra\n", 1, "found 3"),
    ],
)
def test_a_malformed_word_list_names_file_and_line(
    tmp_path: Path, body: str, line: int, says: str
) -> None:
    path = tmp_path / "bad_words.tsv"
    path.write_text(body, "utf-8")
    with pytest.raises(RegistryError) as caught:
        load_words(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert says in message


def test_an_unreadable_word_list_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.tsv"
    with pytest.raises(RegistryError, match="nowhere.tsv: cannot read the word list"):
        load_words(missing)
