"""The document pipeline: ingest, then each document stage in turn, an outcome per document.

A stage is a pure function of one record plus settings. The pipeline checks, when it is built,
that every stage reads the kind of record the stage before it writes (a wrong chain is a
StageError then, not a failure per document later). It runs documents one at a time
(`run_one`) or as a stream in batches (`run`), optionally across worker processes, and ends
every document with a Result: ok, skipped (a duplicate) or failed (bad input, with the reason).
One bad document never stops a batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO

from rashomon.errors import InputError, StageError
from rashomon.model import Article, Outcome, RawDoc, Result
from rashomon.settings import Settings

__all__ = ["Pipeline", "Stage", "STAGES", "clean_inputs"]

log = logging.getLogger(__name__)


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


STAGES: dict[str, Stage] = {
    "clean": Stage("clean", RawDoc, Article, _clean),
}


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
                return Result(raw.origin, Outcome.FAILED, "internal-error", message, raw.id)
            if not isinstance(record, stage.writes):
                raise StageError(f"stage {stage.name!r} returned {type(record).__name__}")
        return Result(raw.origin, Outcome.OK, "ok", "", raw.id, record)

    def run(self, items: Iterable[RawDoc | InputError]) -> Iterator[Result]:
        """Results for a stream of ingested items, in input order. Identical documents (same
        content id) are processed once; later copies are skipped as duplicates."""
        seen: dict[str, str] = {}
        workers = int(self.settings["pipeline.workers"])
        batch_size = int(self.settings["pipeline.batch_size"])
        for batch in _batches(self._dedup(items, seen), batch_size):
            todo = [item for item in batch if isinstance(item, RawDoc)]
            done = iter(self._run_batch(todo, workers))
            for item in batch:
                yield next(done) if isinstance(item, RawDoc) else item
        self._close_pool()

    def _dedup(
        self, items: Iterable[RawDoc | InputError], seen: dict[str, str]
    ) -> Iterator[RawDoc | Result]:
        for item in items:
            if isinstance(item, InputError):
                yield _failed(item, None)
            elif item.id in seen:
                detail = f"same content as {seen[item.id]}"
                yield Result(item.origin, Outcome.SKIPPED, "duplicate", detail, item.id)
            else:
                seen[item.id] = item.origin
                yield item

    def _run_batch(self, docs: list[RawDoc], workers: int) -> list[Result]:
        if workers <= 1 or len(docs) < 2:
            return [self.run_one(doc) for doc in docs]
        if self._pool is None:
            names = [s.name for s in self.stages]
            self._pool = ProcessPoolExecutor(
                workers, initializer=_worker_init, initargs=(dict(self.settings), names)
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


def _worker_init(values: dict[str, Any], stage_names: list[str]) -> None:
    global _WORKER
    _WORKER = Pipeline(Settings(values), stage_names)


def _worker_run(doc: RawDoc) -> Result:
    assert _WORKER is not None, "worker used before its initializer ran"
    return _WORKER.run_one(doc)


def clean_inputs(
    inputs: Iterable[str], settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[Result]:
    """Ingest and clean files, folders, globs or URLs: one Result per input document.

    Per-outlet templates (lines recurring across an outlet's documents) are learned from the
    batch's plain-text documents in a first reading when the inputs can be read twice, so
    furniture leaves the first documents too; otherwise as documents stream by. With the
    setting clean.text.templates naming a file, they are read from it first and saved back.
    """
    from rashomon.clean.templates import TemplateStore
    from rashomon.ingest import ingest

    inputs = list(inputs)
    store_path = settings["clean.text.templates"]
    store = TemplateStore.load(store_path, settings) if store_path else TemplateStore(settings)
    if settings["clean.text.learn_first"] and _readable_twice(inputs):
        learn_templates(inputs, settings, store)
        store.learning = False
    pipeline = Pipeline(settings, ["clean"], templates=store)
    yield from pipeline.run(ingest(inputs, settings, stdin=stdin))
    if store_path:
        store.save(store_path)


def _readable_twice(inputs: list[str]) -> bool:
    """Files, folders and globs can be read again; standard input and URLs are read once."""
    from rashomon.ingest import is_url

    return all(item != "-" and not is_url(item) for item in inputs)


def learn_templates(inputs: Iterable[str], settings: Settings, store: Any) -> int:
    """Read the inputs' plain-text documents once, each distinct document counted once, to
    learn their outlets' recurring lines; returns how many documents were read."""
    from rashomon.clean.decode import decode
    from rashomon.clean.text import clean_text
    from rashomon.ingest import ingest

    seen: set[str] = set()
    for item in ingest(inputs, settings):
        if not isinstance(item, RawDoc) or item.media_type != "text/plain" or item.id in seen:
            continue
        seen.add(item.id)
        try:
            clean_text(
                decode(item), url=item.url, hints=item.hints, settings=settings, templates=store
            )
        except InputError:
            continue  # reported when the batch is cleaned for real
    return len(seen)
