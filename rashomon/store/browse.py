"""Reading the store as an analyst steers it: the stories list and search narrowed by filters,
a story's blindspot (the outlets the store knows that did not cover it) and its coverage per
day. Like `rashomon.store.read`, every function takes an open `Database`, returns plain
records and writes nothing; untrusted text comes back as stored.

Filters combine (every one given must hold). On the stories list they are facts of the story:
its date (the event date, else the day it was first seen), a member in the language, a member
from the outlet, a member from a state-affiliated outlet or none, at least so many outlets, a
contradiction or none. On search they narrow the articles: the date (published, else the day
it was added), language, outlet and state affiliation are the article's own; `min_outlets`
and `contradictions` are its story's. State affiliation is the outlet registry's word
(`rashomon.outlets`): an outlet it does not list counts as not state-affiliated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache

from rashomon.model import Outlet
from rashomon.outlets import default_registry
from rashomon.store import read
from rashomon.store.sqlite import Database

# The read module's row builders and column lists are shared (one definition of a row).

__all__ = [
    "BLINDSPOT_LIMIT",
    "Blindspot",
    "DayCount",
    "Filters",
    "Missing",
    "blindspot",
    "coverage",
    "languages",
    "search",
    "search_count",
    "state_outlets",
    "store_mark",
    "stories",
    "story_count",
]

BLINDSPOT_LIMIT = 12  # outlets listed by name; the rest are counted
_STORY_DAY = "coalesce(substr(s.event_date, 1, 10), substr(s.first_seen, 1, 10))"
_ARTICLE_DAY = "coalesce(substr(a.published, 1, 10), substr(a.added_at, 1, 10))"


@dataclass(frozen=True, slots=True)
class Filters:
    """What narrows a list; None (or False for `min_outlets` 0) is no filter. `state` True:
    a state-affiliated outlet is among them; False: none is. `contradictions` likewise."""

    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    outlet: str | None = None
    state: bool | None = None
    min_outlets: int = 0
    contradictions: bool | None = None

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, 0) for f in fields(self))


NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Missing:
    """An outlet that did not cover a story: its profile (the registry's when `known`) and
    how many articles and stories it has in the store."""

    outlet: Outlet
    articles: int
    stories: int


@dataclass(frozen=True, slots=True)
class Blindspot:
    """The outlets the store knows (from other stories) that did not cover a story, the most
    active first (at most the limit asked for), and how many more there are."""

    outlets: tuple[Missing, ...]
    more: int

    @property
    def total(self) -> int:
        return len(self.outlets) + self.more


@dataclass(frozen=True, slots=True)
class DayCount:
    """One day of a story's coverage: how many of its articles came that day, and how many of
    those by their own publication date (the others by the day the store first saw them)."""

    day: str
    articles: int
    published: int


# ---------------------------------------------------------------- the filters as SQL


@lru_cache(maxsize=1)
def _state_names() -> frozenset[str]:
    return frozenset(o.name for o in default_registry() if o.state_affiliated)


def state_outlets(db: Database) -> list[str]:
    """The outlets in the store that the registry calls state-affiliated."""
    with db.read() as connection:
        names = [r[0] for r in connection.execute("SELECT DISTINCT outlet FROM articles")]
    return sorted(n for n in names if _is_state(n))


def _is_state(name: str) -> bool:
    if name in _state_names():
        return True
    known = default_registry().by_name(name)
    return bool(known and known.state_affiliated)


def _in_list(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})" if values else "0"


def _member(condition: str) -> str:
    return f"EXISTS (SELECT 1 FROM articles m WHERE m.story = s.id AND {condition})"


def _story_where(db: Database, f: Filters) -> tuple[str, list[object]]:
    """The WHERE clause over `stories s` for `f`, and its parameters."""
    clauses, params = _day_range(_STORY_DAY, f)
    for column, value in (("language", f.language), ("outlet", f.outlet)):
        if value is not None:
            clauses.append(_member(f"m.{column} = ?"))
            params.append(value)
    if f.state is not None:
        names = state_outlets(db)
        held = _member(_in_list("m.outlet", names))
        clauses.append(held if f.state else f"NOT {held}")
        params.extend(names)
    clauses += _story_facts(f, "s", params)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _day_range(day: str, f: Filters) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    for bound, op in ((f.date_from, ">="), (f.date_to, "<=")):
        if bound is not None:
            clauses.append(f"{day} {op} ?")
            params.append(bound.isoformat())
    return clauses, params


def _story_facts(f: Filters, table: str, params: list[object]) -> list[str]:
    clauses = []
    if f.min_outlets > 0:
        clauses.append(f"{table}.outlets >= ?")
        params.append(f.min_outlets)
    if f.contradictions is not None:
        clauses.append(f"{table}.contradict {'>' if f.contradictions else '='} 0")
    return clauses


def _article_where(db: Database, f: Filters) -> tuple[str, list[object]]:
    """The extra conditions over `articles a` (its story `s`, LEFT JOINed) for `f`."""
    clauses, params = _day_range(_ARTICLE_DAY, f)
    for column, value in (("language", f.language), ("outlet", f.outlet)):
        if value is not None:
            clauses.append(f"a.{column} = ?")
            params.append(value)
    if f.state is not None:
        names = state_outlets(db)
        held = _in_list("a.outlet", names)
        clauses.append(held if f.state else f"NOT {held}")
        params.extend(names)
    clauses += _story_facts(f, "s", params)
    return "".join(f" AND {c}" for c in clauses), params


# ---------------------------------------------------------------- stories and search


def story_count(db: Database, filters: Filters = NO_FILTERS) -> int:
    """How many stories pass `filters`."""
    where, params = _story_where(db, filters)
    with db.read() as connection:
        return int(
            connection.execute(f"SELECT count(*) FROM stories s{where}", params).fetchone()[0]
        )


def stories(
    db: Database,
    filters: Filters = NO_FILTERS,
    *,
    sort: str = "updated",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> list[read.StoryInfo]:
    """A page of the stories that pass `filters`, sorted as `read.stories` sorts."""
    if sort not in read.SORTS:
        raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(read.SORTS)}")
    where, params = _story_where(db, filters)
    order = "DESC" if descending else "ASC"
    sql = (
        f"SELECT {read._STORY_COLUMNS} FROM stories s{where} "
        f"ORDER BY {read.SORTS[sort]} {order}, id LIMIT ? OFFSET ?"
    )
    with db.read() as connection:
        rows = connection.execute(sql, [*params, max(0, limit), max(0, offset)]).fetchall()
        names = read._outlet_names(connection, [r["id"] for r in rows])
    return [read._story_info(r, names.get(r["id"], ())) for r in rows]


def _hits_sql(select: str, where: str, tail: str = "") -> str:
    return (
        f"SELECT {select} FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
        f"LEFT JOIN stories s ON s.id = a.story WHERE articles_fts MATCH ?{where}{tail}"
    )


def search(
    db: Database, text: str, filters: Filters = NO_FILTERS, *, limit: int = 50, offset: int = 0
) -> list[read.Hit]:
    """`read.search` narrowed by `filters` (see the module's docstring)."""
    query = read.fts_query(text)
    if not query:
        return []
    where, params = _article_where(db, filters)
    select = (
        ", ".join("a." + c for c in read._ARTICLE_COLUMNS.split(", "))
        + ", snippet(articles_fts, 1, ?, ?, '…', 24) AS snippet,"
        " highlight(articles_fts, 0, ?, ?) AS title_snippet"
    )
    sql = _hits_sql(select, where, " ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ? OFFSET ?")
    marks = (read.SNIPPET_OPEN, read.SNIPPET_CLOSE) * 2
    with db.read() as connection:
        rows = connection.execute(sql, [*marks, query, *params, limit, offset]).fetchall()
    return [
        read.Hit(read._article_info(r), r["snippet"] or "", r["title_snippet"] or "") for r in rows
    ]


def search_count(db: Database, text: str, filters: Filters = NO_FILTERS) -> int:
    """How many articles `search` pages through."""
    query = read.fts_query(text)
    if not query:
        return 0
    where, params = _article_where(db, filters)
    with db.read() as connection:
        row = connection.execute(_hits_sql("count(*)", where), [query, *params]).fetchone()
    return int(row[0])


def store_mark(db: Database) -> tuple[object, ...]:
    """What changes whenever an article is added or a story changes (the last article's
    number, the latest story update): a cache of what reads the whole store keys on it."""
    with db.read() as connection:
        row = connection.execute(
            "SELECT (SELECT max(seq) FROM articles), (SELECT max(updated_at) FROM stories)"
        ).fetchone()
    return tuple(row)


def languages(db: Database) -> list[tuple[str, int]]:
    """The languages of the stored articles with their article counts, the most first."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT language, count(*) FROM articles WHERE language IS NOT NULL "
            "GROUP BY language ORDER BY count(*) DESC, language"
        ).fetchall()
    return [(r[0], int(r[1])) for r in rows]


# ---------------------------------------------------------------- one story


def blindspot(db: Database, story_id: str, *, limit: int = BLINDSPOT_LIMIT) -> Blindspot:
    """The outlets with articles in other stories but none in this one, the most active first
    (the most stories, then articles, then by name): at most `limit` of them, with the count
    of the rest."""
    with db.read() as connection:
        rows = connection.execute(
            "SELECT outlet, count(*) AS n, count(DISTINCT story) AS s FROM articles "
            "WHERE story IS NOT NULL "
            "AND outlet NOT IN (SELECT outlet FROM articles WHERE story = ?) "
            "GROUP BY outlet ORDER BY s DESC, n DESC, outlet",
            (story_id,),
        ).fetchall()
    shown = tuple(Missing(_profile(r["outlet"]), r["n"], r["s"]) for r in rows[: max(0, limit)])
    return Blindspot(shown, max(0, len(rows) - len(shown)))


def _profile(name: str) -> Outlet:
    known = default_registry().by_name(name)
    if known is not None and known.name == name:
        return known
    return Outlet(name=name)


def coverage(articles: Sequence[read.ArticleInfo]) -> tuple[DayCount, ...]:
    """Articles per day, the earliest day first: each on its publication day when that reads
    as an ISO date, else on the day the store added it (first saw it)."""
    days: dict[str, list[bool]] = {}
    for info in articles:
        placed = _day(info.published)
        day, own = (placed, True) if placed else (_day(info.added_at), False)
        if day is not None:
            days.setdefault(day, []).append(own)
    return tuple(DayCount(d, len(v), sum(v)) for d, v in sorted(days.items()))


def _day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
