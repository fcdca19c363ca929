"""Same-story accuracy on the SemEval-2022 Task 8 dev pairs.

All texts of all pairs go into one corpus, which rashomon clusters into stories exactly as
`rashomon stories` does (blocking, calibrated pair model, incremental joining). Each pair is
then "same story" when its two texts ended up in one story; scored against the label (same =
Overall <= 2): precision, recall, F1 per language pair. Pearson is of rashomon's pair
probability against -Overall (the label runs 1 = same .. 4 = unrelated).

Anchors, run in the same process on the same texts:
- TF-IDF cosine (the classic news-clustering signal), with the oracle threshold that gives it
  its best F1 on these very pairs, pair by pair (no clustering);
- the multilingual lead vector cosine alone, likewise with its oracle threshold.

The pair model was fitted on these pairs (bench/calibrate_stories.py; its threshold from
out-of-fold probabilities); the other half of the SemEval sample is kept aside by the project.

    python bench/bench_stories_pairs.py
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402

from rashomon.settings import Settings  # noqa: E402
from rashomon.stories import default_scorer, embed_leads, features_for  # noqa: E402
from rashomon.stories.cluster import cluster, order_for_clustering  # noqa: E402

GOAL_F1 = 0.90
GOAL_PEARSON = 0.80


def main() -> None:
    settings = Settings()
    started = time.perf_counter()
    pairs, texts = semeval.load()
    docs = semeval.docs_of(texts, settings)
    annotated = time.perf_counter()
    features = features_for(docs, settings)
    vectors = embed_leads(docs, settings)
    scorer = default_scorer()
    index = cluster(features, vectors, settings, scorer)
    clustered = time.perf_counter()
    order = order_for_clustering(features)
    story = {features[order[i]].source: s for i, s in enumerate(index.story_of)}
    at = {d.article.origin: i for i, d in enumerate(docs)}
    rarity = index.rarity
    signals = np.array(
        [
            rarity.signals(
                features[at[p.id1]],
                vectors[at[p.id1]],
                [features[at[p.id2]]],
                vectors[at[p.id2]][None],
            )[0]
            for p in pairs
        ]
    )
    probability = scorer.probability(signals)
    same_story = np.array([story[p.id1] == story[p.id2] for p in pairs])
    gold = np.array([p.same for p in pairs])
    overall = np.array([p.overall for p in pairs])
    print(
        f"{len(texts)} texts, {len(pairs)} pairs ({int(gold.sum())} same story); "
        f"{len(index.members)} stories (largest {max(len(m) for m in index.members)}); "
        f"annotate {annotated - started:.0f} s, "
        f"features + vectors + clustering {clustered - annotated:.1f} s\n"
    )
    groups = defaultdict(list)
    for k, p in enumerate(pairs):
        groups[p.languages].append(k)
    groups = {"all": list(range(len(pairs))), **dict(sorted(groups.items()))}
    head = (
        f"{'pairs':7} {'n':>4} | {'rashomon P / R / F1':>20} {'Pearson':>8} {'pair F1':>7} | "
        f"{'anchor TF-IDF F1*':>17} {'Pearson':>8} | {'anchor vector F1*':>17} {'Pearson':>8}"
    )
    print(head)
    print("-" * len(head))
    for name, rows in groups.items():
        k = np.array(rows)
        p, r, f = semeval.f1(same_story[k], gold[k])
        pearson = semeval.pearson(probability[k], -overall[k])
        tfidf_f1, _ = semeval.best_f1(signals[k, 1], gold[k])
        vec_f1, _ = semeval.best_f1(signals[k, 0], gold[k])
        pair_f1 = semeval.f1(probability[k] >= scorer.threshold, gold[k])[2]
        print(
            f"{name:7} {len(k):4} | {p:6.3f} {r:6.3f} {f:6.3f} {pearson:8.3f} {pair_f1:7.3f} | "
            f"{tfidf_f1:17.3f} {semeval.pearson(signals[k, 1], -overall[k]):8.3f} | "
            f"{vec_f1:17.3f} {semeval.pearson(signals[k, 0], -overall[k]):8.3f}"
        )
    print(
        "\nP / R / F1: clustered (both texts in one story). pair F1: the pair model alone at its "
        "threshold, no clustering.\n* anchors: oracle threshold per row (their best F1 on these "
        f"very pairs). Goals: F1 >= {GOAL_F1}, Pearson >= {GOAL_PEARSON}."
    )
    _curve(features, vectors, settings, scorer, pairs, gold)


CURVE = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def _curve(features, vectors, settings, scorer, pairs, gold) -> None:
    """Clustered P / R / F1 over `stories.link_threshold`: the setting that moves the point."""
    print(f"\nstories.link_threshold (packaged model's own: {scorer.threshold:.3f})")
    print(f"{'threshold':>9} | {'P':>6} {'R':>6} {'F1':>6} | stories")
    order = order_for_clustering(features)
    for threshold in (*CURVE, 0.0):
        moved = settings.replace(stories__link_threshold=threshold)
        index = cluster(features, vectors, moved, scorer)
        story = {features[order[i]].source: s for i, s in enumerate(index.story_of)}
        same = np.array([story[p.id1] == story[p.id2] for p in pairs])
        p, r, f = semeval.f1(same, gold)
        name = f"{threshold:.2f}" if threshold else "model"
        print(f"{name:>9} | {p:6.3f} {r:6.3f} {f:6.3f} | {len(index.members)}")


if __name__ == "__main__":
    main()
