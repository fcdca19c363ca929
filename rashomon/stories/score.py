"""How alike two reports are: a few measurable signals combined by a logistic model whose
weights were fitted on human-rated pairs (`bench/calibrate_stories.py` writes
`data/stories_model.toml`; nothing is fitted at run time).

Signals of a pair:
- `vector`: cosine of the title-and-lead vectors (works across languages);
- `terms`: cosine of TF-IDF word vectors (same language, same words);
- `names`: how much of the smaller name set the other shares, each name weighed by its
  rarity;
- `cross`: 1 when the two are in different languages (their words cannot meet);
- `vector2`: the vector cosine squared (the model's one curve).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from rashomon.errors import SettingsError

__all__ = ["SIGNALS", "Scorer", "default_scorer", "names_overlap", "signals_matrix"]

SIGNALS = ("vector", "terms", "names", "cross", "vector2")


@dataclass(frozen=True, slots=True)
class Scorer:
    """A fitted logistic model over SIGNALS; `threshold` is the probability from which two
    reports are told the same story (chosen for the best F1 on the calibration pairs)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    fitted_on: str = ""

    def probability(self, signals: np.ndarray) -> np.ndarray:
        """P(same story) of each row of `signals` (columns in SIGNALS order)."""
        z = signals @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], origin: str) -> Scorer:
        try:
            weights = data["weights"]
            assert isinstance(weights, Mapping)
            ordered = tuple(float(weights[name]) for name in SIGNALS)
            return cls(
                ordered,
                float(data["bias"]),  # type: ignore[arg-type]
                float(data["threshold"]),  # type: ignore[arg-type]
                str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError, ValueError, AssertionError) as error:
            raise SettingsError(
                f"{origin}: a story model needs [weights] for {', '.join(SIGNALS)}, "
                f"bias and threshold ({error!r})"
            ) from error


@lru_cache(maxsize=4)
def default_scorer(path: str | None = None) -> Scorer:
    """The packaged model, or the one at `path` (setting `stories.model`)."""
    if path:
        origin = path
        text = Path(path).read_text(encoding="utf-8")
    else:
        origin = "rashomon/data/stories_model.toml"
        text = resources.files("rashomon").joinpath("data/stories_model.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{origin}: not valid TOML ({error})") from error
    return Scorer.from_mapping(data, origin)


def names_overlap(a: frozenset[str], b: frozenset[str], weight: Callable[[str], float]) -> float:
    """Weight of the shared names over the weight of the smaller name set (0 when either has
    none)."""
    if not a or not b:
        return 0.0
    shared = a & b
    if not shared:
        return 0.0
    weight_a = sum(map(weight, a))
    weight_b = sum(map(weight, b))
    return sum(map(weight, shared)) / min(weight_a, weight_b)


def signals_matrix(
    vector: np.ndarray, terms: np.ndarray, names: np.ndarray, cross: np.ndarray
) -> np.ndarray:
    """Rows of SIGNALS from their columns."""
    return np.column_stack([vector, terms, names, cross, vector * vector]).astype(np.float64)


def idf(df: int, n: int) -> float:
    """Smoothed inverse document frequency."""
    return math.log((1 + n) / (1 + df)) + 1.0
