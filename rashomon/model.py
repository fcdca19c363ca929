"""The records passed between stages. Frozen dataclasses; nothing else lives here.

RawDoc  --clean-->  Article  --annotate-->  Doc

Every record a stage returns is new; a stage never mutates what it was given.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from rashomon.errors import Reason

__all__ = [
    "ClaimGroup",
    "ClaimRef",
    "Comparison",
    "Conflict",
    "DatedMention",
    "HeadlineCheck",
    "HeadlineVerdict",
    "Provenance",
    "Signals",
    "Story",
    "WordHit",
    "Article",
    "Claim",
    "Doc",
    "Entity",
    "Hints",
    "Outcome",
    "Outlet",
    "Overstatement",
    "ParagraphLanguage",
    "Quote",
    "QuoteKind",
    "RawDoc",
    "Removed",
    "Result",
    "Stance",
    "TimeExpr",
    "Verdict",
    "content_id",
]


def content_id(body: bytes) -> str:
    """The id of a document: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(body).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata that came with a document from its container (feed item, JSONL object, WARC
    headers). The cleaner prefers what the article itself says and falls back to these."""

    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    byline: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One input document as ingested, before any cleaning.

    `origin` names where it came from in words a user recognises: a path, `path#record-3`,
    a feed's path and item, a URL, or `<stdin>`.
    """

    id: str
    body: bytes
    media_type: str
    origin: str
    url: str | None = None
    fetched_at: datetime | None = None
    encoding: str | None = None
    hints: Hints = field(default_factory=Hints)

    @classmethod
    def from_bytes(cls, body: bytes, media_type: str, origin: str, **kwargs: object) -> RawDoc:
        return cls(id=content_id(body), body=body, media_type=media_type, origin=origin, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Removed:
    """A line or block the cleaner took out, kept for the audit.

    `reason` is a short code (see rashomon.clean.reasons); `position` is the line index in the
    input text (or the block index for HTML), so the removed lines can be put back in order.
    """

    text: str
    reason: str
    position: int


@dataclass(frozen=True, slots=True)
class ParagraphLanguage:
    """A paragraph whose language differs from the article's."""

    index: int
    language: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the report without its page.

    `text` is the body's paragraphs joined by blank lines; every later span is a character
    offset into it. The title is not part of `text`.
    """

    id: str
    origin: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: date | None = None
    language: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    extractor: str = ""
    removed: tuple[Removed, ...] = ()
    foreign_paragraphs: tuple[ParagraphLanguage, ...] = ()

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention of a named thing. `canonical` is the name every mention of the same thing
    shares (the longest form in the article, or the resolver's name across a corpus); `key` is
    a stable id for the thing (`person:angela-merkel`). `role` is the title or office the article
    gives it ("Defense Minister of China"). `via` says how a non-name mention was tied to the
    thing: "name", "surname", "alias", "demonym", "pronoun", "description"."""

    start: int
    end: int
    text: str
    type: str
    canonical: str
    key: str
    role: str | None = None
    via: str = "name"
    produced_by: str = "rashomon.entities.v1"


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression. `value` is ISO (2024-01-31, 2023-12, 2023, 2024-W05,
    2024-01-29/2024-02-02 for a range) or None when it cannot be placed on the calendar.
    `granularity`: day, week, month, quarter, year, decade, range, or "vague".
    `anchor` says what it was resolved against: "absolute" (it names its own date),
    "published", or "none" (left relative: `relative` then holds what a later stage needs,
    e.g. {"unit": "weekday", "weekday": 2, "direction": "nearest_past"})."""

    start: int
    end: int
    text: str
    value: str | None
    granularity: str
    anchor: str
    relative: dict[str, object] | None = None
    produced_by: str = "rashomon.times.v1"


class QuoteKind(StrEnum):
    """A quote's form: `direct` (the words inside quotation marks) or `indirect` (reported
    speech: "he said that ...")."""

    DIRECT = "direct"
    INDIRECT = "indirect"


@dataclass(frozen=True, slots=True)
class Quote:
    """Reported speech. `start`/`end` cover the content (for direct quotes, inside the marks).
    `speaker` is canonical (None when the article names nobody); `via` lists the relays from the
    speaker outward to the outlet ("Russian Defense Ministry"). `continues` is the index of the
    quote whose speaker this one carries on without a new cue."""

    kind: QuoteKind
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_span: tuple[int, int] | None
    cue: str | None
    cue_span: tuple[int, int] | None
    addressee: str | None = None
    addressee_span: tuple[int, int] | None = None
    via: tuple[str, ...] = ()
    anonymous: bool = False
    continues: int | None = None
    produced_by: str = "rashomon.quotes.v1"


class Stance(StrEnum):
    """How an article puts a claim forward: `asserted` (the outlet's own voice), `reported`
    (inside a quote), `opinion`, `hedged`; `unknown` for a sentence of a language no claim
    finder reads (compare's sentence units)."""

    ASSERTED = "asserted"
    REPORTED = "reported"
    OPINION = "opinion"
    HEDGED = "hedged"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence or clause the article puts forward. `stance`: asserted (the outlet's own
    voice), reported (inside quote `quote`), opinion, hedged. `numbers` keep their units."""

    start: int
    end: int
    text: str
    stance: Stance
    quote: int | None = None
    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    negated: bool = False
    cues: tuple[str, ...] = ()
    produced_by: str = "rashomon.claims.v1"


@dataclass(frozen=True, slots=True)
class Doc:
    """An article with its annotation layers, every span a character offset into
    `article.text`. `sentences` are (start, end) pairs. `limits` says which layers were left
    out and why (an article in a language the model does not read gets only its quote marks)."""

    article: Article
    sentences: tuple[tuple[int, int], ...] = ()
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    limits: tuple[str, ...] = ()  # what was not annotated and why (a language with no model)


@dataclass(frozen=True, slots=True)
class DatedMention:
    """A time expression of one member placed on the calendar by the story: `source` is the
    member's origin, `text` the words ("Wednesday"), `value` the ISO date they resolve to,
    `anchor` what they were resolved against ("published", "story", "absolute")."""

    source: str
    start: int
    end: int
    text: str
    value: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Story:
    """The reports of one event. `articles` are member origins (one per input report, copies
    included); `duplicates` are (copy, original) pairs of near-identical reports folded into
    one (a copy is not independent confirmation); `outlets` every outlet that carried it, copies
    included. `event_date` is the consensus of the members' resolved dates (ISO day) and
    `dates` the mentions it rests on; `participants` the people (else organisations) central
    to most members; `place` the most named location of the leads. `scores`, one per
    article when known, is the same-story score that placed it (None for the report that
    opened the story and for a copy); `stories.link_threshold` is the least a joiner has."""

    id: str
    label: str
    articles: tuple[str, ...]
    outlets: tuple[str, ...] = ()
    event_date: str | None = None
    participants: tuple[str, ...] = ()
    place: str | None = None
    duplicates: tuple[tuple[str, str], ...] = ()
    dates: tuple[DatedMention, ...] = ()
    languages: tuple[str, ...] = ()
    scores: tuple[float | None, ...] = ()


class Outcome(StrEnum):
    """How a document's run ended. `ok`: processed; `skipped`: left out for a counted reason
    (a duplicate, no article text); `failed`: bad input, recorded with its reason."""

    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Result:
    """What the pipeline reports for one input document.

    `reason` is the short code the summary table counts by (`Reason`: ok, duplicate, empty, …);
    `detail` is the one clear line a user reads.
    """

    origin: str
    outcome: Outcome
    reason: Reason
    detail: str = ""
    id: str | None = None
    record: Article | Doc | None = None

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet: who published a report.

    A known outlet comes from the registry (rashomon/data/outlets.tsv): `ownership` is "state",
    "public" or "private", and `state_affiliated` says whether a government controls it, with
    the `basis` for that in words and a public `source` URL. An unknown outlet (`known` False)
    is a profile of what was observed: its `name` is the registered domain (or the signature
    text when there is no URL), `domains` and `languages` are those seen, `aliases` the names it
    signed with, `articles` how many articles were seen; what was not observed is None.
    """

    name: str
    domains: tuple[str, ...] = ()
    country: str | None = None
    languages: tuple[str, ...] = ()
    ownership: str | None = None
    state_affiliated: bool | None = None
    basis: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()
    known: bool = False
    articles: int = 0


# -- comparison (rashomon.compare) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """One claim (or headline, or quote) of one article, by its character offsets in that
    article's clean text. `outlet` is the outlet that published it; `speaker` whose words these
    are when the article reports them (None for the outlet's own voice)."""

    source: str
    start: int
    end: int
    text: str
    outlet: str = ""
    speaker: str | None = None
    stance: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two aligned claims whose facts disagree: `kind` is "number", "date", "place",
    "negation", "speaker" or "predicate"; `left` and `right` are the conflicting facts as each
    article states them ("12 soldiers" / "15 soldiers"), `sources` the two articles. The
    explanation: `spans` the two claims' text, `starts` where each stands in its article, `why`
    one line on why the facts cannot both hold."""

    kind: str
    left: str
    right: str
    sources: tuple[str, str]
    spans: tuple[str, ...] = ()
    starts: tuple[int, ...] = ()
    why: str = ""


class Verdict(StrEnum):
    """A claim group's verdict: `agree` (two or more independent outlets state it), `only_in`
    (one outlet does), `contradict` (the outlets' facts disagree)."""

    AGREE = "agree"
    ONLY_IN = "only_in"
    CONTRADICT = "contradict"


class HeadlineVerdict(StrEnum):
    """How much of a headline a body passage backs: `supported`, `partly`, `unsupported`."""

    SUPPORTED = "supported"
    PARTLY = "partly"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims from the members of one story that state the same thing.

    `verdict` is "agree" (two or more independent outlets), "only_in" (one outlet; `missing`
    names the outlets whose coverage was comparable and left it out) or "contradict" (the
    `conflicts` name the facts that disagree). `changes` are figures that differ between
    reports published on different days (a later count, not a contradiction). `reason` says
    why in words; `score` is how strongly the claims align (1.0 for a claim alone)."""

    id: str
    verdict: Verdict
    reason: str
    claims: tuple[ClaimRef, ...]
    outlets: tuple[str, ...]
    missing: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    score: float = 1.0
    changes: tuple[Conflict, ...] = ()


@dataclass(frozen=True, slots=True)
class Overstatement:
    """Where a headline says more than the body passage that backs it. `kind`: "number" (a
    larger figure than the body gives, or the body's bound dropped: "up to 50" -> "50"),
    "hedge" (the body hedges, "may", "reportedly"; the headline states it flat) or
    "attribution" (the body gives it as somebody's allegation; the headline as fact).
    `headline` and `body` are the fact as each states it, `evidence` the body's words, `why`
    one line on what the headline adds."""

    kind: str
    headline: str
    body: str
    evidence: ClaimRef
    why: str


@dataclass(frozen=True, slots=True)
class HeadlineCheck:
    """A headline against its own body and against the rest of its story.

    `verdict` is "supported", "partly" or "unsupported" by the article's own body, `evidence`
    the body passage that supports it best and `score` how much of the headline that passage
    backs (0..1); `unbacked` lists the headline's words no passage backs. `quotation` is True
    when the headline is worded as somebody's words ("Minister: We will ..."); it is then
    checked against every quote in the story. `elsewhere` is the closest support in the other
    reports of the story, with its own verdict and score. `also` is a second passage of the
    body that backs what `evidence` leaves out, when the two together back clearly more.
    `overstates` lists where the headline says more than that support (`Overstatement`)."""

    source: str
    headline: str
    verdict: HeadlineVerdict
    score: float
    evidence: ClaimRef | None
    unbacked: tuple[str, ...] = ()
    quotation: bool = False
    elsewhere: ClaimRef | None = None
    elsewhere_verdict: HeadlineVerdict = HeadlineVerdict.UNSUPPORTED
    elsewhere_score: float = 0.0
    also: ClaimRef | None = None
    overstates: tuple[Overstatement, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Whose account one article carries: `via` the relays its quotes pass through, each with
    how many quotes it carries ("the ministry", 3); `attributed_quotes` quotes with a named
    speaker, `unattributed_quotes` quotes with no speaker or an anonymous one; `speakers` the
    people quoted, each with a count."""

    source: str
    outlet: str
    via: tuple[tuple[str, int], ...]
    attributed_quotes: int
    unattributed_quotes: int
    speakers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class WordHit:
    """A loaded or sensational word found in an article: `where` is "headline" or "body";
    offsets are in the headline or in the clean text accordingly; `kind` is "loaded" or
    "sensational"."""

    where: str
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Signals:
    """Framing and reliability signals of one article."""

    source: str
    outlet: Outlet
    claims: int
    opinion_share: float
    hedged_share: float
    reported_share: float
    words: tuple[WordHit, ...] = ()
    promotional: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    """One story compared: claim groups with verdicts, headline checks, provenance per article,
    which relays feed which outlets (`relays`: relay -> outlets), and signals per article."""

    story: Story
    groups: tuple[ClaimGroup, ...]
    headlines: tuple[HeadlineCheck, ...]
    provenance: tuple[Provenance, ...]
    relays: tuple[tuple[str, tuple[str, ...]], ...]
    signals: tuple[Signals, ...]
