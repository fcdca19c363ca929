"""Quotes: who said what, to whom, and who relayed it.

Three passes over one spaCy parse:

1. marks: direct quotes are the stretches inside quote marks (“ ” " « » „ ‘ ’), across
   sentences, nested marks left inside the outer quote;
2. frames: every attribution the parse shows — a speech or belief verb with its subject
   (speaker), object (addressee) and complement (content), "according to X", and the relay
   phrases of the sentence ("as quoted by X", "citing X", "X reported");
3. assembly: each direct quote takes the frame beside it (split quotes, a colon before it, a
   speaker named a few sentences later, or the speaker of the quote before it); frames left
   over with a content clause are indirect quotes; a sentence right after reported speech that
   speaks for the speaker's own side carries that speech on without a new cue.

Speakers, addressees and relays are named by the entity layer (`Mentions.best_in`), so pronouns
and descriptions reach their canonical names.

This module is pass 3 and runs the passes; pass 1 is `quote_marks`, pass 2 `quote_frames`, and
the word lists they read are `quote_words`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rashomon.annotate.nlp import sentences_of, text_of
from rashomon.annotate.quote_frames import (
    Frame,
    content_span,
    find_frames,
    has_clause,
    is_cue,
    phrase_span,
    verb_frame,
)
from rashomon.annotate.quote_marks import Inside, find_marked, stripped_span
from rashomon.annotate.quote_words import (
    ANONYMOUS_HEADS,
    ANONYMOUS_TAIL,
    BODY_NOUNS,
    GOVERNMENT,
    LOOKAHEAD_SENTENCES,
    MIN_QUOTE_WORDS,
    PERSONAL,
    TITLE_JOINING,
)
from rashomon.model import Entity, Quote, QuoteKind

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

__all__ = ["context_of", "find_quotes", "name_of", "strip_span"]


@dataclass
class _Context:
    sdoc: Any
    mentions: Any
    sentence_starts: list[int]
    sentence_ends: list[int]
    inside: Inside = field(default_factory=lambda: Inside([]))
    text: str = ""  # sdoc.text, which spaCy rebuilds on every access
    sents: list[Any] = field(default_factory=list)

    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)


def find_quotes(sdoc: SpacyDoc, mentions: Any) -> list[Quote]:
    """Direct and indirect quotes of one parsed article, in text order."""
    context = context_of(sdoc, mentions)
    marked = list(context.inside.spans)
    frames = _drop_nested(find_frames(sdoc, context.inside))
    quotes, marked = _mixed_quotes(marked, frames, context)
    quotes += _direct_quotes(marked, frames, context)
    quotes += _indirect_quotes(frames, marked, context)
    quotes.sort(key=lambda q: q.start)
    quotes = _continue_unattributed(quotes, context)
    quotes = [_through_semicolon(q, context) for q in quotes]
    return _continuations(quotes, context)


def context_of(sdoc: SpacyDoc, mentions: Any) -> _Context:
    """What naming a phrase needs: the text, its sentences, the quote marks that count."""
    text = text_of(sdoc)
    marked = [s for s in find_marked(text) if _words(text[s[0] : s[1]]) >= MIN_QUOTE_WORDS]
    marked = [s for s in marked if not _a_title(text, *s)]
    sents = sentences_of(sdoc)
    return _Context(
        sdoc,
        mentions,
        [s.start_char for s in sents],
        [s.end_char for s in sents],
        Inside(marked),
        text,
        sents,
    )


def name_of(span: tuple[int, int], context: _Context) -> tuple[str | None, bool]:
    """The canonical name of the phrase at `span` and whether it is an unnamed source."""
    return _name(span, context)


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """`start`..`end` without the spaces and quote marks around it (None when nothing is left)."""
    return stripped_span(text, start, end)


def _a_title(text: str, start: int, end: int) -> bool:
    """Marks around a name inside a sentence, not around words said: “Saturday Night Live”,
    “Thelma and Louise” (a few words, each capitalised or a short joining word)."""
    before = text[max(0, start - 3) : start].rstrip("“\"'‘«„ ")
    if not before or before[-1] in ".:!?\n":
        return False  # a quote that opens a sentence or follows a colon is speech
    words = [w.strip(".,!?") for w in text[start:end].split()]
    if not 1 <= len(words) <= 8:
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w in TITLE_JOINING for w in words if w)


def _through_semicolon(quote: Quote, context: _Context) -> Quote:
    """Reported speech goes on past a semicolon to the end of its sentence when nothing after
    it names another source ("He noted that X; China understands this and …")."""
    if quote.kind != "indirect" or not context.text[quote.end :].lstrip().startswith(";"):
        return quote
    number = context.sentence_of(quote.start)
    sentence = context.sents[number]
    rest = sentence[0].doc.char_span(quote.end, sentence.end_char, alignment_mode="expand")
    if rest is None or _has_cue(rest) or context.inside.contains(quote.end + 2):
        return quote
    end = stripped_span(context.text, quote.start, sentence.end_char)
    if end is None:
        return quote
    stop = end[1] - 1 if context.text[end[1] - 1] == "." else end[1]
    return replace(quote, end=stop, text=context.text[quote.start : stop])


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def _drop_nested(frames: list[Frame]) -> list[Frame]:
    """A speech verb inside what another speaker said is part of that speech, not a second
    attribution ("Cox says the actions would not have stopped the shootings Obama mentioned").
    The widest frames are kept first."""
    kept: list[Frame] = []
    for frame in sorted(frames, key=_width, reverse=True):
        if not any(_holds(k, frame) for k in kept):
            kept.append(frame)
    return sorted(kept, key=lambda f: f.cue)


def _width(frame: Frame) -> int:
    return frame.content[1] - frame.content[0] if frame.content else 0


def _holds(outer: Frame, inner: Frame) -> bool:
    if outer.content is None or outer.speaker is None or outer.according:
        return False
    return outer.content[0] <= inner.cue[0] < outer.content[1]


def _mixed_quotes(
    marked: list[tuple[int, int]], frames: list[Frame], context: _Context
) -> tuple[list[Quote], list[tuple[int, int]]]:
    """A reported clause that quotes some of its words ("Trump says “the game has become
    soft” because …") is one quote: the clause, marks and all."""
    quotes: list[Quote] = []
    consumed: set[tuple[int, int]] = set()
    text = context.text
    for frame in frames:
        if frame.content is None or frame.speaker is None or frame.according:
            continue
        inner = [m for m in marked if frame.content[0] - 1 <= m[0] and m[1] <= frame.content[1] + 1]
        inner = [m for m in inner if not _after_colon(text, m[0])]
        if not inner:
            continue
        outside = text[frame.content[0] : frame.content[1]]
        for start, end in sorted(inner, reverse=True):
            rel_start, rel_end = start - frame.content[0], end - frame.content[0]
            outside = outside[: max(rel_start, 0)] + " " + outside[rel_end:]
        if _words(outside) >= 2:
            frame.used = True
            consumed.update(inner)
            quotes.append(_quote(QuoteKind.INDIRECT, frame.content, frame, context))
    return quotes, [m for m in marked if m not in consumed]


def _after_colon(text: str, start: int) -> bool:
    """A quote right after a colon is introduced, not woven into the clause."""
    return text[max(0, start - 4) : start].rstrip("“\"'‘«„ ").endswith(":")


def _direct_quotes(
    marked: list[tuple[int, int]], frames: list[Frame], context: _Context
) -> list[Quote]:
    quotes: list[Quote] = []
    for start, end in marked:
        frame = _frame_for(start, end, frames, context)
        if frame is not None:
            frame.used = True
        quotes.append(_quote(QuoteKind.DIRECT, (start, end), frame, context))
    return quotes


def _frame_for(start: int, end: int, frames: list[Frame], context: _Context) -> Frame | None:
    """The frame that attributes the quote [start, end): after it in the closing sentence,
    before it in the opening sentence, or a colon-ended sentence just before it."""
    first, last = context.sentence_of(start), context.sentence_of(max(start, end - 1))
    after = [f for f in frames if f.sentence == last and f.cue[0] >= end and not f.used]
    after = [
        f
        for f in after
        if (f.according or _speaker_outside(f, context)) and not _says_its_own(f, end, context)
    ]
    if after:
        return _prefer_speaker(after)
    adjacent = _adjacent_frame(end, last, context)
    if adjacent is not None:
        return adjacent
    colon = _colon_frame(start, first, context)
    if colon is not None:
        return colon
    before = [f for f in frames if f.sentence == first and f.cue[1] <= start and not f.used]
    before = [f for f in before if f.speaker is not None]
    if before:
        return before[-1]
    earlier = [f for f in frames if f.sentence == first - 1 and not f.used and f.speaker]
    prev_text = context.text[context.sentence_starts[first - 1] : start] if first else ""
    if earlier and prev_text.rstrip().endswith(":"):
        return earlier[-1]
    return None


def _colon_frame(start: int, sentence: int, context: _Context) -> Frame | None:
    """A quote after a colon belongs to what stands before the colon: its verb and subject
    ("Trump leaned in and boomed: “…”") or, headline style, a bare name ("Issa: “…”")."""
    if not _after_colon(context.text, start):
        return None
    colon_at = context.text.rfind(":", 0, start)
    span = context.sdoc.char_span(colon_at, colon_at + 1, alignment_mode="expand")
    if span is None or span[0].i == 0:
        return None
    last = context.sdoc[span[0].i - 1]
    if last.pos_ in ("VERB", "AUX") or last.head.pos_ == "VERB" and last.dep_ in ("prt", "advmod"):
        verb = last if last.pos_ in ("VERB", "AUX") else last.head
        frame = verb_frame(verb, sentence)
        if frame is not None and _speaker_outside(frame, context):
            frame.content = None
            return frame
        return None
    named = last.pos_ == "PROPN" or (last.is_title and last.pos_ in ("NOUN", "ADJ"))
    if named and not context.inside.contains(last.idx):
        speaker = phrase_span(last)
        if speaker is not None:
            cue = (colon_at, colon_at + 1)
            return Frame(cue, ":", speaker, None, None, sentence)
    return None


def _says_its_own(frame: Frame, end: int, context: _Context) -> bool:
    """A frame after a quote whose own clause follows its cue attributes that clause, not the
    quote ("“Sunday Morning Futures,” Issa said Clinton's judgment is in question")."""
    if frame.content is None or frame.according or frame.content[0] < frame.cue[1]:
        return False
    return _words(context.text[frame.content[0] : frame.content[1]]) >= 4


def _speaker_outside(frame: Frame, context: _Context) -> bool:
    return frame.speaker is not None and not context.inside.contains(frame.speaker[0])


def _adjacent_frame(end: int, sentence: int, context: _Context) -> Frame | None:
    """The verb right after a closing quote mark attributes the quote whatever the verb
    ("…,” he continued; “…,” replied Sanders; “…,” Ramos, 58, told AFP)."""
    sdoc = context.sdoc
    stop = context.sentence_ends[sentence]
    span = sdoc.char_span(end, stop, alignment_mode="expand")
    if span is None:
        return None
    for token in [t for t in span if not t.is_punct][:5]:
        if context.inside.contains(token.idx) or token.pos_ != "VERB":
            continue
        frame = verb_frame(token, sentence)
        if frame is None or _says_its_own(frame, end, context):
            return None
        if not _speaker_outside(frame, context):
            frame.speaker = _nearby_name(token, end, context)
        frame.content = None
        return frame if frame.speaker is not None else None
    return None


def _nearby_name(verb: Token, end: int, context: _Context) -> tuple[int, int] | None:
    """A name between the closing mark and the verb, or right after the verb."""
    doc = verb.doc
    window = [t for t in doc[max(verb.i - 6, 0) : verb.i + 3] if t.idx >= end and t.i != verb.i]
    for token in window:
        if token.pos_ in ("PROPN", "PRON") and not context.inside.contains(token.idx):
            head = token
            while head.dep_ == "compound" and head.head.i > head.i:
                head = head.head
            return phrase_span(head)
    return None


def _prefer_speaker(frames: list[Frame]) -> Frame:
    """Of the frames after a quote, the first that names a speaker by a verb ("Petrov said,
    according to the ministry": Petrov)."""
    verbs = [f for f in frames if not f.according]
    return verbs[0] if verbs else frames[0]


def _indirect_quotes(
    frames: list[Frame], marked: list[tuple[int, int]], context: _Context
) -> list[Quote]:
    inside = Inside(marked)
    quotes: list[Quote] = []
    for frame in frames:
        if frame.used or frame.content is None or (frame.speaker is None and not frame.passive):
            continue
        content = _before_introduced(frame.content, marked, context.text)
        if content is None or inside.contains(content[0]) or _covers_marked(content, marked):
            continue
        quotes.append(_quote(QuoteKind.INDIRECT, content, frame, context))
    return quotes


def _before_introduced(
    span: tuple[int, int], marked: list[tuple[int, int]], text: str
) -> tuple[int, int] | None:
    """The content up to a quote it introduces with a colon ("… - HuffPollster: “…”")."""
    for start, _ in marked:
        if span[0] < start < span[1] and _after_colon(text, start):
            cut = text.rfind(":", span[0], start)
            words = _words(text[span[0] : cut])
            return stripped_span(text, span[0], cut) if words >= 2 else None
    return span


def _covers_marked(span: tuple[int, int], marked: list[tuple[int, int]]) -> bool:
    """The span holds a whole quote, or most of one."""
    for s, e in marked:
        overlap = min(span[1], e) - max(span[0], s)
        if overlap > 0 and (span[0] <= s and e <= span[1] or overlap >= (e - s) / 2):
            return True
    return False


def _quote(kind: QuoteKind, span: tuple[int, int], frame: Frame | None, context: _Context) -> Quote:
    text = context.text
    span = stripped_span(text, *span) or span
    if kind == "indirect":
        span = _one_paragraph(span, frame, text)
    if frame is None:
        return Quote(kind, span[0], span[1], text[span[0] : span[1]], None, None, None, None)
    speaker, anonymous = _name(frame.named_by or frame.speaker, context)
    addressee, _ = _name(frame.addressee, context)
    via = tuple(n for n in (_relay_name(r, context) for r in frame.relays) if n and n != speaker)
    return Quote(
        kind=kind,
        start=span[0],
        end=span[1],
        text=text[span[0] : span[1]],
        speaker=speaker,
        speaker_span=frame.speaker,
        cue=frame.cue_text,
        cue_span=frame.cue,
        addressee=addressee,
        addressee_span=frame.addressee,
        via=tuple(dict.fromkeys(via)),
        anonymous=anonymous,
    )


def _one_paragraph(span: tuple[int, int], frame: Frame | None, text: str) -> tuple[int, int]:
    """Reported words stay in the cue's paragraph: a heading glued on by the sentence splitter
    is not part of them."""
    anchor = frame.cue[0] if frame is not None else span[0]
    start = text.rfind("\n\n", span[0], anchor)
    start = span[0] if start < 0 else start + 2
    end = text.find("\n\n", max(anchor, start), span[1])
    end = span[1] if end < 0 else end
    return stripped_span(text, start, end) or span


def _name(span: tuple[int, int] | None, context: _Context) -> tuple[str | None, bool]:
    """Canonical name of the phrase at `span`, and whether it is an unnamed source."""
    if span is None:
        return None, False
    phrase = context.text[span[0] : span[1]]
    joint = _joint_names(span, phrase, context)
    if joint:
        return joint, False
    mention: Entity | None = context.mentions.best_in(*span) if context.mentions else None
    if mention is not None:
        return mention.canonical, False
    words = phrase.lower().split()
    if not words or (len(words) == 1 and words[0] in PERSONAL):
        return None, False
    body = _body_named_before(words, span[0], context)
    if body is not None:
        return body, False
    anonymous = _anonymous(words)
    return phrase, anonymous


def _body_named_before(words: list[str], start: int, context: _Context) -> str | None:
    """ "the company said" after "Apple …": the last organisation named in the three sentences
    before, whose name holds the noun ("the ministry" → the Defence Ministry) or, for a
    company, any business named there."""
    if len(words) != 2 or words[0] not in ("the", "its") or words[1] not in BODY_NOUNS:
        return None
    noun = words[1]
    floor = context.sentence_starts[max(0, context.sentence_of(start) - 3)]
    named = [
        m
        for m in context.mentions.entities
        if m.type == "ORG" and floor <= m.start < start and m.via != "description"
    ]
    fitting = [m for m in named if noun in m.canonical.lower()]
    if not fitting and noun in ("company", "firm", "group"):
        fitting = [m for m in named if not any(w in m.canonical.lower() for w in GOVERNMENT)]
    return fitting[-1].canonical if fitting else None


def _relay_name(span: tuple[int, int], context: _Context) -> str | None:
    """A relay's name: "a readout of the call published by the ministry" is the ministry's."""
    name, _ = _name(span, context)
    if context.mentions is None or context.mentions.best_in(*span) is not None:
        return name
    inside = [m for m in context.mentions.within(*span) if m.type in ("ORG", "PERSON", "GPE")]
    return inside[0].canonical if inside else name


def _joint_names(span: tuple[int, int], phrase: str, context: _Context) -> str | None:
    """ "China and Russia pledged": both names, when the phrase is names joined by "and"."""
    if context.mentions is None or " and " not in phrase:
        return None
    names = [m for m in context.mentions.within(*span) if m.via not in ("demonym",)]
    canonical = list(dict.fromkeys(m.canonical for m in names))
    covered = sum(m.end - m.start for m in names)
    if len(canonical) < 2 or covered < len(phrase.replace(" and ", "").replace(",", "")) * 0.8:
        return None
    return ", ".join(canonical[:-1]) + " and " + canonical[-1]


def _anonymous(words: list[str]) -> bool:
    """The phrase's own nouns, before any "of"/"with"/"familiar" tail, include an unnamed
    source ("officials", "two people familiar with the matter")."""
    own: list[str] = []
    for word in words:
        if word in ANONYMOUS_TAIL:
            break
        own.append(word.strip(".,"))
    return any(w in ANONYMOUS_HEADS for w in own)


# ---------------------------------------------------------------- continuations


def _continue_unattributed(quotes: list[Quote], context: _Context) -> list[Quote]:
    """A direct quote with no frame carries on the speaker of the quote just before it (same
    or previous paragraph), or takes a speaker named in the next few sentences."""
    out: list[Quote] = []
    for index, quote in enumerate(quotes):
        if quote.speaker is not None or quote.kind != "direct" or quote.speaker_span:
            out.append(quote)
            continue
        previous = _previous_speaker(out, quote, context)
        if previous is not None:
            out.append(_carry(quote, out[previous], previous))
            continue
        later = _later_speaker(quotes, index, context)
        out.append(later if later is not None else quote)
    return out


def _previous_speaker(done: list[Quote], quote: Quote, context: _Context) -> int | None:
    if not done:
        return None
    last = done[-1]
    if last.speaker is None or last.kind != "direct":
        return None
    between = context.text[last.end : quote.start]
    if between.count("\n\n") > 1 or _words(between) > 12:
        return None
    return len(done) - 1


_NOBODY = (None, None, None, None)  # speaker, speaker_span, cue, cue_span


def _carry(quote: Quote, source: Quote, index: int) -> Quote:
    """`quote` spoken by `source`'s speaker, carried on from quote `index` with no cue."""
    return replace(
        quote,
        speaker=source.speaker,
        addressee=source.addressee,
        via=source.via,
        anonymous=source.anonymous,
        continues=index,
    )


def _later_speaker(quotes: list[Quote], index: int, context: _Context) -> Quote | None:
    """A bare "X said." within a few sentences after the quote, not attributing anything
    else, names its speaker."""
    quote = quotes[index]
    first = context.sentence_of(quote.end)
    sdoc = context.sdoc
    for offset in range(1, LOOKAHEAD_SENTENCES + 1):
        number = first + offset
        if number >= len(context.sentence_starts):
            break
        span = sdoc.char_span(
            context.sentence_starts[number], context.sentence_ends[number], alignment_mode="expand"
        )
        if span is None:
            continue
        for token in span:
            if is_cue(token) and not has_clause(token):
                frame = verb_frame(token, number)
                if frame is not None and frame.speaker is not None:
                    return _quote(QuoteKind.DIRECT, (quote.start, quote.end), frame, context)
        if any(q.start >= context.sentence_starts[number] for q in quotes[index + 1 : index + 2]):
            break
    return None


def _continuations(quotes: list[Quote], context: _Context) -> list[Quote]:
    """A sentence right after an indirect quote that ends its sentence, with no cue of its
    own, whose subject is the speaker's own side ("Russia is ready to …" after the Russian
    minister's words), carries that speech on."""
    if not quotes:
        return quotes
    text = context.text
    covered = Inside([(q.start, q.end) for q in quotes])
    added: list[Quote] = []
    sents = context.sents
    for index, quote in enumerate(quotes):
        if quote.kind != "indirect" or quote.speaker is None:
            continue
        number = context.sentence_of(quote.start)
        if number + 1 >= len(sents):
            continue
        if text[quote.end : sents[number].end_char].strip(" .\n") != "":
            continue
        nxt = sents[number + 1]
        if covered.contains(nxt.start_char) or _has_cue(nxt):
            continue
        if _speaks_for(nxt, quote, context):
            span = content_span(list(nxt))
            if span is not None:
                fresh = Quote(
                    QuoteKind.INDIRECT, span[0], span[1], text[span[0] : span[1]], *_NOBODY
                )
                added.append(_carry(fresh, quote, index))
    return sorted(quotes + added, key=lambda q: q.start)


def _has_cue(sentence: SpacySpan) -> bool:
    return any(is_cue(t) or t.lower_ == "according" for t in sentence) or any(
        c in sentence.text for c in '“"«„'
    )


def _speaks_for(sentence: SpacySpan, quote: Quote, context: _Context) -> bool:
    """The sentence's subject is the speaker's country or side, and it names not the
    speaker himself (a narrator would)."""
    root = sentence.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or context.mentions is None:
        return False
    mentions = context.mentions.within(sentence.start_char, sentence.end_char)
    if any(m.canonical == quote.speaker for m in mentions):
        return False
    subject_span = phrase_span(subject)
    if subject_span is None:
        return False
    if subject.lower_ in ("we", "both", "sides") or "two sides" in sentence.text[:40].lower():
        return True
    named = context.mentions.best_in(*subject_span)
    role = _speaker_role(quote, context)
    return named is not None and bool(role) and named.canonical in role


def _speaker_role(quote: Quote, context: _Context) -> str:
    for mention in context.mentions.entities:
        if mention.canonical == quote.speaker and mention.role:
            return str(mention.role)
    return ""
