"""An incremental job: the corpus stages over the new runs only, resumed from the state the
jobs before saved (`rashomon.spark.state`).

1. **Names.** The new documents' names are shared with the two resolvers the state keeps
   (every earlier article's counts), as a full build shares them twice; the earlier
   articles keep the names they were given.
2. **Stories.** The new reports' features, counted into the kept rarity, are placed in one
   task after the placed articles they can meet: originals published within
   `stories.window_days` of a new report's day, or sharing a name a new report is looked up
   by. Those are put back in their stories, in the order they were placed, and the new
   reports added in the local order: each joins a story, copies a report or opens a story.
   Inputs that repeat an earlier article byte for byte join its story.
3. **Compare.** Only the stories with a new member (or a new repeat) are built and compared
   again, from their members' kept Docs and the new ones; an earlier story keeps its first
   report, so its id.
4. **Tables.** `articles`, `annotations` and `inputs` get the new rows (their earlier files
   kept); `stories`, `comparisons` and `claim_groups` are the last write's rows without the
   changed stories, plus those stories' new rows.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rashomon.errors import Reason
from rashomon.model import Doc
from rashomon.settings import Settings
from rashomon.spark import delta_tables, reading, state, work
from rashomon.spark.hadoop import Files
from rashomon.store import tables

__all__ = ["adding", "extend"]

ADDED = ("articles", "annotations", "inputs")  # tables an incremental job adds rows to
BY_STORY = {"stories": "id", "comparisons": "story", "claim_groups": "story"}
INCREMENT = "increment"


def adding(marker: Mapping[str, Any], runs: Sequence[str]) -> list[str]:
    """The committed runs an incremental job would add to the tables the marker describes:
    none when there is no state to resume from (then the corpus is built whole)."""
    done = marker.get("runs")
    if not marker.get("state") or not isinstance(done, list) or not marker.get("tables"):
        return []
    if any(run not in runs for run in done):
        return []
    return [run for run in runs if run not in done]


def extend(
    job: Any,
    spark: Any,
    files: Files,
    out: str,
    marker: Mapping[str, Any],
    new_runs: Sequence[str],
    settings: Settings,
    report: Any,
    tag: str,
) -> state.Corpus:
    """Add the new runs' articles to the tables and the state; returns the corpus counts.
    `job`: the module `rashomon.spark.job`, whose stages this one reuses (passed in, as that
    module calls this one)."""
    sc = spark.sparkContext
    values = job._executor_settings(settings)
    tags = list(marker["state"])
    corpus = state.load(sc, out, tags[-1])
    corpus.round += 1
    records = job._load_runs(sc, out, new_runs).repartition(job._partitions(spark, settings))
    records = records.persist(reading.memory_and_disk())
    job._count_outcomes(records, report)
    docs = records.filter(lambda p: isinstance(p.result.record, Doc))
    with report.timed("names"):
        once, first = job.share_names(sc, docs, corpus.resolvers[0])
        docs, second = job.share_names(sc, once, corpus.resolvers[1])
        added = docs.count()
        once.unpersist()
    with report.timed("stories"):
        with_features = job.featured(docs, values)
        corpus.rarity = job.count_rarity(with_features, corpus.rarity)
        placed = _place(job, sc, out, tags, with_features, corpus.rarity, values, tag)
        touched = {p.story for p in placed.values()}
        touched |= _repeats(job, sc, out, marker["runs"], tags, records, docs, placed, corpus)
    with report.timed("compare"):
        keyed = _rebuilt(sc, out, tags, docs, placed, touched, corpus, values)
        keyed = keyed.persist(reading.memory_and_disk())
        built = keyed.values()
        ids = dict(keyed.map(lambda kv: (kv[0], kv[1][0].id)).collect())
    with report.timed("write"):
        story_of = job.story_ids(built)
        rows = job.table_rows(sc, records, docs, placed, built, story_of)
        gone = sorted({corpus.ids[key] for key in touched if key in corpus.ids})
        frames = _frames(spark, out, rows, gone, marker["tables"][0])
        delta_tables.write(spark, files, out, frames, tag, marker["tables"][0], ADDED)
    with report.timed("state"):
        corpus.resolvers = (first, second)
        corpus.ids.update(ids)
        corpus.articles += added
        state.save(sc, out, tag, with_features, docs, placed, corpus)
    report.articles, report.stories = corpus.articles, len(corpus.ids)
    for rdd in (records, docs, keyed, with_features):
        rdd.unpersist()
    return corpus


def _place(
    job: Any,
    sc: Any,
    out: str,
    tags: Sequence[str],
    with_features: Any,
    rarity: Any,
    values: dict[str, Any],
    tag: str,
) -> dict[str, Any]:
    """Origin -> Place of every new report (`state.cluster_increment` in one task, beside
    the placed articles it can meet)."""
    settings = Settings(values)
    window = settings.stories.window_days
    shared = sc.broadcast(rarity)
    new = with_features.map(_member)
    days = sorted(set(new.filter(lambda m: not m.key[0]).map(lambda m: m.key[1]).collect()))
    names = with_features.flatMap(lambda pair: work.asked_names(pair[1], shared.value, values))
    asked = sc.broadcast((days, frozenset(names.distinct().collect())))
    context = state.members(sc, out, tags).filter(
        lambda kept: state.near(kept, asked.value[0], window, asked.value[1])
    )
    found = (
        context.union(new)
        .map(lambda entry: (INCREMENT, entry))
        .groupByKey()
        .flatMap(lambda kv: state.cluster_increment(kv[1], values, shared.value, tag))
        .collect()
    )
    return {p.origin: job.Place(key, p.copy_of, p.copy_id, p.score) for key, p in found}


def _member(pair: tuple[work.Processed, Any]) -> work.Member:
    processed, found = pair
    doc = work.doc_of(processed)
    key = work.clustering_key(doc)
    return work.Member(
        key, doc.article.origin, doc.article.id, found, work.vector_of(processed), True
    )


def _repeats(
    job: Any,
    sc: Any,
    out: str,
    runs_before: Sequence[str],
    tags: Sequence[str],
    records: Any,
    docs: Any,
    placed: Mapping[str, Any],
    corpus: state.Corpus,
) -> set[str]:
    """The new inputs that repeat an article byte for byte, added to `corpus.exact` in
    input order; returns the keys of the stories they join."""
    repeats = records.filter(lambda p: p.result.reason == Reason.DUPLICATE).map(
        lambda p: (p.result.id, (p.order, p.result.origin))
    )
    firsts = docs.map(lambda p: (p.result.id, p.result.origin))
    if runs_before:
        earlier = job._load_runs(sc, out, runs_before, "ids").map(lambda kv: (kv[0], kv[1][1]))
        firsts = firsts.union(earlier)
    found = sorted(repeats.join(firsts).collect(), key=lambda kv: kv[1])
    if not found:
        return set()
    wanted = sc.broadcast({first for _, (_, first) in found} - set(placed))
    stories = {origin: p.story for origin, p in placed.items()}
    stories.update(
        state.members(sc, out, tags)
        .filter(lambda kept: kept.member.origin in wanted.value)
        .map(lambda kept: (kept.member.origin, kept.story))
        .collect()
    )
    touched = set()
    for _, ((_, origin), first) in found:
        if first in stories:
            corpus.exact.setdefault(first, []).append((origin, first))
            touched.add(stories[first])
    return touched


def _rebuilt(
    sc: Any,
    out: str,
    tags: Sequence[str],
    docs: Any,
    placed: Mapping[str, Any],
    touched: set[str],
    corpus: state.Corpus,
    values: dict[str, Any],
) -> Any:
    """(story key, (Story, Comparison, days)) of every story with something new: its kept
    members' Docs (decoded only for these stories) and the new ones, built and compared."""
    where = sc.broadcast(dict(placed))
    wanted = sc.broadcast(touched)
    exact = sc.broadcast(corpus.exact)
    round_ = corpus.round

    def new_member(p: work.Processed) -> tuple[str, tuple[Doc, str | None, float | None, int]]:
        doc = work.doc_of(p)
        place = where.value[doc.article.origin]
        return place.story, (doc, place.copy_of, place.score, round_)

    kept = state.docs(sc, out, tags).filter(lambda kv: kv[0] in wanted.value)
    members = kept.map(lambda kv: (kv[0], pickle.loads(kv[1]))).union(docs.map(new_member))
    return members.groupByKey().map(lambda kv: (kv[0], _built(kv[1], exact.value, values)))


def _built(
    members: Iterable[tuple[Doc, str | None, float | None, int]],
    exact: Mapping[str, list[tuple[str, str]]],
    values: dict[str, Any],
) -> tuple[Any, Any, list[str]]:
    found = list(members)
    rounds = {doc.article.origin: r for doc, _, _, r in found}
    triples = [(doc, copy_of, score) for doc, copy_of, score, _ in found]
    repeats = [pair for doc, _, _ in triples for pair in exact.get(doc.article.origin, [])]
    story, comparison = work.build_and_compare(triples, values, repeats, rounds)
    days = [d.article.published.isoformat() for d, _, _ in triples if d.article.published]
    return story, comparison, days


def _frames(
    spark: Any, out: str, rows: Mapping[str, Any], gone: Sequence[str], before: str
) -> dict[str, Any]:
    """Each table's DataFrame to write: the new rows, and for the tables kept per story the
    last write's rows of the stories left as they were."""
    from pyspark.sql import functions as F

    frames = {name: spark.createDataFrame(rdd, tables.SCHEMAS[name]) for name, rdd in rows.items()}
    changed = spark.createDataFrame([(i,) for i in gone], "changed STRING")
    for name, column in BY_STORY.items():
        earlier = delta_tables.previous(spark, out, name, before)
        left = earlier.join(changed, F.col(column) == F.col("changed"), "left_anti")
        frames[name] = left.unionByName(frames[name])
    return frames
