"""rashomon: one event, many accounts.

>>> from rashomon import Settings, clean_paths
>>> for result in clean_paths(["examples/"], Settings.load()):
...     print(result.outcome, result.record.title if result.record else result.detail)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version

from rashomon.errors import InputError, RashomonError
from rashomon.model import Article, Doc, Outcome, RawDoc, Removed, Result
from rashomon.settings import Settings

try:
    __version__ = version("rashomon")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "Article",
    "Doc",
    "InputError",
    "Outcome",
    "RashomonError",
    "RawDoc",
    "Removed",
    "Result",
    "Settings",
    "__version__",
    "clean_paths",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def clean_paths(paths: Iterable[str], settings: Settings | None = None) -> Iterator[Result]:
    """Ingest and clean files, folders, globs or URLs; one Result per input document."""
    from rashomon.pipeline import clean_inputs

    yield from clean_inputs(paths, settings or Settings.load())
