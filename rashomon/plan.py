"""The plan: every stage rashomon runs, in order, and the one call each executor makes of it.

Three executors run the plan. The batch one (`rashomon.pipeline`) holds a corpus in memory
(`rashomon clean / annotate / stories / compare`); the incremental one (`rashomon.store`)
keeps it in SQLite and runs the corpus steps per transaction as articles arrive (`rashomon
ingest`, the web app's POST); the Spark one (`rashomon.spark`) runs the document steps per
partition and the corpus steps per block and per story. Each decides where the records live
and when a step runs; what a step does, what it reads and what it writes is said once, here,
and every executor calls the functions below rather than the stage modules
(`tests/test_layers.py` fails on an executor that imports a stage's step function).

    clean → annotate ─┬→ resolve → features ─┬→ place → describe → compare
                      └→ embed ───────────────┘
    (document)           (corpus)  (document)  (corpus) (story)    (story)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rashomon.model import Article, Comparison, Doc, RawDoc, Story
from rashomon.settings import Settings

if TYPE_CHECKING:
    import numpy as np

    from rashomon.annotate.resolver import Resolver
    from rashomon.clean.templates import TemplateStore
    from rashomon.stories.cluster import Rarity, StoryIndex
    from rashomon.stories.encoder import Memo
    from rashomon.stories.features import Features
    from rashomon.stories.score import Scorer

__all__ = [
    "PLAN",
    "STAGES",
    "Context",
    "Stage",
    "Step",
    "add_copies",
    "annotate_stream",
    "as_is",
    "cluster",
    "compare",
    "describe",
    "embed",
    "features",
    "learn_templates",
    "placing_order",
    "rarity",
    "resolve",
    "resolver",
    "rewrite",
    "sentence_memo",
    "story_index",
    "templates",
]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the plan: over what it runs, the steps whose output it needs, what it
    reads and writes, and the functions below that make it."""

    name: str
    scope: str  # document | corpus | story
    needs: tuple[str, ...]
    reads: str
    writes: str
    calls: tuple[str, ...]


PLAN: tuple[Step, ...] = (
    Step("clean", "document", (), "RawDoc", "Article", ("templates", "learn_templates", "STAGES")),
    Step("annotate", "document", ("clean",), "Article", "Doc", ("STAGES", "annotate_stream")),
    Step("embed", "document", ("annotate",), "Doc (title, lead)", "lead vector", ("embed",)),
    Step(
        "resolve",
        "corpus",
        ("annotate",),
        "Doc",
        "Doc (one name per thing)",
        ("resolver", "resolve", "rewrite"),
    ),
    Step("features", "document", ("resolve",), "Doc", "Features", ("features",)),
    Step(
        "place",
        "corpus",
        ("features", "embed"),
        "Features, lead vector",
        "story number, copy of, score",
        ("rarity", "placing_order", "story_index", "cluster"),
    ),
    Step(
        "describe",
        "story",
        ("place",),
        "members, copies, scores",
        "Story",
        ("describe", "add_copies"),
    ),
    Step(
        "compare", "story", ("describe",), "Story, Docs", "Comparison", ("sentence_memo", "compare")
    ),
)
"""The steps; every executor runs each one after the steps it `needs` (a lead vector reads
only the article, so Spark embeds it in the document pass, the batch executor when it
groups: both before placing)."""


# ---------------------------------------------------------------------- document steps


@dataclass(frozen=True, slots=True)
class Stage:
    """One document stage: `run(record, context)` turns a `reads` record into a `writes` one."""

    name: str
    reads: type
    writes: type
    run: Callable[[Any, Context], Any]


@dataclass(slots=True)
class Context:
    """What a stage may use besides its record: the settings and per-process state."""

    settings: Settings
    templates: Any = None


def _clean(raw: RawDoc, context: Context) -> Article:
    from rashomon.clean import clean

    return clean(raw, context.settings, templates=context.templates)


def _annotate(article: Article, context: Context) -> Doc:
    from rashomon.annotate import annotate

    return annotate(article, context.settings)


def as_is(raw: RawDoc, settings: Settings) -> Article:
    """clean, skipped (`--as-is`): the input taken as the article text exactly, so offsets
    are offsets into the file: UTF-8 as it is, other encodings decoded (newlines then
    normalised)."""
    from rashomon.clean.decode import decode
    from rashomon.errors import EmptyInput, TooLarge

    try:
        text = raw.body.decode("utf-8")
    except UnicodeDecodeError:
        text = decode(raw)
    if not text.strip():
        raise EmptyInput(raw.origin, "no text to annotate")
    limit = settings.annotate.max_chars
    if len(text) > limit:
        raise TooLarge(raw.origin, f"{len(text):,} characters; annotate.max_chars is {limit:,}")
    from rashomon.clean.language import detect

    language, _ = detect(text, settings)
    return Article(
        id=raw.id, origin=raw.origin, text=text, url=raw.url, language=language, extractor="as-is"
    )


def _as_is(raw: RawDoc, context: Context) -> Article:
    return as_is(raw, context.settings)


STAGES: dict[str, Stage] = {
    "clean": Stage("clean", RawDoc, Article, _clean),
    "as-is": Stage("as-is", RawDoc, Article, _as_is),
    "annotate": Stage("annotate", Article, Doc, _annotate),
}
"""The document stages by name, as `rashomon.pipeline.Pipeline` chains them."""


def templates(settings: Settings, path: str = "") -> TemplateStore:
    """clean: the per-outlet furniture store the text cleaner learns into and reads (read
    from `path` when one is given)."""
    from rashomon.clean.templates import TemplateStore

    return TemplateStore.load(path, settings) if path else TemplateStore(settings)


def learn_templates(raw: RawDoc, settings: Settings, store: TemplateStore) -> bool:
    """clean, read only to learn: a plain-text document's recurring lines go into `store`
    (its article is not kept). False for a document that is not plain text; a bad one
    raises, as cleaning it would."""
    from rashomon.clean.decode import decode
    from rashomon.clean.text import clean_text

    if raw.media_type != "text/plain":
        return False
    clean_text(decode(raw), url=raw.url, hints=raw.hints, settings=settings, templates=store)
    return True


def annotate_stream(articles: Iterable[Article], settings: Settings) -> Iterator[Doc | Exception]:
    """annotate, over a stream: one spaCy stream for many articles (see
    `rashomon.annotate.annotate_stream`); a failed article yields its exception."""
    from rashomon.annotate import annotate_stream as stream

    return stream(articles, settings)


# ---------------------------------------------------------------------- resolve


def resolver() -> Resolver:
    """An empty table of names, to be given docs and merged (one name per thing)."""
    from rashomon.annotate.resolver import Resolver

    return Resolver()


def resolve(docs: Iterable[Doc], table: Resolver | None = None) -> list[Doc]:
    """resolve: the docs with one name per thing across them (and `table`'s names)."""
    from rashomon.annotate.corpus import resolve_corpus

    return resolve_corpus(docs, table)


def rewrite(doc: Doc, table: Resolver) -> Doc:
    """resolve, for one doc against a table already given the whole corpus (Spark's way)."""
    from rashomon.annotate.corpus import rewrite as rewrite_doc

    return rewrite_doc(doc, table)


# ---------------------------------------------------------------------- features, place


def features(docs: Sequence[Doc], settings: Settings) -> list[Features]:
    """features: what the story index knows of each report (terms, names, MinHash, outlet)."""
    from rashomon.stories import features_for

    return features_for(docs, settings)


def embed(
    docs: Sequence[Doc], settings: Settings, progress: Callable[[int], None] | None = None
) -> np.ndarray:
    """embed: each report's title-and-lead vector (`stories.encoder`)."""
    from rashomon.stories import embed_leads

    return embed_leads(docs, settings, progress)


def rarity() -> Rarity:
    """Empty word and name counts, to be given a corpus's features and merged."""
    from rashomon.stories.cluster import Rarity

    return Rarity()


def placing_order(found: Sequence[Features]) -> list[int]:
    """place: the order reports are placed in (publication order, ties by id)."""
    from rashomon.stories.cluster import order_for_clustering

    return order_for_clustering(found)


def _pair_model(settings: Settings) -> Scorer:
    """The fitted same-story pair model (`stories.model`, else the packaged one)."""
    from rashomon.stories import default_scorer

    return default_scorer(settings.stories.model or None)


def story_index(settings: Settings, dim: int, counts: Rarity | None = None) -> StoryIndex:
    """place: an empty incremental story index with the configured pair model (`counts`:
    corpus-wide rarity, when it is known before placing)."""
    from rashomon.stories import StoryIndex

    return StoryIndex(settings, _pair_model(settings), dim, counts)


def cluster(found: Sequence[Features], vectors: np.ndarray, settings: Settings) -> StoryIndex:
    """place: a whole corpus, in placing order, into a new index."""
    from rashomon.stories.cluster import cluster as cluster_all

    return cluster_all(found, vectors, settings, _pair_model(settings))


# ---------------------------------------------------------------------- describe, compare


def describe(
    originals: Sequence[Doc],
    copies: Sequence[tuple[Doc, Doc]],
    found: Sequence[Features],
    scores: Sequence[float | None] | None = None,
) -> Story:
    """describe: a story from its members in placing order (event date, participants,
    place, label), with the near copies and the score that placed each original."""
    from rashomon.stories import story_of

    return story_of(originals, copies, found, scores)


def add_copies(stories: Sequence[Story], copies: Sequence[tuple[str, str]]) -> list[Story]:
    """describe: the inputs that repeat a member byte for byte, as its copies."""
    from rashomon.stories import add_exact_copies

    return add_exact_copies(stories, copies)


def sentence_memo(size: int) -> Memo:
    """compare: sentence vectors kept (the `size` latest) between comparisons of a story that
    grows, so only its new members' sentences are encoded."""
    from rashomon.stories.encoder import Memo

    return Memo(size)


def compare(
    story: Story, docs: Mapping[str, Doc], settings: Settings, memo: Memo | None = None
) -> Comparison:
    """compare: the story's claims side by side (agree / only in / contradict), headlines,
    relays and framing (`docs`: each member's Doc by origin; `memo`: sentence vectors kept
    between comparisons of a growing story)."""
    from rashomon.compare import compare_story

    return compare_story(story, docs, settings, memo)
