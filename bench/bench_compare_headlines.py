"""Headlines that overstate their body, on real headlines: what the check flags and why.

    .venv/bin/python bench/bench_compare_headlines.py            # every English WCXB page
    .venv/bin/python bench/bench_compare_headlines.py --show 0   # figures only

Pages: the WCXB dev article pages (../shared/data/extraction/wcxb-dev) whose gold body is in
English and whose gold has a title: the gold title is the headline and the gold body the
text, so the figures measure the headline check, not extraction. Then the AEB pages
(../shared/data/extraction/aeb, news articles) in English: AEB has no gold title, so the
headline is the one `clean_html` reads from the page (0.87 exact on WCXB), over the gold body.
Figures are printed per corpus. Each page is annotated
(cached under /tmp, keyed by the annotate code) and compared on its own; its HeadlineCheck's
`overstates` are counted per kind, per 100 headlines, and every one is printed for reading.

Anchor, run on the same pages: the check a plain tool can make without reading either side, a
headline figure (digits) that appears nowhere in the body text. It flags every rewording of a
figure ("two" for "2", "1.5m" for "1,500,000") and every list count ("10 ways"), so its
flags are printed beside ours: the gap is what reading the figures' units and bounds buys.

There is no labelled set of real overstatements here (issue 19 asks for one; none of the
shared data carries it), so precision is read by hand from the printed flags, and recall is
not measured. The unit tests (tests/test_overstate.py) hold the kinds the check must find.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aeb  # noqa: E402
import wcxb  # noqa: E402

from rashomon.annotate import annotate_stream  # noqa: E402
from rashomon.clean.html import clean_html  # noqa: E402
from rashomon.clean.language import detect  # noqa: E402
from rashomon.compare import compare_story  # noqa: E402
from rashomon.model import Article, Doc, HeadlineCheck, Story, content_id  # noqa: E402
from rashomon.settings import Settings  # noqa: E402

CACHE = Path("/tmp/rashomon-bench-headlines")
ROOT = Path(__file__).resolve().parents[1] / "rashomon"
MIN_BODY = 300  # characters: shorter gold bodies are listings, not articles
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=50, help="flags printed per side")
    args = parser.parse_args()
    settings = Settings()
    for corpus, items in (("WCXB dev", articles(settings)), ("AEB", aeb_articles(settings))):
        report(corpus, annotated(items, settings), settings, args.show)


def report(corpus: str, docs: list[Doc], settings: Settings, show: int) -> None:
    started = time.perf_counter()
    checks = [headline_check(d, settings) for d in docs]
    seconds = time.perf_counter() - started
    checks = [c for c in checks if c is not None]
    ours = [(c, o) for c in checks for o in c.overstates]
    anchor = [(d, f) for d in docs for f in figure_absent(d)]
    per = 100 / max(1, len(checks))
    print(f"\n== {corpus}: {len(checks)} English headlines over their gold bodies")
    print(f"compare with headline checks: {1000 * seconds / max(1, len(docs)):.1f} ms a page")
    print()
    print("| check | headlines flagged | flags | per 100 headlines | by kind |")
    print("|---|---|---|---|---|")
    kinds = Counter(o.kind for _, o in ours)
    flagged = len({c.source for c, _ in ours})
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "–"
    print(f"| rashomon overstates | {flagged} | {len(ours)} | {len(ours) * per:.1f} | {by_kind} |")
    anchor_pages = len({d.article.origin for d, _ in anchor})
    print(
        f"| anchor: headline figure absent from body | {anchor_pages} | {len(anchor)} | "
        f"{len(anchor) * per:.1f} | number {len(anchor)} |"
    )
    if show:
        print("\nrashomon's flags:")
        for check, found in ours[:show]:
            print(f"- [{check.source}] {found.kind}: {check.headline!r}")
            print(f"    body: {found.evidence.text[:240]!r}")
            print(f"    {found.why}")
        print("\nthe anchor's flags:")
        for doc, figure in anchor[:show]:
            print(f"- [{doc.article.origin}] {figure!r} in {doc.article.title!r}")


def articles(settings: Settings) -> list[Article]:
    """The English WCXB pages with a gold title, as articles of their gold text."""
    found = []
    for page in wcxb.pages():
        if not page.title or len(page.body) < MIN_BODY:
            continue
        language, _ = detect(page.body[:2000], settings)
        if language != "en":
            continue
        found.append(
            Article(
                id=content_id(page.body.encode()),
                origin=page.file_id,
                text=page.body,
                title=page.title,
                url=page.url,
                language="en",
                extractor="as-is",
            )
        )
    return found


def aeb_articles(settings: Settings) -> list[Article]:
    """The English AEB pages: the headline clean_html reads, over the page's gold body."""
    gold = aeb.gold_bodies()
    found = []
    for item_id, url, html in aeb.pages():
        body = gold.get(item_id) or ""
        if len(body) < MIN_BODY or detect(body[:2000], settings)[0] != "en":
            continue
        title = clean_html(html, url=url, settings=settings).title
        if not title:
            continue
        found.append(
            Article(
                id=content_id(body.encode()),
                origin=f"aeb/{item_id}",
                text=body,
                title=title,
                url=url,
                language="en",
                extractor="as-is",
            )
        )
    return found


def annotated(items: list[Article], settings: Settings) -> list[Doc]:
    """The articles annotated, from the cache when the annotate code has not changed."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("annotate/*.py"), ROOT / "model.py", ROOT / "defaults.toml"]):
        digest.update(path.read_bytes())
    digest.update("\0".join(a.id for a in items).encode())
    path = CACHE / f"docs-{digest.hexdigest()[:16]}.pkl"
    if path.exists():
        docs: list[Doc] = pickle.loads(path.read_bytes())
        return docs
    started = time.perf_counter()
    docs = [d for d in annotate_stream(items, settings) if isinstance(d, Doc)]
    print(f"annotated {len(docs)} pages in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)
    return docs


def headline_check(doc: Doc, settings: Settings) -> HeadlineCheck | None:
    origin = doc.article.origin
    story = Story(origin, doc.article.title or "", (origin,))
    checks = compare_story(story, {origin: doc}, settings).headlines
    return checks[0] if checks else None


def figure_absent(doc: Doc) -> list[str]:
    """The anchor: each figure of the headline that the body does not contain as written."""
    body = set(_DIGITS.findall(doc.article.text))
    return [f for f in _DIGITS.findall(doc.article.title or "") if f not in body]


if __name__ == "__main__":
    main()
