"""Benchmark: claim stance against ClaimBuster's check-worthy labels.

ClaimBuster (US presidential debates 1960-2016) labels sentences 1 = check-worthy factual
sentence (CFS), 0 = not (NCS). `rashomon.annotate.claims` does not score check-worthiness;
this measures how far its stance goes as a proxy for it: a sentence counts as predicted
check-worthy when one of its units is asserted or reported and carries a number, entity or
date. Scored (P/R/F1 of the CFS class) beside anchors in the same run: every sentence
positive (the prevalence), and "the sentence has a spaCy entity of any label" (the same
facts without the stance). Debate sentences are a speaker's own words, so one row also
counts opinion that rests only on first/second person ("we", "you") as the speaker's
assertion. Entities and times are spaCy's own entities (named ones as
Entity, DATE/TIME as TimeExpr), so the rows differ only in what the claims layer adds. No
quotes are passed: the sentences are transcribed speech.

    .venv/bin/python bench/bench_claims.py [--split test|train] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("RASHOMON_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "claims" / "claimbuster"

NAMED = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
DATED = {"DATE", "TIME"}


def load(split: str, limit: int) -> list[dict]:
    """The labelled sentences of `split`; a seeded sample of `limit` when given."""
    rows = json.loads((DATA / f"{split}.json").read_text("utf-8"))
    if limit and limit < len(rows):
        rows = random.Random(0).sample(rows, limit)
    return rows


def annotate(sdoc) -> list:
    """Claims of one parsed sentence, with spaCy's entities standing in for the other layers."""
    from rashomon.annotate.claims import find_claims
    from rashomon.model import Entity, TimeExpr

    ents = [e for e in sdoc.ents if e.label_ in NAMED]
    mentions = SimpleNamespace(
        entities=[
            Entity(e.start_char, e.end_char, e.text, e.label_, e.text, e.text.lower()) for e in ents
        ]
    )
    times = [
        TimeExpr(e.start_char, e.end_char, e.text, None, "vague", "none")
        for e in sdoc.ents
        if e.label_ in DATED
    ]
    return find_claims(sdoc, [], mentions, times)


def score(gold: Sequence[int], predicted: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


PERSON_CUES = {"i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours"}


def own_voice(claim) -> bool:
    return claim.stance in ("asserted", "reported")


def speech_voice(claim) -> bool:
    """own_voice, with opinion that rests only on first/second person counted as asserted:
    in a debate transcript "we" is the speaker, not an outlet addressing its reader."""
    return own_voice(claim) or (claim.stance == "opinion" and set(claim.cues) <= PERSON_CUES)


def has_facts(claim) -> bool:
    return bool(claim.numbers or claim.entities or claim.dates)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "train"))
    parser.add_argument("--limit", type=int, default=0, help="a seeded sample of N sentences")
    args = parser.parse_args()

    if not (DATA / f"{args.split}.json").is_file():
        print(f"ClaimBuster data not found at {DATA} (set RASHOMON_SHARED); nothing to measure.")
        return 0
    from rashomon.annotate.nlp import load as load_model
    from rashomon.settings import Settings

    rows = load(args.split, args.limit)
    model = Settings()["annotate.model"]
    nlp = load_model(model)
    gold = [int(r["label"]) for r in rows]

    start = time.perf_counter()
    sdocs = list(nlp.pipe(r["text"] for r in rows))
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    claims = [annotate(d) for d in sdocs]
    claims_s = time.perf_counter() - start

    rules: list[tuple[str, Callable[[int], bool]]] = [
        ("anchor: every sentence", lambda i: True),
        ("anchor: has a spaCy entity (any label)", lambda i: bool(sdocs[i].ents)),
        ("unit asserted|reported", lambda i: any(own_voice(c) for c in claims[i])),
        (
            "unit asserted|reported + number/entity/date",
            lambda i: any(own_voice(c) and has_facts(c) for c in claims[i]),
        ),
        (
            "  same, 'we'/'you' not opinion",
            lambda i: any(speech_voice(c) and has_facts(c) for c in claims[i]),
        ),
        (
            "unit asserted|reported + number",
            lambda i: any(own_voice(c) and c.numbers for c in claims[i]),
        ),
        (
            "unit with number/entity/date, any stance",
            lambda i: any(has_facts(c) for c in claims[i]),
        ),
    ]
    positives = sum(gold)
    print(
        f"ClaimBuster {args.split}: {len(rows)} sentences ({positives} check-worthy), model {model}"
    )
    print(f"{'rule (predicts check-worthy)':<46} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, rule in rules:
        p, r, f = score(gold, [rule(i) for i in range(len(rows))])
        print(f"{name:<46} {p:>9.3f} {r:>7.3f} {f:>6.3f}")

    units = Counter(c.stance for cs in claims for c in cs)
    worthy = Counter(c.stance for g, cs in zip(gold, claims, strict=True) if g for c in cs)
    print(f"\n{'stance':<10} {'units':>6} {'share in check-worthy sentences':>32}")
    for stance in ("asserted", "reported", "hedged", "opinion"):
        n = units[stance]
        share = worthy[stance] / n if n else 0.0
        print(f"{stance:<10} {n:>6} {share:>32.3f}")
    cues = Counter(cue for cs in claims for c in cs if c.stance == "opinion" for cue in c.cues)
    print("\ncommonest opinion cues:", ", ".join(f"{k} {v}" for k, v in cues.most_common(8)))
    print(
        f"\ntime: spaCy parse {parse_s:.1f}s, claims {claims_s:.2f}s "
        f"({100 * claims_s / parse_s:.1f}% of the parse), "
        f"{sum(len(cs) for cs in claims)} units from {len(rows)} sentences"
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
