"""Stories kept up to date as articles arrive: placing, describing and comparing.

The incremental executor of the plan (`rashomon.plan`): its place, describe and compare
steps, run per transaction as articles arrive.

Placing is incremental. The `StoryIndex` of `rashomon.stories` lives in memory; every
article's place (story and copy-of) is written to the database with a placing number, and
an index is rebuilt by restoring the articles in that order (`StoryIndex.restore`), with
their stored features, so nothing is re-decided. Each placing transaction first restores
what other processes placed since, then places the waiting articles (`placed IS NULL`), so
two processes writing one store never disagree.

A story whose members changed gets a new `version`; comparing it (`plan.compare`, slow, so
outside any transaction) writes the comparison only if the version is still the one that
was compared. A process killed at any point leaves articles waiting to be placed or stories
waiting to be compared, and the next run finishes both.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache, partial

import numpy as np
from datasketch import LeanMinHash, MinHash

from rashomon import codec, plan
from rashomon.errors import StoreError
from rashomon.model import Comparison, Doc, Story
from rashomon.settings import Settings
from rashomon.store.sqlite import Database
from rashomon.stories import StoryIndex
from rashomon.stories.features import Features

__all__ = ["StoryKeeper", "features_row", "now", "story_id_of"]

_DOC_CACHE = 4096
_MINHASH_SEED = 1  # as rashomon.stories.features makes signatures


@cache
def _minhash_scheme() -> str | None:
    """The hashing scheme of the signatures `rashomon.stories.features` makes (datasketch's
    default), needed to rebuild one from stored hash values."""
    return getattr(MinHash(num_perm=1, seed=_MINHASH_SEED), "scheme", None)


def now() -> str:
    """The current UTC time as ISO text, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def story_id_of(first_article_id: str) -> str:
    """A story's id: from the article that started it, as `rashomon.stories.story_of` names it."""
    return "s" + hashlib.sha256(first_article_id.encode()).hexdigest()[:12]


def features_row(features: Features, vector: np.ndarray) -> tuple[object, ...]:
    """The story_features columns of one article (after `article`)."""
    signature = features.signature
    return (
        np.asarray(vector, np.float32).tobytes(),
        features.terms.astype(np.int32).tobytes(),
        features.counts.astype(np.float32).tobytes(),
        json.dumps(sorted(features.names), ensure_ascii=False),
        None if signature is None else np.asarray(signature.hashvalues, np.uint64).tobytes(),
    )


def _features_of(row: sqlite3.Row) -> tuple[Features, np.ndarray]:
    signature = None
    if row["signature"] is not None:
        values = np.frombuffer(row["signature"], np.uint64)
        signature = LeanMinHash(seed=_MINHASH_SEED, hashvalues=values, scheme=_minhash_scheme())
    features = Features(
        source=row["origin"],
        article_id=row["id"],
        language=row["language"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        terms=np.frombuffer(row["terms"], np.int32),
        counts=np.frombuffer(row["counts"], np.float32),
        names=frozenset(json.loads(row["names"])),
        signature=signature,
        outlet=row["outlet"],
    )
    return features, np.frombuffer(row["vector"], np.float32)


_WITH_FEATURES = """
    SELECT a.seq, a.id, a.origin, a.outlet, a.language, a.published, a.story, a.placed,
           a.copy_of, a.score, f.vector, f.terms, f.counts, f.names, f.signature
    FROM articles a JOIN story_features f ON f.article = a.id
"""


@dataclass
class Placed:
    """What one placing round did: articles placed, and the stories they changed."""

    articles: int
    stories: list[str]


@dataclass
class Corrected:
    """What an outlet correction did: articles changed, their stories (now stale), and the
    articles whose URL names a registry outlet, which keeps that outlet's name."""

    articles: int
    stories: list[str]
    kept: list[str]


class StoryKeeper:
    """Places a store's articles in stories and keeps each story's comparison current."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._index: StoryIndex | None = None
        self._story_ids: list[str] = []  # story number -> id
        self._numbers: dict[str, int] = {}  # story id -> number
        self._positions: dict[str, int] = {}  # article id -> index position
        self._article_ids: list[str] = []  # index position -> article id
        self._last_placed = 0
        self._decision = 0  # the last hand decision (hand_decisions.seq) the index holds
        self._docs: OrderedDict[str, Doc] = OrderedDict()
        self._docs_lock = threading.Lock()  # comparing runs in callers' threads
        self._memo = plan.sentence_memo(settings.store.vector_memo)

    # ------------------------------------------------------------------ placing

    def place(self) -> Placed:
        """Place every article waiting for a story, in one transaction."""
        return self.db.write(self._place)

    def _place(self, connection: sqlite3.Connection) -> Placed:
        try:
            self._catch_up(connection)
            rows = connection.execute(_WITH_FEATURES + " WHERE a.placed IS NULL ORDER BY a.seq")
            changed: dict[str, None] = {}
            count = 0
            for row in rows.fetchall():
                changed[self._place_one(connection, row)] = None
                count += 1
            for story in changed:
                self._describe(connection, story)
        except BaseException:
            self._forget()  # the transaction rolls back: rebuild from the database next time
            raise
        return Placed(count, list(changed))

    def forget(self) -> None:
        """Drop the index (a transaction that changed the rows rolled back): the next
        placing builds it again from the database."""
        self._forget()

    def _forget(self) -> None:
        self._index = None
        self._story_ids, self._numbers = [], {}
        self._positions, self._article_ids = {}, []
        self._last_placed = 0

    def _place_one(self, connection: sqlite3.Connection, row: sqlite3.Row) -> str:
        features, vector = _features_of(row)
        index = self._index_for(len(vector))
        number = index.add(features, vector)
        position = len(self._article_ids)
        self._article_ids.append(row["id"])
        self._positions[row["id"]] = position
        if number == len(self._story_ids):
            self._new_story(story_id_of(row["id"]))
        copy = index.copies.get(position)
        copy_of = self._article_ids[copy] if copy is not None else None
        self._last_placed += 1
        story = self._story_ids[number]
        connection.execute(
            "UPDATE articles SET story = ?, placed = ?, copy_of = ?, score = ? WHERE seq = ?",
            (story, self._last_placed, copy_of, index.scores[-1], row["seq"]),
        )
        return story

    def _new_story(self, story: str) -> None:
        self._numbers[story] = len(self._story_ids)
        self._story_ids.append(story)

    def _index_for(self, dim: int) -> StoryIndex:
        """The index, made on the first article (when the vectors' size is known)."""
        if self._index is None:
            self._index = plan.story_index(self.settings, dim)
        return self._index

    def rebuild(self, connection: sqlite3.Connection) -> None:
        """Build the index again from the rows (after a hand decision moved articles)."""
        self._forget()
        self._catch_up(connection)

    def _catch_up(self, connection: sqlite3.Connection) -> None:
        """Restore into the index every article placed after the last one it holds (all of
        them the first time; those other processes placed, later). When a hand decision was
        made since the index was built (here or by another process), the index is built
        again from the rows, which hold it: placing never works on a grouping undone."""
        latest = connection.execute("SELECT coalesce(max(seq), 0) FROM hand_decisions")
        decision = int(latest.fetchone()[0])
        if decision != self._decision:
            self._forget()
            self._decision = decision
        rows = connection.execute(
            _WITH_FEATURES + " WHERE a.placed > ? ORDER BY a.placed", (self._last_placed,)
        )
        for row in rows:
            self._restore(row)

    def _restore(self, row: sqlite3.Row) -> None:
        if row["placed"] != self._last_placed + 1:
            raise StoreError(
                f"{self.db.path}: article {row['id']} was placed {row['placed']}th, "
                f"after {self._last_placed}: the placing order has a gap"
            )
        story = row["story"]
        if story not in self._numbers:
            self._new_story(story)
        copy_of = self._positions.get(row["copy_of"]) if row["copy_of"] else None
        features, vector = _features_of(row)
        self._index_for(len(vector)).restore(
            features, vector, self._numbers[story], copy_of, row["score"]
        )
        self._positions[row["id"]] = len(self._article_ids)
        self._article_ids.append(row["id"])
        self._last_placed = row["placed"]

    # ------------------------------------------------------------------ correcting

    def correct_outlet(self, article_ids: Sequence[str], name: str) -> Corrected:
        """Declare `name` as the outlet of the given articles (in one transaction): each Doc
        and row says it, their stories are described again and left stale, so the next
        compare counts them under the outlet they now have."""
        return self.db.write(partial(self._correct_outlet, article_ids=article_ids, name=name))

    def _correct_outlet(
        self, connection: sqlite3.Connection, article_ids: Sequence[str], name: str
    ) -> Corrected:
        from rashomon.compare import outlet_of

        marks = ",".join("?" * len(article_ids))
        rows = connection.execute(
            f"SELECT id, doc, story FROM articles WHERE id IN ({marks})", list(article_ids)
        ).fetchall()
        stories: dict[str, None] = {}
        kept: list[str] = []
        try:
            for row in rows:
                doc = codec.loads(Doc, row["doc"])
                fixed = replace(doc, article=replace(doc.article, outlet=name))
                shown = outlet_of(fixed).name
                if shown != name:
                    kept.append(row["id"])  # its URL is a registry outlet's: that name stays
                connection.execute(
                    "UPDATE articles SET doc = ?, outlet = ? WHERE id = ?",
                    (codec.dumps(fixed), shown, row["id"]),
                )
                with self._docs_lock:
                    self._docs.pop(row["id"], None)
                if row["story"]:
                    stories[row["story"]] = None
            self._forget()  # the index holds outlets: rebuild it from the corrected rows
            self._catch_up(connection)
            for story in stories:
                self._describe(connection, story)
        except BaseException:
            self._forget()
            raise
        return Corrected(len(rows), list(stories), kept)

    # ------------------------------------------------------------------ describing

    def describe(self, connection: sqlite3.Connection, story_id: str) -> None:
        """Write the story's row from its members (within the caller's transaction)."""
        self._describe(connection, story_id)

    def _describe(self, connection: sqlite3.Connection, story_id: str) -> None:
        """Write the story's row from its members: label, date, outlets, the Story itself."""
        members = connection.execute(
            "SELECT id, origin, copy_of, published, score, doc FROM articles WHERE story = ? "
            "ORDER BY placed",
            (story_id,),
        ).fetchall()
        docs = {m["id"]: self._doc(m["id"], m["doc"]) for m in members}
        originals = [docs[m["id"]] for m in members if m["copy_of"] is None]
        copies = [(docs[m["id"]], docs[m["copy_of"]]) for m in members if m["copy_of"]]
        assert self._index is not None
        features = [self._index.features[self._positions[m["id"]]] for m in members]
        scores = [m["score"] for m in members if m["copy_of"] is None]
        story = plan.describe(originals, copies, features, scores)
        if story.id != story_id:
            raise StoreError(f"{self.db.path}: story {story_id} begins with another article")
        days = sorted(m["published"] for m in members if m["published"])
        connection.execute(
            """INSERT INTO stories (id, label, event_date, first_seen, last_seen, articles,
                   outlets, story, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET label = excluded.label,
                   event_date = excluded.event_date, first_seen = excluded.first_seen,
                   last_seen = excluded.last_seen, articles = excluded.articles,
                   outlets = excluded.outlets, story = excluded.story,
                   updated_at = excluded.updated_at, version = stories.version + 1""",
            (
                story.id,
                story.label,
                story.event_date,
                days[0] if days else None,
                days[-1] if days else None,
                len(story.articles),
                len(story.outlets),
                codec.dumps(story),
                now(),
            ),
        )

    def _doc(self, article_id: str, text: str) -> Doc:
        with self._docs_lock:
            doc = self._docs.get(article_id)
            if doc is not None:
                self._docs.move_to_end(article_id)
                return doc
        doc = codec.loads(Doc, text)
        with self._docs_lock:
            self._docs[article_id] = doc
            if len(self._docs) > _DOC_CACHE:
                self._docs.popitem(last=False)
        return doc

    # ------------------------------------------------------------------ comparing

    def stale(
        self, ids: Sequence[str] | None = None, *, deferring: bool = False
    ) -> list[tuple[str, int]]:
        """Stories whose comparison is missing or older than their members, as (id, version),
        the biggest first: all of them, or those among `ids`. `deferring` leaves out the big
        stories that have not grown enough since their comparison (`store.compare_growth`)."""
        sql = "SELECT id, version FROM stories WHERE compared < version"
        params: list[object] = []
        growth = self.settings.store.compare_growth
        if deferring and growth > 0:
            sql += _GROWN_ENOUGH
            params += [self.settings.store.compare_small, 1 + growth]
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id IN ({','.join('?' * len(ids))})"
            params += list(ids)
        with self.db.read() as connection:
            rows = connection.execute(sql + " ORDER BY articles DESC", params).fetchall()
        return [(r["id"], r["version"]) for r in rows]

    def compare(self, stories: Iterable[tuple[str, int]] | None = None) -> int:
        """Compare the given stories (default: every stale one); returns how many comparisons
        were written (one whose story changed meanwhile is left for the next round)."""
        written = 0
        for story_id, version in self.stale() if stories is None else stories:
            loaded = self._load_story(story_id, version)
            if loaded is None:
                continue
            story, docs = loaded
            comparison = self.comparison_of(story, docs)
            written += self.db.write(partial(_save, comparison=comparison, version=version))
        return written

    def comparison_of(self, story: Story, docs: dict[str, Doc]) -> Comparison:
        """The plan's compare step with this keeper's settings and sentence-vector memo."""
        return plan.compare(story, docs, self.settings, self._memo)

    def doc(self, article_id: str, text: str) -> Doc:
        """The Doc of a stored article from its JSON, through the keeper's cache."""
        return self._doc(article_id, text)

    def _load_story(self, story_id: str, version: int) -> tuple[Story, dict[str, Doc]] | None:
        with self.db.read() as connection:
            row = connection.execute(
                "SELECT story, version FROM stories WHERE id = ?", (story_id,)
            ).fetchone()
            if row is None or row["version"] != version:
                return None
            members = connection.execute(
                "SELECT id, origin, doc FROM articles WHERE story = ?", (story_id,)
            ).fetchall()
        docs = {m["origin"]: self._doc(m["id"], m["doc"]) for m in members}
        return codec.loads(Story, row["story"]), docs


_GROWN_ENOUGH = " AND (compared_articles = 0 OR articles < ? OR articles >= ? * compared_articles)"


def _save(connection: sqlite3.Connection, comparison: Comparison, version: int) -> int:
    verdicts = verdict_counts(comparison.groups)
    cursor = connection.execute(
        """UPDATE stories SET comparison = ?, compared = ?, agree = ?, only_in = ?,
               contradict = ?, compared_articles = articles WHERE id = ? AND version = ?""",
        (
            codec.dumps(comparison),
            version,
            verdicts["agree"],
            verdicts["only_in"],
            verdicts["contradict"],
            comparison.story.id,
            version,
        ),
    )
    return cursor.rowcount


def verdict_counts(groups: Sequence[object]) -> dict[str, int]:
    """How many claim groups have each verdict."""
    counts = {"agree": 0, "only_in": 0, "contradict": 0}
    for group in groups:
        verdict = getattr(group, "verdict", "")
        if verdict in counts:
            counts[verdict] += 1
    return counts
