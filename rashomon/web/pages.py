"""The server-rendered pages: the stories list, a story, an article, the outlets, an outlet,
search, and the API reference at /docs.

Every page is rendered here from `rashomon.store.read` records with Jinja (templates/, autoescape
on, undefined values an error). The story page shows the comparison exactly as the compare
report does: its sections are the report's macros (rashomon/report/templates/_story.html) over
the report's StoryView, and its stylesheet is the report's CSS (served at /assets/compare.css)
with this app's own (static/style.css) on top.

Reading runs no script, and the CSP (rashomon.web.app) allows no inline script nor style
attribute (the one script file, static/steer.js, only sends the merge and split forms of
rashomon.web.pages_steer's templates/_steer.html): filtering a story, the stories list or
search is a GET form (rashomon.web.filters; the list's sort and page links keep its filters),
sorting the list is links, the timeline is an SVG drawn on the server and the articles per
day a table. Text in another language than the page's carries its `lang` and `dir`
(rashomon.report.textlang).
Article text, titles, outlet names and URLs are untrusted: they are escaped by the templates,
highlighted text is built from escaped pieces (`highlight`, the search snippets here), and a
URL becomes a link only when its scheme is http or https.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from rashomon.model import ClaimGroup, Comparison, Doc, Signals
from rashomon.report.compare_html import (
    REPORT_TEMPLATES,
    VERDICT_MARKS,
    ArticleView,
    Row,
    StoryView,
    article_view,
    claim_href,
    environment,
    story_view,
)
from rashomon.store import browse, read
from rashomon.store.read import SNIPPET_CLOSE, SNIPPET_OPEN, ArticleInfo
from rashomon.store.steer import successor
from rashomon.web import filters
from rashomon.web.paths import public_origin
from rashomon.web.timeline import Dot, coverage_svg, day_of

__all__ = ["code_spans", "link_url", "router", "snippet_html"]

router = APIRouter(include_in_schema=False)

VERDICTS = ("agree", "only_in", "contradict")
# The columns of the stories list: (sort key, heading, whether it sorts descending first).
COLUMNS = (
    ("label", "Story", False),
    ("date", "Event date", True),
    ("outlets", "Outlets", True),
    ("articles", "Articles", True),
    ("agree", "Agree", True),
    ("only_in", "Only in", True),
    ("contradict", "Contradict", True),
    ("updated", "Updated", True),
)
FIRST_DESCENDING = {key: descending for key, _, descending in COLUMNS}
STORY_ANCHOR = "s"  # the prefix of every id on a story page: s-g3 (a row), s-a1-c0-40 (a claim)
ARTICLE_ANCHOR = "span"  # on an article page: span-c0-40 (a claim), span-q2 (a quote)


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class Links:
    """What the shared story macros ask the web app for (`web` in _story.html)."""

    def article(self, doc: Doc) -> str:
        return article_href(doc.article.id)

    def outlet(self, name: str) -> str:
        return outlet_href(name)

    def url(self, url: str | None) -> str | None:
        return link_url(url)


def article_href(article_id: str) -> str:
    return f"/articles/{quote(article_id, safe='')}"


def story_href(story_id: str) -> str:
    return f"/stories/{quote(story_id, safe='')}"


def outlet_href(name: str) -> str:
    return f"/outlets/{quote(name, safe='')}"


def link_url(url: str | None) -> str | None:
    """`url` when it may be a link (an absolute http or https URL), else None: a URL from a
    document is shown as text unless it is one of those."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def snippet_html(text: str) -> Markup:
    """A search snippet as HTML: the text escaped first, then each matched stretch (between
    SNIPPET_OPEN and SNIPPET_CLOSE) in a <mark>. The marks always pair up, whatever control
    characters the text itself carries."""
    out: list[str] = []
    inside = False
    piece: list[str] = []
    for ch in text:
        if ch in (SNIPPET_OPEN, SNIPPET_CLOSE):
            out.append(str(escape("".join(piece))))
            piece = []
            if (ch == SNIPPET_OPEN) != inside:
                out.append("<mark>" if not inside else "</mark>")
                inside = not inside
            continue
        piece.append(ch)
    out.append(str(escape("".join(piece))))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))


def code_spans(text: str) -> Markup:
    """Text whose `backquoted` words are code (the API's descriptions), escaped."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backquote stays as it is
        pieces[-2:] = [pieces[-2] + "`" + pieces[-1]]
    return Markup("").join(
        Markup("<code>%s</code>") % p if i % 2 else escape(p) for i, p in enumerate(pieces)
    )


def shown_origin(request: Request) -> Callable[[str], str]:
    """How the pages show an article's origin: as stored with `serve.show_paths`, else with
    the server's folders hidden (rashomon.web.paths)."""
    settings = request.app.state.settings
    return str if settings.serve.show_paths else public_origin


def _query(base: str, **params: object) -> str:
    """`base` with the params that are set as its query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(kept)}" if kept else base


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader("rashomon.web", "templates"), REPORT_TEMPLATES]
    )
    env = environment(loader)
    env.globals.update(
        web=Links(),
        article_href=article_href,
        story_href=story_href,
        outlet_href=outlet_href,
        link_url=link_url,
        query=_query,
        verdicts=VERDICTS,
    )
    env.filters["snippet"] = snippet_html
    env.filters["code"] = code_spans
    env.filters["day"] = lambda value: (value or "")[:10]
    return env


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    values.setdefault("shown_origin", shown_origin(request))
    html = _environment().get_template(template).render(path=request.url.path, **values)
    return HTMLResponse(html, status_code=status)


def not_found(request: Request, what: str) -> HTMLResponse:
    return render(request, "error.html", 404, title="Not found", message=f"No {what}.")


def bad_request(request: Request, message: str) -> HTMLResponse:
    return render(request, "error.html", 400, title="Bad request", message=message)


def _db(request: Request) -> Any:
    return request.app.state.store.db


def _page_size(request: Request) -> int:
    return max(1, request.app.state.settings.serve.page_size)


def _page_number(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else None


@lru_cache(maxsize=1)
def _report_css() -> str:
    return (resources.files("rashomon.report") / "templates" / "compare.css").read_text("utf-8")


@router.get("/assets/compare.css")
def report_css() -> Response:
    """The compare report's stylesheet, which the story page shares."""
    return Response(
        _report_css(), media_type="text/css", headers={"cache-control": "public, max-age=3600"}
    )


# ---------------------------------------------------------------- stories


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request, sort: str = "updated", order: str = "", page: str = "1"
) -> HTMLResponse:
    if sort not in read.SORTS:
        return bad_request(request, f"Unknown sort {sort!r}: use one of {', '.join(read.SORTS)}.")
    if order not in ("", "asc", "desc"):
        return bad_request(request, "The order is asc or desc.")
    number = _page_number(page)
    if number is None:
        return bad_request(request, "The page is a number from 1.")
    try:
        chosen = filters.parse(request.query_params)
    except filters.FilterError as error:
        return bad_request(request, f"The filter {error.param}: {error.message}.")
    descending = order == "desc" if order else FIRST_DESCENDING.get(sort, True)
    size = _page_size(request)
    db = _db(request)
    total = browse.story_count(db, chosen)
    rows = browse.stories(
        db, chosen, sort=sort, descending=descending, limit=size, offset=(number - 1) * size
    )
    pages = max(1, math.ceil(total / size))
    keep = filters.as_query(chosen)
    headers = [
        _header(key, heading, sort, descending, first, keep) for key, heading, first in COLUMNS
    ]
    listed = {**keep, "sort": sort, "order": order}
    return render(
        request,
        "stories.html",
        title="Stories",
        rows=rows,
        headers=headers,
        total=total,
        page=number,
        pages=pages,
        form=_form(request, chosen, sort=sort, order=order),
        downloads=_downloads("/api/v1/export/stories", {**keep, "sort": sort, "order": order}),
        prev=_query("/", **listed, page=number - 1) if number > 1 else None,
        next=_query("/", **listed, page=number + 1) if number < pages else None,
    )


@dataclass(frozen=True, slots=True)
class FilterForm:
    """The filter form of a list: the values chosen (as query strings), the choices the store
    offers, and the list's other parameters, kept as hidden fields."""

    action: str
    values: dict[str, str]
    languages: list[tuple[str, int]]
    outlets: list[str]
    hidden: dict[str, str]

    @property
    def active(self) -> bool:
        return any(self.values.values())


def _form(request: Request, chosen: browse.Filters, **hidden: str) -> FilterForm:
    db = _db(request)
    action = "/search" if "q" in hidden else "/"
    return FilterForm(
        action,
        filters.as_query(chosen),
        browse.languages(db),
        [name for name, _, _ in read.outlets(db)],
        {k: v for k, v in hidden.items() if v},
    )


def _downloads(base: str, params: dict[str, str]) -> list[tuple[str, str]]:
    """The download links of a list: (label, URL) for CSV and JSON."""
    kept = {k: v for k, v in params.items() if v}
    return [(fmt.upper(), _query(base, **kept, format=fmt)) for fmt in ("csv", "json")]


@dataclass(frozen=True, slots=True)
class Header:
    key: str
    heading: str
    href: str
    sorted: str  # "ascending", "descending" or "" (aria-sort)


def _header(
    key: str, heading: str, sort: str, descending: bool, first: bool, keep: dict[str, str]
) -> Header:
    """A column heading linking to the list sorted by it (its filters kept): the other way
    round when the list is sorted by it already, else the column's own first order."""
    if key == sort:
        flip = "asc" if descending else "desc"
        return Header(key, heading, _query("/", **keep, sort=key, order=flip), _aria(descending))
    order = "desc" if first else "asc"
    return Header(key, heading, _query("/", **keep, sort=key, order=order), "")


def _aria(descending: bool) -> str:
    return "descending" if descending else "ascending"


class PageCache:
    """Rendered pages by key, the least recently used dropped past `budget` characters. A
    story page is a pure function of the story's version and the filters, and a big story's
    page takes a quarter of a second to build."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._pages: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[object, ...], page: str) -> None:
        if len(page) > self.budget:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self._size += len(page) - (len(old) if old is not None else 0)
            self._pages[key] = page
            while self._size > self.budget:
                _, dropped = self._pages.popitem(last=False)
                self._size -= len(dropped)


STORY_PAGES = PageCache(64_000_000)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, verdict: str = "", outlet: str = "") -> Response:
    if verdict not in ("", *VERDICTS):
        return bad_request(request, f"The verdict is one of {', '.join(VERDICTS)}.")
    state = read.story_state(_db(request), story_id)
    if state is None:
        now = successor(_db(request), story_id)  # a story merged by hand: where it went
        if now is not None and now != story_id:
            return RedirectResponse(story_href(now), status_code=303)
        return not_found(request, "story with this id")
    # the blindspot lists other stories' outlets: the page changes when the store does
    mark = browse.store_mark(_db(request))
    key = (str(_db(request).path), story_id, *state, mark, verdict, outlet)
    cached = STORY_PAGES.get(key)
    if cached is None:
        response = _story_page(request, story_id, verdict, outlet)
        if response.status_code == 200:
            STORY_PAGES.put(key, bytes(response.body).decode("utf-8"))
        return response
    return HTMLResponse(cached)


def _texts_elsewhere(members: Sequence[read.ArticleInfo], keep: int) -> dict[str, tuple[str, str]]:
    """The members whose texts a story page leaves to their own pages, as the `elsewhere` of
    story_view: all but `keep` of them, keeping the first of each outlet, then the earliest."""
    kept = {m.id for m in {m.outlet: m for m in reversed(members)}.values()}
    for member in members:
        if len(kept) >= keep:
            break
        kept.add(member.id)
    return {m.origin: (article_href(m.id), ARTICLE_ANCHOR) for m in members if m.id not in kept}


def _story_page(request: Request, story_id: str, verdict: str, outlet: str) -> HTMLResponse:
    page = read.story(_db(request), story_id)
    if page is None:
        return not_found(request, "story with this id")
    timeline = coverage_svg(_dots(page.articles, shown_origin(request), page.info.event_date))
    around = _around(request, page)
    if page.comparison is None:
        return render(
            request,
            "story_pending.html",
            title=page.info.label or page.info.id,
            info=page.info,
            articles=page.articles,
            timeline=timeline,
            **around,
        )
    away = _texts_elsewhere(page.articles, request.app.state.settings.serve.story_texts)
    view = story_view(page.comparison, page.docs, anchor=STORY_ANCHOR, elsewhere=away)
    every = _filtered(view, verdict, outlet)
    return render(
        request,
        "story.html",
        title=page.info.label or page.info.id,
        info=page.info,
        s=view,
        total=len(every),
        counts={v: sum(r.group.verdict == v for r in every) for v in VERDICTS},
        verdict=verdict,
        outlet=outlet,
        timeline=timeline,
        articles=page.articles,
        **around,
    )


def _around(request: Request, page: read.StoryPage) -> dict[str, Any]:
    """What a story page shows beside its comparison: its articles per day, the outlets that
    did not cover it, and its downloads."""
    base = f"/api/v1/stories/{quote(page.info.id, safe='')}/export"
    return {
        "days": browse.coverage(page.articles),
        "blindspot": browse.blindspot(_db(request), page.info.id),
        "downloads": [
            ("JSON", _query(base, format="json")),
            ("CSV of the articles", _query(base, format="csv", table="members")),
            ("CSV of the claims", _query(base, format="csv", table="claims")),
        ],
    }


def _filtered(view: StoryView, verdict: str, outlet: str) -> list[Row]:
    """Keep the matrix rows (and their conflicts) of `verdict` that `outlet` states; the rows
    keep their anchors, so a link to a row holds whatever the filter. Returns every row."""
    every = list(view.rows)

    def keep(row: Row) -> bool:
        if verdict and row.group.verdict != verdict:
            return False
        return not outlet or any(r.outlet == outlet for r in row.refs)

    view.rows = [r for r in every if keep(r)]
    view.conflicts = [c for c in view.conflicts if keep(c.row)]
    return every


def _dots(
    infos: Sequence[ArticleInfo], shown: Callable[[str], str], event_date: str | None = None
) -> list[Dot]:
    """One dot per article: on its publication day, else (hollow) on the story's event date,
    else on the day it was added; labelled by its title, else its origin as `shown`."""
    dots = []
    for info in infos:
        placed = day_of(info.published, event_date or info.added_at)
        if placed is None:
            continue
        day, published = placed
        dots.append(
            Dot(
                info.outlet,
                day,
                info.title or shown(info.origin),
                article_href(info.id),
                published,
                outlet_href(info.outlet),
            )
        )
    return dots


# ---------------------------------------------------------------- articles


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    db = _db(request)
    found = read.article(db, article_id)
    if found is None:
        return not_found(request, "article with this id")
    info, doc = found
    story = read.story(db, info.story, with_docs=False) if info.story else None
    comparison = story.comparison if story else None
    view = article_view(doc, comparison, anchor=ARTICLE_ANCHOR, outlet=info.outlet)
    return render(
        request,
        "article.html",
        title=info.title or shown_origin(request)(info.origin),
        info=info,
        a=view,
        story=story.info if story else None,
        groups=_groups_of(view, comparison),
        entities=_entities(doc),
    )


@dataclass(frozen=True, slots=True)
class GroupOf:
    """A claim group this article is in: its row on the story page, the article's claims in
    it with their ids on this page."""

    group: ClaimGroup
    row_anchor: str
    claims: tuple[tuple[str, str | None], ...]  # (text, link to its span on this page)


def _groups_of(view: ArticleView, comparison: Comparison | None) -> list[GroupOf]:
    if comparison is None:
        return []
    found = []
    for i, group in enumerate(comparison.groups, 1):
        mine = tuple((r.text, claim_href(r, view)) for r in group.claims if r.source == view.source)
        if mine:  # the row's anchor as story_view() gives it
            found.append(GroupOf(group, f"{STORY_ANCHOR}-g{i}", mine))
    return found


def _entities(doc: Doc) -> list[tuple[str, str, int]]:
    """The things the article names: (canonical name, type, mentions), the most named first."""
    counts: dict[tuple[str, str], int] = {}
    for e in doc.entities:
        counts[(e.canonical, e.type)] = counts.get((e.canonical, e.type), 0) + 1
    return sorted(((n, t, c) for (n, t), c in counts.items()), key=lambda x: (-x[2], x[0]))


# ---------------------------------------------------------------- outlets


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    rows = read.outlets(_db(request))
    return render(request, "outlets.html", title="Outlets", rows=rows)


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet_page(request: Request, name: str) -> HTMLResponse:
    found = read.outlet(_db(request), name, limit=_page_size(request))
    if found is None:
        return not_found(request, "outlet of this name")
    by_origin = {a.origin: a for a in found.articles}
    return render(
        request,
        "outlet.html",
        title=found.outlet.name,
        name=name,
        o=found.outlet,
        found=found,
        signals=[(s, by_origin.get(s.source)) for s in found.signals],
        overall=_overall(found.signals),
        stories=found.stories,
    )


@dataclass(frozen=True, slots=True)
class Overall:
    """An outlet's signals over its compared articles: claims by stance (shares of all their
    claims), its loaded or sensational words with how often each came, what its reports lack."""

    articles: int
    claims: int
    opinion: float
    hedged: float
    reported: float
    words: tuple[tuple[str, str, int], ...]
    missing: tuple[tuple[str, int], ...]


def _overall(signals: Sequence[Signals]) -> Overall | None:
    if not signals:
        return None
    claims = sum(s.claims for s in signals)

    def share(of: Callable[[Signals], float]) -> float:
        return sum(of(s) * s.claims for s in signals) / claims if claims else 0.0

    words = Counter((w.text.lower(), w.kind) for s in signals for w in s.words)
    missing = Counter(m for s in signals for m in s.missing)
    return Overall(
        len(signals),
        claims,
        share(lambda s: s.opinion_share),
        share(lambda s: s.hedged_share),
        share(lambda s: s.reported_share),
        tuple((text, kind, n) for (text, kind), n in words.most_common(12)),
        tuple(missing.most_common()),
    )


# ---------------------------------------------------------------- search


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", page: str = "1") -> HTMLResponse:
    number = _page_number(page)
    if number is None:
        return bad_request(request, "The page is a number from 1.")
    try:
        chosen = filters.parse(request.query_params)
    except filters.FilterError as error:
        return bad_request(request, f"The filter {error.param}: {error.message}.")
    size = _page_size(request)
    db = _db(request)
    offset = (number - 1) * size
    hits = browse.search(db, q, chosen, limit=size + 1, offset=offset) if q else []
    more = len(hits) > size
    keep = {"q": q, **filters.as_query(chosen)}
    return render(
        request,
        "search.html",
        title=f"Search: {q}" if q else "Search",
        q=q,
        hits=hits[:size],
        total=browse.search_count(db, q, chosen) if hits else 0,
        page_size=size,
        words=bool(read.fts_query(q)),
        page=number,
        form=_form(request, chosen, q=q),
        downloads=_downloads("/api/v1/export/search", keep) if hits else [],
        prev=_query("/search", **keep, page=number - 1) if number > 1 else None,
        next=_query("/search", **keep, page=number + 1) if more else None,
    )


# ---------------------------------------------------------------- the API reference


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    operations = [
        (path, method, op)
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch", "head", "options")
    ]
    return render(
        request,
        "docs.html",
        title="API reference",
        spec=spec,
        operations=operations,
        schemas=spec.get("components", {}).get("schemas", {}),
        marks=VERDICT_MARKS,
    )
