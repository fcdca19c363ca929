"""The store: annotated articles, their stories and comparisons, in one SQLite file.

`Store(path, settings)` opens (or creates) the database; `add(results)` stores a batch of
pipeline results in one transaction (an article is stored once, by content id, whatever
its input's name); `update()` places the articles waiting for a story and compares the
stories that changed. `rashomon.store.ingest.ingest_into` streams inputs through both.
Reading for the web app and the API is in `rashomon.store.read`; exports in
`rashomon.store.export`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rashomon import codec
from rashomon.errors import StoreError
from rashomon.model import Doc, Result
from rashomon.settings import Settings
from rashomon.store import steer
from rashomon.store.sqlite import Database
from rashomon.store.steer import Picked, Steered
from rashomon.store.stories import Corrected, StoryKeeper, features_row, now

__all__ = ["Added", "Corrected", "Picked", "Steered", "Store", "Updated"]


@dataclass
class Added:
    """What one `Store.add` did: articles stored, inputs skipped (stored already, or a copy of
    another input), inputs failed."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class Updated:
    """What one `Store.update` did: articles placed, stories changed, comparisons written."""

    placed: int = 0
    stories: int = 0
    compared: int = 0


class Store:
    """An open store. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, settings: Settings | None = None, *, readers: int = 8):
        self.settings = settings if settings is not None else Settings()
        self.db = Database(path, readers=readers)
        self.path = self.db.path
        self.keeper = StoryKeeper(self.db, self.settings)

    def known(self, article_id: str) -> bool:
        """Whether an article with this content id is stored."""
        with self.db.read() as connection:
            row = connection.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
            return row.fetchone() is not None

    def add(self, results: Sequence[Result]) -> Added:
        """Store a batch of pipeline results in one transaction: each ok Doc as an article
        (with its story features), and every input with how it ended."""
        from rashomon import plan
        from rashomon.compare import outlet_of

        docs = [r.record for r in results if isinstance(r.record, Doc)]
        features = plan.features(docs, self.settings)
        vectors = plan.embed(docs, self.settings)
        rows = [
            (_article_row(doc, outlet_of(doc).name), (doc.article.id, *features_row(f, v)))
            for doc, f, v in zip(docs, features, vectors, strict=True)
        ]
        return self.db.write(lambda connection: _insert(connection, results, rows))

    def update(
        self, *, compare: bool = True, leftovers: bool = False, defer: bool = False
    ) -> Updated:
        """Place the waiting articles in stories; then, unless `compare` is False, compare the
        stories this placing changed, or, with `leftovers`, every story whose comparison is
        out of date (what a killed process left, or what an ingest deferred). `defer` leaves
        a big story that has grown little since its comparison for later (see
        `store.compare_growth`): the caller then owes an update with `leftovers`."""
        placed = self.keeper.place()
        if not compare:
            return Updated(placed.articles, len(placed.stories), 0)
        ids = None if leftovers else placed.stories
        stale = self.keeper.stale(ids, deferring=defer and not leftovers)
        return Updated(placed.articles, len(placed.stories), self.keeper.compare(stale))

    def correct_outlet(
        self, name: str, *, articles: Sequence[str] = (), was: Sequence[str] = ()
    ) -> Corrected:
        """Declare `name` the outlet of the `articles` (content ids) and of every article now
        under an outlet in `was`, then compare their stories again. StoreError naming what
        is unknown (and nothing changed) when an id or outlet is not in the store."""
        name = name.strip()
        if not name:
            raise StoreError("the outlet's name is empty")
        ids = self._articles_named(articles, was)
        corrected = self.keeper.correct_outlet(ids, name)
        self.keeper.compare(self.keeper.stale(corrected.stories))
        return corrected

    def merge_stories(self, story_ids: Sequence[str]) -> Steered:
        """Make the given stories one by hand (it keeps the id of the one that began first)
        and compare it again; a later ingest adds to it and never parts them again.
        `steer.Unknown` naming an id not stored, `steer.Refused` for fewer than two stories;
        either way nothing changed."""
        steered = steer.merge(self.keeper, story_ids)
        self.keeper.compare(self.keeper.stale(steered.stories))
        return steered

    def split_story(self, story_id: str, article_ids: Sequence[str]) -> Steered:
        """Move the given articles of a story (with their near-copies) into a story of their
        own by hand, and compare both stories again; a later ingest never puts them back.
        `steer.Unknown` / `steer.Refused` as for `merge_stories`; nothing changed then."""
        steered = steer.split(self.keeper, story_id, article_ids)
        self.keeper.compare(self.keeper.stale(steered.stories))
        return steered

    def compare_articles(self, article_ids: Sequence[str]) -> Picked:
        """The side-by-side comparison of picked articles, not stored (see `steer`)."""
        return steer.compare_articles(self.keeper, article_ids)

    def _articles_named(self, articles: Sequence[str], was: Sequence[str]) -> list[str]:
        if not articles and not was:
            raise StoreError(
                "name the articles to correct: their ids, or the outlet they are under"
            )
        with self.db.read() as connection:
            found = {
                r["id"]
                for r in connection.execute(
                    f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(articles))})",
                    list(articles),
                )
            }
            missing = [a for a in articles if a not in found]
            for outlet in was:
                under = [
                    r["id"]
                    for r in connection.execute(
                        "SELECT id FROM articles WHERE outlet = ?", (outlet,)
                    )
                ]
                if not under:
                    missing.append(f"outlet {outlet!r}")
                found.update(under)
        if missing:
            raise StoreError(f"{self.path}: no such article or outlet: {', '.join(missing)}")
        return sorted(found)

    def counts(self) -> dict[str, int]:
        """Articles, stories, inputs and failed inputs stored, and work still waiting."""
        queries = {
            "articles": "SELECT count(*) FROM articles",
            "stories": "SELECT count(*) FROM stories",
            "inputs": "SELECT count(*) FROM inputs",
            "failed": "SELECT count(*) FROM inputs WHERE outcome = 'failed'",
            "unplaced": "SELECT count(*) FROM articles WHERE placed IS NULL",
            "uncompared": "SELECT count(*) FROM stories WHERE compared < version",
        }
        with self.db.read() as connection:
            return {k: connection.execute(q).fetchone()[0] for k, q in queries.items()}

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _article_row(doc: Doc, outlet: str, doc_json: str | None = None) -> tuple[object, ...]:
    """The columns `_INSERT_ARTICLE` takes; `doc_json` is the Doc's codec JSON when the
    caller holds it already (an import keeps it as written)."""
    a = doc.article
    published = a.published.isoformat() if a.published else None
    return (
        a.id,
        a.origin,
        a.url,
        outlet,
        a.title,
        a.byline,
        published,
        a.language,
        now(),
        a.text,
        codec.dumps(doc) if doc_json is None else doc_json,
    )


_INSERT_ARTICLE = """INSERT INTO articles (id, origin, url, outlet, title, byline, published,
    language, added_at, text, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO NOTHING"""
_INSERT_FEATURES = """INSERT INTO story_features (article, vector, terms, counts, names,
    signature) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article) DO NOTHING"""
# An input seen again takes its new outcome, except that an `ok` one seen again as skipped
# (stored already: a re-run) keeps its `ok`; `seen_at` is always the last time it was seen.
_KEEP_OK = "inputs.outcome = 'ok' AND excluded.outcome = 'skipped'"
_INSERT_INPUT = f"""INSERT INTO inputs (key, origin, article, outcome, reason, detail, seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET
    outcome = CASE WHEN {_KEEP_OK} THEN inputs.outcome ELSE excluded.outcome END,
    reason = CASE WHEN {_KEEP_OK} THEN inputs.reason ELSE excluded.reason END,
    detail = CASE WHEN {_KEEP_OK} THEN inputs.detail ELSE excluded.detail END,
    seen_at = excluded.seen_at"""


def _insert(
    connection: sqlite3.Connection,
    results: Sequence[Result],
    rows: Sequence[tuple[tuple[object, ...], tuple[object, ...]]],
) -> Added:
    added = Added()
    stored: set[str] = set()
    for article, features in rows:
        if connection.execute(_INSERT_ARTICLE, article).rowcount:
            connection.execute(_INSERT_FEATURES, features)
            stored.add(str(article[0]))
    stamp = now()
    for result in results:
        outcome, reason, detail = str(result.outcome), str(result.reason), result.detail
        if isinstance(result.record, Doc) and result.id not in stored:
            outcome, reason, detail = "skipped", "stored", "already stored"
        key = f"{result.origin}\x00{result.id or ''}"
        connection.execute(
            _INSERT_INPUT, (key, result.origin, result.id, outcome, reason, detail, stamp)
        )
        added.reasons[reason] = added.reasons.get(reason, 0) + 1
        if outcome == "ok":
            added.stored += 1
        elif outcome == "failed":
            added.failed += 1
        else:
            added.skipped += 1
    return added
