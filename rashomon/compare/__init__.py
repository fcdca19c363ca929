"""Compare: the reports of one story side by side.

`compare_story(story, docs, settings)` takes a story (rashomon.stories) and its annotated
reports and returns a Comparison:

- claim groups (align.py): claims of different reports that state the same thing, each with
  a verdict — "agree" (two or more independent outlets; a folded copy is not compared again,
  so it counts once), "only_in" (one outlet, naming the outlets of comparable coverage that
  left it out) or "contradict" (conflicts.py names the facts that disagree);
- headline checks (headlines.py): each headline against its own body and the rest of the
  story; a headline worded as a quotation against every quote;
- provenance (provenance.py): whose account each report relays and how many of its quotes
  are attributed, and which relays feed which outlets;
- signals (signals.py): opinion share, loaded or sensational wording, promotional lines
  removed while cleaning, a missing byline or date, the outlet's profile.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import PurePath

import numpy as np

from rashomon.compare.align import Link, align, groups_of
from rashomon.compare.conflicts import conflicts
from rashomon.compare.headlines import Thresholds, check_headlines
from rashomon.compare.provenance import provenance_of, relays_of
from rashomon.compare.signals import signals_of
from rashomon.compare.units import Unit, claim_ref, units_of
from rashomon.model import ClaimGroup, Comparison, Conflict, Doc, Outlet, Story, Verdict
from rashomon.outlets import identify
from rashomon.settings import Settings
from rashomon.stories.encoder import Memo, embed

__all__ = ["compare_story", "outlet_of"]

VERDICT_ORDER = {Verdict.CONTRADICT: 0, Verdict.AGREE: 1, Verdict.ONLY_IN: 2}
NAMED_MISSING = 3  # outlets named in an only_in reason; `missing` always lists them all


def compare_story(
    story: Story, docs: Mapping[str, Doc], settings: Settings, memo: Memo | None = None
) -> Comparison:
    """Compare the reports of `story` (`docs` maps each article's origin to its Doc). With a
    `memo`, sentences encoded before (the story's earlier members) are not encoded again."""
    members = [docs[s] for s in story.articles if s in docs]
    copies = {copy for copy, _ in story.duplicates}
    originals = [d for d in members if d.article.origin not in copies]
    outlets = {d.article.origin: outlet_of(d) for d in members}
    labels = [outlets[d.article.origin].name for d in originals]
    units = units_of(originals, labels, story, settings.compare.fact_rules)
    encode = partial(
        _embed,
        name=settings.stories.encoder,
        batch=_batch(settings),
        threads=settings.stories.encoder_threads,
        memo=memo,
    )
    vectors = encode([u.text for u in units])
    groups = _claim_groups(units, vectors, settings, story)
    thresholds = Thresholds(
        settings.compare.headline_supported,
        settings.compare.headline_partly,
        settings.annotate.model,
    )
    provenance = [provenance_of(d, outlets[d.article.origin].name) for d in members]
    return Comparison(
        story=story,
        groups=tuple(groups),
        headlines=tuple(check_headlines(originals, units, vectors, encode, thresholds)),
        provenance=tuple(provenance),
        relays=relays_of(provenance),
        signals=tuple(signals_of(d, outlets[d.article.origin]) for d in members),
    )


def _claim_groups(
    units: Sequence[Unit], vectors: np.ndarray, settings: Settings, story: Story
) -> list[ClaimGroup]:
    """Align the claims, group them and give each group its verdict, contradictions first,
    then agreements by how many outlets share them, then claims of one outlet."""
    links = align(
        units,
        vectors,
        settings.compare.link_threshold,
        settings.compare.strong_threshold,
    )
    members = groups_of(len(units), links)
    group_of = {i: n for n, group in enumerate(members) for i in group}
    edges: list[list[Link]] = [[] for _ in members]
    for link in links:
        edges[group_of[link.a]].append(link)
    coverage = _coverage(units)
    share = settings.compare.comparable_share
    rules = settings.compare.fact_rules
    groups = [
        _group(m, e, units, coverage, share, rules) for m, e in zip(members, edges, strict=True)
    ]
    groups.sort(key=lambda g: (VERDICT_ORDER[g.verdict], -len(g.outlets), _first(g, story)))
    return groups


def outlet_of(doc: Doc) -> Outlet:
    """The outlet that published `doc`: the registry's, else what the page shows, else one
    named after the input ("unknown: report.txt"), so two unknown outlets never merge."""
    outlet = identify(doc.article.url, doc.article.outlet)
    if outlet.name:
        return outlet
    return Outlet(name=f"unknown: {PurePath(doc.article.origin).name}")


def _batch(settings: Settings) -> int:
    return max(1, settings.compare.encode_batch)


def _embed(
    texts: Sequence[str], name: str, batch: int, threads: int, memo: Memo | None = None
) -> np.ndarray:
    run = memo.embed if memo is not None else embed
    rows = [run(texts[i : i + batch], name, threads) for i in range(0, len(texts), batch)]
    return np.concatenate(rows) if rows else np.zeros((0, 1), np.float32)


def _coverage(units: Sequence[Unit]) -> dict[str, int]:
    """How many claims each outlet states about the story."""
    found: dict[str, int] = {}
    for u in units:
        found[u.outlet] = found.get(u.outlet, 0) + 1
    return found


def _group(
    members: list[int],
    edges: Sequence[Link],
    units: Sequence[Unit],
    coverage: Mapping[str, int],
    share: float,
    rules: bool = True,
) -> ClaimGroup:
    claims = tuple(claim_ref(units[i]) for i in members)
    outlets = tuple(dict.fromkeys(units[i].outlet for i in members))
    published = {units[i].source: units[i].published for i in members}
    found, changes = _split_changes(_conflicts(edges, units, rules), published)
    score = round(float(np.mean([k.score for k in edges])), 3) if edges else 1.0
    gid = "c" + hashlib.sha1("|".join(f"{c.source}:{c.start}" for c in claims).encode()).hexdigest()
    copies = _copies(members, units) if rules else []
    agreement = _agreement(outlets, changes, published, copies)
    group = ClaimGroup(gid[:11], Verdict.AGREE, agreement, claims, outlets)
    group = replace(group, score=score, changes=changes)
    if found:
        reason = _contradiction(found)
        return replace(group, verdict=Verdict.CONTRADICT, reason=reason, conflicts=found)
    if len(outlets) > 1:
        return group
    missing = _comparable(outlets[0], coverage, share)
    alone = len(coverage) < 2
    reason = _only(outlets[0], missing, alone)
    return replace(group, verdict=Verdict.ONLY_IN, reason=reason, missing=missing)


def _split_changes(
    found: tuple[Conflict, ...], published: Mapping[str, str | None]
) -> tuple[tuple[Conflict, ...], tuple[Conflict, ...]]:
    """Figures that differ between reports published on different days are a later count
    (a death toll rising overnight), not a contradiction; everything else stays a conflict."""
    changes = tuple(c for c in found if c.kind == "number" and _days_apart(c, published))
    return tuple(c for c in found if c not in changes), changes


def _days_apart(c: Conflict, published: Mapping[str, str | None]) -> bool:
    days = [published.get(s) for s in c.sources]
    return all(days) and days[0] != days[1]


def _conflicts(
    edges: Sequence[Link], units: Sequence[Unit], rules: bool = True
) -> tuple[Conflict, ...]:
    found: dict[tuple[str, str, str], Conflict] = {}
    for k in edges:
        if k.restatement:
            continue  # linked through another claim of its report: not compared directly
        for c in conflicts(units[k.a], units[k.b], k, rules):
            found.setdefault((c.kind, c.left, c.right), c)
    return tuple(found.values())


def _comparable(outlet: str, coverage: Mapping[str, int], share: float) -> tuple[str, ...]:
    own = coverage.get(outlet, 0)
    return tuple(
        name for name, n in coverage.items() if name != outlet and n >= share * own and n > 0
    )


COPY_SHARE = 0.9  # word-set Jaccard from which two claims are one text passed on (wire copy)
COPY_WORDS = 8  # and only claims this long: short phrases coincide without copying


def _copies(members: Sequence[int], units: Sequence[Unit]) -> list[list[str]]:
    """Outlets of the group whose claims are one text passed on verbatim (a wire story run by
    several outlets): each list is one source, in outlet order; outlets alone are left out."""
    words = {i: set(units[i].words) for i in members}
    parent = {units[i].outlet: units[i].outlet for i in members}

    def root(o: str) -> str:
        while parent[o] != o:
            o = parent[o]
        return o

    for n, i in enumerate(members):
        for j in members[n + 1 :]:
            a, b = units[i], units[j]
            if a.outlet != b.outlet and _verbatim(words[i], words[j]):
                parent[root(a.outlet)] = root(b.outlet)
    found: dict[str, list[str]] = {}
    for outlet in dict.fromkeys(units[i].outlet for i in members):
        found.setdefault(root(outlet), []).append(outlet)
    return [names for names in found.values() if len(names) > 1]


def _verbatim(a: set[str], b: set[str]) -> bool:
    if min(len(a), len(b)) < COPY_WORDS:
        return False
    return len(a & b) / len(a | b) >= COPY_SHARE


def _agreement(
    outlets: Sequence[str],
    changes: Sequence[Conflict],
    published: Mapping[str, str | None],
    copies: Sequence[Sequence[str]] = (),
) -> str:
    reason = f"stated by {len(outlets)} independent outlets: {', '.join(outlets)}"
    if copies:
        sources = len(outlets) - sum(len(c) - 1 for c in copies)
        shared = "; ".join(", ".join(c) for c in copies)
        reason = (
            f"stated by {len(outlets)} outlets, {sources} independent "
            f"{'source' if sources == 1 else 'sources'}: {', '.join(outlets)}; "
            f"in the same words, so one source each: {shared}"
        )
    for c in changes:
        first, second = (published.get(s) for s in c.sources)
        reason += (
            f"; the figure changed between reports of different days: {c.left!r} ({first}) "
            f"and {c.right!r} ({second}), a later count rather than a contradiction"
        )
    return reason


def _only(outlet: str, missing: Sequence[str], alone: bool = False) -> str:
    if alone:
        return f"only {outlet}; no other outlet reports this story"
    if not missing:
        return f"only {outlet}; no other outlet covers the story as fully"
    if len(missing) > NAMED_MISSING:
        named = ", ".join(missing[:NAMED_MISSING])
        return (
            f"only {outlet}; left out by {len(missing)} outlets of comparable coverage ({named}, …)"
        )
    return f"only {outlet}; left out by {', '.join(missing)} (comparable coverage)"


def _contradiction(found: Sequence[Conflict]) -> str:
    parts = [
        f"{c.kind}: {c.left!r} against {c.right!r}" + (f" ({c.why})" if c.why else "")
        for c in found
    ]
    return "the reports disagree on " + "; ".join(parts)


def _first(group: ClaimGroup, story: Story) -> tuple[int, int]:
    first = group.claims[0]
    order = story.articles.index(first.source) if first.source in story.articles else 0
    return (order, first.start)
