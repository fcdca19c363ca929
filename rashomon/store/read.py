"""Reading the store for the web app and the API: stories, a story, an article, an outlet,
full-text search. Every function takes an open `Database` and returns plain records; none
writes. Untrusted text (titles, bodies, URLs) comes back as it is stored: escaping is the
renderer's job.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from rashomon import codec
from rashomon.model import Comparison, Doc, Outlet, Signals, Story
from rashomon.store.sqlite import Database

__all__ = [
    "ArticleInfo",
    "Hit",
    "OutletInfo",
    "SORTS",
    "StoryInfo",
    "StoryPage",
    "article",
    "outlet",
    "outlets",
    "search",
    "stories",
    "story",
    "story_count",
    "story_state",
]

# The columns the stories list sorts by, as the API and the page name them.
SORTS = {
    "updated": "updated_at",
    "date": "coalesce(event_date, first_seen, '')",
    "articles": "articles",
    "outlets": "outlets",
    "agree": "agree",
    "only_in": "only_in",
    "contradict": "contradict",
    "label": "label COLLATE NOCASE",
}
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # around matched words in search snippets
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class StoryInfo:
    """One row of the stories list."""

    id: str
    label: str
    event_date: str | None
    first_seen: str | None
    last_seen: str | None
    articles: int
    outlets: int
    agree: int
    only_in: int
    contradict: int
    updated_at: str
    compared: bool
    outlet_names: tuple[str, ...] = ()
    version: int = 0  # grows each time the story's members change
    compared_articles: int = 0  # its size when its (maybe older) comparison was made; 0: none


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An article's metadata (its text and annotation are in its Doc)."""

    id: str
    origin: str
    url: str | None
    outlet: str
    title: str | None
    byline: str | None
    published: str | None
    language: str | None
    added_at: str
    story: str | None
    copy_of: str | None


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A story with its comparison (None until compared) and its members."""

    info: StoryInfo
    story: Story
    comparison: Comparison | None
    articles: tuple[ArticleInfo, ...]
    docs: dict[str, Doc] = field(default_factory=dict)  # by origin, what the spans point into


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """An outlet: its profile (the registry's, or what was observed), its articles and the
    stories it covered, and the signals of its compared articles."""

    outlet: Outlet
    articles: tuple[ArticleInfo, ...]
    stories: tuple[StoryInfo, ...]
    signals: tuple[Signals, ...] = ()
    article_count: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """A search hit: the article and a snippet whose matched words sit between
    SNIPPET_OPEN and SNIPPET_CLOSE."""

    article: ArticleInfo
    snippet: str
    title_snippet: str


_ARTICLE_COLUMNS = (
    "id, origin, url, outlet, title, byline, published, language, added_at, story, copy_of"
)
_STORY_COLUMNS = (
    "id, label, event_date, first_seen, last_seen, articles, outlets, agree, only_in, "
    "contradict, updated_at, compared >= version AS compared, version, compared_articles"
)


def _article_info(row: sqlite3.Row) -> ArticleInfo:
    return ArticleInfo(**{k: row[k] for k in ArticleInfo.__slots__})


def _story_info(row: sqlite3.Row, outlet_names: tuple[str, ...] = ()) -> StoryInfo:
    return _story_info_from(dict(row), outlet_names)


def story_count(db: Database, *, outlet: str | None = None) -> int:
    """How many stories there are (covered by `outlet`, when given)."""
    with db.read() as connection:
        if outlet is None:
            return int(connection.execute("SELECT count(*) FROM stories").fetchone()[0])
        row = connection.execute(
            "SELECT count(DISTINCT story) FROM articles WHERE outlet = ? AND story IS NOT NULL",
            (outlet,),
        ).fetchone()
        return int(row[0])


def stories(
    db: Database,
    *,
    sort: str = "updated",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> list[StoryInfo]:
    """A page of the stories list, sorted by one of SORTS (ties broken by id)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    order = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {_STORY_COLUMNS} FROM stories ORDER BY {SORTS[sort]} {order}, id LIMIT ? OFFSET ?"
    )
    with db.read() as connection:
        rows = connection.execute(sql, (max(0, limit), max(0, offset))).fetchall()
        names = _outlet_names(connection, [r["id"] for r in rows])
    return [_story_info(r, names.get(r["id"], ())) for r in rows]


def _outlet_names(connection: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, ...]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = connection.execute(
        f"SELECT story, outlet FROM articles WHERE story IN ({marks}) "
        "GROUP BY story, outlet ORDER BY story, min(placed)",
        ids,
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["story"], []).append(row["outlet"])
    return {k: tuple(v) for k, v in found.items()}


def story(db: Database, story_id: str, *, with_docs: bool = True) -> StoryPage | None:
    """A story with its comparison and members (their Docs too, unless `with_docs` is
    False); None when there is no such story."""
    with db.read() as connection:
        row = connection.execute(
            f"SELECT {_STORY_COLUMNS}, story, comparison FROM stories WHERE id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            return None
        doc_column = ", doc" if with_docs else ""
        members = connection.execute(
            f"SELECT {_ARTICLE_COLUMNS}{doc_column} FROM articles WHERE story = ? ORDER BY placed",
            (story_id,),
        ).fetchall()
    infos = tuple(_article_info(m) for m in members)
    outlet_names = tuple(dict.fromkeys(i.outlet for i in infos))
    base = {k: v for k, v in dict(row).items() if k not in ("story", "comparison")}
    info = _story_info_from(base, outlet_names)
    comparison = codec.loads(Comparison, row["comparison"]) if row["comparison"] else None
    docs = {m["origin"]: codec.loads(Doc, m["doc"]) for m in members} if with_docs else {}
    return StoryPage(info, codec.loads(Story, row["story"]), comparison, infos, docs)


def _story_info_from(values: dict[str, Any], outlet_names: tuple[str, ...]) -> StoryInfo:
    compared = bool(values.pop("compared"))
    return StoryInfo(**values, compared=compared, outlet_names=outlet_names)


def story_state(db: Database, story_id: str) -> tuple[int, bool] | None:
    """A story's version and whether its comparison is current (a cheap look-up, for caching
    what is built from it); None when there is no such story."""
    with db.read() as connection:
        row = connection.execute(
            "SELECT version, compared >= version FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
    return None if row is None else (int(row[0]), bool(row[1]))


def article(db: Database, article_id: str) -> tuple[ArticleInfo, Doc] | None:
    """An article's metadata and its Doc; None when there is no such article."""
    with db.read() as connection:
        row = connection.execute(
            f"SELECT {_ARTICLE_COLUMNS}, doc FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
    if row is None:
        return None
    return _article_info(row), codec.loads(Doc, row["doc"])


def outlets(db: Database) -> list[tuple[str, int, int]]:
    """Every outlet with its article and story counts, the most articles first."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT outlet, count(*) AS n, count(DISTINCT story) AS s FROM articles "
            "GROUP BY outlet ORDER BY n DESC, outlet"
        ).fetchall()
    return [(r["outlet"], r["n"], r["s"]) for r in rows]


def outlet(db: Database, name: str, *, limit: int = 50) -> OutletInfo | None:
    """An outlet's profile, its latest articles and stories (at most `limit` each) and the
    signals of those articles from their stories' comparisons; None when the store has no
    article from it."""
    with db.read() as connection:
        count = connection.execute(
            "SELECT count(*) FROM articles WHERE outlet = ?", (name,)
        ).fetchone()[0]
        if not count:
            return None
        rows = connection.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE outlet = ? ORDER BY seq DESC LIMIT ?",
            (name, limit),
        ).fetchall()
        infos = tuple(_article_info(r) for r in rows)
        story_rows = connection.execute(
            f"SELECT {_STORY_COLUMNS}, comparison FROM stories WHERE id IN "
            "(SELECT story FROM articles WHERE outlet = ?) ORDER BY updated_at DESC LIMIT ?",
            (name, limit),
        ).fetchall()
        domains, languages = _observed(connection, name)
    sources = {i.origin for i in infos}
    signals = [
        s
        for r in story_rows
        if r["comparison"]
        for s in codec.loads(Comparison, r["comparison"]).signals
        if s.source in sources
    ]
    infos_by_story = [
        _story_info_from({k: v for k, v in dict(r).items() if k != "comparison"}, ())
        for r in story_rows
    ]
    profile = _profile(name, infos, signals, domains, languages, count)
    return OutletInfo(profile, infos, tuple(infos_by_story), tuple(signals), count)


def _observed(connection: sqlite3.Connection, name: str) -> tuple[list[str], list[str]]:
    from rashomon.clean.metadata import outlet_from_url

    urls = connection.execute(
        "SELECT DISTINCT url FROM articles WHERE outlet = ? AND url IS NOT NULL LIMIT 200",
        (name,),
    ).fetchall()
    languages = connection.execute(
        "SELECT language FROM articles WHERE outlet = ? AND language IS NOT NULL "
        "GROUP BY language ORDER BY count(*) DESC",
        (name,),
    ).fetchall()
    domains = dict.fromkeys(d for (u,) in urls if (d := outlet_from_url(u)))
    return list(domains), [lang for (lang,) in languages]


def _profile(
    name: str,
    infos: tuple[ArticleInfo, ...],
    signals: list[Signals],
    domains: list[str],
    languages: list[str],
    count: int,
) -> Outlet:
    """The registry's profile when the outlet is known (from its signals), else what the
    store observed."""
    from dataclasses import replace

    known = next((s.outlet for s in signals if s.outlet.known), None)
    if known is not None:
        return replace(known, articles=count)
    return Outlet(
        name=name,
        domains=tuple(domains),
        languages=tuple(languages),
        articles=count,
    )


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query that cannot be a syntax error: every word quoted,
    all of them required. Empty when there are no words."""
    words = _WORD.findall(text)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:32])


def search(db: Database, text: str, *, limit: int = 50, offset: int = 0) -> list[Hit]:
    """Articles matching every word of `text` (full-text, diacritics folded), the best
    first, each with a snippet of its text around the matches."""
    query = fts_query(text)
    if not query:
        return []
    sql = f"""
        SELECT {", ".join("a." + c for c in _ARTICLE_COLUMNS.split(", "))},
               snippet(articles_fts, 1, ?, ?, '…', 24) AS snippet,
               highlight(articles_fts, 0, ?, ?) AS title_snippet
        FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
        WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ? OFFSET ?"""
    marks = (SNIPPET_OPEN, SNIPPET_CLOSE) * 2
    with db.read() as connection:
        rows = connection.execute(sql, (*marks, query, limit, offset)).fetchall()
    return [Hit(_article_info(r), r["snippet"] or "", r["title_snippet"] or "") for r in rows]


def search_count(db: Database, text: str) -> int:
    """How many articles match every word of `text` (what `search` pages through)."""
    query = fts_query(text)
    if not query:
        return 0
    with db.read() as connection:
        sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
        return int(connection.execute(sql, (query,)).fetchone()[0])
