"""Alignment: which claims of different reports state the same thing.

Every pair of claims from two different reports gets a score from three signals:

- the cosine of their multilingual sentence vectors (the story encoder, `stories.encoder`);
- their lexical overlap: the rarity-weighted content words they share, over the smaller
  claim's weight (containment, so a quote cut short in one report still meets its whole in
  another); across languages, where words cannot meet, the names they share or, failing
  those, the cosine rescaled (0.3 -> nothing shared, 0.7 -> everything), so a translation
  with no names in common still links;
- a bonus when they share a fact: the same day or the same number with the same unit.

score = 0.6 * cosine + 0.4 * overlap + 0.1 * [shared fact]. Two claims link when the score
reaches `compare.link_threshold` and each is the other's best match in the other report (or
the score reaches `compare.strong_threshold`); a claim whose best match is already linked to
another claim of the same report joins too (a report that says one thing twice). Groups are
the connected claims. Mutual best matches keep a group from chaining through loosely
related claims; the scoring runs in row blocks over sparse matrices, so a story of 200
reports is a few matrix products, never a Python loop over claim pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from rashomon.compare.units import Unit

__all__ = ["Link", "align", "groups_of"]

COSINE_WEIGHT = 0.6
OVERLAP_WEIGHT = 0.4
FACT_BONUS = 0.1
CROSS_LANGUAGE_NAMES = 0.7  # how far shared names stand in for shared words across languages
CROSS_FLOOR, CROSS_SPAN = 0.3, 0.4  # across languages a cosine of 0.3 stands for no shared
# word, 0.7 for all of them: translations meet only through their vectors
BLOCK = 1024


@dataclass(frozen=True, slots=True)
class Link:
    """Two aligned claims (unit indices) and how strongly they align."""

    a: int
    b: int
    score: float
    cosine: float
    overlap: float
    restatement: bool = False  # joined because its match is linked to its own report's claim


def align(
    units: Sequence[Unit], vectors: np.ndarray, threshold: float, strong: float
) -> list[Link]:
    """The links between claims of different reports (see the module docstring)."""
    if len(units) < 2:
        return []
    reports = _report_index(units)
    words = _rows(_weighted(units, lambda u: u.content))
    names = _rows(_weighted(units, lambda u: u.names))
    facts = _binary(units, _facts)
    language = np.array([hash(u.language) for u in units])
    best: dict[tuple[int, int], Link] = {}  # (claim, other report) -> its best link there
    for lo in range(0, len(units), BLOCK):
        hi = min(lo + BLOCK, len(units))
        cosine = vectors[lo:hi] @ vectors.T
        overlap = _containment(words, lo, hi)
        across = np.maximum(
            _containment(names, lo, hi) * CROSS_LANGUAGE_NAMES,
            np.clip((cosine - CROSS_FLOOR) / CROSS_SPAN, 0.0, 1.0),
        )
        same_language = language[lo:hi, None] == language[None, :]
        overlap = np.where(same_language, overlap, np.maximum(overlap, across))
        shared_fact = (facts[lo:hi] @ facts.T).toarray() > 0
        score = COSINE_WEIGHT * cosine + OVERLAP_WEIGHT * overlap + FACT_BONUS * shared_fact
        _best_per_report(score, cosine, overlap, lo, reports, threshold, best)
    links = _mutual(best, reports, strong)
    taken = {(k.a, k.b) for k in links}
    for (a, _report), link in best.items():
        b = link.b if link.a == a else link.a
        back = best.get((b, int(reports.of[a])))
        if back is not None and (back.a, back.b) in taken and (link.a, link.b) not in taken:
            links.append(replace(link, restatement=True))
    unique = {(k.a, k.b): k for k in links}
    return sorted(unique.values(), key=lambda k: (k.a, k.b))


def _mutual(best: dict[tuple[int, int], Link], reports: _Reports, strong: float) -> list[Link]:
    """Links where each claim is the other's best match in its report (or strong enough)."""
    found = []
    for (a, _), link in best.items():
        b = link.b if link.a == a else link.a
        back = best.get((b, int(reports.of[a])))
        if link.score >= strong or (back is not None and (back.a, back.b) == (link.a, link.b)):
            found.append(link)
    return found


@dataclass(frozen=True)
class _Reports:
    of: np.ndarray  # unit -> report number
    bounds: list[tuple[int, int]]  # report number -> [start, end) of its units


def _report_index(units: Sequence[Unit]) -> _Reports:
    numbers: dict[str, int] = {}
    of = np.array([numbers.setdefault(u.source, len(numbers)) for u in units])
    bounds = []
    for r in range(len(numbers)):
        where = np.flatnonzero(of == r)
        bounds.append((int(where[0]), int(where[-1]) + 1))
    return _Reports(of, bounds)


def _best_per_report(
    score: np.ndarray,
    cosine: np.ndarray,
    overlap: np.ndarray,
    lo: int,
    reports: _Reports,
    threshold: float,
    best: dict[tuple[int, int], Link],
) -> None:
    """For each claim of the block, its best match in every other report, when good enough."""
    rows = np.arange(score.shape[0])
    for r, (start, end) in enumerate(reports.bounds):
        column = start + score[:, start:end].argmax(axis=1)
        top = score[rows, column]
        for i in np.flatnonzero(top >= threshold):
            a, b = lo + int(i), int(column[i])
            if reports.of[a] == r:
                continue
            pair = (min(a, b), max(a, b))
            best[(a, r)] = Link(*pair, float(top[i]), float(cosine[i, b]), float(overlap[i, b]))


def _weighted(units: Sequence[Unit], items: Callable[[Unit], Iterable[str]]) -> sparse.csr_matrix:
    """Rows of rarity weights (log(1 + N / df)) of each unit's items."""
    binary = _binary(units, items)
    df = np.asarray(binary.sum(axis=0)).ravel()
    weight = np.log1p(len(units) / np.maximum(df, 1))
    return binary.multiply(weight).tocsr()


@dataclass(frozen=True)
class _Rows:
    """Rarity-weighted item rows, with what containment needs computed once."""

    weighted: sparse.csr_matrix
    binary: sparse.csr_matrix
    totals: np.ndarray
    floor: float


def _rows(weighted: sparse.csr_matrix) -> _Rows:
    binary = weighted.copy()
    binary.data[:] = 1.0
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    floor = max(float(np.mean(totals[totals > 0])) * 0.5, 1e-9) if totals.any() else 1.0
    return _Rows(weighted, binary.T.tocsr(), totals, floor)


def _containment(rows: _Rows, lo: int, hi: int) -> np.ndarray:
    """Shared weight of rows lo..hi with every row, over the smaller row's weight (never less
    than half the mean row weight, so a two-word claim is not contained in everything)."""
    shared = (rows.weighted[lo:hi] @ rows.binary).toarray()
    smaller = np.minimum(rows.totals[lo:hi, None], rows.totals[None, :])
    return shared / np.maximum(smaller, rows.floor)


def _binary(units: Sequence[Unit], items: Callable[[Unit], Iterable[str]]) -> sparse.csr_matrix:
    """Rows of 1 for each unit's items (one column per distinct item)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, u in enumerate(units):
        for item in items(u):
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    shape = (len(units), max(1, len(vocab)))
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)


def _facts(u: Unit) -> set[str]:
    found = {f"day:{d}" for d in u.days}
    found.update(f"num:{n.value:g}:{n.unit}" for n in u.numbers if n.unit and n.value > 2)
    return found


def groups_of(count: int, links: Sequence[Link]) -> list[list[int]]:
    """Connected claims, each group in unit order, groups in order of their first claim."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in links:
        parent[root(link.a)] = root(link.b)
    members: dict[int, list[int]] = {}
    for i in range(count):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values(), key=lambda g: g[0])
