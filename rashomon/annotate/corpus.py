"""One name per thing across articles: the resolver's canonical names written back into every
layer of every Doc (entity mentions, quote speakers, addressees and relays, claim entities).

Within one call the names depend only on the set of articles, not their order. A stream is
resolved window by window with a resolver that keeps what it has seen, so a later window
reuses the names of earlier ones; an earlier window is never rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rashomon.annotate.resolver import Resolver
from rashomon.model import Claim, Doc, Quote

__all__ = ["resolve_corpus", "rewrite"]


def resolve_corpus(docs: Iterable[Doc], resolver: Resolver | None = None) -> list[Doc]:
    """`docs` with canonical names and keys shared across them (and anything the resolver
    already holds)."""
    docs = list(docs)
    resolver = resolver if resolver is not None else Resolver()
    for doc in docs:
        resolver.add(doc.entities)
    return [rewrite(doc, resolver) for doc in docs]


def rewrite(doc: Doc, resolver: Resolver) -> Doc:
    """`doc` with the names `resolver` gives its entities (the doc itself when none change);
    the resolver is only asked, so it must hold the corpus already."""
    renamed: dict[str, str] = {}
    entities = []
    for entity in doc.entities:
        canonical, key = resolver.canonical(entity)
        if canonical != entity.canonical:
            renamed.setdefault(entity.canonical, canonical)
        entities.append(replace(entity, canonical=canonical, key=key))
    if not renamed and all(e.key == n.key for e, n in zip(doc.entities, entities, strict=True)):
        return doc
    return replace(
        doc,
        entities=tuple(entities),
        quotes=tuple(_quote(q, renamed) for q in doc.quotes),
        claims=tuple(_claim(c, renamed) for c in doc.claims),
    )


def _name(name: str | None, renamed: dict[str, str]) -> str | None:
    return renamed.get(name, name) if name is not None else None


def _quote(quote: Quote, renamed: dict[str, str]) -> Quote:
    return replace(
        quote,
        speaker=_name(quote.speaker, renamed),
        addressee=_name(quote.addressee, renamed),
        via=tuple(renamed.get(v, v) for v in quote.via),
    )


def _claim(claim: Claim, renamed: dict[str, str]) -> Claim:
    names = (renamed.get(e, e) for e in claim.entities)
    return replace(claim, entities=tuple(dict.fromkeys(names)))
