"""The `rashomon compare` HTML report: one self-contained page per run.

Each story gets its claims matrix (claim groups against outlets), its contradictions, headline
checks, sources and quotes, signals per article, and every article's clean text with its
entities, quotes and claims highlighted; a claim in the matrix links to its span in the text.

A story of a few outlets gets the full matrix: one column per outlet with its claims in the
cells. More outlets than FULL_MATRIX_MAX do not fit side by side, so the matrix turns compact:
each outlet gets a lettered column (the letters of the terminal report) and a key above the
table, the cells hold only the marks (the claims are in their tooltips), and the claim-group
column shows the group's first claim with every claim of the group in a collapsible list.

Why a single file with nothing to load: a reader opens it offline, sends it on, or archives it,
and a page built from untrusted article text must not be able to fetch or run anything. So the
CSS is inline, there is no script at all, and a Content-Security-Policy forbids every load.
Every piece of article text is untrusted: the template autoescapes it, and the highlighted text
is built here from escaped segments (`highlight`), never from raw text.

The web app shows the same story on its story page: `story_view` builds what a story section
shows, `article_view` one article's highlighted text, and the sections are the macros of
templates/_story.html, loaded through `environment`.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TextIO

import jinja2
from markupsafe import Markup, escape

from rashomon.model import (
    ClaimGroup,
    ClaimRef,
    Comparison,
    Conflict,
    Doc,
    Entity,
    HeadlineCheck,
    HeadlineVerdict,
    Overstatement,
    Provenance,
    Quote,
    Signals,
    Story,
    Verdict,
    WordHit,
)
from rashomon.report.columns import column_letters
from rashomon.report.textlang import lang_attrs

__all__ = [
    "ArticleView",
    "Span",
    "StoryView",
    "SummaryRow",
    "article_view",
    "claim_href",
    "environment",
    "highlight",
    "story_view",
    "summary_row",
    "write_html",
]

# The order marks nest in within one piece of text: outermost first.
LAYERS = ("claim", "passage", "quote", "speaker", "entity", "word")
# The layers whose spans wrap their whole stretch in one element when nothing stops it.
WRAPPING = ("claim", "passage")
PLACE_TYPES = frozenset({"GPE", "LOC", "NORP", "FAC"})
STANCES = ("asserted", "reported", "opinion", "hedged")
VERDICT_MARKS = {Verdict.AGREE: "✓", Verdict.ONLY_IN: "●", Verdict.CONTRADICT: "✗"}
# The most outlets whose claims fit side by side in the matrix; more get the compact matrix.
FULL_MATRIX_MAX = 4
# A reason naming more outlets (or conflicts) than this is folded under a one-line summary.
NAMED_IN_REASON = 3
# Compact matrix widths, in rem: the claim-group column at least, a lettered column per letter
# of its label plus its padding.
GROUP_REM = 22.0
LETTER_REM = 0.5
LABEL_PAD_REM = 1.1


# ---------------------------------------------------------------- highlighting


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted stretch of text: `layer` is one of LAYERS, `css` its classes, `anchor` an
    id for links to it (put on its first piece), `title` a tooltip."""

    start: int
    end: int
    layer: str
    css: str
    anchor: str | None = None
    title: str | None = None


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """`text` as escaped HTML with every span marked.

    Spans may nest and overlap in any way. Claims, then passages, wrap their whole stretch in
    one element (so the anchor a link targets covers all of it) as long as they nest with the
    wrappers chosen before them; every other span is cut at every span boundary and each piece
    is opened and closed on its own (its anchor on the first piece), so the marks always nest
    properly. The text content of the result is exactly `text`.
    """
    kept = sorted(_clamped(text, spans), key=lambda s: (s.start, -s.end, LAYERS.index(s.layer)))
    wrappers = _wrappers(kept)
    inner = [s for s in kept if s not in wrappers]  # sorted by start, as `kept`
    opening = deque(s for s in kept if s in wrappers)  # outermost first at each start
    cuts = sorted({0, len(text)} | {p for s in kept for p in (s.start, s.end)})
    parts: list[str] = []
    stack: list[Span] = []
    active: list[Span] = []  # the inner spans covering the current piece
    waiting = 0  # the next inner span not yet started
    for start, end in zip(cuts, cuts[1:], strict=False):
        while opening and opening[0].start == start:
            stack.append(opening.popleft())
            parts.append(_open(stack[-1], first=True))
        while waiting < len(inner) and inner[waiting].start <= start:
            active.append(inner[waiting])
            waiting += 1
        # every span boundary is a cut, so a span still open here covers the whole piece
        active = [s for s in active if s.end > start]
        parts.append(_piece(text, start, end, active))
        while stack and stack[-1].end == end:
            stack.pop()
            parts.append("</span>")
    return Markup("".join(parts))


def _clamped(text: str, spans: Iterable[Span]) -> list[Span]:
    """The spans cut to the text, empty ones and duplicates dropped."""
    out: dict[tuple[int, int, str], Span] = {}
    for s in spans:
        start, end = max(0, s.start), min(len(text), s.end)
        if start < end and s.layer in LAYERS:
            out.setdefault(
                (start, end, s.layer), Span(start, end, s.layer, s.css, s.anchor, s.title)
            )
    return list(out.values())


def _wrappers(spans: Sequence[Span]) -> set[Span]:
    """The spans that wrap their whole stretch: layer by layer (WRAPPING), in text order, each
    that nests with (contains, or lies inside, or misses) every wrapper chosen before it."""
    chosen: list[Span] = []
    for layer in WRAPPING:
        for s in spans:
            if s.layer == layer and not any(_crossing(s, o) for o in chosen):
                chosen.append(s)
    return set(chosen)


def _crossing(a: Span, b: Span) -> bool:
    """Whether the spans overlap without one containing the other."""
    overlap = a.start < b.end and b.start < a.end
    nested = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
    return overlap and not nested


def _piece(text: str, start: int, end: int, covering: Sequence[Span]) -> str:
    """text[start:end] escaped, inside a mark for every span of `covering` (those that cover
    it), innermost layer last."""
    covering = sorted(covering, key=lambda s: (LAYERS.index(s.layer), s.start, -s.end))
    opened = "".join(_open(s, first=s.start == start) for s in covering)
    return opened + str(escape(text[start:end])) + "</span>" * len(covering)


def _open(span: Span, *, first: bool) -> str:
    attrs = f' class="{escape(span.css)}"'
    if first and span.anchor:
        attrs += f' id="{escape(span.anchor)}"'
    if span.title:
        attrs += f' title="{escape(span.title)}"'
    return f"<span{attrs}>"


# ---------------------------------------------------------------- what the page shows


@dataclass(slots=True)
class ArticleView:
    """One member of a story as the page shows it."""

    anchor: str
    source: str
    outlet: str
    doc: Doc | None
    copy_of: str | None = None
    body: Markup = Markup("")
    headline: Markup = Markup("")
    quotes: list[QuoteView] = field(default_factory=list)
    provenance: Provenance | None = None
    signals: Signals | None = None
    page: str = ""  # the URL of the page holding its text when this page does not
    page_anchor: str = ""  # the prefix of its ids on that page

    def target(self, suffix: str) -> str:
        """The link to one of its ids ('-h', '-c0-40', '-q2'): on this page, or on its own."""
        if self.page:
            return f"{self.page}#{self.page_anchor}{suffix}"
        return f"#{self.anchor}{suffix}"


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote: Quote
    href: str  # the link to its words, on this page or on its article's own page
    chain: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RefView:
    """A claim of one article with where its span is on the page (`href` None: not found)."""

    ref: ClaimRef
    outlet: str
    href: str | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One outlet's cell in a row: `column` is the outlet ("" for the claims of outlets with no
    column), `title` what the cell says in words (the compact matrix's tooltip)."""

    mark: str
    verdict: str
    refs: tuple[RefView, ...] = ()
    column: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One claim group: `refs` its claims in order, `summary` the one line its reason folds
    under when it names many outlets (else None), `left_out` the outlets (as columns) that left
    it out when the folded reason does not name them all."""

    anchor: str
    group: ClaimGroup
    cells: tuple[Cell, ...]
    missing_elsewhere: tuple[str, ...]
    refs: tuple[RefView, ...] = ()
    left_out: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class ConflictView:
    row: Row
    conflict: Conflict
    left_outlet: str
    right_outlet: str
    left: RefView | None
    right: RefView | None


@dataclass(frozen=True, slots=True)
class OverstatementView:
    """Where a headline says more than its body, with a link to the body's words."""

    view: Overstatement
    evidence: RefView


@dataclass(frozen=True, slots=True)
class HeadlineView:
    check: HeadlineCheck
    outlet: str
    headline_href: str | None
    evidence: RefView | None
    elsewhere: RefView | None
    also: RefView | None = None
    overstates: list[OverstatementView] = field(default_factory=list)


@dataclass(slots=True)
class StoryView:
    story: Story
    anchor: str
    columns: list[str]
    articles: list[ArticleView]
    rows: list[Row] = field(default_factory=list)
    conflicts: list[ConflictView] = field(default_factory=list)
    headlines: list[HeadlineView] = field(default_factory=list)
    relays: tuple[tuple[str, tuple[str, ...]], ...] = ()
    letters: dict[str, str] = field(default_factory=dict)
    key: list[tuple[str, str, str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    languages: dict[str, str | None] = field(default_factory=dict)

    def language(self, source: str) -> str | None:
        """The language detected for the member `source` (None when not known)."""
        if not self.languages:
            self.languages = {
                a.source: a.doc.article.language if a.doc else None for a in self.articles
            }
        return self.languages.get(source)

    @property
    def compact(self) -> bool:
        return len(self.columns) > FULL_MATRIX_MAX

    @property
    def matrix_rem(self) -> float:
        """The least width of the compact matrix: the claim-group column and every letter."""
        return round(GROUP_REM + sum(self.widths), 2)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One story in the summary table atop a report of several: what it is and how its
    reports stand, so a reader picks the story worth reading before scrolling to it."""

    anchor: str
    label: str
    event_date: str | None
    languages: tuple[str, ...]
    articles: int
    outlets: int
    agree: int
    only_in: int
    contradict: int
    headlines_unbacked: int


def summary_row(comparison: Comparison, view: StoryView) -> SummaryRow:
    """The summary table's row for `comparison`, shown as `view`: counts of claim groups by
    verdict and of headlines that their own body does not fully back. Outlets are the view's
    columns, so reports of unnamed outlets count as the page shows them."""
    story = comparison.story
    verdicts = [g.verdict for g in comparison.groups]
    return SummaryRow(
        anchor=view.anchor,
        label=story.label or story.id,
        event_date=story.event_date,
        languages=story.languages,
        articles=len(story.articles),
        outlets=len(view.columns),
        agree=verdicts.count(Verdict.AGREE),
        only_in=verdicts.count(Verdict.ONLY_IN),
        contradict=verdicts.count(Verdict.CONTRADICT),
        headlines_unbacked=sum(
            h.verdict != HeadlineVerdict.SUPPORTED for h in comparison.headlines
        ),
    )


# ---------------------------------------------------------------- building the views


def write_html(
    comparisons: Sequence[Comparison],
    docs: Mapping[str, Doc],
    out: TextIO,
    title: str = "rashomon compare",
) -> None:
    """Write the compared stories as one self-contained HTML page. `docs` are keyed by article
    origin (ClaimRef.source, Provenance.source); a member without its Doc is listed, not shown."""
    stories = [story_view(c, docs, anchor=f"s{k}") for k, c in enumerate(comparisons, 1)]
    summary = [summary_row(c, v) for c, v in zip(comparisons, stories, strict=True)]
    page = _template().render(
        title=title,
        stories=stories,
        summary=summary,
        stances=STANCES,
        marks=VERDICT_MARKS,
        web=None,
        csp="default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    )
    out.write(page)


# The report's templates: compare.html, the story sections (_story.html) and compare.css.
REPORT_TEMPLATES = jinja2.PackageLoader("rashomon.report", "templates")


def environment(loader: jinja2.BaseLoader | None = None) -> jinja2.Environment:
    """The Jinja environment the report renders with (autoescape on, undefined values an
    error, the `pct` and `score` filters, the verdict `marks`), over `loader` (default: the
    report's templates).
    A loader of other templates should fall back to the report's for `_story.html`."""
    env = jinja2.Environment(
        loader=loader or REPORT_TEMPLATES,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{100 * x:.0f}%"
    env.filters["score"] = lambda x: f"{x:.2f}"
    env.globals["marks"] = VERDICT_MARKS
    env.globals["shown_origin"] = str  # the web app passes one that hides server paths
    env.globals["stances"] = STANCES
    env.globals["lang"] = lang_attrs
    return env


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    return environment().get_template("compare.html")


def story_view(
    comparison: Comparison,
    docs: Mapping[str, Doc],
    *,
    anchor: str = "s1",
    elsewhere: Mapping[str, tuple[str, str]] | None = None,
) -> StoryView:
    """What a story section shows of `comparison`: its matrix rows, conflicts, headline checks
    and every article highlighted. `docs` are keyed by origin; `anchor` prefixes every id.
    `elsewhere` maps a source to (URL, id prefix) of another page that holds its highlighted
    text: this page then links there instead of carrying the text (a big story's page)."""
    story = comparison.story
    sources = _sources(comparison)
    names = _outlet_names(comparison, docs, sources)
    copies = dict(story.duplicates)
    away = elsewhere or {}
    articles = [
        ArticleView(f"{anchor}-a{n}", s, names[s], docs.get(s), copies.get(s))
        for n, s in enumerate(sources, 1)
    ]
    for article in articles:
        article.page, article.page_anchor = away.get(article.source, ("", ""))
    view = StoryView(story, anchor, _columns(articles), articles, relays=comparison.relays)
    _letter_columns(view)
    by_source = {a.source: a for a in articles}
    view.rows = [
        _row(f"{anchor}-g{i}", g, view, by_source) for i, g in enumerate(comparison.groups, 1)
    ]
    view.conflicts = [_conflict(row, c, names) for row in view.rows for c in row.group.conflicts]
    view.headlines = [_headline(h, by_source) for h in comparison.headlines]
    for p in comparison.provenance:
        if p.source in by_source:
            by_source[p.source].provenance = p
    for s in comparison.signals:
        if s.source in by_source:
            by_source[s.source].signals = s
    for article in articles:
        if article.page:
            _list_quotes(article)
        else:
            _render_article(article, _refs_of(article.source, comparison))
    return view


def _sources(comparison: Comparison) -> list[str]:
    """Every article the comparison mentions, the story's members first, in order."""
    seen = dict.fromkeys(comparison.story.articles)
    seen.update(dict.fromkeys(r.source for g in comparison.groups for r in g.claims))
    seen.update(dict.fromkeys(h.source for h in comparison.headlines))
    seen.update(dict.fromkeys(p.source for p in comparison.provenance))
    seen.update(dict.fromkeys(s.source for s in comparison.signals))
    return list(seen)


def _outlet_names(
    comparison: Comparison, docs: Mapping[str, Doc], sources: Sequence[str]
) -> dict[str, str]:
    """The outlet each article is shown under: the comparison's name for it, else what the
    article signed with, else the file name."""
    names: dict[str, str] = {}
    for p in comparison.provenance:
        names.setdefault(p.source, p.outlet)
    for s in comparison.signals:
        names.setdefault(s.source, s.outlet.name)
    for g in comparison.groups:
        for r in g.claims:
            names.setdefault(r.source, r.outlet)
    for source in sources:
        if not names.get(source):
            doc = docs.get(source)
            article = doc.article if doc else None
            signed = article and (article.outlet or article.site_name)
            names[source] = signed or os.path.basename(source) or source
    return names


def _columns(articles: Sequence[ArticleView]) -> list[str]:
    return list(dict.fromkeys(a.outlet for a in articles if a.copy_of is None))


def _letter_columns(view: StoryView) -> None:
    """Give each column its letter, the key from letters to outlets (each linked to the
    outlet's first article) and its width in the compact matrix."""
    view.letters = dict(zip(view.columns, column_letters(view.columns), strict=True))
    first: dict[str, str] = {}
    for article in sorted(view.articles, key=lambda a: bool(a.page)):  # texts on this page first
        first.setdefault(article.outlet, article.target(""))
    view.key = [(view.letters[c], c, first[c]) for c in view.columns]
    view.widths = [LETTER_REM * len(view.letters[c]) + LABEL_PAD_REM for c in view.columns]


def _row(
    anchor: str, group: ClaimGroup, view: StoryView, by_source: Mapping[str, ArticleView]
) -> Row:
    refs = tuple(_ref_view(r, by_source) for r in group.claims)
    left_out = tuple(dict.fromkeys(_column_of(m, by_source) for m in group.missing))
    cells = [_cell(column, group, refs, left_out, view.letters[column]) for column in view.columns]
    missing = tuple(m for m in group.missing if _column_of(m, by_source) not in view.columns)
    extra = tuple(r for r in refs if r.outlet not in view.columns)
    if extra:
        cells.append(Cell("", "none", extra))
    summary = _summary(group)
    unnamed = summary is not None and not all(name in group.reason for name in left_out)
    return Row(anchor, group, tuple(cells), missing, refs, left_out if unnamed else (), summary)


def _cell(
    column: str,
    group: ClaimGroup,
    refs: Sequence[RefView],
    left_out: Sequence[str],
    letter: str,
) -> Cell:
    """The cell of `column` in the row of `group`, with what it says in words."""
    who = f"{letter} · {column}"
    mine = tuple(r for r in refs if r.outlet == column)
    if mine:
        verdict = group.verdict if group.verdict in VERDICT_MARKS else Verdict.AGREE
        title = "\n".join(f"{who}: {r.ref.text}" for r in mine)
        return Cell(VERDICT_MARKS[verdict], verdict, mine, column, title)
    if column in left_out:
        return Cell("○", "missing", (), column, f"{who}: left out (comparable coverage)")
    return Cell("", "none", (), column, f"{who}: does not state this")


def _summary(group: ClaimGroup) -> str | None:
    """The one line a long reason folds under: how many outlets left the claim out, stated
    it, or how many facts conflict. None when the reason names few enough to show as it is."""
    if len(group.missing) > NAMED_IN_REASON:
        return f"left out by {len(group.missing)} outlets of comparable coverage"
    if group.verdict == Verdict.CONTRADICT and len(group.conflicts) > NAMED_IN_REASON:
        return f"{len(group.conflicts)} conflicting facts"
    if group.verdict == Verdict.AGREE and len(group.outlets) > NAMED_IN_REASON:
        changed = "; a figure changed between days" if group.changes else ""
        return f"stated by {len(group.outlets)} independent outlets{changed}"
    return None


def _column_of(outlet: str, by_source: Mapping[str, ArticleView]) -> str:
    """The column of an outlet the comparison names (an outlet with no name goes by its
    article's source)."""
    article = by_source.get(outlet)
    return article.outlet if article else outlet


def _ref_view(ref: ClaimRef, by_source: Mapping[str, ArticleView]) -> RefView:
    article = by_source.get(ref.source)
    if article is None:
        return RefView(ref, ref.outlet or os.path.basename(ref.source), None)
    return RefView(ref, article.outlet, claim_href(ref, article))


def claim_href(ref: ClaimRef, article: ArticleView) -> str | None:
    """The link to the span of `ref` in its article's text (or headline), None if it lies
    outside both."""
    if article.doc is None:
        return None
    where = _locate(ref, article.doc)
    if where == "body":
        return article.target(_claim_suffix(ref.start, ref.end))
    if where == "headline":
        return article.target("-h")
    return None


def _locate(ref: ClaimRef, doc: Doc) -> str | None:
    text, title = doc.article.text, doc.article.title or ""
    inside = 0 <= ref.start < ref.end
    if inside and ref.end <= len(text) and text[ref.start : ref.end] == ref.text:
        return "body"
    if inside and ref.end <= len(title) and title[ref.start : ref.end] == ref.text:
        return "headline"
    if inside and ref.end <= len(text):
        return "body"
    return None


def _span_id(article_anchor: str, start: int, end: int) -> str:
    return article_anchor + _claim_suffix(start, end)


def _claim_suffix(start: int, end: int) -> str:
    """The end of a claim's id after its article's prefix."""
    return f"-c{start}-{end}"


def _quote_suffix(number: int) -> str:
    """The end of a quote's id after its article's prefix."""
    return f"-q{number}"


def _conflict(row: Row, conflict: Conflict, names: Mapping[str, str]) -> ConflictView:
    """A conflict with the outlets on each side and, where the row has it, each side's claim."""
    left, right = conflict.sources
    refs = [r for cell in row.cells for r in cell.refs]
    return ConflictView(
        row,
        conflict,
        names.get(left, os.path.basename(left)),
        names.get(right, os.path.basename(right)),
        next((r for r in refs if r.ref.source == left), None),
        next((r for r in refs if r.ref.source == right), None),
    )


def _headline(check: HeadlineCheck, by_source: Mapping[str, ArticleView]) -> HeadlineView:
    article = by_source.get(check.source)
    outlet = article.outlet if article else os.path.basename(check.source)
    return HeadlineView(
        check,
        outlet,
        article.target("-h") if article and article.doc else None,
        _ref_view(check.evidence, by_source) if check.evidence else None,
        _ref_view(check.elsewhere, by_source) if check.elsewhere else None,
        _ref_view(check.also, by_source) if check.also else None,
        [OverstatementView(o, _ref_view(o.evidence, by_source)) for o in check.overstates],
    )


# ---------------------------------------------------------------- one article's text


def article_view(
    doc: Doc, comparison: Comparison | None = None, *, anchor: str = "a1", outlet: str = ""
) -> ArticleView:
    """One article as a story section shows it, on its own: its text highlighted (claims,
    quotes, entities, and the passages and loaded words of its story's `comparison` when
    given), its quotes with their chains, and its provenance and signals."""
    source = doc.article.origin
    name = outlet or doc.article.outlet or os.path.basename(source) or source
    article = ArticleView(anchor, source, name, doc)
    refs: list[ClaimRef] = []
    if comparison is not None:
        article.provenance = next((p for p in comparison.provenance if p.source == source), None)
        article.signals = next((s for s in comparison.signals if s.source == source), None)
        refs = _refs_of(source, comparison)
    _render_article(article, refs)
    return article


def _render_article(article: ArticleView, refs: Sequence[ClaimRef]) -> None:
    """Fill in the article's highlighted headline and body and its quotes."""
    doc = article.doc
    if doc is None:
        return
    spans = list(_claim_spans(article, doc, refs))
    spans += _quote_spans(article.anchor, doc)
    spans += _entity_spans(doc)
    words = article.signals.words if article.signals else ()
    spans += _word_spans(w for w in words if w.where == "body")
    article.body = highlight(doc.article.text, spans)
    title = doc.article.title or ""
    article.headline = highlight(title, _word_spans(w for w in words if w.where == "headline"))
    _list_quotes(article)


def _list_quotes(article: ArticleView) -> None:
    """The article's quotes with their chains, each linked to its words."""
    if article.doc is None:
        return
    article.quotes = [
        QuoteView(q, article.target(_quote_suffix(i)), _chain(q, article.outlet))
        for i, q in enumerate(article.doc.quotes)
    ]


def _refs_of(source: str, comparison: Comparison) -> list[ClaimRef]:
    refs = [r for g in comparison.groups for r in g.claims]
    for h in comparison.headlines:
        refs += [r for r in (h.evidence, h.elsewhere, h.also) if r is not None]
    return [r for r in refs if r.source == source]


def _claim_spans(article: ArticleView, doc: Doc, refs: Sequence[ClaimRef]) -> Iterable[Span]:
    """The article's claims, and every span the comparison points at that is not one."""
    seen: set[tuple[int, int]] = set()
    for c in doc.claims:
        seen.add((c.start, c.end))
        stance = c.stance if c.stance in STANCES else "other"
        tip = c.stance + (" · negated" if c.negated else "")
        yield Span(
            c.start, c.end, "claim", f"c c-{stance}", _span_id(article.anchor, c.start, c.end), tip
        )
    for r in refs:
        if (r.start, r.end) not in seen and _locate(r, doc) == "body":
            seen.add((r.start, r.end))
            anchor = _span_id(article.anchor, r.start, r.end)
            yield Span(r.start, r.end, "passage", "p", anchor, "compared passage")


def _quote_spans(article_anchor: str, doc: Doc) -> list[Span]:
    spans = []
    for i, q in enumerate(doc.quotes):
        who = q.speaker or ("anonymous" if q.anonymous else "no speaker named")
        tip = f"{q.kind} quote · {who}" + "".join(f" ← {v}" for v in q.via)
        spans.append(Span(q.start, q.end, "quote", "q", article_anchor + _quote_suffix(i), tip))
        if q.speaker_span:
            spans.append(Span(*q.speaker_span, "speaker", "spk", None, "speaker"))
    return spans


def _entity_spans(doc: Doc) -> list[Span]:
    return [
        Span(e.start, e.end, "entity", f"e e-{_entity_kind(e.type)}", None, _entity_tip(e))
        for e in doc.entities
    ]


def _entity_kind(entity_type: str) -> str:
    if entity_type == "PERSON":
        return "person"
    if entity_type == "ORG":
        return "org"
    return "place" if entity_type in PLACE_TYPES else "other"


def _entity_tip(entity: Entity) -> str:
    role = f" ({entity.role})" if entity.role else ""
    return f"{entity.type}: {entity.canonical}{role}"


def _word_spans(words: Iterable[WordHit]) -> list[Span]:
    return [Span(w.start, w.end, "word", f"w w-{w.kind}", None, w.kind) for w in words]


def _chain(quote: Quote, outlet: str) -> tuple[str, ...]:
    """Who the words pass through, from the speaker out to the outlet."""
    speaker = quote.speaker or ("anonymous" if quote.anonymous else "unnamed")
    return (speaker, *quote.via, outlet)
