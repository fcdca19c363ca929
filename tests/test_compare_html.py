"""The compare HTML report: a self-contained page whose article text is escaped, whose
highlighting nests properly however the spans overlap, and whose links, matrix and collapsible
blocks work in a real browser with nothing loaded from anywhere."""

from __future__ import annotations

import importlib.util
import io
import os
import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from conftest import SHARED
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from rashomon.annotate.corpus import resolve_corpus
from rashomon.compare import compare_story
from rashomon.model import (
    Article,
    Claim,
    ClaimGroup,
    ClaimRef,
    Comparison,
    Conflict,
    Doc,
    Entity,
    HeadlineCheck,
    Outlet,
    Provenance,
    Quote,
    Removed,
    Signals,
    Story,
    WordHit,
)
from rashomon.outlets import profiles
from rashomon.pipeline import story_inputs
from rashomon.report.browser import CHROMIUM, CHROMIUM_ARGS
from rashomon.report.columns import column_letters
from rashomon.report.compare_html import FULL_MATRIX_MAX, LAYERS, Span, highlight, write_html
from rashomon.settings import Settings

SEEDS = SHARED / "data" / "seeds"
FIXTURES = Path(__file__).parent / "fixtures" / "compare"
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "area", "base", "col", "source"}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def seeds() -> tuple[Story, dict[str, Doc]]:
    """The seed reports annotated, grouped and resolved by the real pipeline: their one story
    and its docs keyed by origin."""
    paths = sorted(str(p) for p in SEEDS.glob("0*.txt"))
    if len(paths) < 2:
        pytest.skip(f"seed reports not found at {SEEDS}")
    stories, results = story_inputs(paths, Settings())
    docs = resolve_corpus(r.record for r in results if isinstance(r.record, Doc))
    assert len(stories) == 1
    return stories[0], {d.article.origin: d for d in docs}


@pytest.fixture(scope="module")
def compared(seeds) -> Comparison:
    """The seeds compared by the real engine."""
    story, docs = seeds
    return compare_story(story, docs, Settings())


@pytest.fixture(scope="module")
def page(seeds, compared) -> str:
    out = io.StringIO()
    write_html([compared], seeds[1], out)
    return out.getvalue()


@pytest.fixture(scope="module")
def hand_made(seeds) -> Comparison:
    """A comparison of the seeds put together by hand from their real claims and quotes, with
    one group of each verdict and a contradiction, so every part of the page has something to
    show whatever the engine finds in the seeds."""
    story, docs = seeds
    return _hand_comparison(story, docs)


@pytest.fixture(scope="module")
def hand_page(seeds, hand_made) -> str:
    out = io.StringIO()
    write_html([hand_made], seeds[1], out)
    return out.getvalue()


@pytest.fixture(scope="module")
def many() -> tuple[Comparison, dict[str, Doc]]:
    """The 14 compare fixtures (7 pairs of reports, each report its own unnamed outlet)
    annotated and compared as one story, whatever the clustering says: a story of many
    outlets with groups of every verdict."""
    paths = sorted(str(p) for p in FIXTURES.glob("*.txt"))
    settings = Settings()
    stories, results = story_inputs(paths, settings)
    docs = {r.record.article.origin: r.record for r in results if isinstance(r.record, Doc)}
    base = max(stories, key=lambda s: len(s.articles))
    articles = tuple(dict.fromkeys([*base.articles, *docs]))
    story = Story(base.id, base.label, articles, base.outlets, base.event_date, dates=base.dates)
    return compare_story(story, docs, settings), docs


@pytest.fixture(scope="module")
def many_page(many) -> str:
    out = io.StringIO()
    write_html([many[0]], many[1], out)
    return out.getvalue()


@pytest.fixture(scope="module")
def two_stories_page(hand_made, seeds, many) -> str:
    """A report of two stories: the hand-made seeds comparison and the many-outlet one."""
    out = io.StringIO()
    write_html([hand_made, many[0]], {**seeds[1], **many[1]}, out)
    return out.getvalue()


def _outlet(doc: Doc) -> str:
    return doc.article.outlet or os.path.basename(doc.article.origin)


def _ref(doc: Doc, claim: Claim) -> ClaimRef:
    return ClaimRef(
        doc.article.origin, claim.start, claim.end, claim.text, _outlet(doc), None, claim.stance
    )


def _first(doc: Doc, stance: str) -> Claim:
    return next(c for c in doc.claims if c.stance == stance)


def _hand_comparison(story: Story, docs: dict[str, Doc]) -> Comparison:
    a, b = (docs[s] for s in story.articles)
    agree = ClaimGroup(
        "g1",
        "agree",
        "both report the talks",
        (_ref(a, _first(a, "asserted")), _ref(b, _first(b, "asserted"))),
        (_outlet(a), _outlet(b)),
        score=0.8,
    )
    only = ClaimGroup(
        "g2",
        "only_in",
        "one outlet alone",
        (_ref(a, a.claims[-1]),),
        (_outlet(a),),
        missing=(_outlet(b),),
    )
    clash = ClaimGroup(
        "g3",
        "contradict",
        "the reports disagree",
        (_ref(a, _first(a, "reported")), _ref(b, _first(b, "reported"))),
        (_outlet(a), _outlet(b)),
        conflicts=(
            Conflict("date", "on one day", "on another", (a.article.origin, b.article.origin)),
        ),
        score=0.6,
    )
    headlines = tuple(
        HeadlineCheck(
            d.article.origin,
            d.article.title or "",
            "partly",
            0.5,
            _ref(d, d.claims[0]),
            unbacked=("unbacked",),
            quotation=True,
            elsewhere=_ref(o, o.claims[0]),
            elsewhere_verdict="supported",
            elsewhere_score=0.7,
        )
        for d, o in ((a, b), (b, a))
    )
    provenance = tuple(_provenance(d) for d in (a, b))
    relays = tuple(sorted({(v, (p.outlet,)) for p in provenance for v, _ in p.via}))
    outlets = profiles(d.article for d in (a, b))
    signals = tuple(_signals(d, outlets[d.article.id]) for d in (a, b))
    return Comparison(story, (agree, only, clash), headlines, provenance, relays, signals)


def _provenance(doc: Doc) -> Provenance:
    speakers = Counter(q.speaker for q in doc.quotes if q.speaker)
    via = Counter(v for q in doc.quotes for v in q.via)
    return Provenance(
        doc.article.origin,
        _outlet(doc),
        tuple(via.items()),
        sum(1 for q in doc.quotes if q.speaker),
        sum(1 for q in doc.quotes if not q.speaker),
        tuple(speakers.items()),
    )


def _signals(doc: Doc, outlet: Outlet) -> Signals:
    stances = Counter(c.stance for c in doc.claims)
    n = len(doc.claims)
    first = doc.claims[0]
    word = WordHit(
        "body",
        first.start,
        first.start + 4,
        doc.article.text[first.start : first.start + 4],
        "loaded",
    )
    return Signals(
        doc.article.origin,
        outlet,
        n,
        stances["opinion"] / n,
        stances["hedged"] / n,
        stances["reported"] / n,
        (word,),
        tuple(r.text for r in doc.article.removed if r.reason == "spam"),
        () if doc.article.byline else ("byline",),
    )


def _tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


class _Nesting(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _well_formed_text(html: str) -> str:
    """The text of an HTML fragment, asserting every element closes in order."""
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], f"left open: {parser.stack}"
    return "".join(parser.text)


# ---------------------------------------------------------------- the page


def test_the_page_loads_nothing_and_runs_nothing(page):
    tree = _tree(page)
    csp = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed | //form")
    assert all(h.startswith("#") for h in tree.xpath("//@href"))
    assert not tree.xpath("//@src")
    _well_formed_text(page)


def test_every_link_has_its_target_and_ids_are_unique(page, hand_page, many_page, two_stories_page):
    for html in (page, hand_page, many_page, two_stories_page):
        tree = _tree(html)
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids))
        hrefs = tree.xpath("//a/@href")
        assert hrefs
        assert {h[1:] for h in hrefs} <= set(ids)


def _columns(tree) -> list[str]:
    return [th.text_content() for th in _matrix(tree).xpath("./thead//th")[1:]]


def _marks(row) -> list[str]:
    return [
        "".join(m.text_content() for m in cell.xpath('.//span[contains(@class, "mark")]'))
        for cell in row.xpath("./td")[1:]
    ]


def test_the_matrix_has_a_row_per_group_and_a_column_per_outlet(page, compared):
    tree = _tree(page)
    rows = tree.xpath('//table[@class="matrix"]/tbody/tr')
    assert len(rows) == len(compared.groups)
    columns = _columns(tree)
    assert sorted(columns) == sorted({p.outlet for p in compared.provenance})
    for row, group in zip(rows, compared.groups, strict=True):
        assert group.reason in row.text_content()
        marks = dict(zip(columns, _marks(row), strict=True))
        own = {"agree": "✓", "only_in": "●", "contradict": "✗"}[group.verdict]
        for outlet, mark in marks.items():
            if outlet in group.outlets:
                assert mark == own, (group.id, outlet)
            elif outlet in group.missing:
                assert mark == "○", (group.id, outlet)
            else:
                assert mark == "", (group.id, outlet)


def test_every_verdict_gets_its_mark(hand_page, hand_made):
    tree = _tree(hand_page)
    rows = tree.xpath('//table[@class="matrix"]/tbody/tr')
    columns = _columns(tree)
    got = [dict(zip(columns, _marks(row), strict=True)) for row in rows]
    agree, only, clash = hand_made.groups
    assert set(got[0].values()) == {"✓"}
    assert got[1] == {only.outlets[0]: "●", only.missing[0]: "○"}
    assert set(got[2].values()) == {"✗"}


def test_each_claim_in_the_matrix_links_to_its_own_words(page, compared, seeds):
    tree = _tree(page)
    by_id = {e.get("id"): e for e in tree.xpath("//*[@id]")}
    links = tree.xpath('//table[@class="matrix"]//a')
    refs = [r for g in compared.groups for r in g.claims]
    assert len(links) == len(refs)
    for link, ref in zip(links, refs, strict=True):
        assert link.text_content() == ref.text
        target = by_id[link.get("href")[1:]]
        assert target.text_content() == seeds[1][ref.source].article.text[ref.start : ref.end]
        assert "c" in target.get("class").split()


def test_each_article_reads_exactly_as_its_clean_text(page, seeds):
    tree = _tree(page)
    texts = [div.text_content() for div in tree.xpath('//div[@class="text"]')]
    assert sorted(texts) == sorted(d.article.text for d in seeds[1].values())
    marks = tree.xpath('//div[@class="text"]//span')
    kinds = {c for m in marks for c in m.get("class").split()}
    assert {"c", "q", "e", "spk"} <= kinds


def test_headlines_quotes_provenance_and_signals_are_shown(page, compared, seeds):
    text = _tree(page).text_content()
    for check in compared.headlines:
        assert check.headline in text
        assert all(word in text for word in check.unbacked)
        if check.elsewhere:
            assert check.elsewhere.text in text
    for doc in seeds[1].values():
        for quote in doc.quotes:
            assert quote.text in text
            assert all(relay in text for relay in quote.via)
    for p in compared.provenance:
        assert f"{p.attributed_quotes} attributed" in text
        assert all(f"{name} ({n})" in text for name, n in p.speakers + p.via)
    for s in compared.signals:
        assert s.outlet.name in text
        assert all(line in text for line in s.promotional)
        assert all(w.text in text for w in s.words)
        if s.outlet.basis:
            assert s.outlet.basis in text


def test_contradictions_list_their_conflicting_facts(hand_page, hand_made):
    tree = _tree(hand_page)
    items = tree.xpath('//li[@class="conflict"]')
    conflicts = [c for g in hand_made.groups for c in g.conflicts]
    assert len(items) == len(conflicts) == 1
    facts = [s.text_content() for s in items[0].xpath('.//div[@class="fact"]')]
    assert facts == [conflicts[0].left, conflicts[0].right]
    row = items[0].xpath(".//a")[0].get("href")[1:]
    assert tree.get_element_by_id(row).get("class") == "row-contradict"
    clash = hand_made.groups[2]
    sides = [a.text_content() for a in items[0].xpath('.//div[@class="side"]//a')]
    assert sides == [r.text for r in clash.claims]
    assert items[0].xpath('.//span[contains(@class, "flag")]')[0].text_content() == "date"
    assert "worded as a quotation" in tree.text_content()


def test_removed_lines_sit_in_a_closed_details_block(page, seeds):
    tree = _tree(page)
    blocks = tree.xpath('//details[@class="removed"]')
    removed = [d.article.removed for d in seeds[1].values() if d.article.removed]
    assert len(blocks) == len(removed)
    for block in blocks:
        assert block.get("open") is None
    shown = " ".join(b.text_content() for b in blocks)
    for lines in removed:
        for r in lines:
            assert r.text in shown and r.reason in shown


def test_a_member_without_its_doc_is_listed_not_shown(seeds, compared):
    story, docs = seeds
    missing = {k: v for k, v in docs.items() if k != story.articles[0]}
    out = io.StringIO()
    write_html([compared], missing, out)
    tree = _tree(out.getvalue())
    assert len(tree.xpath('//div[@class="text"]')) == 1
    assert "was not given" in tree.text_content()
    _well_formed_text(out.getvalue())


# ---------------------------------------------------------------- many outlets


def _matrix(tree):
    tables = tree.xpath('//table[contains(@class, "matrix")]')
    assert len(tables) == 1
    return tables[0]


def _outlets(comparison: Comparison) -> list[str]:
    return list(dict.fromkeys(p.outlet for p in comparison.provenance))


def test_many_outlets_get_lettered_columns_and_a_key(many_page, many):
    comparison, _ = many
    tree = _tree(many_page)
    matrix = _matrix(tree)
    assert matrix.get("class").split() == ["matrix", "compact"]
    outlets = _outlets(comparison)
    assert len(outlets) > FULL_MATRIX_MAX
    letters = column_letters(outlets)
    key = [
        (li.xpath('./span[@class="letter"]')[0].text_content(), li.xpath("./a")[0].text_content())
        for li in tree.xpath('//ol[@class="key small"]/li')
    ]
    assert key == list(zip(letters, outlets, strict=True))
    heads = matrix.xpath("./thead//th")[1:]
    assert [th.text_content() for th in heads] == letters
    assert [th.get("title") for th in heads] == outlets


def test_compact_cells_hold_only_the_mark_and_say_the_claim_in_their_title(many_page, many):
    comparison, _ = many
    rows = _matrix(_tree(many_page)).xpath("./tbody/tr")
    assert len(rows) == len(comparison.groups)
    outlets = _outlets(comparison)
    letters = column_letters(outlets)
    for row, group in zip(rows, comparison.groups, strict=True):
        cells = row.xpath("./td")[1:]
        assert len(cells) == len(outlets)
        own = {"agree": "✓", "only_in": "●", "contradict": "✗"}[group.verdict]
        for cell, outlet, letter in zip(cells, outlets, letters, strict=True):
            title = cell.get("title")
            assert title.startswith(f"{letter} · {outlet}: ")
            mark = cell.text_content()
            claims = [r.text for r in group.claims if r.outlet == outlet]
            if outlet in group.outlets:
                assert mark == own and all(c in title for c in claims), (group.id, outlet)
            elif outlet in group.missing:
                assert mark == "○" and "left out" in title, (group.id, outlet)
            else:
                assert mark == "" and not claims, (group.id, outlet)


def test_compact_rows_link_every_claim_of_their_group(many_page, many):
    comparison, docs = many
    tree = _tree(many_page)
    by_id = {e.get("id"): e for e in tree.xpath("//*[@id]")}
    rows = _matrix(tree).xpath("./tbody/tr")
    for row, group in zip(rows, comparison.groups, strict=True):
        lead = row.xpath('.//div[@class="lead"]/a')
        assert [a.text_content() for a in lead] == [group.claims[0].text]
        listed = row.xpath('.//details[@class="claims"]//a')
        if len(group.claims) > 1:
            assert [a.text_content() for a in listed] == [r.text for r in group.claims]
            assert row.xpath('.//details[@class="claims"]')[0].get("open") is None
        else:
            assert listed == []
        for link, ref in zip(lead + listed, [group.claims[0], *group.claims], strict=False):
            target = by_id[link.get("href")[1:]]
            assert target.text_content() == docs[ref.source].article.text[ref.start : ref.end]


def test_a_reason_naming_many_outlets_folds_under_its_count(many_page, many):
    comparison, _ = many
    rows = _matrix(_tree(many_page)).xpath("./tbody/tr")
    folded = 0
    for row, group in zip(rows, comparison.groups, strict=True):
        block = row.xpath('.//details[@class="why"]')
        if len(group.missing) <= 3:
            assert block == []
            assert row.xpath('.//div[@class="reason"]')[0].text_content() == group.reason
            continue
        folded += 1
        assert block[0].get("open") is None
        summary = block[0].xpath("./summary")[0].text_content()
        assert summary == f"left out by {len(group.missing)} outlets of comparable coverage"
        assert block[0].xpath('./div[@class="reason"]')[0].text_content() == group.reason
        inside = block[0].text_content()
        assert all(outlet in inside for outlet in group.missing)
    assert folded


def test_a_few_outlets_keep_the_full_matrix(page, hand_page, many):
    for html in (page, hand_page):
        tree = _tree(html)
        assert _matrix(tree).get("class") == "matrix"
        assert not tree.xpath('//ol[contains(@class, "key")] | //details[@class="claims"]')
        assert not tree.xpath('//table[@class="matrix"]//td[@title]')
    comparison, docs = many
    for n, compact in ((FULL_MATRIX_MAX, False), (FULL_MATRIX_MAX + 1, True)):
        out = io.StringIO()
        write_html([_restricted(comparison, comparison.story.articles[:n])], docs, out)
        tree = _tree(out.getvalue())
        assert len(_columns(tree)) == n
        assert ("compact" in _matrix(tree).get("class")) == compact


def _restricted(comparison: Comparison, sources) -> Comparison:
    """The comparison cut down to the articles `sources`, their groups and checks."""
    keep = set(sources)
    story = replace(comparison.story, articles=tuple(sources))
    groups = tuple(g for g in comparison.groups if {r.source for r in g.claims} <= keep)
    groups = tuple(replace(g, missing=()) for g in groups)
    return Comparison(
        story,
        groups,
        tuple(h for h in comparison.headlines if h.source in keep),
        tuple(p for p in comparison.provenance if p.source in keep),
        (),
        tuple(s for s in comparison.signals if s.source in keep),
    )


# ---------------------------------------------------------------- escaping

HOSTILE_TEXT = (
    "Officials said <script>alert(1)</script> nothing.\n\n"
    'The image <img src=x onerror="alert(2)"> & a "quote" \'here\'.'
)
HOSTILE_TITLE = 'Title "><b>bold</b><script>alert(3)</script>'


def _hostile() -> tuple[Comparison, dict[str, Doc]]:
    text = HOSTILE_TEXT
    origin = 'evil"><b>.txt'
    at = text.index("<script>")
    img = text.index("<img")
    article = Article(
        id="x1",
        origin=origin,
        text=text,
        title=HOSTILE_TITLE,
        outlet='<i>Outlet</i>"',
        byline="<b>by</b>",
        removed=(Removed("<script>alert(4)</script>", "<b>spam</b>", 0),),
    )
    entity = Entity(at, at + 8, "<script>", "ORG", "<script>", "org:script")
    quote = Quote(
        "direct",
        at - 5,
        img + 10,
        text[at - 5 : img + 10],
        '<img src=x onerror="alert(5)">',
        None,
        None,
        None,
        via=("<script>alert(6)</script>",),
    )
    claim = Claim(0, text.index("nothing") + 7, text[: text.index("nothing") + 7], "reported")
    doc = Doc(article, entities=(entity,), quotes=(quote,), claims=(claim,))
    ref = ClaimRef(
        origin, claim.start, claim.end, claim.text, article.outlet or "", None, "reported"
    )
    story = Story('s"><b>', "<script>alert(7)</script>", (origin,), place="<b>here</b>")
    group = ClaimGroup('g"><b>', "only_in", "<b>why</b>", (ref,), (article.outlet or "",))
    outlet = Outlet('<img src=x onerror="alert(8)">', basis="<b>basis</b>")
    signals = Signals(
        origin,
        outlet,
        1,
        0.0,
        0.0,
        1.0,
        (WordHit("headline", 7, 8, '"', "loaded"),),
        ("<b>buy</b>",),
    )
    headline = HeadlineCheck(origin, HOSTILE_TITLE, "unsupported", 0.0, ref, ("<b>x</b>",))
    provenance = Provenance(origin, article.outlet or "", (("<b>relay</b>", 1),), 1, 0)
    comparison = Comparison(
        story, (group,), (headline,), (provenance,), (("<b>relay</b>", ("<i>o</i>",)),), (signals,)
    )
    return comparison, {origin: doc}


def test_hostile_text_is_escaped_everywhere():
    comparison, docs = _hostile()
    out = io.StringIO()
    write_html([comparison], docs, out, title='"><b>page</b><script>alert(0)</script>')
    html = out.getvalue()
    _well_formed_text(html)
    tree = _tree(html)
    assert not tree.xpath("//script | //img | //b | //i")
    assert not [a for e in tree.iter() for a in e.attrib if a.startswith("on")]
    assert tree.findtext(".//title") == '"><b>page</b><script>alert(0)</script>'
    text = tree.text_content()
    for hostile in ("<script>alert(1)</script>", '<img src=x onerror="alert(2)">', HOSTILE_TITLE):
        assert hostile in text
    body = tree.xpath('//div[@class="text"]')[0]
    assert body.text_content() == HOSTILE_TEXT


def test_hostile_text_is_escaped_in_the_compact_matrix():
    comparison, docs = _hostile()
    ((origin, doc),) = docs.items()
    group = comparison.groups[0]
    n = FULL_MATRIX_MAX + 1
    origins = [f"{origin}{i}" for i in range(n)]
    outlets = [f'<i>Outlet {i}</i>"><b>' for i in range(n)]
    many = {
        o: replace(doc, article=replace(doc.article, origin=o, outlet=name))
        for o, name in zip(origins, outlets, strict=True)
    }
    refs = tuple(
        replace(group.claims[0], source=o, outlet=name)
        for o, name in zip(origins, outlets, strict=True)
    )
    groups = (
        replace(group, verdict="agree", claims=refs, outlets=tuple(outlets)),
        replace(group, id="g2", claims=refs[:1], outlets=(outlets[0],), missing=tuple(outlets[1:])),
    )
    story = replace(comparison.story, articles=tuple(origins))
    out = io.StringIO()
    write_html([Comparison(story, groups, (), (), (), ())], many, out)
    html = out.getvalue()
    _well_formed_text(html)
    tree = _tree(html)
    assert "compact" in _matrix(tree).get("class")
    assert not tree.xpath("//script | //img | //b | //i")
    assert [th.get("title") for th in _matrix(tree).xpath("./thead//th")[1:]] == outlets
    titles = _matrix(tree).xpath("./tbody/tr[1]/td/@title")
    assert titles[0] == f"A · {outlets[0]}: {refs[0].text}"
    assert outlets[-1] in tree.xpath('//details[@class="why"]')[-1].text_content()


# ---------------------------------------------------------------- highlighting


def test_overlapping_spans_nest_properly():
    text = "Alpha beta gamma delta epsilon"
    spans = [
        Span(0, 16, "claim", "c c-asserted", "k1"),
        Span(11, 30, "claim", "c c-reported", "k2"),  # overlaps the first claim
        Span(6, 22, "quote", "q", "q1"),  # crosses a claim boundary
        Span(6, 10, "entity", "e e-person"),
        Span(8, 13, "entity", "e e-org"),  # overlaps the other entity and the quote edge
        Span(0, 30, "claim", "c c-hedged", "k3"),
        Span(4, 4, "entity", "e"),  # empty: dropped
        Span(25, 99, "word", "w"),  # past the end: clamped
    ]
    html = str(highlight(text, spans))
    assert _well_formed_text(html) == text
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    assert tree.text_content() == text
    for anchor, start, end in (("k1", 0, 16), ("k2", 11, 30), ("k3", 0, 30), ("q1", 6, 22)):
        found = tree.xpath(f'//*[@id="{anchor}"]')
        assert len(found) == 1
        assert text[start:end].startswith(found[0].text_content())


def test_a_claim_overlapping_no_other_claim_wraps_its_whole_text():
    text = "One two three. Four five six. Seven."
    spans = [
        Span(0, 14, "claim", "c", "k1"),
        Span(15, 29, "claim", "c", "k2"),
        Span(4, 20, "quote", "q", "q1"),
        Span(8, 13, "entity", "e"),
        Span(10, 29, "passage", "p", "p1"),  # across a claim's edge: cut into pieces
        Span(15, 36, "passage", "p", "p2"),  # around a claim: wraps it and its own text
        Span(2, 6, "claim", "c", "k3"),  # inside a claim: wraps its own text too
    ]
    html = str(highlight(text, spans))
    assert _well_formed_text(html) == text
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    whole = {"k1": (0, 14), "k2": (15, 29), "k3": (2, 6), "p2": (15, 36)}
    for anchor, (start, end) in whole.items():
        assert tree.get_element_by_id(anchor).text_content() == text[start:end]
    assert tree.get_element_by_id("k2").getparent().get("id") == "p2"
    assert text[10:29].startswith(tree.get_element_by_id("p1").text_content())
    assert len(tree.xpath('//*[@class="p"]')) > 2


def test_headline_evidence_links_to_its_passage(page, compared, seeds):
    tree = _tree(page)
    by_id = {e.get("id"): e for e in tree.xpath("//*[@id]")}
    links = tree.xpath('//li[@class="headline"]//dd//a')
    refs = [r for h in compared.headlines for r in (h.evidence, h.elsewhere) if r is not None]
    assert [a.text_content() for a in links] == [r.text for r in refs]
    for link, ref in zip(links, refs, strict=True):
        target = by_id[link.get("href")[1:]]
        passage = seeds[1][ref.source].article.text[ref.start : ref.end]
        assert target.text_content() and passage.startswith(target.text_content())


@st.composite
def _spans(draw, text: str) -> list[Span]:
    n = len(text)
    out = []
    for i in range(draw(st.integers(0, 12))):
        start = draw(st.integers(-2, n + 2))
        end = draw(st.integers(-2, n + 2))
        layer = draw(st.sampled_from(LAYERS))
        out.append(Span(start, end, layer, layer[0], f"a{i}"))
    return out


@hsettings(max_examples=200, deadline=None)
@given(st.data(), st.text(alphabet="ab <>&\"'\n", max_size=30))
def test_any_spans_give_well_formed_html_with_the_same_text(data, text):
    spans = data.draw(_spans(text))
    html = str(highlight(text, spans))
    assert _well_formed_text(html) == text
    assert "<script" not in html and "<>" not in html
    ids = re.findall(r' id="([^"]*)"', html)
    assert len(ids) == len(set(ids))
    kept = {(max(0, s.start), min(len(text), s.end), s.layer) for s in spans}
    assert len(ids) == sum(1 for start, end, _ in kept if start < end)


# ---------------------------------------------------------------- a report of several stories


def test_several_stories_open_with_a_summary_table_of_their_counts(
    two_stories_page, hand_made, many
):
    tree = _tree(two_stories_page)
    rows = tree.xpath("//table[@class='summary']/tbody/tr")
    assert len(rows) == 2
    for row, comparison, anchor in zip(rows, (hand_made, many[0]), ("s1", "s2"), strict=True):
        cells = [td.text_content().strip() for td in row.xpath("td")]
        verdicts = [g.verdict for g in comparison.groups]
        assert row.xpath("td/a/@href") == [f"#{anchor}"]
        assert cells[1] == (comparison.story.label or comparison.story.id)
        assert int(cells[4]) == len(comparison.story.articles)
        assert int(cells[5]) == len(_outlets(comparison))
        assert [int(c) for c in cells[6:9]] == [
            verdicts.count("agree"),
            verdicts.count("only_in"),
            verdicts.count("contradict"),
        ]
    # The hand-made story has a contradiction, and its row says so at a glance.
    assert "has-conflict" in (rows[0].get("class") or "")
    assert tree.xpath("//section[@class='story']//a[@href='#summary']")


def test_several_stories_fold_their_texts_and_one_story_does_not(two_stories_page, page):
    tree = _tree(two_stories_page)
    for section in tree.xpath("//section[@class='story']"):
        folded = section.xpath(".//details[@class='texts']")
        assert len(folded) == 1
        assert not folded[0].get("open")
        assert folded[0].xpath(".//article[@class='report']")
    single = _tree(page)
    assert not single.xpath("//details[@class='texts']")
    assert not single.xpath("//table[@class='summary']")


# ---------------------------------------------------------------- in a real browser


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


browser_test = pytest.mark.skipif(_browser_missing() is not None, reason=_browser_missing() or "")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, html: str, path: Path):
    """A page showing `html` from a file, with every request it makes and every dialog it
    opens recorded."""
    path.write_text(html, "utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, requests, dialogs


@browser_test
def test_in_chromium_the_page_requests_nothing_but_itself(browser, page, compared, tmp_path):
    url = (tmp_path / "compare.html").as_uri()
    tab, requests, dialogs = _open(browser, page, tmp_path / "compare.html")
    try:
        assert requests == [url]
        assert dialogs == []
        assert tab.locator("table.matrix tbody tr").count() == len(compared.groups)
    finally:
        tab.close()


@browser_test
def test_in_chromium_a_summary_click_reveals_the_removed_lines(browser, page, seeds, tmp_path):
    tab, _, _ = _open(browser, page, tmp_path / "compare.html")
    try:
        block = tab.locator("details.removed").first
        line = block.locator("li").first
        assert not line.is_visible()
        block.locator("summary").click()
        assert line.is_visible()
        removed = {r.text for d in seeds[1].values() for r in d.article.removed}
        assert any(r in line.inner_text() for r in removed)
    finally:
        tab.close()


@browser_test
def test_in_chromium_a_claim_link_targets_its_span(browser, page, tmp_path):
    tab, requests, _ = _open(browser, page, tmp_path / "compare.html")
    try:
        link = tab.locator("table.matrix a").last
        href = link.get_attribute("href")
        link.click()
        assert tab.evaluate("location.hash") == href
        state = tab.evaluate(
            """(id) => {
                const el = document.getElementById(id);
                if (!el) return null;
                const box = el.getBoundingClientRect();
                return {target: el.matches(':target'), top: box.top, height: innerHeight};
            }""",
            href[1:],
        )
        assert state is not None
        assert state["target"]
        assert 0 <= state["top"] < state["height"]
        assert len(requests) == 1
    finally:
        tab.close()


@browser_test
def test_in_chromium_the_matrix_header_stays_in_view(browser, page, tmp_path):
    tab, _, _ = _open(browser, page, tmp_path / "compare.html")
    try:
        tab.locator("table.matrix tbody tr").last.scroll_into_view_if_needed()
        top = tab.evaluate(
            "document.querySelector('table.matrix thead th').getBoundingClientRect().top"
        )
        table = tab.evaluate("document.querySelector('table.matrix').getBoundingClientRect().top")
        assert table < 0 and abs(top) < 1
    finally:
        tab.close()


HEADER_FITS = """() => [...document.querySelectorAll('table.matrix thead th')].map(th => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    return {text: th.textContent, fits: th.scrollWidth <= th.clientWidth + 1, lines};
})"""


@browser_test
@pytest.mark.parametrize("which", ["page", "many_page"])
def test_in_chromium_no_matrix_header_is_squeezed(browser, which, request, tmp_path):
    html = request.getfixturevalue(which)
    tab, requests, dialogs = _open(browser, html, tmp_path / "compare.html")
    try:
        heads = tab.evaluate(HEADER_FITS)
        assert heads
        for head in heads:
            assert head["fits"], head
            assert head["lines"] <= 2, head
        assert requests == [(tmp_path / "compare.html").as_uri()]
        assert dialogs == []
    finally:
        tab.close()


@browser_test
def test_in_chromium_the_compact_matrix_opens_a_group_and_keeps_its_header(
    browser, many_page, many, tmp_path
):
    tab, _, _ = _open(browser, many_page, tmp_path / "compare.html")
    try:
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280
        block = tab.locator("table.matrix details.claims").first
        link = block.locator("li a").last
        assert not link.is_visible()
        block.locator("summary").click()
        assert link.is_visible()
        tab.locator("table.matrix tbody tr").last.scroll_into_view_if_needed()
        top = tab.evaluate(
            "document.querySelector('table.matrix thead th').getBoundingClientRect().top"
        )
        assert abs(top) < 1
        href = link.get_attribute("href")
        link.click()
        assert tab.evaluate("location.hash") == href
        assert tab.evaluate("(id) => document.getElementById(id).matches(':target')", href[1:])
    finally:
        tab.close()


@browser_test
def test_in_chromium_hostile_text_runs_and_loads_nothing(browser, tmp_path):
    comparison, docs = _hostile()
    out = io.StringIO()
    write_html([comparison], docs, out, title=HOSTILE_TITLE)
    url = (tmp_path / "hostile.html").as_uri()
    tab, requests, dialogs = _open(browser, out.getvalue(), tmp_path / "hostile.html")
    try:
        assert requests == [url]
        assert dialogs == []
        assert tab.locator("script, img, b").count() == 0
        assert "<script>alert(1)</script>" in tab.locator("div.text").inner_text()
    finally:
        tab.close()


@browser_test
def test_in_chromium_a_claim_link_opens_the_folded_texts_at_its_span(
    browser, two_stories_page, tmp_path
):
    tab, requests, _ = _open(browser, two_stories_page, tmp_path / "compare.html")
    try:
        folded = tab.locator("#s2 details.texts")
        assert tab.evaluate("() => document.querySelector('#s2 details.texts').open") is False
        link = tab.locator("#s2 table.matrix a[href^='#s2-a']").first
        href = link.get_attribute("href")
        link.click()
        assert tab.evaluate("location.hash") == href
        assert folded.evaluate("d => d.open") is True
        box = tab.evaluate(
            "(id) => { const b = document.getElementById(id).getBoundingClientRect();"
            " return {top: b.top, height: innerHeight}; }",
            href[1:],
        )
        assert 0 <= box["top"] < box["height"]
        tab.locator("#s2 a.up").click()
        assert tab.evaluate("location.hash") == "#summary"
        assert len(requests) == 1
    finally:
        tab.close()
