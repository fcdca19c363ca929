"""Stories: which reports tell the same event, across outlets and languages.

`cluster.cluster` re-clusters a corpus of annotated reports (`rashomon.pipeline.build_stories`
runs it through the plan): near-identical
copies are folded into their original (`cluster.py`, MinHash LSH), the rest are grouped by a
calibrated pair model over lead vectors, words and names (`score.py`) with blocking by names,
vector bands and time, and each story gets its event date, participants, place and label
(`attributes.py`). Every report is in exactly one story; a report that matches nothing is a
story of its own. `StoryIndex` is the incremental form: add reports as they arrive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from rashomon.model import Doc, Story
from rashomon.outlets import identify
from rashomon.settings import Settings
from rashomon.stories.attributes import event_date, label, participants, place
from rashomon.stories.cluster import StoryIndex
from rashomon.stories.encoder import embed
from rashomon.stories.features import Features, features_of, lead_text
from rashomon.stories.score import Scorer, default_scorer

__all__ = [
    "Features",
    "Scorer",
    "StoryIndex",
    "add_exact_copies",
    "default_scorer",
    "embed_leads",
    "features_for",
    "story_of",
]

Progress = Callable[[int], None]


def features_for(docs: Sequence[Doc], settings: Settings) -> list[Features]:
    """The story features of each doc, its outlet named by the registry."""
    lead = settings.stories.lead_chars
    perms = settings.stories.num_perm
    found = []
    for doc in docs:
        outlet = identify(doc.article.url, doc.article.outlet)
        found.append(features_of(doc, lead, perms, outlet.name or None))
    return found


def embed_leads(
    docs: Sequence[Doc], settings: Settings, progress: Progress | None = None
) -> np.ndarray:
    """Unit lead vectors of `docs`, one row each, embedded in batches."""
    lead = settings.stories.lead_chars
    batch = max(1, settings.stories.encode_batch)
    threads = settings.stories.encoder_threads
    rows = []
    for start in range(0, len(docs), batch):
        chunk = docs[start : start + batch]
        texts = [lead_text(d, lead) for d in chunk]
        rows.append(embed(texts, settings.stories.encoder, threads))
        if progress:
            progress(len(chunk))
    return np.concatenate(rows) if rows else np.zeros((0, 1), np.float32)


def story_of(
    originals: Sequence[Doc],
    copies: Sequence[tuple[Doc, Doc]],
    features: Sequence[Features],
    scores: Sequence[float | None] | None = None,
) -> Story:
    """A Story from its original members (arrival order), its (copy, original) pairs, the
    features of all of them (for the outlets) and, when known, the score that placed each
    original (copies have none)."""
    people = participants(originals)
    day, dates = event_date(originals)
    sources = [d.article.origin for d in originals] + [c.article.origin for c, _ in copies]
    outlets = list(dict.fromkeys(f.outlet for f in features if f.outlet))
    languages = list(dict.fromkeys(d.article.language for d in originals if d.article.language))
    return Story(
        id="s" + hashlib.sha256(originals[0].article.id.encode()).hexdigest()[:12],
        label=label(originals, people),
        articles=tuple(sources),
        outlets=tuple(outlets),
        event_date=day,
        participants=tuple(people),
        place=place(originals),
        duplicates=tuple((c.article.origin, o.article.origin) for c, o in copies),
        dates=tuple(dates),
        languages=tuple(languages),
        scores=(*scores, *(None for _ in copies)) if scores is not None else (),
    )


def add_exact_copies(stories: Sequence[Story], copies: Sequence[tuple[str, str]]) -> list[Story]:
    """`stories` with inputs that repeat another input byte for byte (the pipeline processes
    those once) listed as copies of it, in the story of their original."""
    found: dict[str, list[tuple[str, str]]] = {}
    for copy, original in copies:
        found.setdefault(original, []).append((copy, original))
    updated = []
    for story in stories:
        extra = [pair for source in story.articles for pair in found.get(source, ())]
        if extra:
            story = replace(
                story,
                articles=story.articles + tuple(c for c, _ in extra),
                duplicates=story.duplicates + tuple(extra),
                scores=story.scores + (None,) * len(extra) if story.scores else (),
            )
        updated.append(story)
    return updated
