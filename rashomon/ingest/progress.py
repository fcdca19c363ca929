"""How far a read has got, for progress bars: the files the inputs name, and a hook told when
reading moves on to the next one.

The hook is held in a context variable, so whoever draws progress (the CLI) listens without
threading a callback through every stage between the reader and the screen. Reading is lazy
and the stages pull one document at a time, so "the reader has moved to file k" means the
documents of the earlier files are (nearly) through every stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from rashomon.ingest.files import expand, is_url
from rashomon.settings import Settings

__all__ = ["count_files", "files_read", "reading"]

Listener = Callable[[str], None]

_listener: ContextVar[Listener | None] = ContextVar("rashomon_file_listener", default=None)


def count_files(inputs: Iterable[str], settings: Settings) -> int:
    """How many files (and URLs, and standard input) the typed inputs name: folders walked,
    globs matched, nothing opened. A bad input counts as one (it ends with one outcome)."""
    total = 0
    for item in inputs:
        if item == "-" or is_url(item):
            total += 1
        else:
            total += sum(1 for _ in expand(item, settings))
    return total


@contextmanager
def files_read(listener: Listener) -> Iterator[None]:
    """Call `listener(name)` each time reading starts on the next file, URL or stream."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def reading(name: str | Path) -> None:
    """Tell the listener, if any, that reading has started on `name`."""
    listener = _listener.get()
    if listener is not None:
        listener(str(name))
