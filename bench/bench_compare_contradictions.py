"""Contradictions asserted by `compare_story` on same-story pairs of the SemEval-2022 dev set.

    .venv/bin/python bench/bench_compare_contradictions.py                 # every pair
    .venv/bin/python bench/bench_compare_contradictions.py --lang en-en --sample 30
    .venv/bin/python bench/bench_compare_contradictions.py --max-overall 4 --missed 10

Pairs: every dev pair (bench/semeval.py) with Overall <= MAX_OVERALL (1.5; the label runs
1 = very similar .. 4 = unrelated; `--max-overall 4` keeps them all), in all language
combinations; `--lang en-en` keeps one combination, `--lang en` every pair with an English
text, `--limit N` the first N. Each text is annotated as a report (`semeval.docs_of`: its
stated language, no title, URL or date) and cached under /tmp/rashomon-bench-compare/, one
pickle per text keyed by a hash of the text and of the annotate code, so reruns skip spaCy.
Each pair is forced into one two-article story (`rashomon.stories.story_of`, so weekdays
resolve as in a real story), whatever the clustering would do with it, and `compare_story`
compares it. The texts carry no URL, so each is its own outlet ("unknown: <id>").

Printed, per language combination and in all: pairs, pairs compared (both texts bring
claims; a text in a language the claim finder does not read is compared sentence by
sentence), claims, claim groups by verdict, agree groups per pair, contradictions asserted
(the Conflicts of contradict groups; a group may name several) and per 100 pairs; then the
conflicts per kind, and a seeded sample of asserted conflicts to read (`--sample N`, default
20): the claims of each side, the conflicting facts and the reason.

Anchor, in the same process on the same aligned groups: a naive contradiction check over
every two claims of different outlets in a group, flagging them when both state numbers
(digit strings in the claim text) and their sets differ, or when one claim is negated and the
other is not (the annotator's `negated`; a sentence standing in for claims is never negated).
Printed beside rashomon's count with how many groups both flag, so the reader sees what the
precision rules remove; `--missed N` prints N seeded groups the anchor flags and rashomon
does not.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402

from rashomon.compare import compare_story  # noqa: E402
from rashomon.model import ClaimGroup, ClaimRef, Comparison, Doc  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.stories import features_for, story_of  # noqa: E402

MAX_OVERALL = 1.5
SAMPLE = 20
SEED = 20220101
CACHE = Path("/tmp/rashomon-bench-compare")
ROOT = Path(__file__).resolve().parents[1] / "rashomon"
KINDS = ("number", "date", "place", "negation", "predicate", "speaker")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Tally:
    """Counts over the pairs of one row of the table."""

    pairs: int = 0
    compared: int = 0
    claims: int = 0
    verdicts: Counter = field(default_factory=Counter)
    conflicts: int = 0
    naive: int = 0
    both: int = 0


@dataclass(frozen=True)
class Result:
    """One pair compared: the comparison and the groups the naive anchor flags."""

    pair: semeval.Pair
    comparison: Comparison
    naive: tuple[ClaimGroup, ...]


def main() -> None:
    args = parse_args()
    settings = Settings()
    all_pairs, texts = semeval.load()
    pairs = select(all_pairs, args.lang, args.limit, args.max_overall)
    started = time.perf_counter()
    docs = annotated({k: texts[k] for p in pairs for k in (p.id1, p.id2)}, settings)
    ready = time.perf_counter()
    results = [compare_pair(p, docs, settings) for p in pairs]
    done = time.perf_counter()
    print(
        f"{len(pairs)} pairs with Overall <= {args.max_overall} "
        f"({args.lang or 'all languages'}), "
        f"{len(docs)} texts; annotate or load {ready - started:.1f} s, "
        f"compare {done - ready:.1f} s\n"
    )
    print_table(results)
    print_kinds(results)
    print_sample(results, args.sample)
    print_missed(results, args.missed)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="first N pairs (default all)")
    parser.add_argument("--lang", default="", help='"en-en": that combination; "en": any en')
    parser.add_argument("--sample", type=int, default=SAMPLE, help="asserted conflicts to print")
    parser.add_argument("--missed", type=int, default=0, help="anchor-only groups to print")
    parser.add_argument(
        "--max-overall", type=float, default=MAX_OVERALL, help="widest Overall kept (1 .. 4)"
    )
    return parser.parse_args()


def select(
    pairs: Sequence[semeval.Pair], lang: str, limit: int, overall: float
) -> list[semeval.Pair]:
    chosen = [p for p in pairs if p.overall <= overall and matches(p, lang)]
    return chosen[:limit] if limit else chosen


def matches(pair: semeval.Pair, lang: str) -> bool:
    if not lang:
        return True
    if "-" in lang:
        return pair.languages == lang
    return lang in (pair.lang1, pair.lang2)


# -- annotation, cached per text ----------------------------------------------------------


def annotated(texts: dict[str, tuple[str, str]], settings: Settings) -> dict[str, Doc]:
    """Each text's Doc by article id: from the cache, the rest annotated and cached."""
    code = code_hash()
    keys = {k: text_key(k, lang, text, code) for k, (lang, text) in texts.items()}
    docs = {k: load_cached(key) for k, key in keys.items()}
    missing = {k: texts[k] for k, doc in docs.items() if doc is None}
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        for doc in semeval.docs_of(missing, settings):
            k = doc.article.origin
            docs[k] = doc
            path = CACHE / f"{keys[k]}.pkl"
            path.write_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
    return docs


def code_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("annotate/*.py"), ROOT / "model.py", ROOT / "defaults.toml"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def text_key(key: str, lang: str, text: str, code: str) -> str:
    return hashlib.sha256(f"{code}\0{key}\0{lang}\0{text}".encode()).hexdigest()[:24]


def load_cached(key: str) -> Doc | None:
    path = CACHE / f"{key}.pkl"
    return pickle.loads(path.read_bytes()) if path.exists() else None


# -- comparing a pair ---------------------------------------------------------------------


def compare_pair(pair: semeval.Pair, docs: dict[str, Doc], settings: Settings) -> Result:
    """The two texts forced into one story and compared, with the anchor's flagged groups."""
    a, b = docs[pair.id1], docs[pair.id2]
    story = story_of([a, b], [], features_for([a, b], settings))
    comparison = compare_story(story, docs, settings)
    negated = {(d.article.origin, c.start) for d in (a, b) for c in d.claims if c.negated}
    naive = tuple(g for g in comparison.groups if naive_flags(g, negated))
    return Result(pair, comparison, naive)


def naive_flags(group: ClaimGroup, negated: set[tuple[str, int]]) -> bool:
    """Whether any two claims of different outlets in `group` differ in numbers or negation
    (`negated`: the (source, start) of the annotator's negated claims)."""
    refs = group.claims
    for i, x in enumerate(refs):
        for y in refs[i + 1 :]:
            if x.outlet != y.outlet and naive_conflict(x, y, negated):
                return True
    return False


def naive_conflict(x: ClaimRef, y: ClaimRef, negated: set[tuple[str, int]]) -> bool:
    nx, ny = numbers_in(x.text), numbers_in(y.text)
    denies = ((x.source, x.start) in negated) != ((y.source, y.start) in negated)
    return bool(nx and ny and nx != ny) or denies


def numbers_in(text: str) -> frozenset[str]:
    return frozenset(m.replace(",", "") for m in _DIGITS.findall(text))


# -- tables -------------------------------------------------------------------------------


def tally_of(results: Iterable[Result]) -> Tally:
    total = Tally()
    for r in results:
        groups = r.comparison.groups
        contradict = {g.id for g in groups if g.verdict == "contradict"}
        total.pairs += 1
        total.claims += sum(len(g.claims) for g in groups)
        total.compared += int(sources_with_claims(r.comparison) == 2)
        total.verdicts.update(g.verdict for g in groups)
        total.conflicts += sum(len(g.conflicts) for g in groups)
        total.naive += len(r.naive)
        total.both += sum(1 for g in r.naive if g.id in contradict)
    return total


def sources_with_claims(comparison: Comparison) -> int:
    return len({c.source for g in comparison.groups for c in g.claims})


def print_table(results: Sequence[Result]) -> None:
    rows: dict[str, list[Result]] = {}
    for r in results:
        rows.setdefault(r.pair.languages, []).append(r)
    head = (
        f"{'pairs':7} {'n':>4} {'compared':>8} {'claims':>6} | {'agree':>5} {'only_in':>7} "
        f"{'contra':>6} {'agree/pair':>10} | {'conflicts':>9} {'/100 pairs':>10} | "
        f"{'anchor groups':>13} {'/100 pairs':>10} {'both':>5}"
    )
    print(head)
    print("-" * len(head))
    print_row("all", tally_of(results))
    for name in sorted(rows):
        print_row(name, tally_of(rows[name]))
    print(
        "\ncompared: both texts bring claims; claims: those compared (a text the claim finder "
        "does not read brings its sentences).\ncontra: groups with verdict "
        "contradict; conflicts: the facts they name.\nanchor: aligned groups where two claims "
        "of different outlets differ in their digit sets (both non-empty) or negation; both: "
        "also contradict.\n"
    )


def print_row(name: str, t: Tally) -> None:
    per = 100 / max(1, t.pairs)
    v = t.verdicts
    print(
        f"{name:7} {t.pairs:4} {t.compared:8} {t.claims:6} | {v['agree']:5} {v['only_in']:7} "
        f"{v['contradict']:6} {v['agree'] / max(1, t.pairs):10.2f} | {t.conflicts:9} "
        f"{t.conflicts * per:10.1f} | {t.naive:13} {t.naive * per:10.1f} {t.both:5}"
    )


def print_kinds(results: Sequence[Result]) -> None:
    kinds = Counter(c.kind for r in results for g in r.comparison.groups for c in g.conflicts)
    line = ", ".join(f"{k} {kinds[k]}" for k in KINDS)
    print(f"conflicts by kind: {line} (total {sum(kinds.values())})\n")


# -- samples ------------------------------------------------------------------------------


def print_sample(results: Sequence[Result], n: int) -> None:
    found = [
        (r, g, c)
        for r in results
        for g in r.comparison.groups
        if g.verdict == "contradict"
        for c in g.conflicts
    ]
    chosen = sorted(random.Random(SEED).sample(range(len(found)), min(n, len(found))))
    print(f"sample of asserted conflicts: {len(chosen)} of {len(found)}\n")
    for k, i in enumerate(chosen, 1):
        r, g, c = found[i]
        print(f"[{k}] {r.pair.id1}_{r.pair.id2} ({r.pair.languages}, Overall {r.pair.overall:.2f})")
        print(f"    {c.kind}: {c.left!r} against {c.right!r}")
        print(f"    reason: {g.reason}")
        print_claims(g)
        print()


def print_missed(results: Sequence[Result], n: int) -> None:
    if n <= 0:
        return
    found = [(r, g) for r in results for g in r.naive if g.verdict != "contradict"]
    chosen = sorted(random.Random(SEED).sample(range(len(found)), min(n, len(found))))
    print(f"sample of groups the anchor flags and rashomon does not: {len(chosen)} of {len(found)}")
    for k, i in enumerate(chosen, 1):
        r, g = found[i]
        print(f"\n[{k}] {r.pair.id1}_{r.pair.id2} ({r.pair.languages}), verdict {g.verdict}")
        print_claims(g)


def print_claims(group: ClaimGroup) -> None:
    for ref in group.claims:
        voice = f"{ref.stance}, {ref.speaker}" if ref.speaker else ref.stance
        print(f"    {ref.source} [{voice}]: {ref.text}")


if __name__ == "__main__":
    main()
