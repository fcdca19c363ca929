"""Verdicts of `compare_story` against labelled real claim pairs (bench/data/claim_pairs/).

    .venv/bin/python bench/bench_compare_verdicts.py                # all stories, both halves
    .venv/bin/python bench/bench_compare_verdicts.py --lang en-en --show 10
    .venv/bin/python bench/bench_compare_verdicts.py --corpus semeval     # SemEval and seeds only

Stories (`--corpus`, default all): every same-story pair of the SemEval-2022 dev set
(Overall <= 2) and the two seeds ("semeval"), and the same-event PolNeAR and WCXB report
pairs of bench/data/claim_pairs/stories_extra.jsonl ("extra"; bench/claim_pairs.py), each
forced into one story of two reports and compared twice in this run: with the settings as
they are ("new") and with `compare.fact_rules = false` (the anchor: main's rules before issue
19). Each labelled pair (two claims of one story, read by a person:
same / related / conflict, and for a conflict the fact) is looked up in both comparisons:

- "conflict": a Conflict names the two claims (its `starts`);
- "agree": the two claims share a group and no conflict names them;
- "apart": anything else (not aligned, or one side not a claim).

A second reading of contradictions is printed "by group": a labelled pair counts as found
when both claims stand in one group whose verdict is contradict, whichever two of its claims
the Conflict names (a reader of the matrix sees the group's verdict and its conflicting
facts); its precision counts every labelled pair inside a contradict group.

Printed per half (stories split by a hash of their id: "tune" is the half the rules were
tuned on, "held-out" the other) and in all: contradiction recall and precision, agreement
precision and recall (page furniture left out and counted on its own), the confusion table
per gold fact kind, and the contradictions asserted on all stories per 100 stories with
those the labels do not call conflicts ("false"), each printed for reading (`--show N`).
Targets (issue 19): contradiction recall >= 0.70 at precision >= 0.90, agreement precision
>= 0.90 and recall >= 0.80, <= 1 false contradiction per 100 stories.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import claim_pairs  # noqa: E402

from rashomon.compare import compare_story  # noqa: E402
from rashomon.model import Comparison, Conflict  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

TARGETS = (
    "targets: contradiction R >= 0.70 at P >= 0.90; agreement P >= 0.90, R >= 0.80; <= 1 false/100"
)


@dataclass
class Outcome:
    """What one set of rules made of the stories: each labelled pair's prediction and every
    asserted conflict."""

    predicted: dict[int, str] = field(default_factory=dict)  # label row -> prediction
    in_conflict: set[int] = field(default_factory=set)  # rows whose claims share a contradict group
    kinds: dict[int, str] = field(default_factory=dict)  # label row -> predicted fact kind
    asserted: list[tuple[str, Conflict]] = field(default_factory=list)  # (story, conflict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", default="", help='one language combination, e.g. "en-en"')
    parser.add_argument("--show", type=int, default=30, help="false contradictions to print")
    parser.add_argument(
        "--corpus", choices=claim_pairs.CORPORA, default="all", help="which stories"
    )
    args = parser.parse_args()
    labels = claim_pairs.load_labels()
    new = Settings()
    anchor = Settings({"compare.fact_rules": False})
    started = time.perf_counter()
    cases = claim_pairs.cases(new, args.lang, corpus=args.corpus)
    ready = time.perf_counter()
    outcomes = {"new": outcome(cases, labels, new), "anchor": outcome(cases, labels, anchor)}
    done = time.perf_counter()
    print(
        f"{len(cases)} stories, {len(labels)} labelled pairs; annotate or load "
        f"{ready - started:.1f} s, compare twice {done - ready:.1f} s\n{TARGETS}\n"
    )
    halves = {name: {c.pair_id for c in cases if half_of(c.pair_id) == name} for name in HALVES}
    halves["all"] = {c.pair_id for c in cases}
    for name, stories in halves.items():
        rows = [i for i, r in enumerate(labels) if r["pair"] in stories]
        print(f"== {name}: {len(stories)} stories, {len(rows)} labelled pairs")
        for rules, found in outcomes.items():
            print_scores(rules, labels, rows, found, stories)
        print()
    print_confusion(labels, outcomes["new"], outcomes["anchor"])
    print_false(labels, outcomes["new"], args.show)


HALVES = ("tune", "held-out")


def half_of(pair_id: str) -> str:
    """A story's half, fixed by its id."""
    return HALVES[hashlib.sha1(pair_id.encode()).digest()[0] % 2]


def outcome(
    cases: Sequence[claim_pairs.Case], labels: Sequence[dict], settings: Settings
) -> Outcome:
    by_story: dict[str, list[int]] = {}
    for i, r in enumerate(labels):
        by_story.setdefault(r["pair"], []).append(i)
    found = Outcome()
    for case in cases:
        docs = {d.article.origin: d for d in case.docs}
        comparison = compare_story(case.story, docs, settings)
        conflicts = [c for g in comparison.groups for c in g.conflicts]
        found.asserted += [(case.pair_id, c) for c in conflicts]
        for i in by_story.get(case.pair_id, []):
            found.predicted[i], kind = predict(labels[i], comparison, conflicts)
            if kind:
                found.kinds[i] = kind
            if shares_contradiction(labels[i], comparison):
                found.in_conflict.add(i)
    return found


def predict(row: dict, comparison: Comparison, conflicts: Sequence[Conflict]) -> tuple[str, str]:
    """("conflict", kind), ("agree", "") or ("apart", "") for one labelled pair."""
    a, b = (claim_pairs.side_key(row[s]) for s in ("a", "b"))
    for c in conflicts:
        if {a, b} == set(zip(c.sources, c.starts, strict=False)):
            return "conflict", c.kind
    for g in comparison.groups:
        keys = {(ref.source, ref.start) for ref in g.claims}
        if a in keys and b in keys:
            return "agree", ""
    return "apart", ""


def shares_contradiction(row: dict, comparison: Comparison) -> bool:
    """Whether both claims of a labelled pair stand in one group the verdict calls contradict
    (what a reader of the matrix sees), whichever two of its claims the conflict names."""
    a, b = (claim_pairs.side_key(row[s]) for s in ("a", "b"))
    for g in comparison.groups:
        keys = {(ref.source, ref.start) for ref in g.claims}
        if g.verdict == "contradict" and a in keys and b in keys:
            return True
    return False


# -- scores ---------------------------------------------------------------------------------


def ratio(n: int, d: int) -> str:
    return f"{n / d:.2f} ({n}/{d})" if d else "- (0/0)"


def print_scores(
    rules: str, labels: Sequence[dict], rows: Sequence[int], found: Outcome, stories: set[str]
) -> None:
    gold = {i: labels[i]["verdict"] for i in rows}
    said = {i: found.predicted.get(i, "apart") for i in rows}
    plain = [i for i in rows if not labels[i]["furniture"]]
    hit = sum(1 for i in rows if gold[i] == "conflict" and said[i] == "conflict")
    asserted = sum(1 for i in rows if said[i] == "conflict")
    conflicts = sum(1 for i in rows if gold[i] == "conflict")
    agreed = [i for i in plain if said[i] == "agree"]
    same = [i for i in plain if gold[i] == "same"]
    right = sum(1 for i in agreed if gold[i] == "same")
    found_same = sum(1 for i in same if said[i] == "agree")
    furniture = sum(1 for i in rows if labels[i]["furniture"] and said[i] == "agree")
    false = len(false_conflicts(labels, found, stories))
    per = 100 * false / max(1, len(stories))
    print(
        f"  {rules:7} contradiction R {ratio(hit, conflicts)}  P {ratio(hit, asserted)} | "
        f"agreement P {ratio(right, len(agreed))}  R {ratio(found_same, len(same))} | "
        f"false contradictions {false} ({per:.1f}/100 stories) | furniture agreed {furniture}"
    )
    grouped = [i for i in rows if i in found.in_conflict]
    grouped_hit = sum(1 for i in grouped if gold[i] == "conflict")
    print(
        f"  {'':7} by group (both claims in one contradict group): contradiction "
        f"R {ratio(grouped_hit, conflicts)}  P {ratio(grouped_hit, len(grouped))}"
    )


def false_conflicts(
    labels: Sequence[dict], found: Outcome, stories: set[str]
) -> list[tuple[str, Conflict, str]]:
    """Asserted conflicts on `stories` that no label calls a conflict, with the label given."""
    verdict = {}
    for r in labels:
        a, b = (claim_pairs.side_key(r[s]) for s in ("a", "b"))
        verdict[(r["pair"], frozenset((a, b)))] = r["verdict"]
    out = []
    for story, c in found.asserted:
        if story not in stories:
            continue
        key = (story, frozenset(zip(c.sources, c.starts, strict=False)))
        label = verdict.get(key, "unlabelled")
        if label != "conflict":
            out.append((story, c, label))
    return out


def print_confusion(labels: Sequence[dict], new: Outcome, anchor: Outcome) -> None:
    print("confusion per gold kind (all stories): gold -> predicted (new | anchor)")
    table: dict[str, tuple[Counter, Counter]] = {}
    for i, r in enumerate(labels):
        gold = r["fact"] if r["verdict"] == "conflict" else r["verdict"]
        gold = f"{gold} (furniture)" if r["furniture"] else gold
        pair = table.setdefault(gold, (Counter(), Counter()))
        for counts, found in zip(pair, (new, anchor), strict=True):
            said = found.predicted.get(i, "apart")
            if said == "conflict":
                said = f"conflict:{found.kinds.get(i, '?')}"
            counts[said] += 1
    for gold in sorted(table):
        n, a = table[gold]
        line = lambda c: ", ".join(f"{k} {v}" for k, v in sorted(c.items()))  # noqa: E731
        print(f"  {gold:22} new: {line(n):45} | anchor: {line(a)}")
    print()


def print_false(labels: Sequence[dict], found: Outcome, show: int) -> None:
    stories = {story for story, _ in found.asserted}
    false = false_conflicts(labels, found, stories)
    print(f"contradictions the labels do not call conflicts (new rules): {len(false)}")
    for story, c, label in false[:show]:
        print(f"  [{story}] {c.kind}: {c.left!r} vs {c.right!r} (label: {label})")
        for text in c.spans:
            print(f"      | {' '.join(text.split())[:200]}")
        print(f"      why: {c.why}")
    missed = [
        (labels[i], found.predicted.get(i, "apart"))
        for i in range(len(labels))
        if labels[i]["verdict"] == "conflict" and found.predicted.get(i) != "conflict"
    ]
    print(f"\nlabelled conflicts the new rules miss: {len(missed)}")
    for r, said in missed:
        print(f"  [{r['pair']}] {r['fact']} ({r['languages']}), predicted {said}: {r['reason']}")
        for s in ("a", "b"):
            print(f"      | {' '.join(r[s]['text'].split())[:200]}")


if __name__ == "__main__":
    main()
