"""natasha for Russian reports (the optional extra `rashomon[ru]`): whether it is installed,
its models loaded once per process (`pipeline()`), and the token record the Russian entity
and time rules read.
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

log = logging.getLogger(__name__)

PRODUCED_BY = "rashomon.russian.v1"
INSTALL_HINT = "install rashomon[ru] for Russian entities and times (pip install 'rashomon[ru]')"


# ---------------------------------------------------------------- the natasha pipeline


@dataclass(frozen=True, slots=True)
class Natasha:
    """natasha's models: sentence and token segmenter, morphology, NER, lemmatiser."""

    segmenter: Any
    morph_tagger: Any
    ner_tagger: Any
    morph_vocab: Any
    blas: Any = None  # threadpoolctl's controller, when it is installed

    def one_thread(self) -> AbstractContextManager[Any]:
        """BLAS on one thread while natasha runs: its matrices are small, and OpenBLAS's
        threads cost more than they give (seven times slower on two cores)."""
        if self.blas is None:
            return nullcontext()
        return cast(AbstractContextManager[Any], self.blas.limit(limits=1, user_api="blas"))


def available() -> bool:
    """Whether natasha (the extra `rashomon[ru]`) can be imported."""
    try:
        import natasha  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def pipeline() -> Natasha:
    """natasha's models, loaded once per process (about a second)."""
    try:
        from natasha import (
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            Segmenter,
        )
    except ImportError as exc:
        raise ImportError(f"natasha is not installed: {INSTALL_HINT}") from exc
    began = time.perf_counter()
    embedding = NewsEmbedding()
    loaded = Natasha(
        Segmenter(), NewsMorphTagger(embedding), NewsNERTagger(embedding), MorphVocab(), _blas()
    )
    log.debug("natasha loaded in %.2f s", time.perf_counter() - began)
    return loaded


def _blas() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    stop: int
    text: str
    pos: str | None
    feats: dict[str, str]
