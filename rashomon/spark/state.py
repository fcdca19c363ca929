"""The corpus state an incremental `rashomon spark run` resumes from, kept under
`OUTPUT/_work/state/`, and the story placement that uses it (`cluster_increment`).

Every job that writes tables also writes, under its tag, the state of the articles it placed:

- `members/<tag>/`: one `Kept` per article: its story key, what the story index knows of it
  (features and lead vector, no text), the score that placed it, the report it copies and
  the round (the number of the job that placed it: 0 for a full build);
- `docs/<tag>/`: (story key, the pickled Doc with its copy, score and round) per article,
  what a story that changes is built again from; a job reads the keys of every record and
  decodes only the Docs of the stories it changes;
- `corpus/<tag>/`: the driver's `Corpus`: the two merged resolvers (names are shared twice),
  word and name rarity, exact copies, story ids by key, the round and the article count.

The marker (`_work/tables.json`) lists under `state` the tags that together make the state:
one full build and the incremental jobs after it. Folders it does not list (a killed job's)
are deleted at the next start (`prune`).
"""

from __future__ import annotations

import pickle
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rashomon import plan
from rashomon.settings import Settings
from rashomon.spark import work
from rashomon.spark.hadoop import Files, escape_path

__all__ = ["STATE", "Corpus", "Kept", "cluster_increment", "load", "prune", "save"]

STATE = "_work/state"
PARTS = ("members", "docs", "corpus")


@dataclass(frozen=True, slots=True)
class Kept:
    """A placed article as the story index needs it to place later reports beside it."""

    story: str
    member: work.Member
    score: float | None
    copy_of: str | None
    round: int


@dataclass
class Corpus:
    """What the corpus stages count over every article placed so far."""

    resolvers: tuple[Any, Any]  # the first and the second names pass
    rarity: Any
    exact: dict[str, list[tuple[str, str]]]  # first origin -> its byte-identical repeats
    ids: dict[str, str]  # story key -> story id
    round: int
    articles: int


def folder(out: str, part: str, tag: str) -> str:
    return f"{out}/{STATE}/{part}/{tag}"


def save(
    sc: Any,
    out: str,
    tag: str,
    with_features: Any,
    docs: Any,
    placed: Mapping[str, Any],
    corpus: Corpus,
) -> None:
    """The state of the articles this job placed (`placed`: origin -> its job.Place), and
    the corpus counts after them."""
    where = sc.broadcast(dict(placed))
    round_ = corpus.round
    with_features.map(lambda pair: _kept(pair, where.value, round_)).saveAsPickleFile(
        folder(out, "members", tag)
    )
    docs.map(lambda p: _stored_doc(p, where.value, round_)).saveAsPickleFile(
        folder(out, "docs", tag)
    )
    sc.parallelize([corpus], 1).saveAsPickleFile(folder(out, "corpus", tag))


def _kept(pair: tuple[work.Processed, Any], where: Mapping[str, Any], round_: int) -> Kept:
    processed, found = pair
    doc = work.doc_of(processed)
    origin = doc.article.origin
    key = work.clustering_key(doc)
    member = work.Member(key, origin, doc.article.id, found, work.vector_of(processed), False)
    place = where[origin]
    return Kept(place.story, member, place.score, place.copy_of, round_)


def _stored_doc(p: work.Processed, where: Mapping[str, Any], round_: int) -> tuple[str, bytes]:
    doc = work.doc_of(p)
    place = where[doc.article.origin]
    return place.story, pickle.dumps((doc, place.copy_of, place.score, round_), protocol=5)


def load(sc: Any, out: str, tag: str) -> Corpus:
    """The corpus counts the job of `tag` saved."""
    found: Corpus = sc.pickleFile(escape_path(folder(out, "corpus", tag))).first()
    return found


def members(sc: Any, out: str, tags: Sequence[str]) -> Any:
    """Every Kept of the state's tags."""
    return _records(sc, out, "members", tags)


def docs(sc: Any, out: str, tags: Sequence[str]) -> Any:
    """(story key, pickled member) of every article of the state's tags."""
    return _records(sc, out, "docs", tags)


def _records(sc: Any, out: str, part: str, tags: Sequence[str]) -> Any:
    """Every tag's saved `part`, read in a fixed number of tasks however many tags."""
    found = sc.pickleFile(",".join(escape_path(folder(out, part, tag)) for tag in tags))
    return found.coalesce(4 * sc.defaultParallelism)


def prune(files: Files, out: str, tags: Iterable[str]) -> None:
    """Delete the state folders of every tag but `tags` (a killed job's, a replaced build's)."""
    keep = set(tags)
    for part in PARTS:
        for child in files.children(f"{out}/{STATE}/{part}"):
            if child not in keep:
                files.delete(f"{out}/{STATE}/{part}/{child}")


# ---------------------------------------------------------------------- placing


def near(kept: Kept, days: Sequence[int], window: int, names: frozenset[str]) -> bool:
    """Whether a placed article can be a candidate for one of the new reports: an original
    published within `window` days of a new report's day (`days` sorted), or one sharing a
    name the new reports are looked up by."""
    if kept.copy_of is not None:
        return False
    undated, day, _ = kept.member.key
    if not undated and days:
        i = bisect_left(days, day - window)
        if i < len(days) and days[i] <= day + window:
            return True
    return not names.isdisjoint(kept.member.features.names)


def cluster_increment(
    entries: Iterable[Kept | work.Member], values: dict[str, Any], rarity: Any, prefix: str
) -> list[tuple[str, work.Placing]]:
    """Place the new reports (`Member`s) after the placed articles they can meet (`Kept`s):
    those are put back in their stories in the order they were placed, then the new reports
    are added in the local order. Each new report with the key of its story: a placed
    story's, or `<prefix>:N` for one a new report opened."""
    settings = Settings(values)
    entries = list(entries)
    old = sorted((e for e in entries if isinstance(e, Kept)), key=lambda k: (k.round, k.member.key))
    new = sorted((e for e in entries if isinstance(e, work.Member)), key=lambda m: m.key)
    if not new:
        return []
    index = plan.story_index(settings, len(new[0].vector), rarity)
    keys: list[str] = []  # story number -> its key
    numbers: dict[str, int] = {}
    ordered: list[work.Member] = []
    for kept in old:
        if kept.story not in numbers:
            numbers[kept.story] = len(keys)
            keys.append(kept.story)
        member = kept.member
        index.restore(member.features, member.vector, numbers[kept.story], None, kept.score, True)
        ordered.append(member)
    found = []
    for member in new:
        ordered.append(member)
        placing = work.place_one(index, len(ordered) - 1, member, ordered, prefix)
        while len(keys) < len(index.members):
            keys.append(f"{prefix}:{len(keys)}")
        found.append((keys[placing.story], placing))
    return found
