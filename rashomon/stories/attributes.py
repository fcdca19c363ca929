"""What a story is about, from its members: when it happened, who took part, where, and a
short label. Folded copies never vote (a wire story carried by ten sites is one account).

- **Event date**: each member votes once for each calendar day its lead names ("on
  Wednesday", "January 31"), placed against its own publication date or, for an undated
  member, against the story's anchor (the median publication date of its dated members, else
  the day the leads name most); a
  member whose lead names no day votes half for its publication date (an undated one a quarter
  for each day its text names). The day with most votes
  wins, the one nearer the anchor on a tie. This is where relative expressions in undated
  reports get their date: every one of them is resolved against the anchor and listed in
  `dates`.
- **Participants**: people named by more than half of the members and in at least one lead
  (a singleton: in its lead), most-named first; organisations when no person qualifies.
- **Place**: the location named "in"/"at" or in the dateline of most leads.
- **Label**: the lead sentence naming most participants (of a readable length), cut to 140
  characters; the first title when no lead sentence names one.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from rashomon.annotate.times import resolve
from rashomon.model import DatedMention, Doc, TimeExpr

__all__ = ["event_date", "label", "participants", "place"]

_LEAD_SENTENCES = 3
_LABEL_CHARS = 140
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|near|from)\s+(?:the\s+)?|^)$", re.I)
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


def _lead_end(doc: Doc) -> int:
    if doc.sentences:
        return doc.sentences[:_LEAD_SENTENCES][-1][1]
    return min(len(doc.article.text), 600)


def anchor_of(docs: Sequence[Doc]) -> date | None:
    """The median publication date of the dated members."""
    days = sorted(d.article.published.toordinal() for d in docs if d.article.published)
    return date.fromordinal(int(statistics.median_low(days))) if days else None


def _placed(t: TimeExpr, doc: Doc, anchor: date | None) -> TimeExpr:
    if t.anchor == "none" and t.relative:
        base = doc.article.published or anchor
        if base is not None:
            return resolve(t, base, "published" if doc.article.published else "story")
    return t


def _mention(doc: Doc, t: TimeExpr) -> DatedMention:
    return DatedMention(doc.article.origin, t.start, t.end, t.text, t.value or "", t.anchor)


def resolved_mentions(docs: Sequence[Doc], anchor: date | None) -> list[DatedMention]:
    """Every relative expression of the undated members placed against `anchor`."""
    if anchor is None:
        return []
    found = []
    for doc in docs:
        if doc.article.published is not None:
            continue
        for t in doc.times:
            placed = _placed(t, doc, anchor)
            if placed is not t and placed.value:
                found.append(_mention(doc, placed))
    return found


def event_date(docs: Sequence[Doc]) -> tuple[str | None, list[DatedMention]]:
    """(the story's event day, the mentions it rests on and every relative expression the
    story resolved)."""
    anchor = anchor_of(docs)
    votes: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[DatedMention]] = defaultdict(list)
    for doc in docs:
        days = _days(doc, anchor, _lead_end(doc))
        for value, mentions in days.items():
            votes[value] += 1.0
            evidence[value].extend(mentions)
        if not days and doc.article.published is not None:
            votes[doc.article.published.isoformat()] += 0.5
        elif not days:
            for value, mentions in _days(doc, anchor, len(doc.article.text)).items():
                votes[value] += 0.25
                evidence[value].extend(mentions)
    if not votes:
        return None, resolved_mentions(docs, anchor)
    reference = anchor.toordinal() if anchor else 0
    best = max(
        votes,
        key=lambda v: (votes[v], -abs(date.fromisoformat(v).toordinal() - reference), v),
    )
    resolved = resolved_mentions(docs, anchor or date.fromisoformat(best))
    chosen = evidence.get(best, [])
    extra = [m for m in resolved if m not in chosen]
    return best, chosen + extra


def _days(doc: Doc, anchor: date | None, end: int) -> dict[str, list[DatedMention]]:
    """The calendar days named before `end`, with their mentions."""
    days: dict[str, list[DatedMention]] = defaultdict(list)
    for t in doc.times:
        if t.start >= end:
            continue
        placed = _placed(t, doc, anchor)
        if placed.granularity == "day" and placed.value and _plausible(placed.value, anchor):
            days[placed.value].append(_mention(doc, placed))
    return days


def _plausible(value: str, anchor: date | None) -> bool:
    """A day that can be the event of a report published around `anchor`: not after it (by
    more than a day), not more than a year before."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    if anchor is None:
        return True
    return -366 <= (day - anchor).days <= 1


def participants(docs: Sequence[Doc], limit: int = 6) -> list[str]:
    """People named by more than half of the members (a singleton: named in its lead), most
    named first; organisations when no person qualifies."""
    for types in (("PERSON",), ("ORG",)):
        found = _central(docs, types, limit)
        if found:
            return found
    return []


def _central(docs: Sequence[Doc], types: tuple[str, ...], limit: int) -> list[str]:
    """Names of `types` named by more than half of `docs` and in at least one lead (the only
    member's lead for a singleton), most named first."""
    members: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for n, doc in enumerate(docs):
        end = _lead_end(doc)
        named, in_lead = set(), set()
        for e in doc.entities:
            if e.type not in types:
                continue
            mentions[e.canonical] += 1
            if e.via in ("pronoun", "description"):
                continue
            named.add(e.canonical)
            first.setdefault(e.canonical, (n, e.start))
            if e.start < end:
                in_lead.add(e.canonical)
        members.update(named)
        leads.update(in_lead)
    needed = len(docs) // 2 + 1 if len(docs) > 1 else 1
    chosen = [name for name, count in members.items() if count >= needed and leads[name]]
    chosen.sort(key=lambda name: (-members[name], -leads[name], -mentions[name], first[name]))
    return chosen[:limit]


def place(docs: Sequence[Doc]) -> str | None:
    """The location most leads name after "in"/"at" or open with (a dateline)."""
    votes: Counter[str] = Counter()
    for doc in docs:
        text = doc.article.text
        end = _lead_end(doc)
        seen = set()
        for e in doc.entities:
            named_here = e.type in _PLACE_TYPES and e.start < end and e.via == "name"
            if named_here and _PLACE_BEFORE.search(text[max(0, e.start - 12) : e.start]):
                seen.add(e.canonical)
        votes.update(seen)
    if not votes:
        return None
    name, count = min(votes.items(), key=lambda item: (-item[1], item[0]))  # ties: by name
    return name if count > len(docs) / 2 else None


def label(docs: Sequence[Doc], people: Sequence[str]) -> str:
    """The lead sentence naming most participants, among those of a readable length (40 to 220
    characters) the one nearest 110, cut to 140 characters; the first title when no lead
    sentence names a participant."""
    best: tuple[int, int, int, str] | None = None
    wanted = set(people)
    for doc in docs:
        for start, end in doc.sentences[:_LEAD_SENTENCES]:
            sentence = " ".join(doc.article.text[start:end].split())
            if len(sentence) < 20:
                continue
            named = {e.canonical for e in doc.entities if start <= e.start < end} & wanted
            readable = 0 if 40 <= len(sentence) <= 220 else 1
            rank = (-len(named), readable, abs(len(sentence) - 110), sentence)
            if best is None or rank < best:
                best = rank
    titles = [d.article.title for d in docs if d.article.title]
    if best is None or (best[0] == 0 and titles):
        return _cut(titles[0]) if titles else ""
    return _cut(best[3])


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _LABEL_CHARS:
        return text
    return text[: _LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"
