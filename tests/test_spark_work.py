"""What Spark's executors run (`rashomon.spark.work`) and the driver's merge of blocks, tested
without Spark: partial counts merged equal one process's counts, blocks of days, the merge of
stories across blocks."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import numpy as np
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.annotate.resolver import Resolver
from rashomon.clean.templates import TemplateStore
from rashomon.model import Outcome, RawDoc
from rashomon.pipeline import build_stories
from rashomon.settings import Settings
from rashomon.spark import work
from rashomon.spark.job import merge_blocks
from rashomon.stories import embed_leads, features_for
from rashomon.stories.cluster import Rarity
from rashomon.stories.features import Features

VALUES = dict(Settings())


def _warc(*pages: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for n, body in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
        record = writer.create_warc_record(
            f"https://news.example/{n}",
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=headers,
        )
        writer.write_record(record)
    return out.getvalue()


PAGE = b"<html><head><title>A title</title></head><body><p>%s</p></body></html>"


# ---------------------------------------------------------------------- reading


def test_a_warc_gives_one_item_per_page_in_order_then_the_file_read():
    data = _warc(PAGE % b"one " * 40, PAGE % b"two " * 40)
    found = list(work.read_input("run-1", 3, "/crawl/a.warc.gz", data, VALUES))
    items, read = found[:-1], found[-1]
    assert [i.order for i in items] == [("run-1", 3, 1), ("run-1", 3, 2)]
    assert all(isinstance(i.raw, RawDoc) and i.failed is None for i in items)
    assert [i.raw.origin for i in items] == ["/crawl/a.warc.gz#0", "/crawl/a.warc.gz#1"]
    import hashlib

    assert read == work.FileRead("/crawl/a.warc.gz", len(data), hashlib.sha256(data).hexdigest(), 2)


def test_an_empty_file_is_one_failed_item_not_an_exception():
    found = list(work.read_input("run-1", 0, "/crawl/empty.warc.gz", b"", VALUES))
    assert len(found) == 2 and found[-1].documents == 1
    failed = found[0].failed
    assert failed is not None and failed.outcome is Outcome.FAILED and failed.reason == "empty"


def test_a_damaged_archive_keeps_the_records_before_the_damage():
    data = _warc(PAGE % b"one " * 40)
    cut = _warc(PAGE % b"two " * 40)
    found = list(work.read_input("r", 0, "/x.warc.gz", data + cut[: len(cut) // 2], VALUES))
    assert found[0].raw is not None
    assert found[1].failed is not None and found[1].failed.reason == "malformed"


# ---------------------------------------------------------------------- merged counts


def _lines(n: int) -> bytes:
    furniture = "Subscribe to our newsletter\nShare this article\n"
    body = f"Paragraph {n} says something different about event number {n}.\n" * 3
    return (furniture + body + "All rights reserved\n").encode()


def test_templates_learned_in_two_partitions_and_merged_equal_one_learning():
    items = [
        work.Item(
            ("r", 0, n),
            "/t",
            raw=RawDoc.from_bytes(_lines(n), "text/plain", f"/t/{n}", url=f"https://a.example/{n}"),
        )
        for n in range(8)
    ]
    whole = work.learn_part(items, VALUES)[0]
    merged = TemplateStore(Settings())
    for part in (items[:3], items[3:]):
        merged.merge(work.learn_part(part, VALUES)[0])
    assert merged.to_json() == whole.to_json()
    assert whole.is_furniture("a.example", "Share this article")


def test_resolvers_merged_answer_as_one_resolver_given_every_doc(seed_docs):
    docs = list(seed_docs.values())
    whole = Resolver()
    for doc in docs:
        whole.add(doc.entities)
    merged = work.resolver_part(docs[:1])[0].merge(work.resolver_part(docs[1:])[0])
    entities = [e for doc in docs for e in doc.entities]
    assert [merged.canonical(e) for e in entities] == [whole.canonical(e) for e in entities]


def test_rarity_merged_equals_rarity_counted_at_once(seed_docs):
    features = features_for(list(seed_docs.values()), Settings())
    whole = work.rarity_part(features)[0]
    merged = (
        Rarity().merge(work.rarity_part(features[:1])[0]).merge(work.rarity_part(features[1:])[0])
    )
    assert np.array_equal(merged.term_df, whole.term_df)
    assert merged.name_df == whole.name_df and merged.documents == whole.documents == 2


# ---------------------------------------------------------------------- blocks of days


def _key(day: date | None, origin: str = "o") -> work.ClusteringKey:
    return (day is None, day.toordinal() if day else 0, origin)


def test_days_are_packed_into_blocks_of_at_most_so_many_reports():
    blocks = work.Blocks.of({10: 3, 11: 3, 12: 5, 20: 1, 21: 9, 22: 1}, 6)
    assert blocks.starts == (10, 12, 21, 22)  # 12 would overflow b0; 21 alone is over 6
    assert [blocks.of_day(d) for d in (10, 11, 12, 19, 20, 21, 22)] == [
        "b0", "b0", "b1", "b1", "b1", "b2", "b3",
    ]  # fmt: skip
    assert work.Blocks.of({5: 1, 900: 1}, 100).starts == (5,)  # one block, however far apart


def test_a_report_is_context_in_every_later_block_that_starts_within_the_window():
    blocks = work.Blocks((10, 12, 13, 20))
    assert blocks.keys(11, 4) == [("b0", True), ("b1", False), ("b2", False)]
    assert blocks.keys(13, 4) == [("b2", True)]  # b3 starts 7 days later
    assert work.block_keys((False, 17, "o"), blocks, 4) == [("b2", True), ("b3", False)]


def test_undated_reports_end_the_only_block_or_float_from_their_own():
    assert work.block_keys(_key(None), work.Blocks((5,)), 4) == [("b0", True)]
    assert work.block_keys(_key(None), work.Blocks(()), 4) == [("undated", True)]
    assert work.block_keys(_key(None), work.Blocks((5, 40)), 4, ["b1"]) == [
        ("undated", True),
        ("b1", False),
    ]


def _placing(origin, block, story, home=True, floating=False, joined=None, copy_of=None):
    return work.Placing(origin, block, story, copy_of, None, home, floating, joined)


def test_stories_sharing_a_report_across_blocks_are_one():
    placed = merge_blocks(
        [
            _placing("a", "d1", 0),
            _placing("b", "d1", 0, home=False),  # b is context in d1...
            _placing("b", "d2", 3),  # ...and at home in d2, in story 3
            _placing("c", "d2", 3),
            _placing("d", "d2", 4),
        ]
    )
    assert placed["a"].story == placed["b"].story == placed["c"].story
    assert placed["d"].story != placed["a"].story


def test_an_undated_report_keeps_the_story_it_fits_best():
    placed = merge_blocks(
        [
            _placing("a", "d1", 0),
            _placing("b", "d2", 0),
            _placing("u", "undated", 0),  # started a story among the undated
            _placing("u", "d1", 0, home=False, floating=True, joined=0.6),
            _placing("u", "d2", 0, home=False, floating=True, joined=0.9),
            _placing("v", "undated", 0, joined=0.7),  # v joined u among the undated
        ]
    )
    assert placed["u"].story == placed["b"].story == placed["v"].story != placed["a"].story


def test_an_undated_report_that_joined_nothing_is_one_story_with_those_that_joined_it():
    placed = merge_blocks(
        [
            _placing("a", "d1", 0),
            _placing("u", "undated", 0),
            _placing("u", "d1", 1, home=False, floating=True),
            _placing("v", "undated", 1),
            _placing("v", "d1", 1, home=False, floating=True, joined=0.8),
        ]
    )
    assert placed["u"].story == placed["v"].story != placed["a"].story


def test_an_undated_report_that_joined_an_undated_story_stays_in_it():
    placed = merge_blocks(
        [
            _placing("u", "undated", 0),
            _placing("v", "undated", 0, joined=0.8),
        ]
    )
    assert placed["u"].story == placed["v"].story


def test_a_block_clusters_as_the_local_pipeline_does(seed_docs):
    settings = Settings()
    docs = list(seed_docs.values())
    features = features_for(docs, settings)
    vectors = embed_leads(docs, settings)
    rarity = work.rarity_part(features)[0]
    members = [
        work.Member(work.clustering_key(d), d.article.origin, d.article.id, f, v, True)
        for d, f, v in zip(docs, features, vectors, strict=True)
    ]
    placings = work.cluster_block("d1", reversed(members), VALUES, rarity)
    local = build_stories(docs, settings)
    assert len(local) == 1 and len({p.story for p in placings}) == 1
    copy = replace(docs[0], article=replace(docs[0].article, origin="copy", id="copy-id"))
    extra = work.Member(
        work.clustering_key(copy),
        "copy",
        "copy-id",
        features_for([copy], settings)[0],
        vectors[0],
        True,
    )
    rarity.count(extra.features)
    placings = work.cluster_block("d1", [*members, extra], VALUES, rarity)
    copied = [p for p in placings if p.origin == "copy"][0]
    assert copied.copy_of == docs[0].article.origin and copied.copy_id == docs[0].article.id


# ---------------------------------------------------------------------- near-identical copies


def _signed(origin: str, day: int, hashes: list[int]) -> work.Signed:
    key = (False, day, origin)
    return work.Signed(key, origin, f"id-{origin}", np.array(hashes, np.uint64))


def test_pairs_of_a_bucket_are_those_alike_enough_later_against_earlier():
    a = _signed("a", 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    b = _signed("b", 2, [1, 2, 3, 4, 5, 6, 7, 8, 0, 0])  # 0.8 like a
    c = _signed("c", 3, [9] * 10)  # like nothing
    pairs = work.bucket_pairs([c, b, a], 0.7, 100)
    assert [(p.later, p.earlier, p.jaccard) for p in pairs] == [("b", "a", 0.8)]
    assert work.bucket_pairs([a, b], 0.9, 100) == []


def test_a_report_is_checked_against_at_most_the_limit_of_earlier_ones():
    first = _signed("a", 1, [7] * 10)
    copies = [_signed(f"c{n:02}", 2 + n, [7] * 10) for n in range(20)]
    pairs = work.bucket_pairs([first, *copies], 0.7, 3)
    assert max(sum(p.later == c.origin for p in pairs) for c in copies) == 3
    assert all(any(p.later == c.origin and p.earlier == "a" for p in pairs) for c in copies)


def test_copies_fold_into_the_most_alike_earlier_report_that_is_not_a_copy():
    def alike(later, lday, earlier, eday, jaccard):
        return work.Alike(
            later, (False, lday, later), earlier, (False, eday, earlier), f"id-{earlier}", jaccard
        )

    copies = work.fold_copies(
        [
            alike("c", 3, "b", 2, 0.95),  # b is itself a copy of a: c cannot copy it
            alike("c", 3, "a", 1, 0.75),
            alike("b", 2, "a", 1, 0.9),
            alike("e", 5, "d", 4, 0.8),
            alike("e", 5, "a", 1, 0.8),  # a tie: the earliest wins
        ]
    )
    assert copies == {"b": ("a", "id-a"), "c": ("a", "id-a"), "e": ("a", "id-a")}


# ---------------------------------------------------------------------- reconciling blocks


def _report(origin: str, day: int, names: set[str], words: list[int], vector: np.ndarray):
    """A report as the story stage sees it, built by hand: its day, names, hashed words and
    lead vector (no model needed)."""
    terms = np.array(sorted(words), np.int32)
    features = Features(
        origin, f"id-{origin}", "en", date.fromordinal(day), terms,
        np.ones(len(terms), np.float32), frozenset(names), None,
    )  # fmt: skip
    unit = (vector / np.linalg.norm(vector)).astype(np.float32)
    return work.Member((False, day, origin), origin, f"id-{origin}", features, unit, True)


def _unit(seed: int, near: np.ndarray | None = None) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(64)
    return noise if near is None else near + 0.05 * noise


DAY = date(2024, 2, 1).toordinal()
THEME = _unit(1)


def _undated(member: work.Member) -> work.Member:
    return replace(
        member,
        key=(True, 0, member.origin),
        features=replace(member.features, published=None),
    )


def _pass(dated, undated, stories):
    rarity = Rarity()
    for m in [*dated, *undated]:
        rarity.count(m.features)
    for other in range(20):  # the rest of the corpus: the names are rare in it
        rarity.count(_report(f"x{other}", DAY, {f"name{other}"}, [900], _unit(50)).features)
    before = rarity.documents
    found = work.cluster_undated([*reversed(undated), *dated], stories, VALUES, rarity)
    assert rarity.documents == before  # the dated reports put back are not counted again
    return found, rarity


STORY = {"zelensky", "kyiv", "drone"}
WORDS = list(range(100, 130))


def test_an_undated_report_joins_the_story_two_blocks_held_halves_of():
    dated = [
        replace(_report(f"a{i}", DAY + 3 * i, STORY, WORDS, _unit(10 + i, THEME)), home=False)
        for i in range(2)
    ]  # a0 at home in b0, a1 in b1: one story once the blocks are merged
    joins = _undated(_report("u1", DAY, STORY, WORDS, _unit(30, THEME)))
    stories = {"a0": ("b0:4", None), "a1": ("b0:4", 0.9)}
    found, rarity = _pass(dated, [joins], stories)
    assert [(key, p.origin) for key, p in found] == [("b0:4", "u1")]
    assert found[0][1].score is not None and found[0][1].score >= 0.44  # the local threshold
    assert work.asked_names(joins.features, rarity, VALUES) == sorted(STORY)


def test_an_undated_report_sharing_one_common_name_with_a_story_stays_apart():
    dated = [
        replace(_report(f"a{i}", DAY + 3 * i, STORY, WORDS, _unit(10 + i, THEME)), home=False)
        for i in range(2)
    ]
    other = {"kyiv", "biden", "taxes"}  # kyiv is the story's too
    apart = _undated(_report("u2", DAY, other, list(range(300, 330)), _unit(2)))
    follows = _undated(_report("u3", DAY, other, list(range(300, 330)), _unit(3, _unit(2))))
    stories = {"a0": ("b0:4", None), "a1": ("b0:4", 0.9)}
    found, _ = _pass(dated, [apart, follows], stories)
    assert [(key, p.origin) for key, p in found] == [("undated:1", "u2"), ("undated:1", "u3")]
    assert found[0][1].score is None  # it opened a story
