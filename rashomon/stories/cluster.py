"""Same-event clustering, one report at a time.

A report added to the `StoryIndex`:
1. is folded into an earlier report when their word shingles are near-identical (MinHash LSH,
   Jaccard >= `stories.duplicate_jaccard`): a syndicated copy or re-post joins its original's
   story as a copy and is never compared again;
2. else gathers candidates by blocking, never all pairs: reports sharing a rare name key, or a
   band of random-hyperplane bits of the lead vector (an LSH over cosine); only candidates
   published within `stories.window_days` of it (reports without a date are not held by
   time); at most `stories.max_candidates`, the nearest by vector;
3. scores each candidate with the calibrated pair model (`score.py`) and joins the story that
   fits best (`story_score`: half the best probability with one of its members, half the mean
   over the members scored) when that clears the model's threshold, else starts a story.

The index is incremental (`add`); `cluster` re-clusters a corpus from scratch, in order of
publication (undated reports last, so they join dated stories), after counting every
report's words and names first so that rarity is the corpus's, not the arrival order's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH

from rashomon.settings import Settings
from rashomon.stories.features import TERM_SLOTS, Features
from rashomon.stories.score import Scorer, idf, names_overlap, signals_matrix

__all__ = ["Rarity", "StoryIndex", "cluster", "order_for_clustering"]

_NO_DATE = -(10**9)


@dataclass(frozen=True, slots=True)
class Limits:
    window_days: int
    max_candidates: int
    postings: int
    name_keys: int
    bands: int
    bits: int
    duplicate_jaccard: float
    num_perm: int
    threshold: float

    @classmethod
    def from_settings(cls, settings: Settings, scorer: Scorer) -> Limits:
        threshold = settings.stories.link_threshold
        return cls(
            window_days=settings.stories.window_days,
            max_candidates=settings.stories.max_candidates,
            postings=settings.stories.postings,
            name_keys=settings.stories.name_keys,
            bands=settings.stories.vector_bands,
            bits=settings.stories.vector_bits,
            duplicate_jaccard=settings.stories.duplicate_jaccard,
            num_perm=settings.stories.num_perm,
            threshold=threshold if threshold > 0 else scorer.threshold,
        )


class Rarity:
    """How rare each word and name is in the corpus seen so far (document frequencies), and
    the two similarities that depend on it."""

    def __init__(self) -> None:
        self.term_df = np.zeros(TERM_SLOTS, np.int32)
        self.name_df: Counter[str] = Counter()
        self.documents = 0

    def count(self, features: Features) -> None:
        self.term_df[features.terms] += 1
        self.name_df.update(features.names)
        self.documents += 1

    def merge(self, other: Rarity) -> Rarity:
        """Add the counts of `other` (another worker's share of a corpus). Returns self."""
        self.term_df += other.term_df
        self.name_df.update(other.name_df)
        self.documents += other.documents
        return self

    def name_weight(self, key: str) -> float:
        return idf(self.name_df[key], max(self.documents, 1))

    def _term_weights(self, f: Features) -> np.ndarray:
        n = max(self.documents, 1)
        return f.counts * (np.log((1 + n) / (1 + self.term_df[f.terms])) + 1.0)

    def terms_cosine(self, a: Features, b: Features) -> float:
        """Cosine of the TF-IDF vectors of two reports."""
        if not len(a.terms) or not len(b.terms):
            return 0.0
        _, ia, ib = np.intersect1d(a.terms, b.terms, assume_unique=True, return_indices=True)
        if not len(ia):
            return 0.0
        wa, wb = self._term_weights(a), self._term_weights(b)
        return float(wa[ia] @ wb[ib] / (np.linalg.norm(wa) * np.linalg.norm(wb)))

    def signals(
        self,
        features: Features,
        vector: np.ndarray,
        others: Sequence[Features],
        vectors: np.ndarray,
    ) -> np.ndarray:
        """SIGNALS rows of one report against each of `others` (with their vectors)."""
        cosines = np.asarray(vectors, np.float32) @ vector
        terms = np.array([self.terms_cosine(features, o) for o in others], float)
        names = np.array(
            [names_overlap(features.names, o.names, self.name_weight) for o in others], float
        )
        cross = np.array([_different(features.language, o.language) for o in others], float)
        return signals_matrix(cosines, terms, names, cross)


class StoryIndex:
    """Reports grouped into stories as they arrive. Story numbers are positions in `members`."""

    def __init__(
        self, settings: Settings, scorer: Scorer, dim: int, rarity: Rarity | None = None
    ) -> None:
        self.limits = Limits.from_settings(settings, scorer)
        self.scorer = scorer
        self.features: list[Features] = []
        self.story_of: list[int] = []
        self.members: list[list[int]] = []  # originals of each story, in arrival order
        self.copies: dict[int, int] = {}  # copy -> the original it repeats
        # the story_score that placed each report in its story; None for a story's first
        # report and for a copy (folded by MinHash, not scored)
        self.scores: list[float | None] = []
        self._vectors = np.zeros((64, dim), np.float32)
        self._days = np.full(64, _NO_DATE, np.int64)
        self.rarity = rarity if rarity is not None else Rarity()
        self._lsh = MinHashLSH(
            threshold=self.limits.duplicate_jaccard, num_perm=self.limits.num_perm
        )
        self._name_postings: dict[str, list[int]] = defaultdict(list)
        self._band_postings: dict[tuple[int, int], list[int]] = defaultdict(list)
        rng = np.random.default_rng(20240131)
        self._planes = rng.standard_normal((self.limits.bands * self.limits.bits, dim)).astype(
            np.float32
        )
        self._powers = 1 << np.arange(self.limits.bits, dtype=np.int64)

    # ------------------------------------------------------------------ counting

    def count(self, features: Features) -> None:
        """Count a report's terms and names towards rarity (done by `add` unless counted)."""
        self.rarity.count(features)

    # ------------------------------------------------------------------ adding

    def add(self, features: Features, vector: np.ndarray, counted: bool = False) -> int:
        """Place one report; returns the number of its story."""
        if not counted:
            self.count(features)
        i = self._append(features, vector)
        original = self._original_of(i, features)
        if original is not None:
            self.copies[i] = original
            story = self.story_of[original]
            self.story_of.append(story)
            self.scores.append(None)
            return story
        found, score = self._best_story(i, features, vector)
        if found is None:
            found = len(self.members)
            self.members.append([])
        self.scores.append(score)
        story = found
        self.members[story].append(i)
        self.story_of.append(story)
        self._post(i, features, vector)
        return story

    def restore(
        self,
        features: Features,
        vector: np.ndarray,
        story: int,
        copy_of: int | None = None,
        score: float | None = None,
        counted: bool = False,
    ) -> None:
        """Put back a report whose place was decided before (a store reopening its index):
        in story number `story` (the next new number, or one already in use), or as a copy
        of report `copy_of`. Restored in their original order, the index is as it was.
        `counted`: its words and names are in the index's rarity already."""
        if not counted:
            self.count(features)
        i = self._append(features, vector)
        if story == len(self.members):
            self.members.append([])
        elif not 0 <= story < len(self.members):
            raise ValueError(f"story number {story} skips ahead of {len(self.members)} stories")
        self.story_of.append(story)
        self.scores.append(None if copy_of is not None else score)
        if copy_of is not None:
            self.copies[i] = copy_of
            return
        self.members[story].append(i)
        self._post(i, features, vector)

    def _append(self, features: Features, vector: np.ndarray) -> int:
        """Hold a report's features, vector and day; returns its position."""
        i = len(self.features)
        self._grow(i + 1)
        self.features.append(features)
        self._vectors[i] = vector
        self._days[i] = features.published.toordinal() if features.published else _NO_DATE
        return i

    def _grow(self, size: int) -> None:
        if size <= len(self._days):
            return
        capacity = max(size, 2 * len(self._days))
        vectors = np.zeros((capacity, self._vectors.shape[1]), np.float32)
        vectors[: len(self._vectors)] = self._vectors
        days = np.full(capacity, _NO_DATE, np.int64)
        days[: len(self._days)] = self._days
        self._vectors, self._days = vectors, days

    def _original_of(self, i: int, features: Features) -> int | None:
        signature = features.signature
        if signature is None:
            return None
        best, best_jaccard = None, 0.0
        for key in self._lsh.query(signature):
            j = int(key)
            other = self.features[j].signature
            jaccard = signature.jaccard(other) if other is not None else 0.0
            if jaccard >= self.limits.duplicate_jaccard and jaccard > best_jaccard:
                best, best_jaccard = j, jaccard
        if best is None:
            return None
        return self.copies.get(best, best)

    def _post(self, i: int, features: Features, vector: np.ndarray) -> None:
        if features.signature is not None:
            self._lsh.insert(str(i), features.signature, check_duplication=False)
        for key in features.names:
            self._name_postings[key].append(i)
        for band in self._bands(vector):
            self._band_postings[band].append(i)

    def _bands(self, vector: np.ndarray) -> list[tuple[int, int]]:
        bits = (self._planes @ vector > 0).reshape(self.limits.bands, self.limits.bits)
        codes = bits.astype(np.int64) @ self._powers
        return [(b, int(code)) for b, code in enumerate(codes)]

    # ------------------------------------------------------------------ matching

    def candidates(self, features: Features, vector: np.ndarray) -> np.ndarray:
        """Indexed reports sharing a block with this one, within the time window, at most
        `max_candidates` of them (the nearest by vector)."""
        limit = self.limits
        found: set[int] = set()
        rare = sorted(features.names, key=lambda k: self.rarity.name_df[k])[: limit.name_keys]
        for key in rare:
            found.update(self._name_postings.get(key, ())[-limit.postings :])
        for band in self._bands(vector):
            found.update(self._band_postings.get(band, ())[-limit.postings :])
        if not found:
            return np.zeros(0, np.int64)
        pool = np.fromiter(found, np.int64, len(found))
        if features.published is not None:
            day = features.published.toordinal()
            days = self._days[pool]
            pool = pool[(days == _NO_DATE) | (np.abs(days - day) <= limit.window_days)]
        if len(pool) > limit.max_candidates:
            nearest = np.argsort(-(self._vectors[pool] @ vector))[: limit.max_candidates]
            pool = pool[nearest]
        return pool

    def probabilities(self, features: Features, vector: np.ndarray, pool: np.ndarray) -> np.ndarray:
        """P(same story) of this report with each report in `pool`."""
        others = [self.features[j] for j in pool]
        signals = self.rarity.signals(features, vector, others, self._vectors[pool])
        return self.scorer.probability(signals)

    def _best_story(
        self, i: int, features: Features, vector: np.ndarray
    ) -> tuple[int | None, float | None]:
        """The story this report joins and the `story_score` that placed it: the best story,
        if it clears the threshold; else (None, None), a story of its own."""
        story, score = self.best(features, vector)
        if story is not None and score >= self.limits.threshold:
            return story, round(score, 4)
        return None, None

    def best(self, features: Features, vector: np.ndarray) -> tuple[int | None, float]:
        """The story that fits a report best and its `story_score`, whether or not that
        clears the threshold; (None, 0.0) when no indexed report shares a block with it."""
        pool = self.candidates(features, vector)
        if not len(pool):
            return None, 0.0
        chances = self.probabilities(features, vector, pool)
        scored: dict[int, list[float]] = defaultdict(list)
        for j, chance in zip(pool.tolist(), chances.tolist(), strict=True):
            scored[self.story_of[j]].append(chance)
        return max(
            ((s, story_score(c)) for s, c in scored.items()), key=lambda item: (item[1], -item[0])
        )

    # ------------------------------------------------------------------ results

    def groups(self) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """Per story: its originals, and its (copy, original) pairs."""
        copies: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for copy, original in sorted(self.copies.items()):
            copies[self.story_of[copy]].append((copy, original))
        return [(list(m), copies.get(s, [])) for s, m in enumerate(self.members)]


def story_score(chances: Sequence[float]) -> float:
    """How well a report fits a story, from its probabilities with the story's members it was
    scored against: half the best, half their mean. The best alone (single link) lets one
    close member pull a report into a loose story and stories chain into giants; the mean
    alone stops a real story from growing. On the SemEval pairs both give the same F1, and the
    largest story shrinks from 48 reports to 22."""
    return 0.5 * max(chances) + 0.5 * sum(chances) / len(chances)


def _different(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def order_for_clustering(features: Sequence[Features]) -> list[int]:
    """Publication order, undated reports last, ties by source: the order `cluster` adds in."""

    def key(i: int) -> tuple[bool, int, str]:
        published = features[i].published
        return (published is None, published.toordinal() if published else 0, features[i].source)

    return sorted(range(len(features)), key=key)


def cluster(
    features: Sequence[Features], vectors: np.ndarray, settings: Settings, scorer: Scorer
) -> StoryIndex:
    """Re-cluster a corpus: count all first, then add in `order_for_clustering`."""
    index = StoryIndex(settings, scorer, vectors.shape[1] if len(vectors) else 1)
    for f in features:
        index.count(f)
    for i in order_for_clustering(features):
        index.add(features[i], vectors[i], counted=True)
    return index
