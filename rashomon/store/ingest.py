"""`rashomon ingest`: inputs into a store, incrementally and idempotently.

Work is done in batches of `store.batch_size` results. Each batch is one transaction
(articles, their story features and every input's outcome), then its articles are placed in
stories and the stories that changed are compared again (a big story only once it has grown
by `store.compare_growth` of itself; the rest when the run ends). An input whose content id
is stored already is skipped before any work, so ingesting the same files twice stores
nothing twice.
Killed at any moment, the store holds whole batches only; the next run first finishes what
the killed one left (articles waiting for a story, stories waiting for a comparison) and
then skips everything stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import BinaryIO

from rashomon.model import Result
from rashomon.settings import Settings
from rashomon.store import Added, Store, Updated

__all__ = ["Totals", "ingest_into"]

Watch = Callable[[Iterable[Result]], Iterable[Result]]


class Totals:
    """What an ingest did, summed over its batches."""

    def __init__(self) -> None:
        self.added = Added()
        self.updated = Updated()

    def add(self, added: Added, updated: Updated) -> None:
        self.added.stored += added.stored
        self.added.skipped += added.skipped
        self.added.failed += added.failed
        for reason, n in added.reasons.items():
            self.added.reasons[reason] = self.added.reasons.get(reason, 0) + n
        self.updated.placed += updated.placed
        self.updated.stories += updated.stories
        self.updated.compared += updated.compared


def ingest_into(
    store: Store,
    inputs: Iterable[str],
    settings: Settings,
    *,
    stdin: BinaryIO | None = None,
    raw_text: bool = False,
    watch: Watch | None = None,
) -> Totals:
    """Ingest `inputs` into `store` (see the module doc); `watch` sees every result as it
    comes (a progress bar)."""
    from rashomon.pipeline import annotate_inputs

    totals = Totals()
    totals.add(Added(), store.update(leftovers=True))  # what a killed run left
    results: Iterable[Result] = annotate_inputs(
        inputs, settings, stdin=stdin, raw_text=raw_text, known=store.known
    )
    if watch is not None:
        results = watch(results)
    size = max(1, settings.store.batch_size)
    for batch in _batches(results, size):
        added = store.add(batch)
        totals.add(added, store.update(defer=True))
    totals.add(Added(), store.update(leftovers=True))  # the big stories deferred meanwhile
    return totals


def _batches(results: Iterable[Result], size: int) -> Iterator[list[Result]]:
    iterator = iter(results)
    while batch := list(islice(iterator, size)):
        yield batch
