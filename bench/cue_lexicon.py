"""Development aid: which verb lemmas PolNeAR's annotators mark as attribution cues, and how
often (cue rate = times inside a gold cue / times seen as a verb). Used to review the word
lists in rashomon/data/attribution.toml against the train split; never reads dev or test.

    .venv/bin/python bench/cue_lexicon.py [--limit N] [--min-count 5] [--min-rate 0.4]
"""

from __future__ import annotations

import argparse
import bisect
from collections import Counter

import polnear

from rashomon.annotate.nlp import load
from rashomon.annotate.quote_words import CUE_LEMMAS
from rashomon.settings import Settings


def cue_rates(limit: int) -> tuple[Counter[str], Counter[str]]:
    nlp = load(Settings()["annotate.model"])
    seen: Counter[str] = Counter()
    cued: Counter[str] = Counter()
    articles = polnear.load("train")[:limit]
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        pieces = sorted(p for a in article.attributions for p in a.cue)
        starts = [p[0] for p in pieces]
        for token in doc:
            if token.pos_ != "VERB":
                continue
            seen[token.lemma_] += 1
            i = bisect.bisect_right(starts, token.idx) - 1
            if i >= 0 and pieces[i][0] <= token.idx < pieces[i][1]:
                cued[token.lemma_] += 1
    return seen, cued


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=840)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--min-rate", type=float, default=0.4)
    args = parser.parse_args()
    seen, cued = cue_rates(args.limit)
    rows = [
        (cued[lemma] / n, n, lemma)
        for lemma, n in seen.items()
        if cued[lemma] >= args.min_count and cued[lemma] / n >= args.min_rate
    ]
    print(f"{'lemma':<16}{'seen':>6}{'cue':>6}{'rate':>7}  in lexicon")
    for rate, n, lemma in sorted(rows, reverse=True):
        mark = "yes" if lemma in CUE_LEMMAS else "NO"
        print(f"{lemma:<16}{n:>6}{cued[lemma]:>6}{rate:>7.2f}  {mark}")


if __name__ == "__main__":
    main()
