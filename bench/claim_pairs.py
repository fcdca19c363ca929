"""Real claim pairs of same-story reports: the stories, their candidate pairs, the labels.

    .venv/bin/python bench/claim_pairs.py --dump /tmp/candidates.jsonl     # for reading
    .venv/bin/python bench/claim_pairs.py --dump /tmp/c.jsonl --lang en-en --loose 0.4
    .venv/bin/python bench/claim_pairs.py --dump /tmp/x.jsonl --corpus extra --facts 0.45

A module for bench/bench_compare_verdicts.py and a helper for labelling. Stories: every
same-story pair of the SemEval-2022 dev set (bench/semeval.py, Overall <= 2) and the two
seed reports ("semeval"), and the same-event report pairs found by reading in PolNeAR and
WCXB ("extra", bench/data/claim_pairs/stories_extra.jsonl: paths under ../shared/data, texts
read from there at bench time; a WCXB report is its gold title and body). Each pair is
annotated (cached as in bench_compare_contradictions.py), forced into one story and its
claims aligned exactly as `compare_story` aligns them, once at the settings' threshold and
once at a looser one (`--loose`, 0.4), so that pairs rashomon should align but does not are
shown too. `--dump` writes one JSON line per candidate pair:
the pair id, the two claims (source, start, text), the alignment score and whether
rashomon aligns them. A person reads those lines and writes the labels
(bench/data/claim_pairs/*.jsonl, see the README there); nothing here labels anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import semeval  # noqa: E402
from bench_compare_contradictions import annotated  # noqa: E402

from rashomon.compare import _batch, _embed, outlet_of  # noqa: E402
from rashomon.compare.align import Link, align  # noqa: E402
from rashomon.compare.units import Unit, units_of  # noqa: E402
from rashomon.model import Doc, Story  # noqa: E402
from rashomon.settings import Settings  # noqa: E402
from rashomon.stories import features_for, story_of  # noqa: E402

LABELS = Path(__file__).resolve().parent / "data" / "claim_pairs"
STORIES = LABELS / "stories_extra.jsonl"  # story pairs, not labels: load_labels skips it
CORPORA = ("semeval", "extra", "all")
SEED_PAIR = "seeds"
LOOSE = 0.4
VERDICTS = ("same", "related", "conflict")
FACTS = ("number", "date", "role", "place", "negation", "speaker")


@dataclass(frozen=True)
class Case:
    """One story of two reports: its pair id, languages, the two docs and the story."""

    pair_id: str
    languages: str
    docs: tuple[Doc, Doc]
    story: Story


def same_story_pairs(lang: str = "") -> list[semeval.Pair]:
    pairs, _ = semeval.load()
    return [p for p in pairs if p.same and (not lang or p.languages == lang)]


def cases(
    settings: Settings, lang: str = "", seeds: bool = True, corpus: str = "semeval"
) -> list[Case]:
    """The stories: each same-story SemEval pair (and the seeds) and each extra story pair
    (`corpus` picks "semeval", "extra" or "all"), annotated and forced into one story of two
    reports."""
    found = [] if corpus == "extra" else semeval_cases(settings, lang, seeds)
    if corpus != "semeval":
        found += extra_cases(settings, lang)
    return found


def semeval_cases(settings: Settings, lang: str = "", seeds: bool = True) -> list[Case]:
    pairs = same_story_pairs(lang)
    _, texts = semeval.load()
    docs = annotated({k: texts[k] for p in pairs for k in (p.id1, p.id2)}, settings)
    found = [
        _case(f"{p.id1}_{p.id2}", p.languages, docs[p.id1], docs[p.id2], settings) for p in pairs
    ]
    if seeds and lang in ("", "en-en"):
        found.append(seed_case(settings))
    return found


def extra_stories(path: Path = STORIES) -> list[dict]:
    """The extra story pairs: corpus, the two reports' paths under the shared data folder,
    languages and why they are one event."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def extra_cases(settings: Settings, lang: str = "") -> list[Case]:
    """Each extra story pair read from ../shared/data, annotated (cached) and forced into one
    story. Article ids are `<corpus>:<file stem>`, pair ids `<corpus>:<stem a>/<stem b>`."""
    stories = [s for s in extra_stories() if not lang or s["languages"] == lang]
    texts = {}
    for s in stories:
        for side, language in zip(("a", "b"), s["languages"].split("-"), strict=True):
            texts[extra_id(s["corpus"], s[side])] = (language, extra_text(s[side]))
    docs = annotated(texts, settings)
    return [
        _case(
            f"{s['corpus']}:{Path(s['a']).stem}/{Path(s['b']).stem}",
            s["languages"],
            docs[extra_id(s["corpus"], s["a"])],
            docs[extra_id(s["corpus"], s["b"])],
            settings,
        )
        for s in stories
    ]


def extra_id(corpus: str, path: str) -> str:
    return f"{corpus}:{Path(path).stem}"


def extra_text(path: str) -> str:
    """A report's text: a PolNeAR .txt as it is (its first line is the headline), a WCXB
    ground-truth JSON as its gold title and gold body."""
    full = shared_data() / path
    if full.suffix == ".json":
        gold = json.loads(full.read_text(encoding="utf-8"))["ground_truth"]
        return f"{(gold.get('title') or '').strip()}\n\n{(gold.get('main_content') or '').strip()}"
    return full.read_text(encoding="utf-8").strip()


def shared_data() -> Path:
    return semeval.default_path().parents[2]


def seed_case(settings: Settings) -> Case:
    from rashomon.pipeline import story_inputs

    base = shared_data() / "seeds"
    paths = sorted(str(p) for p in base.glob("*.txt"))
    _, results = story_inputs(paths, settings)
    docs = [r.record for r in results if isinstance(r.record, Doc)]
    return _case(SEED_PAIR, "en-en", docs[0], docs[1], settings)


def _case(pair_id: str, languages: str, a: Doc, b: Doc, settings: Settings) -> Case:
    story = story_of([a, b], [], features_for([a, b], settings))
    return Case(pair_id, languages, (a, b), story)


def units_and_links(
    case: Case, settings: Settings, threshold: float
) -> tuple[list[Unit], list[Link]]:
    """The story's claims as compare sees them and their links at `threshold`."""
    a, b = case.docs
    labels = [outlet_of(d).name for d in (a, b)]
    units = units_of([a, b], labels, case.story)
    vectors = _embed(
        [u.text for u in units],
        name=str(settings["stories.encoder"]),
        batch=_batch(settings),
        threads=int(settings["stories.encoder_threads"]),
    )
    strong = float(settings["compare.strong_threshold"])
    return units, align(units, vectors, threshold, strong)


def candidates(case: Case, settings: Settings, loose: float) -> Iterator[dict]:
    """Every pair of claims linked at the loose threshold, marked when rashomon links it."""
    units, links = units_and_links(case, settings, loose)
    real = float(settings["compare.link_threshold"])
    _, tight = units_and_links(case, settings, real)
    linked = {(k.a, k.b) for k in tight}
    for k in links:
        x, y = units[k.a], units[k.b]
        yield {
            "pair": case.pair_id,
            "languages": case.languages,
            "a": {"source": x.source, "start": x.claim.start, "text": x.text},
            "b": {"source": y.source, "start": y.claim.start, "text": y.text},
            "score": round(k.score, 3),
            "aligned": (k.a, k.b) in linked,
        }


def fact_pairs(case: Case, settings: Settings, cosine: float) -> Iterator[dict]:
    """Claim pairs of the two reports, linked or not, that state a count in the same unit or
    a day and read alike (cosine >= `cosine`): where conflicting facts would be."""
    units, _ = units_and_links(case, settings, 9.0)
    vectors = _embed(
        [u.text for u in units],
        name=str(settings["stories.encoder"]),
        batch=_batch(settings),
        threads=int(settings["stories.encoder_threads"]),
    )
    first = case.docs[0].article.origin
    left = [i for i, u in enumerate(units) if u.source == first]
    right = [i for i, u in enumerate(units) if u.source != first]
    for i in left:
        for j in right:
            x, y = units[i], units[j]
            if float(vectors[i] @ vectors[j]) < cosine or not _share_kind(x, y):
                continue
            yield {
                "pair": case.pair_id,
                "languages": case.languages,
                "a": {"source": x.source, "start": x.claim.start, "text": x.text},
                "b": {"source": y.source, "start": y.claim.start, "text": y.text},
                "score": round(float(vectors[i] @ vectors[j]), 3),
                "aligned": False,
            }


def _share_kind(x: Unit, y: Unit) -> bool:
    units = {n.unit for n in x.numbers} & {n.unit for n in y.numbers}
    return bool(units - {""}) or bool(x.days and y.days)


def load_labels(folder: Path = LABELS) -> list[dict]:
    """Every labelled row of the JSONL files in `folder` (not the story pairs' file)."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        if path.name == STORIES.name:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def side_key(side: dict) -> tuple[str, int]:
    """One side of a labelled pair as compare names a claim: its article and start."""
    return side["source"], int(side["start"])


def key_of(row: dict) -> tuple[str, str, str]:
    """A labelled pair's identity: the story and the two claim texts, whitespace folded."""
    a, b = (" ".join(row[side]["text"].split()) for side in ("a", "b"))
    return (row["pair"], *sorted((a, b)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", required=True, help="JSONL file to write the candidates to")
    parser.add_argument("--lang", default="", help='one language combination, e.g. "en-en"')
    parser.add_argument("--corpus", choices=CORPORA, default="semeval", help="which stories")
    parser.add_argument("--loose", type=float, default=LOOSE, help="looser link threshold")
    parser.add_argument(
        "--facts", type=float, default=0.0, help="instead: fact-sharing pairs from this cosine"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    with open(args.dump, "w", encoding="utf-8") as out:
        for case in cases(settings, args.lang, corpus=args.corpus):
            rows = (
                fact_pairs(case, settings, args.facts)
                if args.facts
                else candidates(case, settings, args.loose)
            )
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
