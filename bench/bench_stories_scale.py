"""Scale of story clustering: time and peak memory on streams of 1k, 10k and 100k reports.

    .venv/bin/python bench/bench_stories_scale.py                  # 1,000, 10,000, 100,000
    .venv/bin/python bench/bench_stories_scale.py --quick          # 1,000 and 5,000 (smoke run)
    .venv/bin/python bench/bench_stories_scale.py --sizes 2000 --profile   # cProfile the clustering

Real texts, every distinct one in ../shared/data ($RASHOMON_SHARED/data): the SemEval-2022
pair texts with their stated language (bench/semeval.py), the PolNeAR train and dev articles
with their title and publisher from metadata.tsv (bench/polnear.py), the AEB gold bodies with
their URL (bench/aeb.py) and the two seed reports (first line as title), each language
detected by `rashomon.clean.language.detect` where the data does not state it. Texts that are
identical after collapsing white space are kept once; texts of fewer than MIN_SENTENCES
sentences or MIN_CHARS characters are left out (too short to vary). Each text is annotated
once by `annotate_stream` with the default settings and cached under /tmp (keyed by the texts
and the annotate code), quotes and claims dropped (the story features do not read them).

A corpus of N reports: report i is variant k = i // T of base text i mod T, the T base texts
in a shuffled order (so every text has N // T or N // T + 1 variants). A variant keeps
round(KEEP x n) of its base's n sentences (annotated sentences; by punctuation for languages
spaCy does not read), chosen at random, joined in order (sentences of one paragraph by a
space, paragraphs by a blank line), and leaves out a WORD_DROP share of the words inside them
(never a word of a name or a date, nor a sentence's first or last word). Its entities, times
and sentences are re-based to the new offsets (those in dropped sentences are dropped); it gets
its own id and origin, the base's title, URL, outlet and language, and a publication day drawn
uniformly over ceil(N / PER_DAY) days from START, so the stream has a constant density of
PER_DAY reports a day as a real news stream has (100k span 334 days, 10k 34, 1k 4). The real
PolNeAR dates are not kept.

Why the dropped words: sentence subsets alone give two variants of one text a word 5-gram
Jaccard of median ~0.53 with 16 % of pairs at or above `stories.duplicate_jaccard` (0.7), and
the copy index compares a report with every earlier one whatever its date, so at 100k (40
variants a text) 56 % of the reports were folded as copies (15 % at 10k) and skipped the pair
scoring, which flattered the 100k time (6.6x of 10k; 10.5x once the copies were gone). With a
tenth of the words left out the median is ~0.21, under 1 % of pairs reach 0.7 and under 1 % of
the reports are folded at any size (the run prints both), so every size does the full work;
close in time, variants of one text are still often told one story, as rewrites of one wire
report are.

Each size runs in a fresh subprocess started by a small parent (the annotation runs in a child
of its own too: on Linux a child's getrusage peak starts from the peak of the process it was
forked from), so its peak RSS (bench/memory.py) is its own. The peak counts everything in it:
the base texts, the encoder model, the features, the vectors and the index. Variants are built
in chunks of CHUNK reports, turned into features (`features_for`) and lead vectors
(`embed_leads`) and dropped, so no more than CHUNK Docs are held; building them is not timed.
Timed: (a) `features_for`, (b) `embed_leads` (the encoder is loaded and warmed up first),
(c) `cluster(features, vectors, settings, default_scorer())`, in wall and CPU seconds (CPU
above wall is numpy's BLAS threads at work or spinning on the other core).
Mean candidates per report (scored against the pair model; copies are not scored) are counted
by wrapping `StoryIndex.candidates` (a counter per call, negligible against the call).

Anchor, in the same process on the same vectors after the peak is read: all-pairs clustering
without blocking, each report (in the same order) against every earlier one by vector cosine
(numpy), joining the story of the nearest earlier report when the cosine is at least
ANCHOR_COSINE, else starting a story. It is timed for sizes up to ANCHOR_MAX; above that it is
extrapolated from the largest measured size quadratically (n^2), and marked so. Being one
dot product per pair, it is a lower bound of all-pairs with the pair model; an estimate of
the latter (the measured cost per scored pair at the largest size times n(n-1)/2) is printed
below the table.

Goals (the issue "Stories"): clustering 100k takes at most 12x the time of 10k; peak memory at
100k at most 2,048 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import importlib
import json
import math
import os
import pickle
import random
import re
import subprocess
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from memory import peak_mb, rss_mb  # noqa: E402

from rashomon.model import Article, Doc, content_id  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
QUICK = (1_000, 5_000)
KEEP = 0.75  # share of a base text's sentences a variant keeps
WORD_DROP = 0.1  # share of the words of a kept sentence a variant leaves out
PER_DAY = 300  # reports a day in the stream
START = date(2024, 1, 1)
CHUNK = 1024  # variants built, featurised and embedded at a time
MIN_SENTENCES = 3
MIN_CHARS = 300
ANCHOR_COSINE = 0.75
ANCHOR_MAX = 10_000
GOAL_RATIO = 12.0  # cluster time 100k / 10k
GOAL_PEAK_MB = 2048.0
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "rashomon-bench-stories-scale"
SEED = 20240131

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    text: str
    language: str | None
    title: str | None = None
    outlet: str | None = None
    url: str | None = None


# ---------------------------------------------------------------- the real texts


def shared_data() -> Path:
    shared = os.environ.get("RASHOMON_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return base / "data"


def load_sources(settings: Settings) -> list[Source]:
    """Every distinct article text of the shared data, with what the data says about it."""
    import aeb
    import polnear
    import semeval

    from rashomon.clean.language import detect

    found: list[Source] = []
    _, pair_texts = semeval.load()
    for key, (language, text) in sorted(pair_texts.items()):
        found.append(Source(f"semeval:{key}", text, language))
    meta: dict[str, dict[str, str]] = {}
    with contextlib.suppress(FileNotFoundError):
        lines = (polnear.default_root() / "metadata.tsv").read_text("utf-8").splitlines()
        head = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(head, line.split("\t"), strict=False))
            meta[row["filename"]] = row
    for split in ("train", "dev"):
        with contextlib.suppress(FileNotFoundError):
            for article in polnear.load(split):
                row = meta.get(article.name, {})
                title = row.get("title") or None
                outlet = row.get("publisher") or None
                found.append(Source(f"polnear:{article.name}", article.text, "en", title, outlet))
    if aeb.AEB.is_dir():
        gold = json.loads((aeb.AEB / "ground-truth.json").read_text("utf-8"))
        for key in sorted(gold):
            text = gold[key]["articleBody"] or ""
            language = detect(text, settings)[0]
            found.append(Source(f"aeb:{key}", text, language, url=gold[key].get("url")))
    for path in sorted((shared_data() / "seeds").glob("*.txt")):
        whole = path.read_text("utf-8").strip()
        head, _, body = whole.partition("\n\n")
        title, text = (head.strip(), body) if "\n" not in head.strip() else (None, whole)
        found.append(Source(f"seed:{path.stem}", text, detect(text, settings)[0], title))
    seen: set[str] = set()
    distinct = []
    for source in found:
        norm = _SPACE.sub(" ", source.text).strip()
        if norm and norm not in seen:
            seen.add(norm)
            distinct.append(replace(source, text=source.text.strip()))
    return distinct


def _cache_key(sources: list[Source]) -> str:
    digest = hashlib.sha256()
    for s in sources:
        digest.update(f"{s.key}\0{s.language}\0{s.title}\0{s.text}\0".encode())
    root = Path(__file__).resolve().parents[1] / "rashomon"
    for path in sorted([*root.glob("annotate/*.py"), root / "model.py", root / "defaults.toml"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def annotated(settings: Settings) -> Path:
    """The path of the pickled base Docs (annotated once, cached under /tmp)."""
    from rashomon.annotate import annotate_stream

    sources = load_sources(settings)
    path = CACHE / f"docs-{_cache_key(sources)}.pkl"
    if path.exists():
        return path
    started = time.perf_counter()
    articles = [
        Article(
            id=content_id(s.text.encode()),
            origin=s.key,
            text=s.text,
            title=s.title,
            url=s.url,
            outlet=s.outlet,
            language=s.language,
            extractor="as-is",
        )
        for s in sources
    ]
    docs = []
    for n, (article, doc) in enumerate(
        zip(articles, annotate_stream(articles, settings), strict=True), 1
    ):
        doc = doc if isinstance(doc, Doc) else Doc(article=article)
        docs.append(replace(doc, quotes=(), claims=()))
        if n % 250 == 0:
            _say(f"annotated {n}/{len(articles)} ({time.perf_counter() - started:.0f} s)")
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)
    _say(f"annotated {len(docs)} texts in {time.perf_counter() - started:.0f} s -> {path}")
    return path


def usable(docs: list[Doc]) -> list[Doc]:
    return [
        d for d in docs if len(d.sentences) >= MIN_SENTENCES and len(d.article.text) >= MIN_CHARS
    ]


# ---------------------------------------------------------------- variants


def variant(doc: Doc, k: int, published: date, rng: random.Random) -> Doc:
    """Variant k of `doc`: round(KEEP x n) of its n sentences, a WORD_DROP share of the words
    inside them left out (never a name or a date, nor a sentence's first or last word), every
    span re-based."""
    text = doc.article.text
    sentences = doc.sentences
    count = max(1, round(KEEP * len(sentences)))
    kept = [sentences[j] for j in sorted(rng.sample(range(len(sentences)), count))]
    breaks = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    protected = bytearray(len(text))
    for span in (*doc.entities, *doc.times):
        protected[span.start : span.end] = b"\x01" * (span.end - span.start)
    pieces: list[str] = []
    moved: list[tuple[int, int, int]] = []  # old start, old end, shift of each kept segment
    new_sentences: list[tuple[int, int]] = []
    length, paragraph = 0, None
    for start, end in kept:
        here = bisect_right(breaks, start)
        if pieces:
            glue = " " if here == paragraph else "\n\n"
            pieces.append(glue)
            length += len(glue)
        paragraph = here
        first = length
        for a, b in _segments(text, start, end, protected, rng):
            pieces.append(text[a:b])
            moved.append((a, b, length - a))
            length += b - a
        new_sentences.append((first, length))
    new_text = "".join(pieces)
    starts = [m[0] for m in moved]

    def shifted(span_start: int, span_end: int) -> int | None:
        at = bisect_right(starts, span_start) - 1
        if at < 0:
            return None
        start, end, shift = moved[at]
        return shift if span_start >= start and span_end <= end else None

    entities, times = [], []
    for e in doc.entities:
        if (shift := shifted(e.start, e.end)) is not None:
            entities.append(replace(e, start=e.start + shift, end=e.end + shift))
    for t in doc.times:
        if (shift := shifted(t.start, t.end)) is not None:
            times.append(replace(t, start=t.start + shift, end=t.end + shift))
    origin = f"{doc.article.origin}#v{k}"
    article = replace(
        doc.article,
        id=content_id(f"{origin}\n{new_text}".encode()),
        origin=origin,
        text=new_text,
        published=published,
    )
    return Doc(
        article=article,
        sentences=tuple(new_sentences),
        entities=tuple(entities),
        times=tuple(times),
        limits=doc.limits,
    )


def _segments(
    text: str, start: int, end: int, protected: bytearray, rng: random.Random
) -> list[tuple[int, int]]:
    """The kept stretches of the sentence text[start:end]: a dropped word takes the space
    after it along."""
    words = [m.span() for m in _WORD.finditer(text, start, end)]
    found, at = [], start
    for i in range(1, len(words) - 1):
        a, b = words[i]
        if rng.random() < WORD_DROP and 1 not in protected[a:b]:
            if a > at:
                found.append((at, a))
            at = words[i + 1][0]
    if end > at:
        found.append((at, end))
    return found


def stream(docs: list[Doc], size: int):
    """The `size` variants of the stream, in chunks of CHUNK Docs."""
    order = list(range(len(docs)))
    random.Random(SEED).shuffle(order)
    rng = random.Random(SEED + size)
    days = math.ceil(size / PER_DAY)
    chunk: list[Doc] = []
    for i in range(size):
        base = docs[order[i % len(docs)]]
        day = START + timedelta(days=rng.randrange(days))
        chunk.append(variant(base, i // len(docs), day, rng))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def jaccard_check(docs: list[Doc], pairs: int = 400) -> tuple[float, float]:
    """(median, share >= duplicate_jaccard) of the word 5-gram Jaccard of two variants of one
    text, over `pairs` random texts."""
    from rashomon.stories.features import shingles

    rng = random.Random(SEED)
    values = []
    for doc in rng.sample(docs, min(pairs, len(docs))):
        a = shingles(variant(doc, 0, START, rng).article.text)
        b = shingles(variant(doc, 1, START, rng).article.text)
        values.append(len(a & b) / max(1, len(a | b)))
    threshold = float(Settings()["stories.duplicate_jaccard"])
    return float(np.median(values)), float(np.mean(np.array(values) >= threshold))


# ---------------------------------------------------------------- one size (a subprocess)


def anchor(vectors: np.ndarray, order: list[int]) -> tuple[float, int]:
    """All-pairs clustering by vector cosine: (seconds, stories)."""
    ordered = np.ascontiguousarray(vectors[order])
    story = np.zeros(len(ordered), np.int64)
    stories = 0
    started = time.perf_counter()
    for i in range(len(ordered)):
        if i:
            cosines = ordered[:i] @ ordered[i]
            j = int(np.argmax(cosines))
            if cosines[j] >= ANCHOR_COSINE:
                story[i] = story[j]
                continue
        story[i] = stories
        stories += 1
    return time.perf_counter() - started, stories


def run_size(path: Path, size: int, profile: bool) -> dict[str, float]:
    from rashomon.stories import default_scorer, embed_leads, features_for
    from rashomon.stories.encoder import embed

    # the package exports the function `cluster`, which hides its module of the same name
    cluster_module = importlib.import_module("rashomon.stories.cluster")

    settings = Settings()
    docs = usable(pickle.loads(path.read_bytes()))
    embed(["warm up the encoder", "a second text"], str(settings["stories.encoder"]))
    start_mb = rss_mb()
    features: list = []
    vectors: np.ndarray | None = None
    featuring = encoding = 0.0
    started = time.perf_counter()
    for chunk in stream(docs, size):
        t0 = time.perf_counter()
        features.extend(features_for(chunk, settings))
        t1 = time.perf_counter()
        rows = embed_leads(chunk, settings)
        t2 = time.perf_counter()
        if vectors is None:
            vectors = np.zeros((size, rows.shape[1]), np.float32)
        vectors[len(features) - len(chunk) : len(features)] = rows
        featuring += t1 - t0
        encoding += t2 - t1
        del chunk, rows
        done = len(features)
        if done % (8 * CHUNK) < CHUNK or done == size:
            wall = time.perf_counter() - started
            _say(f"  {size}: {done}/{size} reports, {done / wall:.0f}/s, RSS {rss_mb():.0f} MB")
    assert vectors is not None
    gc.collect()

    calls = [0, 0]
    original = cluster_module.StoryIndex.candidates

    def counted(self, features, vector):  # the wrapped method, counting its pools
        pool = original(self, features, vector)
        calls[0] += 1
        calls[1] += len(pool)
        return pool

    cluster_module.StoryIndex.candidates = counted  # type: ignore[method-assign]
    scorer = default_scorer()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0, cpu0 = time.perf_counter(), time.process_time()
    index = cluster_module.cluster(features, vectors, settings, scorer)
    clustering, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        _say(out.getvalue())
    cluster_module.StoryIndex.candidates = original  # type: ignore[method-assign]
    peak = peak_mb()
    result = {
        "size": size,
        "texts": len(docs),
        "features_s": featuring,
        "encode_s": encoding,
        "cluster_s": clustering,
        "cluster_cpu_s": cpu,
        "peak_mb": peak,
        "start_mb": start_mb,
        "stories": len(index.members),
        "copies": len(index.copies),
        "candidates": calls[1] / max(1, calls[0]),
    }
    if size <= ANCHOR_MAX:
        order = cluster_module.order_for_clustering(features)
        del index
        result["anchor_s"], result["anchor_stories"] = anchor(vectors, order)
    return result


# ---------------------------------------------------------------- the table


def report(results: list[dict[str, float]], prepared: dict[str, float]) -> None:
    median, copies = prepared["median"], prepared["copies"]
    print(
        f"\nstories scale: {int(prepared['texts'])} distinct real texts, "
        f"{int(prepared['usable'])} long enough to vary; variants keep {KEEP:.0%} of the "
        "sentences, "
        f"{PER_DAY} reports a day; two variants of one text: median 5-gram Jaccard "
        f"{median:.2f}, {copies:.1%} at or above the copy threshold"
    )
    head = (
        f"{'size':>7} | {'features s':>10} | {'encode s':>8} | {'cluster s':>9} | {'CPU s':>6} | "
        f"{'ratio':>6} | {'peak MB':>7} | {'stories':>7} | {'anchor all-pairs s':>18} | "
        f"{'cand/report':>11} | {'copies':>6} | {'start MB':>8}"
    )
    print(head)
    print("-" * len(head))
    previous = None
    measured = [r for r in results if "anchor_s" in r]
    for r in results:
        ratio = f"{r['cluster_s'] / previous['cluster_s']:5.1f}x" if previous else "-"
        if "anchor_s" in r:
            anchor_cell = f"{r['anchor_s']:.1f}"
        elif measured:
            base = measured[-1]
            guess = base["anchor_s"] * (r["size"] / base["size"]) ** 2
            anchor_cell = f"~{guess:,.0f} (n^2 est.)"
        else:
            anchor_cell = "-"
        print(
            f"{int(r['size']):>7} | {r['features_s']:10.1f} | {r['encode_s']:8.1f} | "
            f"{r['cluster_s']:9.1f} | {r['cluster_cpu_s']:6.1f} | {ratio:>6} | "
            f"{r['peak_mb']:7.0f} | "
            f"{int(r['stories']):>7} | {anchor_cell:>18} | {r['candidates']:11.1f} | "
            f"{int(r['copies']):>6} | {r['start_mb']:8.0f}"
        )
        previous = r
    print(
        "\nratio: cluster wall time over the previous size's (CPU s: its CPU time); "
        "anchor: all-pairs by vector cosine "
        f">= {ANCHOR_COSINE} (stories: "
        + ", ".join(f"{int(r['anchor_stories'])} at {int(r['size'])}" for r in measured)
        + "); start MB: RSS after loading the texts and the encoder, before the first report"
    )
    largest = results[-1]
    scored = largest["candidates"] * (largest["size"] - largest["copies"])
    per_pair = largest["cluster_s"] / max(1.0, scored)
    print(
        f"all-pairs with the pair model instead (estimate: {1e6 * per_pair:.0f} us per scored "
        f"pair at {int(largest['size']):,}, blocking included, times n(n-1)/2 pairs): "
        + ", ".join(
            f"{per_pair * r['size'] * (r['size'] - 1) / 2:,.0f} s at {int(r['size']):,}"
            for r in results
        )
    )
    by_size = {int(r["size"]): r for r in results}
    if 10_000 in by_size and 100_000 in by_size:
        ratio = by_size[100_000]["cluster_s"] / by_size[10_000]["cluster_s"]
        met = "met" if ratio <= GOAL_RATIO else "NOT met"
        print(f"goal: cluster 100k <= {GOAL_RATIO:.0f}x 10k: {ratio:.1f}x, {met}")
    else:
        print(f"goal: cluster 100k <= {GOAL_RATIO:.0f}x 10k: not run (sizes lack 10k and 100k)")
    if 100_000 in by_size:
        peak = by_size[100_000]["peak_mb"]
        met = "met" if peak <= GOAL_PEAK_MB else "NOT met"
        print(f"goal: peak <= {GOAL_PEAK_MB:,.0f} MB at 100k: {peak:,.0f} MB, {met}")
    else:
        top = results[-1]
        print(
            f"goal: peak <= {GOAL_PEAK_MB:,.0f} MB at 100k: not run "
            f"({top['peak_mb']:,.0f} MB at {int(top['size']):,})"
        )


def _child(command: list[str]) -> str:
    """Run a step of this script in a fresh process; its stdout (stderr passes through)."""
    return subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True).stdout


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK}")
    parser.add_argument("--profile", action="store_true", help="cProfile each clustering")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--docs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_size(args.docs, args.worker, args.profile)))
        return
    if args.prepare:
        path = annotated(Settings())
        docs = pickle.loads(path.read_bytes())
        median, copies = jaccard_check(usable(docs))
        print(
            json.dumps(
                {
                    "docs": str(path),
                    "texts": len(docs),
                    "usable": len(usable(docs)),
                    "median": median,
                    "copies": copies,
                }
            )
        )
        return
    sizes = QUICK if args.quick else tuple(int(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    # every heavy step runs in a child: a child's peak RSS (getrusage) starts from the peak of
    # the process it was forked from, so this one stays small
    command = [sys.executable, __file__, "--prepare"]
    prepared = json.loads(_child(command).strip().splitlines()[-1])
    path = Path(prepared["docs"])
    results = []
    for size in sizes:
        _say(f"size {size:,}: fresh process")
        command = [sys.executable, __file__, "--worker", str(size), "--docs", str(path)]
        if args.profile:
            command.append("--profile")
        results.append(json.loads(_child(command).strip().splitlines()[-1]))
    report(results, prepared)
    print(f"\nwall time {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
