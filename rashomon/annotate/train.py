"""Training the attribution tagger: `rashomon train attribution --data DIR -o MODEL`.

1. read the brat folder (`rashomon.annotate.brat`), parse every text once with
   `annotate.model`, run the entity layer and the rule-based quote finder on it, and turn each
   paragraph into the tagger's features (`rashomon.annotate.tagger.sequences_of`) with its gold
   BIO labels;
2. with `folds` > 1, cross-validate: articles dealt into folds by a seeded shuffle, a model
   trained on the others and scored on each fold (span P/R/F1 per role, exact and overlap);
3. train on everything and write the CRFsuite model, with a JSON report beside it
   (`MODEL.json`: the data, the parameters, the fold figures and, given `--eval DIR`, the
   figures on that held-out folder).

CRFsuite's L-BFGS is deterministic for a given data order, so a seed and the same data give
the same model file.
"""

from __future__ import annotations

import bisect
import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rashomon import codec
from rashomon.annotate import entities, quotes
from rashomon.annotate.brat import Annotated, GoldRelation, read_folder
from rashomon.annotate.learned import learned_quotes
from rashomon.annotate.nlp import load
from rashomon.annotate.tagger import (
    FEATURE_VERSION,
    Relation,
    Sequence_,
    Tagger,
    builtin_cues,
    sequences_of,
    write_model,
)
from rashomon.errors import MalformedInput
from rashomon.model import Quote
from rashomon.settings import Settings

__all__ = ["Example", "Scores", "TrainParams", "prepare", "score", "train_attribution"]

ROLE_NAMES = ("source", "cue", "content")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class TrainParams:
    c1: float = 1.0  # strong L1 and L2: on a held-out train fold, c1 .05 → 1.0 gained 1-2
    c2: float = 0.2  # points of F1 per role and shrank the model from 3.2 to 1.4 MB
    iterations: int = 100
    min_freq: int = 2
    folds: int = 5
    seed: int = 13
    dense: bool = False  # the parser's token vectors as features too
    cue_min_count: int = 3  # a word joins the lexicon when it is a gold cue this often ...
    cue_min_rate: float = 0.15  # ... and this share of its uses


@dataclass
class Example:
    """One parsed article with its gold relations; `sequences` and `labels` are its features
    and gold BIO labels for one lexicon (set by `featurize`)."""

    name: str
    text: str
    sdoc: Any
    rule_quotes: list[Quote]
    relations: tuple[GoldRelation, ...]
    sequences: list[Sequence_] = field(default_factory=list)
    labels: list[list[str]] = field(default_factory=list)
    mentions: Any = None  # the entity layer's mentions, for naming the quotes' speakers


# ---------------------------------------------------------------- data


def _token_range(idx: list[int], ends: list[int], start: int, end: int) -> range:
    return range(bisect.bisect_left(ends, start + 1), bisect.bisect_left(idx, end))


def _gold_labels(
    sdoc: Any, sequences: list[Sequence_], relations: Sequence[GoldRelation]
) -> list[list[str]]:
    """BIO labels per sequence token from the gold pieces (first role to claim a token wins)."""
    idx = [t.idx for t in sdoc]
    ends = [t.idx + len(t) for t in sdoc]
    label = ["O"] * len(sdoc)
    letters = (("content", "Q"), ("cue", "C"), ("source", "S"))
    for relation in relations:
        for role, letter in letters:
            for start, end in getattr(relation, role):
                first = True
                for k in _token_range(idx, ends, start, end):
                    if sdoc[k].is_space:
                        continue
                    if label[k] == "O":
                        label[k] = ("B-" if first else "I-") + letter
                    first = False
    return [[label[i] for i in s.tokens] for s in sequences]


def prepare(
    annotated: Sequence[Annotated], settings: Settings, progress: Progress | None = None
) -> list[Example]:
    """Parse each text once and run the entity layer and the rule-based finder on it."""
    nlp = load(settings.annotate.model)
    out = []
    texts = (a.text for a in annotated)
    for n, (article, sdoc) in enumerate(
        zip(annotated, nlp.pipe(texts, batch_size=16), strict=True)
    ):
        mentions = entities.find_entities(sdoc)
        rule_quotes = quotes.find_quotes(sdoc, mentions)
        out.append(
            Example(
                article.name, article.text, sdoc, rule_quotes, article.relations, mentions=mentions
            )
        )
        if progress:
            progress("parse", n + 1, len(annotated))
    return out


def learn_cues(examples: Sequence[Example], params: TrainParams) -> frozenset[str]:
    """The built-in attribution lexicon plus every lemma that is a gold cue word at least
    `cue_min_count` times and in at least `cue_min_rate` of its uses in `examples`."""
    as_cue: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for example in examples:
        sdoc = example.sdoc
        idx = [t.idx for t in sdoc]
        ends = [t.idx + len(t) for t in sdoc]
        cue_tokens = {
            k
            for relation in example.relations
            for start, end in relation.cue
            for k in _token_range(idx, ends, start, end)
        }
        for token in sdoc:
            if token.is_punct or token.is_space:
                continue
            lemma = token.lemma_.lower()
            seen[lemma] += 1
            if token.i in cue_tokens:
                as_cue[lemma] += 1
    learned = {
        lemma
        for lemma, n in as_cue.items()
        if n >= params.cue_min_count and n / seen[lemma] >= params.cue_min_rate
    }
    return builtin_cues() | frozenset(learned)


def featurize(examples: Sequence[Example], cues: frozenset[str], dense: bool) -> None:
    """Set each example's sequences and gold labels for the lexicon `cues`."""
    for example in examples:
        example.sequences = sequences_of(example.sdoc, example.rule_quotes, cues, dense)
        example.labels = _gold_labels(example.sdoc, example.sequences, example.relations)


# ---------------------------------------------------------------- scoring


@dataclass
class Scores:
    """Span counts per role and match kind, summed over articles."""

    counts: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: {r: {"exact": [0, 0, 0], "overlap": [0, 0, 0]} for r in ROLE_NAMES}
    )  # role -> kind -> [matched predictions, predictions, gold spans matched] ; gold totals below
    gold: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLE_NAMES, 0))

    def prf(self, role: str, kind: str) -> tuple[float, float, float]:
        matched, predicted, found = self.counts[role][kind]
        p = matched / predicted if predicted else 0.0
        r = found / self.gold[role] if self.gold[role] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict[str, dict[str, dict[str, float]]]:
        return {
            role: {
                kind: dict(
                    zip(("p", "r", "f1"), (round(x, 4) for x in self.prf(role, kind)), strict=True)
                )
                for kind in ("exact", "overlap")
            }
            for role in ROLE_NAMES
        }


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else span


def _score_role(
    text: str,
    predicted: list[tuple[int, int]],
    gold: list[tuple[tuple[int, int], ...]],
    scores: Scores,
    role: str,
) -> None:
    scores.gold[role] += len(gold)
    for kind in ("exact", "overlap"):
        used: set[tuple[int, int]] = set()
        hit: set[int] = set()
        matched = 0
        for span in predicted:
            best = _match(text, span, gold, used, kind)
            if best is None:
                continue
            g, pieces = best
            used.update(pieces)
            hit.add(g)
            matched += 1
        tally = scores.counts[role][kind]
        tally[0] += matched
        tally[1] += len(predicted)
        tally[2] += len(hit)


def _match(
    text: str,
    span: tuple[int, int],
    gold: list[tuple[tuple[int, int], ...]],
    used: set[tuple[int, int]],
    kind: str,
) -> tuple[int, list[tuple[int, int]]] | None:
    trimmed = _trim(text, span)
    best: tuple[int, int, list[tuple[int, int]]] | None = None
    for g, pieces in enumerate(gold):
        free = [p for p in pieces if p not in used]
        if not free:
            continue
        if kind == "exact":
            extent = (pieces[0][0], pieces[-1][1])
            if trimmed == _trim(text, extent) and len(free) == len(pieces):
                return g, list(pieces)
            for piece in free:
                if trimmed == _trim(text, piece):
                    return g, [piece]
            continue
        for piece in free:
            overlap = min(span[1], piece[1]) - max(span[0], piece[0])
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, g, [piece])
    return (best[1], best[2]) if best else None


def score_relations(
    text: str, predicted: Sequence[Relation], gold: Sequence[GoldRelation], scores: Scores
) -> None:
    """Add one article's span counts to `scores` (identical predicted spans count once)."""
    for role in ROLE_NAMES:
        spans = list(
            dict.fromkeys(s for s in (getattr(r, role) for r in predicted) if s is not None)
        )
        golds = [getattr(g, role) for g in gold if getattr(g, role)]
        _score_role(text, spans, golds, scores, role)


def score(tagger: Tagger, examples: Sequence[Example]) -> Scores:
    """Span P/R/F1 of the quotes annotate gives with this tagger (its relations and the rules'
    fallback) against the gold relations of `examples`."""
    scores = Scores()
    for example in examples:
        found = learned_quotes(tagger, example.sdoc, example.mentions, example.rule_quotes)
        relations = [Relation((q.start, q.end), q.cue_span, q.speaker_span) for q in found]
        score_relations(example.text, relations, example.relations, scores)
    return scores


# ---------------------------------------------------------------- training


def fit(
    examples: Sequence[Example],
    params: TrainParams,
    path: Path,
    progress: Progress | None = None,
    stage: str = "train",
) -> Tagger:
    """Learn the lexicon and the CRF from `examples` and write the model archive to `path`."""
    import pycrfsuite

    cues = learn_cues(examples, params)
    featurize(examples, cues, params.dense)

    class _Trainer(pycrfsuite.Trainer):
        def on_iteration(self, log: str, info: dict[str, Any]) -> None:
            if progress:
                progress(stage, min(int(info.get("num", 0)), params.iterations), params.iterations)

    trainer = _Trainer(verbose=False)
    for example in examples:
        for sequence, labels in zip(example.sequences, example.labels, strict=True):
            trainer.append(sequence.features, labels)
    trainer.set_params(
        {
            "c1": params.c1,
            "c2": params.c2,
            "max_iterations": params.iterations,
            "feature.minfreq": params.min_freq,
            "feature.possible_transitions": True,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / "model.crf"
        trainer.train(str(weights))
        meta = {
            "labels": sorted(_labels_of(examples)),
            "cues": sorted(cues),
            "dense": params.dense,
            "params": codec.encode(params, defaults=True),
            "articles": len(examples),
        }
        write_model(path, meta, weights.read_bytes())
    return Tagger(path)


def _labels_of(examples: Sequence[Example]) -> set[str]:
    return {label for e in examples for labels in e.labels for label in labels}


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    """`range(n)` dealt into `k` folds after a shuffle seeded by `seed`."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(
    examples: Sequence[Example], params: TrainParams, progress: Progress | None = None
) -> list[Scores]:
    """Per fold, the scores of a model trained on the other folds (lexicon included)."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, held in enumerate(folds_of(len(examples), params.folds, params.seed), 1):
            held_set = set(held)
            train = [e for i, e in enumerate(examples) if i not in held_set]
            model = Path(tmp) / f"fold{number}.model"
            tagger = fit(train, params, model, progress, f"fold {number}/{params.folds}")
            out.append(score(tagger, [examples[i] for i in held]))
    return out


def train_attribution(
    data: Path,
    output: Path,
    settings: Settings,
    params: TrainParams,
    evaluate: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train on the brat folder `data`, write the model to `output` and its report beside it
    (`OUTPUT.json`); returns the report."""
    started = time.perf_counter()
    examples = prepare(read_folder(data), settings, progress)
    if not any(e.relations for e in examples):
        raise MalformedInput(str(data), "no attribution relations to learn from")
    report: dict[str, Any] = {
        "features": FEATURE_VERSION,
        "data": str(data),
        "articles": len(examples),
        "relations": sum(len(e.relations) for e in examples),
        "params": codec.encode(params, defaults=True),
        "spacy_model": settings.annotate.model,
    }
    if params.folds > 1:
        report["folds"] = [s.as_dict() for s in cross_validate(examples, params, progress)]
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    tagger = fit(examples, params, partial, progress, "final model")
    partial.replace(output)
    if evaluate is not None:
        held = prepare(read_folder(evaluate), settings, progress)
        report["eval"] = {
            "data": str(evaluate),
            "articles": len(held),
            **score(tagger, held).as_dict(),
        }
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["bytes"] = output.stat().st_size
    output.with_name(output.name + ".json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return report


# ---------------------------------------------------------------- the summary


def fold_spread(
    folds: Sequence[dict[str, Any]], role: str, kind: str, measure: str
) -> tuple[float, float]:
    """Mean and standard deviation of one figure over the folds' score dicts."""
    values = [f[role][kind][measure] for f in folds]
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return mean, sd


def summary_rows(report: dict[str, Any]) -> list[list[str]]:
    """The report as table rows: data, role, then P/R/F1 exact and overlap (in %); the folds'
    mean carries its standard deviation."""
    rows: list[list[str]] = []
    folds = report.get("folds") or []
    measures = [(kind, m) for kind in ("exact", "overlap") for m in ("p", "r", "f1")]
    if folds:
        for role in ROLE_NAMES:
            cells = []
            for kind, m in measures:
                mean, sd = fold_spread(folds, role, kind, m)
                cells.append(f"{100 * mean:.1f} ±{100 * sd:.1f}")
            rows.append([f"{len(folds)}-fold CV", role, *cells])
    if "eval" in report:
        held = report["eval"]
        for role in ROLE_NAMES:
            cells = [f"{100 * held[role][kind][m]:.1f}" for kind, m in measures]
            rows.append([f"eval ({held['articles']} art.)", role, *cells])
    return rows
