"""PolNeAR (../shared/data/quotes/polnear): loading and a span-level attribution metric.

PolNeAR (Newell, Margolin, Ruths, LREC 2018) annotates attribution relations in US election
news, 2015-16, in brat standoff: `T` lines are spans (Source, Cue, Content, plus Attribution,
Discuss and Discard, which are not scored), `E` lines link one relation's Source / Cue / Content
(`Attribution-no-source` relations have no Source; three relations carry a second `Content2`).
It covers direct and indirect quotes and non-speech attributions (beliefs, intentions).

One annotator per article: some articles have several .ann files (`<article>_<annotator>.ann`);
`load` takes the first one in sorted file-name order, so the choice is fixed and repeatable.

Metric (span level, per role; in the spirit of BBC Citron's evaluation, see below):

* A gold span is the relation's role, kept as its pieces: a discontinuous span
  (`315 448;463 553`, or Content + Content2) is several pieces of ONE gold span.
* Predicted spans come from `Doc.quotes`: content = (q.start, q.end), cue = q.cue_span,
  source = q.speaker_span (None is skipped). Identical predicted spans of one role in one
  article count once (two quotes sharing a speaker are one predicted source span).
* exact: the predicted span equals a gold piece, or the whole gold extent (first piece's start
  to last piece's end), after trimming both ends of both spans to the first / last letter or
  digit, so quote marks, final punctuation and spaces do not decide a match (PolNeAR contents
  keep their quote marks, rashomon's direct quotes do not).
* overlap: the predicted span shares at least one character with a gold piece of the same role.
* Each gold piece is matched at most once (a prediction takes an unused piece, the one it
  overlaps most); an exact match on the whole extent uses up every piece. So a prediction
  split in two along a discontinuous gold span (`"A," he said. "B."`) gives two true
  positives, and a duplicate prediction for the same piece is a false positive.
* precision = matched predictions / predictions; recall = gold spans with at least one piece
  matched / gold spans; F1 from the two. Counts are summed over articles (micro average).
* full attribution (overlap): a quote matches a gold relation when its content overlaps a
  piece of the gold content and its speaker span overlaps the gold source, or, for a gold
  relation without a source, the quote has no speaker span either. One quote per content piece.
* proportional ("prop"): Citron's published "overlap" metric, re-implemented on characters
  instead of tokens: overlapping characters / predicted characters (P) and / gold characters
  (R), summed over articles. It is the figure to put beside Citron's reference numbers.

Citron differs in two ways worth knowing when comparing: it tokenises, and its exact source and
content scores also require the cue to overlap. The reference numbers (PARC 3.0 test, another
corpus, from bbc/citron models/en_2021-11-15/README.md) are in REFERENCE.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "GOAL",
    "REFERENCE",
    "ROLES",
    "Attribution",
    "PolnearArticle",
    "Score",
    "Scores",
    "default_root",
    "load",
    "predicted_spans",
    "score_article",
    "score_articles",
    "trim",
]

ROLES = ("source", "cue", "content")
REFERENCE = (
    "citron on PARC 3.0 (another corpus): source 82.0/85.3, content 59.3/83.3, cue 82.3 exact"
)
GOAL = {"source": 0.85, "content": 0.85}  # overlap F1

Piece = tuple[int, int]
Pieces = tuple[Piece, ...]

_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t?(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_ALNUM = re.compile(r"\w", re.UNICODE)


def default_root() -> Path:
    """$RASHOMON_SHARED/data/quotes/polnear, else ../shared/data/quotes/polnear from the repo."""
    shared = os.environ.get("RASHOMON_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return base / "data" / "quotes" / "polnear"


@dataclass(frozen=True, slots=True)
class Attribution:
    """One gold relation. Each role is a tuple of (start, end) pieces into the article text;
    `source` is () for an Attribution-no-source relation."""

    id: str
    source: Pieces
    cue: Pieces
    content: Pieces

    def role(self, name: str) -> Pieces:
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class PolnearArticle:
    name: str
    annotator: str
    text: str
    attributions: tuple[Attribution, ...]
    offset_mismatches: int = 0  # T lines whose surface text differs from text[start:end]


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:  # brat offsets count every character
        return f.read()


def _parse_ann(ann: str, text: str) -> tuple[tuple[Attribution, ...], int]:
    spans: dict[str, tuple[str, Pieces]] = {}
    mismatches = 0
    relations: list[tuple[str, list[tuple[str, str]]]] = []
    for line in ann.splitlines():
        if m := _T_LINE.match(line):
            tid, kind, offsets, surface = m.groups()
            pieces = tuple((int(a), int(b)) for a, b in (p.split() for p in offsets.split(";")))
            spans[tid] = (kind, pieces)
            # the surface text stops at the first newline inside the span (brat writes the
            # rest on continuation lines), so it is compared as a prefix, word by word
            got = " ".join(text[a:b] for a, b in pieces).split()
            words = surface.split()
            if got[: len(words)] != words:
                mismatches += 1
        elif m := _E_LINE.match(line):
            eid, rest = m.groups()
            args = [tuple(a.split(":", 1)) for a in rest.split() if ":" in a]
            relations.append((eid, args))  # type: ignore[arg-type]
    out = []
    for eid, args in relations:
        roles: dict[str, list[Piece]] = {"source": [], "cue": [], "content": []}
        for role, tid in args:
            key = role.rstrip("0123456789").lower()  # Content2 -> content
            if key in roles and tid in spans:
                roles[key].extend(spans[tid][1])
        if not roles["content"] and not roles["cue"]:
            continue  # an empty relation (a handful of `Attribution-no-source` stubs)
        out.append(
            Attribution(
                id=eid,
                source=tuple(sorted(roles["source"])),
                cue=tuple(sorted(roles["cue"])),
                content=tuple(sorted(roles["content"])),
            )
        )
    out.sort(key=lambda a: (a.content or a.cue)[0])
    return tuple(out), mismatches


def load(split: str = "dev", root: Path | str | None = None) -> list[PolnearArticle]:
    """The articles of `split` (train, dev; test if present) in file-name order, each with the
    relations of one annotator: the first `<article>_<annotator>.ann` in sorted order."""
    base = Path(root) if root is not None else default_root()
    text_dir, ann_dir = base / split / "text", base / split / "attributions"
    if not text_dir.is_dir():
        raise FileNotFoundError(f"PolNeAR {split!r} not found at {base} (set RASHOMON_SHARED)")
    first_ann: dict[str, Path] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        article = path.stem.rsplit("_", 1)[0]
        first_ann.setdefault(article, path)
    articles = []
    for text_path in sorted(text_dir.glob("*.txt")):
        ann_path = first_ann.get(text_path.stem)
        if ann_path is None:
            continue
        text = _read(text_path)
        attributions, mismatches = _parse_ann(_read(ann_path), text)
        articles.append(
            PolnearArticle(
                name=text_path.stem,
                annotator=ann_path.stem.rsplit("_", 1)[1],
                text=text,
                attributions=attributions,
                offset_mismatches=mismatches,
            )
        )
    return articles


# ---------------------------------------------------------------- metric


def trim(text: str, start: int, end: int) -> Piece:
    """(start, end) narrowed to the first and last letter or digit (unchanged if it has none)."""
    segment = text[start:end]
    first = _ALNUM.search(segment)
    if first is None:
        return start, end
    last = len(segment) - next(i for i, ch in enumerate(reversed(segment)) if _ALNUM.match(ch))
    return start + first.start(), start + last


def _overlap(a: Piece, b: Piece) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _merge(pieces: Iterable[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for a, b in sorted(pieces):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass
class Score:
    """Counts for one role and one matching scheme; P/R/F1 derive from them."""

    tp_pred: float = 0  # matched predictions (for prop: overlapping characters)
    pred: float = 0  # predictions (for prop: predicted characters)
    tp_gold: float = 0  # gold spans with a match (for prop: overlapping characters)
    gold: float = 0  # gold spans (for prop: gold characters)

    @property
    def p(self) -> float:
        return self.tp_pred / self.pred if self.pred else 0.0

    @property
    def r(self) -> float:
        return self.tp_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp_pred += other.tp_pred
        self.pred += other.pred
        self.tp_gold += other.tp_gold
        self.gold += other.gold


@dataclass
class Scores:
    """All figures for a set of articles: scores[(role, scheme)] with scheme in exact, overlap,
    prop; plus `full` (full attribution, overlap)."""

    by: dict[tuple[str, str], Score] = field(default_factory=dict)
    full: Score = field(default_factory=Score)

    def get(self, role: str, scheme: str) -> Score:
        return self.by.setdefault((role, scheme), Score())

    def add(self, other: Scores) -> None:
        for key, score in other.by.items():
            self.get(*key).add(score)
        self.full.add(other.full)


def predicted_spans(quotes: Sequence[object], role: str) -> list[Piece]:
    """The distinct predicted spans of `role` from rashomon Quote objects, in text order."""
    found: set[Piece] = set()
    for q in quotes:
        if role == "content":
            span = (q.start, q.end)  # type: ignore[attr-defined]
        elif role == "cue":
            span = q.cue_span  # type: ignore[attr-defined]
        else:
            span = q.speaker_span  # type: ignore[attr-defined]
        if span is not None and span[1] > span[0]:
            found.add((int(span[0]), int(span[1])))
    return sorted(found)


def match_role(
    text: str, gold: Sequence[Pieces], pred: Sequence[Piece], exact: bool
) -> tuple[list[int | None], list[bool]]:
    """Greedy one-to-one matching of predicted spans to gold pieces.

    Returns, for each prediction, the index of the gold span it matched (or None), and for
    each gold span whether any of its pieces was matched."""
    used: list[list[bool]] = [[False] * len(g) for g in gold]
    trimmed_gold = [[trim(text, *p) for p in g] for g in gold]
    trimmed_extent = [trim(text, g[0][0], g[-1][1]) for g in gold]
    result: list[int | None] = []
    for span in pred:
        best: tuple[int, int, int] | None = None  # (gold, piece or -1 for extent, overlap)
        if exact:
            t = trim(text, *span)
            for gi, pieces in enumerate(trimmed_gold):
                for pi, piece in enumerate(pieces):
                    if not used[gi][pi] and piece == t:
                        best = (gi, pi, 1)
                        break
                else:
                    if len(pieces) > 1 and not any(used[gi]) and trimmed_extent[gi] == t:
                        best = (gi, -1, 1)
                if best:
                    break
        else:
            for gi, pieces in enumerate(gold):
                for pi, piece in enumerate(pieces):
                    ov = _overlap(span, piece)
                    if ov and not used[gi][pi] and (best is None or ov > best[2]):
                        best = (gi, pi, ov)
        if best is None:
            result.append(None)
            continue
        gi, pi, _ = best
        if pi == -1:
            used[gi] = [True] * len(used[gi])
        else:
            used[gi][pi] = True
        result.append(gi)
    return result, [any(u) for u in used]


def _prop(gold: Sequence[Pieces], pred: Sequence[Piece]) -> Score:
    gold_chars = _merge(p for g in gold for p in g)
    pred_chars = _merge(pred)
    both = sum(_overlap(a, b) for a in pred_chars for b in gold_chars)
    return Score(
        tp_pred=both,
        pred=sum(b - a for a, b in pred_chars),
        tp_gold=both,
        gold=sum(b - a for a, b in gold_chars),
    )


def full_match(
    article: PolnearArticle, quotes: Sequence[object]
) -> tuple[list[int | None], list[bool]]:
    """Full-attribution overlap matching: per quote, the gold relation index it matched."""
    rels = article.attributions
    used = [[False] * len(r.content) for r in rels]
    result: list[int | None] = []
    for q in quotes:
        content = (q.start, q.end)  # type: ignore[attr-defined]
        speaker = q.speaker_span  # type: ignore[attr-defined]
        best: tuple[int, int, int] | None = None
        for ri, rel in enumerate(rels):
            if rel.source:
                if speaker is None or not any(_overlap(speaker, s) for s in rel.source):
                    continue
            elif speaker is not None:
                continue
            for pi, piece in enumerate(rel.content):
                ov = _overlap(content, piece)
                if ov and not used[ri][pi] and (best is None or ov > best[2]):
                    best = (ri, pi, ov)
        if best is None:
            result.append(None)
        else:
            used[best[0]][best[1]] = True
            result.append(best[0])
    return result, [any(u) for u in used]


def score_article(article: PolnearArticle, quotes: Sequence[object]) -> Scores:
    """Scores for one article given the predicted quotes (rashomon Quote objects, or anything
    with start, end, cue_span and speaker_span)."""
    out = Scores()
    for role in ROLES:
        gold = [r.role(role) for r in article.attributions if r.role(role)]
        gold = list(dict.fromkeys(gold))  # identical gold spans of one role count once
        pred = predicted_spans(quotes, role)
        for scheme in ("exact", "overlap"):
            matched, hit = match_role(article.text, gold, pred, exact=scheme == "exact")
            out.get(role, scheme).add(
                Score(
                    tp_pred=sum(m is not None for m in matched),
                    pred=len(pred),
                    tp_gold=sum(hit),
                    gold=len(gold),
                )
            )
        out.get(role, "prop").add(_prop(gold, pred))
    matched, hit = full_match(article, quotes)
    out.full.add(
        Score(
            tp_pred=sum(m is not None for m in matched),
            pred=len(quotes),
            tp_gold=sum(hit),
            gold=len(article.attributions),
        )
    )
    return out


def score_articles(
    articles: Sequence[PolnearArticle], predictions: Sequence[Sequence[object]]
) -> Scores:
    """Micro-averaged scores over articles; `predictions[i]` are the quotes for `articles[i]`."""
    total = Scores()
    for article, quotes in zip(articles, predictions, strict=True):
        total.add(score_article(article, quotes))
    return total
