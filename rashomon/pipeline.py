"""The batch executor of the plan (`rashomon.plan`): a corpus held in memory, run through
every step in order (`rashomon clean / annotate / stories / compare`).

The document pipeline: ingest, then each document stage in turn, an outcome per document.

A stage is a pure function of one record plus settings. The pipeline checks, when it is built,
that every stage reads the kind of record the stage before it writes (a wrong chain is a
StageError then, not a failure per document later). It runs documents one at a time
(`run_one`) or as a stream in batches (`run`), optionally across worker processes, and ends
every document with a Result: ok, skipped (a duplicate) or failed (bad input, with the reason).
One bad document never stops a batch.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Any, BinaryIO

from rashomon import plan
from rashomon.errors import InputError, Reason, StageError
from rashomon.model import Article, Comparison, Doc, Outcome, RawDoc, Result, Story
from rashomon.plan import STAGES, Context, Stage
from rashomon.settings import Settings

__all__ = [
    "Pipeline",
    "Stage",
    "STAGES",
    "annotate_inputs",
    "clean_inputs",
    "compare_inputs",
    "story_inputs",
    "annotate_one",
    "annotate_results",
    "build_stories",
    "Context",
]

log = logging.getLogger(__name__)

Known = Callable[[str], bool]
"""Says whether a document (by content id) is already stored, so the pipeline skips it."""


def _check_chain(stages: Sequence[Stage]) -> None:
    previous: type = RawDoc
    for stage in stages:
        if not issubclass(previous, stage.reads):
            raise StageError(
                f"stage {stage.name!r} reads {stage.reads.__name__} but the stage before it "
                f"writes {previous.__name__}"
            )
        previous = stage.writes


class Pipeline:
    """Runs named document stages over raw documents."""

    def __init__(
        self,
        settings: Settings,
        stages: Sequence[str | Stage] = ("clean",),
        *,
        templates: Any = None,
    ) -> None:
        self.settings = settings
        self.stages = [STAGES[s] if isinstance(s, str) else s for s in stages]
        _check_chain(self.stages)
        self.context = Context(settings, templates)
        self._pool: ProcessPoolExecutor | None = None

    def run_one(self, raw: RawDoc) -> Result:
        """Every stage on one document; the Result says how it ended."""
        record: Any = raw
        for stage in self.stages:
            try:
                record = stage.run(record, self.context)
            except InputError as error:
                return _failed(error, raw.id)
            except Exception as error:  # a bug must not stop the batch: record it
                log.exception("stage %s crashed on %s", stage.name, raw.origin)
                message = f"internal error in stage {stage.name}: {type(error).__name__}: {error}"
                return Result(raw.origin, Outcome.FAILED, Reason.INTERNAL_ERROR, message, raw.id)
            if not isinstance(record, stage.writes):
                raise StageError(f"stage {stage.name!r} returned {type(record).__name__}")
        return Result(raw.origin, Outcome.OK, Reason.OK, "", raw.id, record)

    def run(
        self, items: Iterable[RawDoc | InputError], known: Known | None = None
    ) -> Iterator[Result]:
        """Results for a stream of ingested items, in input order. Identical documents (same
        content id) are processed once; later copies are skipped as duplicates, and so is a
        document whose id `known` says is already stored."""
        seen: dict[str, str] = {}
        workers = self.settings.pipeline.workers
        batch_size = self.settings.pipeline.batch_size
        for batch in _batches(self._dedup(items, seen, known), batch_size):
            todo = [item for item in batch if isinstance(item, RawDoc)]
            done = iter(self._run_batch(todo, workers))
            for item in batch:
                yield next(done) if isinstance(item, RawDoc) else item
        self._close_pool()

    def _dedup(
        self, items: Iterable[RawDoc | InputError], seen: dict[str, str], known: Known | None
    ) -> Iterator[RawDoc | Result]:
        for item in items:
            if isinstance(item, InputError):
                yield _failed(item, None)
            elif known is not None and known(item.id):
                yield Result(item.origin, Outcome.SKIPPED, Reason.STORED, "already stored", item.id)
            elif item.id in seen:
                detail = f"same content as {seen[item.id]}"
                yield Result(item.origin, Outcome.SKIPPED, Reason.DUPLICATE, detail, item.id)
            else:
                seen[item.id] = item.origin
                yield item

    def _run_batch(self, docs: list[RawDoc], workers: int) -> list[Result]:
        if workers <= 1 or len(docs) < 2:
            return [self.run_one(doc) for doc in docs]
        if self._pool is None:
            names = [s.name for s in self.stages]
            self._pool = ProcessPoolExecutor(
                workers,
                initializer=_worker_init,
                initargs=(dict(self.settings), names, self.context.templates),
            )
        chunk = max(1, len(docs) // (workers * 4))
        return list(self._pool.map(_worker_run, docs, chunksize=chunk))

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _failed(error: InputError, doc_id: str | None) -> Result:
    return Result(error.source, Outcome.FAILED, error.reason, error.message, doc_id)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, max(size, 1))):
        yield batch


_WORKER: Pipeline | None = None


def _worker_init(values: dict[str, Any], stage_names: list[str], templates: Any = None) -> None:
    """A worker's pipeline, with a copy of the templates learned before the batch (what a
    worker learns itself stays in the worker)."""
    global _WORKER
    _WORKER = Pipeline(Settings(values), stage_names, templates=templates)


def _worker_run(doc: RawDoc) -> Result:
    assert _WORKER is not None, "worker used before its initializer ran"
    return _WORKER.run_one(doc)


def clean_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    known: Known | None = None,
) -> Iterator[Result]:
    """Ingest and clean files, folders, globs or URLs: one Result per input document.

    Per-outlet templates (lines recurring across an outlet's documents) are learned from the
    batch's plain-text documents in a first reading when the inputs can be read twice, so
    furniture leaves the first documents too; otherwise as documents stream by. With the
    setting clean.text.templates naming a file, they are read from it first and saved back.
    """
    from rashomon.ingest import ingest

    inputs = list(inputs)
    store_path = settings.clean.text.templates
    store = plan.templates(settings, store_path)
    if settings.clean.text.learn_first and _readable_twice(inputs):
        learn_templates(inputs, settings, store)
        store.learning = False
    pipeline = Pipeline(settings, ["clean"], templates=store)
    yield from pipeline.run(ingest(inputs, settings, stdin=stdin), known)
    if store_path:
        store.save(store_path)


def _readable_twice(inputs: list[str]) -> bool:
    """Files, folders and globs can be read again; standard input and URLs are read once."""
    from rashomon.ingest import is_url

    return all(item != "-" and not is_url(item) for item in inputs)


def learn_templates(inputs: Iterable[str], settings: Settings, store: Any) -> int:
    """Read the inputs' plain-text documents once, each distinct document counted once, to
    learn their outlets' recurring lines; returns how many documents were read."""
    from rashomon.ingest import ingest

    seen: set[str] = set()
    for item in ingest(inputs, settings):
        if not isinstance(item, RawDoc) or item.media_type != "text/plain" or item.id in seen:
            continue
        seen.add(item.id)
        try:
            plan.learn_templates(item, settings, store)
        except Exception:  # an InputError, or a crash: either is recorded when the batch
            continue  # is cleaned for real
    return len(seen)


def annotate_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    raw_text: bool = False,
    known: Known | None = None,
) -> Iterator[Result]:
    """Ingest, clean (or, with `raw_text`, take each input as it is) and annotate: one Result
    per input document, its record a Doc when it ends ok. Articles are parsed in spaCy batches;
    a document whose annotation fails is recorded and the batch goes on. A document `known`
    says is stored already is skipped ("stored") before any work."""
    if raw_text:
        pipeline = Pipeline(settings, ["as-is"])
        from rashomon.ingest import ingest

        results = pipeline.run(ingest(list(inputs), settings, stdin=stdin), known)
    else:
        results = clean_inputs(inputs, settings, stdin=stdin, known=known)
    resolver = plan.resolver()
    window = max(1, settings.annotate.resolve_window)
    for chunk in _batches(annotate_results(results, settings), window):
        docs = [r.record for r in chunk if isinstance(r.record, Doc)]
        resolved = iter(plan.resolve(docs, resolver))
        yield from (_with_doc(r, next(resolved)) if isinstance(r.record, Doc) else r for r in chunk)


def annotate_results(results: Iterable[Result], settings: Settings) -> Iterator[Result]:
    """Results in input order, each article's replaced by its Doc. The articles go through one
    spaCy stream (so `annotate.n_process` workers start once, not per batch); a document whose
    annotation fails is recorded as an internal error and the stream goes on."""
    waiting: deque[Result] = deque()

    def articles() -> Iterator[Article]:
        for result in results:
            result = _refuse_too_long(result, settings)
            waiting.append(result)
            if isinstance(result.record, Article):
                yield result.record

    for doc in plan.annotate_stream(articles(), settings):
        while not isinstance(waiting[0].record, Article):
            yield waiting.popleft()
        yield _with_doc(waiting.popleft(), doc if isinstance(doc, Doc) else None)
    yield from waiting


def _refuse_too_long(result: Result, settings: Settings) -> Result:
    """An article longer than annotate.max_chars fails with its reason, not a slow parse."""
    limit = settings.annotate.max_chars
    article = result.record
    if not isinstance(article, Article) or len(article.text) <= limit:
        return result
    detail = f"{len(article.text):,} characters of article text; annotate.max_chars is {limit:,}"
    return Result(result.origin, Outcome.FAILED, Reason.TOO_LARGE, detail, result.id)


def _with_doc(result: Result, doc: Doc | None) -> Result:
    if doc is None:
        detail = "internal error in stage annotate (see the log)"
        return Result(result.origin, Outcome.FAILED, Reason.INTERNAL_ERROR, detail, result.id)
    return Result(result.origin, result.outcome, result.reason, result.detail, result.id, doc)


def story_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    raw_text: bool = False,
    watch: Callable[[Iterable[Result]], Iterable[Result]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Story], list[Result]]:
    """Annotate every input (as `annotate_inputs`), share names across the whole corpus, and
    group the reports into stories. Returns the stories (every report in exactly one; inputs
    repeating another byte for byte are copies of it) and every input's Result, whose record
    is the Doc with the corpus's shared names. `watch` sees the results as they come (a
    progress bar), `progress` counts reports as they are grouped."""
    results = annotate_inputs(inputs, settings, stdin=stdin, raw_text=raw_text)
    collected = list(watch(results) if watch else results)
    docs = plan.resolve(r.record for r in collected if isinstance(r.record, Doc))
    resolved = iter(docs)
    collected = [
        _with_doc(r, next(resolved)) if isinstance(r.record, Doc) else r for r in collected
    ]
    by_id = {d.article.id: d.article.origin for d in docs}
    copies = [
        (r.origin, by_id[r.id])
        for r in collected
        if r.outcome is Outcome.SKIPPED and r.reason == Reason.DUPLICATE and r.id in by_id
    ]
    stories = plan.add_copies(build_stories(docs, settings, progress), copies)
    return stories, collected


def build_stories(
    docs: Sequence[Doc], settings: Settings, progress: Callable[[int], None] | None = None
) -> list[Story]:
    """features, place and describe over a corpus in memory: `docs` into stories, largest
    first (then by event date and id)."""
    docs = list(docs)
    if not docs:
        return []
    found = plan.features(docs, settings)
    index = plan.cluster(found, plan.embed(docs, settings, progress), settings)
    order = plan.placing_order(found)
    stories = [
        plan.describe(
            [docs[order[i]] for i in originals],
            [(docs[order[c]], docs[order[o]]) for c, o in pairs],
            [found[order[i]] for i in originals + [c for c, _ in pairs]],
            [index.scores[i] for i in originals],
        )
        for originals, pairs in index.groups()
    ]
    return sorted(stories, key=lambda s: (-len(s.articles), s.event_date or "9999", s.id))


def compare_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    raw_text: bool = False,
    watch: Callable[[Iterable[Result]], Iterable[Result]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Comparison], dict[str, Doc], list[Result]]:
    """Annotate, group into stories (as `story_inputs`) and compare each story's reports.
    Returns the comparisons (one per story, largest story first), the docs by origin (what
    the reports point into) and every input's Result."""
    stories, results = story_inputs(
        inputs, settings, stdin=stdin, raw_text=raw_text, watch=watch, progress=progress
    )
    docs = {r.record.article.origin: r.record for r in results if isinstance(r.record, Doc)}
    return [plan.compare(story, docs, settings) for story in stories], docs, results


def annotate_one(raw: RawDoc, settings: Settings) -> Result:
    """Clean and annotate one document as `annotate_inputs` does each one of a batch (the
    article text held to annotate.max_chars, names resolved within the document): a Result
    whose record is the Doc when it ends ok. The web API's POST uses it."""
    stages: list[str | Stage] = [
        "clean",
        Stage("max-chars", Article, Article, _max_chars_stage),
        "annotate",
    ]
    result = Pipeline(settings, stages).run_one(raw)
    if not isinstance(result.record, Doc):
        return result
    return _with_doc(result, plan.resolve([result.record])[0])


def _max_chars_stage(article: Article, context: Context) -> Article:
    from rashomon.errors import TooLarge

    limit = context.settings.annotate.max_chars
    if len(article.text) > limit:
        count = f"{len(article.text):,} characters of article text"
        raise TooLarge(article.origin, f"{count}; annotate.max_chars is {limit:,}")
    return article
