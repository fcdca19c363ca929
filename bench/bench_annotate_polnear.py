"""Benchmark: rashomon's quote finder on PolNeAR attributions, beside a simple baseline.

    .venv/bin/python bench/bench_annotate_polnear.py [--split dev|train] [--limit N]
        [--errors N] [--errors-of rashomon|baseline]

Runs `annotate_texts` over the articles of the split (dev by default; use `--split train` while
developing, so dev stays a held-out check) and scores `Doc.quotes` against the gold relations
with bench/polnear.py: span-level precision / recall / F1 per role (source, cue, content),
exact and overlap, Citron's proportional overlap, and full attribution. The anchor, run in the
same process on the same texts, is a baseline written here (not in the package): a quote-mark
regex for content, the nearest say/says/said/told in the quote's sentence as cue and the
nearest PERSON/ORG spaCy entity in that sentence as source.

`--errors N` prints N sample misses (gold relations with no full-attribution match: the
sentence with the gold spans marked, and what was predicted there) and N sample false
positives (predicted quotes matching no relation, with the gold of that sentence), for
developers improving the quote finder. Samples are drawn with a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polnear  # noqa: E402

from rashomon.annotate import annotate_texts  # noqa: E402
from rashomon.annotate.nlp import load as load_model  # noqa: E402
from rashomon.annotate.tagger import load_tagger  # noqa: E402
from rashomon.annotate.train import ROLE_NAMES, fold_spread  # noqa: E402
from rashomon.model import Doc, Quote  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc

# ---------------------------------------------------------------- the baseline

# curly, straight, and the NYT's doubled apostrophes (''like this'')
_QUOTED = (re.compile(r"“([^”]+)”"), re.compile(r'"([^"\n]+)"'), re.compile(r"''([^\n]+?)''"))
_SAY = {"say", "says", "said", "saying", "tell", "tells", "told", "telling"}
_MIN_WORDS = 3  # shorter quoted runs are mostly scare quotes and titles


def baseline_quotes(sdoc: SpacyDoc) -> list[Quote]:
    """Direct quotes by quote marks; cue = the nearest say/tell word outside the marks in the
    quote's sentence(s); source = the nearest PERSON or ORG entity there (nearest to the cue
    when there is one, else to the quote)."""
    text = sdoc.text
    found: list[tuple[int, int]] = []  # (open mark, close mark + 1)
    for pattern in _QUOTED:
        for m in pattern.finditer(text):
            if len(m.group(1).split()) < _MIN_WORDS:
                continue
            if any(m.start() < b and a < m.end() for a, b in found):
                continue
            found.append((m.start(), m.end()))
    quotes = []
    for outer_start, outer_end in sorted(found):
        sents = [s for s in sdoc.sents if s.start_char < outer_end and outer_start < s.end_char]
        if not sents:
            continue
        lo, hi = sents[0].start, sents[-1].end

        def outside(start: int, end: int, a: int = outer_start, b: int = outer_end) -> bool:
            return end <= a or start >= b

        def distance(start: int, end: int, a: int, b: int) -> int:
            return a - end if end <= a else start - b

        cue = None
        cues = [t for t in sdoc[lo:hi] if t.lower_ in _SAY and outside(t.idx, t.idx + len(t))]
        if cues:
            cue = min(cues, key=lambda t: distance(t.idx, t.idx + len(t), outer_start, outer_end))
        anchor = (cue.idx, cue.idx + len(cue)) if cue is not None else (outer_start, outer_end)
        ents = [
            e
            for e in sdoc.ents
            if e.label_ in ("PERSON", "ORG")
            and e.start >= lo
            and e.end <= hi
            and outside(e.start_char, e.end_char)
        ]
        source = (
            min(ents, key=lambda e: abs(distance(e.start_char, e.end_char, *anchor)))
            if ents
            else None
        )
        start, end = outer_start + 1, outer_end - 1
        quotes.append(
            Quote(
                kind="direct",
                start=start,
                end=end,
                text=text[start:end],
                speaker=source.text if source is not None else None,
                speaker_span=(source.start_char, source.end_char) if source is not None else None,
                cue=cue.text if cue is not None else None,
                cue_span=(cue.idx, cue.idx + len(cue)) if cue is not None else None,
                produced_by="bench.baseline",
            )
        )
    return quotes


# ---------------------------------------------------------------- the table


def _fmt(score: polnear.Score) -> str:
    return f"{100 * score.p:5.1f} {100 * score.r:5.1f} {100 * score.f1:5.1f}"


def print_table(name: str, scores: polnear.Scores, seconds: float) -> None:
    print(f"{name}  ({seconds:.1f} s)")
    for role in polnear.ROLES:
        exact = scores.get(role, "exact")
        print(
            f"  {role:9s} {exact.gold:6.0f} {exact.pred:6.0f} | {_fmt(exact)} | "
            f"{_fmt(scores.get(role, 'overlap'))} | {_fmt(scores.get(role, 'prop'))}"
        )
    full = scores.full
    print(
        f"  {'full':9s} {full.gold:6.0f} {full.pred:6.0f} | {'':17s} | {_fmt(full)} |"
        "   (content and source overlap in one relation)"
    )


def goal_line(name: str, scores: polnear.Scores) -> str:
    parts, met = [], True
    for role, target in polnear.GOAL.items():
        f1 = scores.get(role, "overlap").f1
        met &= f1 >= target
        parts.append(f"{role} {100 * f1:.1f}")
    targets = ", ".join(f"{r} >= {100 * t:.0f}" for r, t in polnear.GOAL.items())
    verdict = "met" if met else "NOT met"
    return f"goal (overlap F1: {targets}): {name} {', '.join(parts)} -> {verdict}"


_MARK_CHARS = re.compile("[“”\"]|''")


def by_kind(
    articles: Sequence[polnear.PolnearArticle], predictions: Sequence[Sequence[Quote]], name: str
) -> str:
    """Full-attribution recall split by gold relations whose content holds quote marks (direct
    speech, mostly) and the rest (indirect speech, beliefs, intentions)."""
    hits = {True: [0, 0], False: [0, 0]}
    for article, quotes in zip(articles, predictions, strict=True):
        _, hit = polnear.full_match(article, quotes)
        for rel, h in zip(article.attributions, hit, strict=True):
            marked_ = any(_MARK_CHARS.search(article.text[a:b]) for a, b in rel.content)
            hits[marked_][0] += h
            hits[marked_][1] += 1
    parts = [
        f"{label} {h}/{n} ({100 * h / n if n else 0:.1f}%)"
        for label, (h, n) in (("with quote marks", hits[True]), ("without", hits[False]))
    ]
    return f"full-attribution recall, {name}: " + ", ".join(parts)


# ---------------------------------------------------------------- error samples

_MARKS = {"source": ("{S:", "}"), "cue": ("<", ">"), "content": ("[[", "]]")}
_LONG = 160  # longer marked content is shown as its head and tail


def _sentence_window(doc: Doc, start: int, end: int) -> tuple[int, int]:
    spans = [(a, b) for a, b in doc.sentences if a < end and start < b]
    if not spans:
        return max(0, start - 100), min(len(doc.article.text), end + 100)
    return min(start, spans[0][0]), max(end, spans[-1][1])


def marked(text: str, window: tuple[int, int], spans: list[tuple[str, int, int]]) -> str:
    """text[window] with each (role, start, end) wrapped in its marks; long contents elided."""
    lo, hi = window
    spans = sorted(
        (max(a, lo), min(b, hi), role) for role, a, b in spans if a < hi and b > lo and b > a
    )
    out, pos = [], lo
    for a, b, role in spans:
        if a < pos:  # overlapping spans of two roles: mark the later one from where we are
            a = pos
            if a >= b:
                continue
        out.append(text[pos:a])
        inner = text[a:b]
        if role == "content" and len(inner) > _LONG:
            inner = f"{inner[:100]} … {inner[-50:]}"
        open_, close = _MARKS[role]
        out.append(f"{open_}{inner}{close}")
        pos = b
    out.append(text[pos:hi])
    return " ".join("".join(out).split())


def _quote_spans(q: Quote) -> list[tuple[str, int, int]]:
    spans = [("content", q.start, q.end)]
    if q.cue_span:
        spans.append(("cue", *q.cue_span))
    if q.speaker_span:
        spans.append(("source", *q.speaker_span))
    return spans


def _relation_spans(rel: polnear.Attribution) -> list[tuple[str, int, int]]:
    return [(role, a, b) for role in polnear.ROLES for a, b in rel.role(role)]


def _describe(text: str, q: Quote) -> str:
    content = " ".join(text[q.start : q.end].split())
    if len(content) > 80:
        content = content[:60] + " … " + content[-15:]
    speaker = " ".join(text[slice(*q.speaker_span)].split()) if q.speaker_span else "-"
    cue = text[slice(*q.cue_span)] if q.cue_span else "-"
    return f"speaker {speaker!r}, cue {cue!r}, content {content!r}"


def print_errors(
    articles: Sequence[polnear.PolnearArticle], docs: Sequence[Doc], n: int, name: str
) -> None:
    misses, false_pos = [], []
    for article, doc in zip(articles, docs, strict=True):
        matched, hit = polnear.full_match(article, doc.quotes)
        misses += [
            (article, doc, rel) for rel, h in zip(article.attributions, hit, strict=True) if not h
        ]
        false_pos += [
            (article, doc, q) for q, m in zip(doc.quotes, matched, strict=True) if m is None
        ]
    rng = random.Random(0)
    legend = "marks: {S:source} <cue> [[content]]"
    print(f"\n--- {name}: {min(n, len(misses))} of {len(misses)} missed relations ({legend})")
    for article, doc, rel in sorted(
        rng.sample(misses, min(n, len(misses))), key=lambda x: (x[0].name, x[2].content[:1])
    ):
        spans = _relation_spans(rel)
        window = _sentence_window(doc, min(a for _, a, _ in spans), max(b for _, _, b in spans))
        print(f"\n* {article.name} {rel.id} (chars {window[0]}-{window[1]})")
        print(f"  gold: {marked(article.text, window, spans)}")
        here = [q for q in doc.quotes if q.start < window[1] and window[0] < q.end]
        if not here:
            print("  predicted here: nothing")
        for q in here:
            overlaps = any(q.start < b and a < q.end for a, b in rel.content)
            why = ""
            if overlaps and rel.source:
                why = " <- content found, speaker wrong or missing"
            elif overlaps:
                why = " <- content found; gold has no source, a speaker was given"
            print(f"  predicted: {_describe(article.text, q)}{why}")
    print(f"\n--- {name}: {min(n, len(false_pos))} of {len(false_pos)} false positives")
    for article, doc, q in sorted(
        rng.sample(false_pos, min(n, len(false_pos))), key=lambda x: (x[0].name, x[2].start)
    ):
        window = _sentence_window(doc, q.start, q.end)
        print(f"\n* {article.name} (chars {window[0]}-{window[1]})")
        print(f"  predicted: {marked(article.text, window, _quote_spans(q))}")
        gold_here = [
            r
            for r in article.attributions
            if any(a < window[1] and window[0] < b for a, b in r.content + r.cue)
        ]
        if not gold_here:
            print("  gold here: nothing")
        for rel in gold_here:
            print(f"  gold {rel.id}: {marked(article.text, window, _relation_spans(rel))}")
            if any(q.start < b and a < q.end for a, b in rel.content):
                said = _describe(article.text, q).split(", content")[0]
                print(f"    <- content overlaps {rel.id}; speaker wrong or missing ({said})")


# ---------------------------------------------------------------- main


def _report_of(model: str) -> dict[str, Any] | None:
    """The training report written beside a model (MODEL.json), if there is one."""
    tagger = load_tagger(model)
    report = tagger.path.with_name(tagger.path.name + ".json") if tagger else None
    return json.loads(report.read_text("utf-8")) if report and report.is_file() else None


def cross_validation_lines(model: str) -> str:
    """The model's k-fold figures on its training data (mean ± sd), to read beside the held-out
    figure above: a dev figure far above the folds' would mean dev was tuned on."""
    report = _report_of(model)
    if not report or not report.get("folds"):
        return "\n(no cross-validation report beside the model)"
    folds = report["folds"]
    lines = [f"\n{len(folds)}-fold cross-validation on the training data ({report['data']}):"]
    for role in ROLE_NAMES:
        cells = []
        for kind in ("exact", "overlap"):
            mean, sd = fold_spread(folds, role, kind, "f1")
            cells.append(f"{kind} F1 {100 * mean:.1f} ±{100 * sd:.1f}")
        lines.append(f"  {role:8s} " + "   ".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", help="dev (default), train for development")
    parser.add_argument("--limit", type=int, default=0, help="first N articles only")
    parser.add_argument("--errors", type=int, default=0, help="print N misses and N false pos.")
    parser.add_argument(
        "--model", default=None, help="attribution model (default: the setting; '' = rules)"
    )
    parser.add_argument("--errors-of", choices=("rashomon", "baseline"), default="rashomon")
    args = parser.parse_args()

    try:
        articles = polnear.load(args.split)
    except FileNotFoundError as exc:
        sys.exit(str(exc))
    if args.limit:
        articles = articles[: args.limit]
    texts = [a.text for a in articles]
    settings = Settings()
    import spacy

    nlp = spacy.load(settings["annotate.model"])  # the anchor runs on the model as shipped
    load_model(settings["annotate.model"])("Warm up the pipeline, said the benchmark.")

    model = args.model if args.model is not None else settings["annotate.attribution_model"]
    learned = settings.replace(**{"annotate.attribution_model": model})
    rules_only = settings.replace(**{"annotate.attribution_model": ""})

    start = time.perf_counter()
    docs = annotate_texts(texts, learned)
    ours_seconds = time.perf_counter() - start

    start = time.perf_counter()
    rule_docs = annotate_texts(texts, rules_only) if model else docs
    rules_seconds = time.perf_counter() - start

    start = time.perf_counter()
    base_quotes = [
        baseline_quotes(sdoc)
        for sdoc in nlp.pipe(texts, batch_size=int(settings["annotate.batch_size"]))
    ]
    base_seconds = time.perf_counter() - start

    ours = polnear.score_articles(articles, [d.quotes for d in docs])
    rules = polnear.score_articles(articles, [d.quotes for d in rule_docs])
    base = polnear.score_articles(articles, base_quotes)

    relations = sum(len(a.attributions) for a in articles)
    print(
        f"\nPolNeAR {args.split}, {len(articles)} articles, {relations} attribution relations "
        "(one annotator per article: the first .ann file by name)"
    )
    print(
        "exact: same span after trimming non-alphanumerics at both ends; overlap: shares a "
        "character with an unused gold piece;\nprop: Citron's overlap (overlapping characters "
        "/ predicted, / gold); full: content and source both overlap one relation\n"
    )
    header = (
        f"  {'role':9s} {'gold':>6s} {'pred':>6s} | {'exact P/R/F1':^17s} | "
        f"{'overlap P/R/F1':^17s} | {'prop P/R/F1':^17s}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    if model:
        print_table(f"rashomon, learned tagger ({model})", ours, ours_seconds)
        print_table("rashomon, rules alone", rules, rules_seconds)
    else:
        print_table("rashomon, rules alone (no attribution model)", ours, ours_seconds)
    print_table("baseline (quote marks + said + nearest PERSON/ORG)", base, base_seconds)
    print(f"\nreference: {polnear.REFERENCE}")
    print(goal_line("rashomon", ours))
    if model:
        print(goal_line("rules", rules))
    print(goal_line("baseline", base))
    print(by_kind(articles, [d.quotes for d in docs], "rashomon"))
    print(by_kind(articles, base_quotes, "baseline"))
    if model:
        print(cross_validation_lines(model))
    if not any(d.quotes for d in docs):
        print("note: rashomon found no quotes at all (is quotes.find_quotes still a placeholder?)")

    if args.errors:
        if args.errors_of == "rashomon":
            print_errors(articles, docs, args.errors, "rashomon")
        else:
            base_docs = [
                Doc(article=d.article, sentences=d.sentences, quotes=tuple(q))
                for d, q in zip(docs, base_quotes, strict=True)
            ]
            print_errors(articles, base_docs, args.errors, "baseline")


if __name__ == "__main__":
    main()
