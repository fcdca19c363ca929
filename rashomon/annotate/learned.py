"""Quotes from the learned tagger's relations, named as the rule-based finder names them.

The tagger (`rashomon.annotate.tagger`) decides the spans: where the content, the cue and the
source are. What a span alone does not say comes from the rules' quote over the same words
(`rashomon.annotate.quotes`): the speaker's canonical name when both found the same source,
the addressee, the relay chain ("X said, according to the ministry": speaker X, via the
ministry) and whether the source is unnamed. A source the rules did not see is named by the
entity layer (`quotes.name_of`). A content with no source of its own that the rules give to
the speaker of the quote before it keeps that speaker, as a continuation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rashomon.annotate import quotes as rules
from rashomon.annotate.tagger import Relation, Tagger
from rashomon.model import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc

__all__ = ["learned_quotes"]


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int:
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _rule_for(relation: Relation, rule_quotes: Sequence[Quote]) -> Quote | None:
    """The rules' quote over the same words: the most shared content, then a shared cue."""
    best, best_overlap = None, 0
    for quote in rule_quotes:
        shared = _overlap(relation.content, (quote.start, quote.end))
        shared += 2 * _overlap(relation.cue, quote.cue_span)
        if shared > best_overlap:
            best, best_overlap = quote, shared
    return best


def _kind(span: tuple[int, int], context: Any) -> str:
    """direct when the content lies inside one stretch of quote marks."""
    for start, end in context.inside.spans:
        if start - 1 <= span[0] and span[1] <= end + 1:
            return "direct"
    return "indirect"


def _speaker(relation: Relation, rule: Quote | None, context: Any) -> tuple[str | None, bool]:
    if relation.source is None:
        return (rule.speaker, rule.anonymous) if rule is not None else (None, False)
    if rule is not None and _overlap(relation.source, rule.speaker_span):
        return rule.speaker, rule.anonymous
    return rules.name_of(relation.source, context)


def _quote(relation: Relation, rule: Quote | None, context: Any) -> Quote:
    text = context.text
    start, end = rules.strip_span(text, *relation.content) or relation.content
    speaker, anonymous = _speaker(relation, rule, context)
    same_frame = rule is not None and (
        relation.cue is None or _overlap(relation.cue, rule.cue_span) or rule.cue_span is None
    )
    cue = relation.cue
    return Quote(
        kind=_kind((start, end), context),
        start=start,
        end=end,
        text=text[start:end],
        speaker=speaker,
        speaker_span=relation.source,
        cue=text[cue[0] : cue[1]] if cue else None,
        cue_span=cue,
        addressee=rule.addressee if same_frame and rule else None,
        addressee_span=rule.addressee_span if same_frame and rule else None,
        via=tuple(v for v in rule.via if v != speaker) if same_frame and rule else (),
        anonymous=anonymous,
        produced_by="rashomon.quotes.crf.v1",
    )


def _continues(found: list[Quote]) -> list[Quote]:
    """A quote with neither cue nor source carries on the speaker of the nearest quote
    before it that names the same speaker with a cue."""
    out: list[Quote] = []
    for quote in found:
        if quote.cue_span is None and quote.speaker_span is None and quote.speaker is not None:
            before = [i for i, q in enumerate(out) if q.speaker == quote.speaker and q.cue_span]
            quote = replace(quote, continues=before[-1] if before else None)
        out.append(quote)
    return out


def learned_quotes(
    tagger: Tagger, sdoc: SpacyDoc, mentions: Any, rule_quotes: Sequence[Quote]
) -> list[Quote]:
    """The tagger's quotes of one parsed article, in text order."""
    context = rules.context_of(sdoc, mentions)
    relations = tagger.relations(sdoc, rule_quotes)
    found = [_quote(r, _rule_for(r, rule_quotes), context) for r in relations]
    found.sort(key=lambda q: q.start)
    return _continues(found)
