"""Steering the grouping by hand: merging stories, splitting articles off a story, and
comparing picked articles side by side without storing anything.

A hand decision is one transaction: the articles' rows take their new story (the rows are
what the story index is rebuilt from, so the decision is the grouping from then on), the
stories are described again (a new version each, so they are compared again), and the
decision is recorded in `hand_decisions`. Placing never moves an article that is placed,
so a later ingest cannot undo a decision: it only adds articles to the stories as they now
are. Every `StoryKeeper` (this process's and any other process's on the same file) sees
the decision's number before it places anything and rebuilds its index from the rows, so
an article split off is never put back by an index that still holds the old grouping, and
merged stories stay one.

A story's id is always that of its first original member (`story_id_of`), as the placing
names them: the stories merged become the one that began first, and of a story split in
two, the part holding its first article keeps its id. An id no longer in use is gone from
`stories`; the decisions say where its articles went (`successor`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from rashomon import plan
from rashomon.errors import StoreError
from rashomon.model import Comparison, Doc, Story
from rashomon.store.sqlite import Database
from rashomon.store.stories import (
    _WITH_FEATURES,
    StoryKeeper,
    _features_of,
    now,
    story_id_of,
)

__all__ = [
    "MAX_PICKED",
    "Picked",
    "Refused",
    "Steered",
    "Unknown",
    "Decision",
    "compare_articles",
    "decisions",
    "merge",
    "split",
    "successor",
]

MAX_PICKED = 50  # articles one side-by-side comparison takes (it is computed per request)


class Unknown(StoreError):
    """An id the store does not hold; the message names it. Nothing was changed."""


class Refused(StoreError):
    """A decision that cannot be made as asked; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class Steered:
    """What a hand decision did: the story it made (the merged one, or the one the split
    articles now form), every story it left (each compared again), the story ids it ended,
    and how many articles changed story."""

    kind: str
    story: str
    stories: list[str]
    removed: list[str]
    moved: int


@dataclass(frozen=True)
class Picked:
    """Picked articles compared side by side: an unstored Story of them, their Docs by
    origin, and the comparison."""

    story: Story
    docs: dict[str, Doc]
    comparison: Comparison


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


# ---------------------------------------------------------------- merging


def merge(keeper: StoryKeeper, story_ids: Sequence[str]) -> Steered:
    """Make the given stories one, in one transaction. Unknown: a story id is not stored;
    Refused: fewer than two different stories."""
    ids = list(dict.fromkeys(s.strip() for s in story_ids if s.strip()))
    if len(ids) < 2:
        raise Refused("name two different stories to merge")
    return keeper.db.write(partial(_guarded, keeper=keeper, work=partial(_merge, ids=ids)))


def _guarded(
    connection: sqlite3.Connection, keeper: StoryKeeper, work: partial[Steered]
) -> Steered:
    try:
        return work(connection, keeper)
    except BaseException:
        keeper.forget()  # the transaction rolls back: the index is built again from the rows
        raise


def _merge(connection: sqlite3.Connection, keeper: StoryKeeper, ids: list[str]) -> Steered:
    versions = _versions(connection, ids)
    (first,) = connection.execute(
        f"SELECT id FROM articles WHERE story IN ({_marks(ids)}) AND copy_of IS NULL "
        "ORDER BY placed LIMIT 1",
        ids,
    ).fetchone()
    target = story_id_of(first)
    moved = [
        r["id"]
        for r in connection.execute(
            f"SELECT id FROM articles WHERE story IN ({_marks(ids)}) AND story != ? "
            "ORDER BY placed",
            [*ids, target],
        )
    ]
    connection.execute(
        f"UPDATE articles SET story = ? WHERE story IN ({_marks(ids)})", [target, *ids]
    )
    removed = [s for s in ids if s != target]
    _finish(connection, keeper, [target], versions)
    _record(connection, "merge", target, versions, moved)
    return Steered("merge", target, [target], removed, len(moved))


def _versions(connection: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """Each story's version, in the order given; Unknown naming the ids not stored."""
    found = {
        r["id"]: r["version"]
        for r in connection.execute(
            f"SELECT id, version FROM stories WHERE id IN ({_marks(ids)})", list(ids)
        )
    }
    missing = [s for s in ids if s not in found]
    if missing:
        raise Unknown(f"no such story: {', '.join(missing)}")
    return {s: found[s] for s in ids}


# ---------------------------------------------------------------- splitting


def split(keeper: StoryKeeper, story_id: str, article_ids: Sequence[str]) -> Steered:
    """Move the given articles of a story (with the near-copies of them) into a story of
    their own, in one transaction. A copy named without its original becomes an original.
    Unknown: the story or an article is not stored; Refused: an article is in another
    story, none is named, or the story would be left empty."""
    named = list(dict.fromkeys(a.strip() for a in article_ids if a.strip()))
    if not named:
        raise Refused("name the articles to split off the story")
    work = partial(_split, story_id=story_id.strip(), named=named)
    return keeper.db.write(partial(_guarded, keeper=keeper, work=work))


def _split(
    connection: sqlite3.Connection, keeper: StoryKeeper, story_id: str, named: list[str]
) -> Steered:
    versions = _versions(connection, [story_id])
    _check_members(connection, story_id, named)
    marks = _marks(named)
    # a copy named without its original leaves as an original of its own
    connection.execute(
        f"UPDATE articles SET copy_of = NULL WHERE id IN ({marks}) AND copy_of IS NOT NULL "
        f"AND copy_of NOT IN ({marks})",
        [*named, *named],
    )
    moving = f"(id IN ({marks}) OR coalesce(copy_of, '') IN ({marks}))"  # never NULL
    first = _first_original(connection, story_id, moving, [*named, *named])
    rest = _first_original(connection, story_id, f"NOT {moving}", [*named, *named])
    if rest is None or first is None:
        raise Refused(f"splitting these articles off would leave story {story_id} empty")
    new, kept = story_id_of(first), story_id_of(rest)
    moved = connection.execute(
        f"SELECT count(*) FROM articles WHERE story = ? AND {moving}", [story_id, *named, *named]
    ).fetchone()[0]
    connection.execute(
        f"UPDATE articles SET story = ? WHERE story = ? AND NOT {moving}",
        [kept, story_id, *named, *named],
    )
    connection.execute(
        f"UPDATE articles SET story = ?, score = NULL WHERE story = ? AND {moving}",
        [new, story_id, *named, *named],
    )
    connection.execute("UPDATE articles SET score = NULL WHERE id = ?", (rest,))
    _finish(connection, keeper, [kept, new], versions)
    _record(connection, "split", new, versions, named)
    return Steered("split", new, [kept, new], [], int(moved))


def _check_members(connection: sqlite3.Connection, story_id: str, named: list[str]) -> None:
    rows = connection.execute(
        f"SELECT id, story FROM articles WHERE id IN ({_marks(named)})", named
    ).fetchall()
    stories = {r["id"]: r["story"] for r in rows}
    missing = [a for a in named if a not in stories]
    if missing:
        raise Unknown(f"no such article: {', '.join(missing)}")
    elsewhere = [a for a in named if stories[a] != story_id]
    if elsewhere:
        where = ", ".join(f"{a} (in {stories[a] or 'no story yet'})" for a in elsewhere)
        raise Refused(f"not in story {story_id}: {where}")


def _first_original(
    connection: sqlite3.Connection, story_id: str, condition: str, params: list[str]
) -> str | None:
    row = connection.execute(
        f"SELECT id FROM articles WHERE story = ? AND copy_of IS NULL AND {condition} "
        "ORDER BY placed LIMIT 1",
        [story_id, *params],
    ).fetchone()
    return None if row is None else str(row["id"])


# ---------------------------------------------------------------- both


def _finish(
    connection: sqlite3.Connection,
    keeper: StoryKeeper,
    made: list[str],
    before: dict[str, int],
) -> None:
    """Drop the rows of the stories that ended, rebuild the index from the rows, and
    describe the stories made (a story id made again continues above its old versions)."""
    ended = [s for s in before if s not in made]
    if ended:
        connection.execute(f"DELETE FROM stories WHERE id IN ({_marks(ended)})", ended)
    clash = connection.execute(
        f"SELECT id FROM stories WHERE id IN ({_marks(made)})", made
    ).fetchall()
    for row in clash:
        if row["id"] not in before:
            raise StoreError(f"{keeper.db.path}: story {row['id']} exists already")
    keeper.rebuild(connection)
    for story in made:
        keeper.describe(connection, story)
        if story not in before:
            connection.execute(
                "UPDATE stories SET version = version + ? WHERE id = ?",
                (_last_version(connection, story), story),
            )


def _last_version(connection: sqlite3.Connection, story: str) -> int:
    """The highest version a story of this id had when a decision ended it (0: none)."""
    row = connection.execute(
        "SELECT max(CAST(json_extract(stories, ?) AS INTEGER)) FROM hand_decisions",
        (f'$."{story}"',),
    ).fetchone()
    return int(row[0] or 0)


def _record(
    connection: sqlite3.Connection,
    kind: str,
    story: str,
    before: dict[str, int],
    articles: list[str],
) -> None:
    connection.execute(
        "INSERT INTO hand_decisions (kind, story, stories, articles, made_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (kind, story, json.dumps(before), json.dumps(articles), now()),
    )


@dataclass(frozen=True)
class Decision:
    """One recorded hand decision: its number, when, merge or split, the story it made, the
    stories before it (with their versions then) and the articles named or moved."""

    seq: int
    made_at: str
    kind: str
    story: str
    stories: dict[str, int]
    articles: list[str]


def decisions(db: Database) -> list[Decision]:
    """Every hand decision made on the store, the first first."""
    with db.read() as connection:
        rows = connection.execute("SELECT * FROM hand_decisions ORDER BY seq").fetchall()
    return [
        Decision(
            r["seq"],
            r["made_at"],
            r["kind"],
            r["story"],
            json.loads(r["stories"]),
            json.loads(r["articles"]),
        )
        for r in rows
    ]


def successor(db: Database, story_id: str) -> str | None:
    """The stored story a story id now is: itself, or the story a merge made of it (a
    split keeps the id with the part holding the story's first article); None when the id
    is no story and no decision ended it."""
    current = story_id
    if not current.isalnum():
        return None  # no story id has other characters, and a JSON path must not get them
    with db.read() as connection:
        for _ in range(1000):  # each merge ends ids for good: the chain is finite
            if connection.execute("SELECT 1 FROM stories WHERE id = ?", (current,)).fetchone():
                return current
            row = connection.execute(
                "SELECT story FROM hand_decisions WHERE kind = 'merge' AND story != ? "
                "AND json_extract(stories, ?) IS NOT NULL ORDER BY seq DESC LIMIT 1",
                (current, f'$."{current}"'),
            ).fetchone()
            if row is None:
                return None
            current = str(row["story"])
    return None


# ---------------------------------------------------------------- comparing picked articles


def compare_articles(keeper: StoryKeeper, article_ids: Sequence[str]) -> Picked:
    """The side-by-side comparison of picked articles, as a story page shows a story's,
    computed and not stored: no story or article changes. Unknown: an id is not stored;
    Refused: fewer than two different articles, or more than MAX_PICKED."""
    ids = list(dict.fromkeys(a.strip() for a in article_ids if a.strip()))
    if len(ids) < 2:
        raise Refused("pick two different articles to compare")
    if len(ids) > MAX_PICKED:
        raise Refused(f"pick at most {MAX_PICKED} articles to compare")
    story, docs = _picked_story(keeper, ids)
    return Picked(story, docs, keeper.comparison_of(story, docs))


def _picked_story(keeper: StoryKeeper, ids: list[str]) -> tuple[Story, dict[str, Doc]]:
    with keeper.db.read() as connection:
        rows = connection.execute(
            _WITH_FEATURES + f" WHERE a.id IN ({_marks(ids)}) ORDER BY a.placed IS NULL, "
            "a.placed, a.seq",
            ids,
        ).fetchall()
        texts = {
            r["id"]: r["doc"]
            for r in connection.execute(
                f"SELECT id, doc FROM articles WHERE id IN ({_marks(ids)})", ids
            )
        }
    found = {r["id"] for r in rows}
    missing = [a for a in ids if a not in found]
    if missing:
        raise Unknown(f"no such article: {', '.join(missing)}")
    docs = {r["id"]: keeper.doc(r["id"], texts[r["id"]]) for r in rows}
    copies = {r["id"]: r["copy_of"] for r in rows if r["copy_of"] in found}
    originals = [docs[r["id"]] for r in rows if r["id"] not in copies]
    pairs = [(docs[c], docs[o]) for c, o in copies.items()]
    features = [_features_of(r)[0] for r in rows]
    story = plan.describe(originals, pairs, features)
    digest = hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()[:12]
    story = replace(story, id="p" + digest)
    return story, {d.article.origin: d for d in docs.values()}
