"""Provenance: whose account an article carries, and through whom it came.

Two reports of one event can quote the same people and still rest on different accounts: one
outlet hears the speaker, another passes on what a ministry or an agency said the speaker said.
The quote layer already records, for every quote, its speaker and its relays (`Quote.via`, from
the speaker outward to the outlet). This module counts them per article (`provenance_of`), shows
which relays feed which outlets across a story (`relays_of`: two outlets relaying one ministry are
not two independent confirmations), and says it in one line for the reports (`describe`).

A quote that carries on the one before it without a new cue (`Quote.continues`) is part of that
quote and is not counted again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rashomon.annotate.quote_words import BODY_NOUNS
from rashomon.model import Doc, Provenance, Quote

__all__ = ["describe", "provenance_of", "relays_of"]


def provenance_of(doc: Doc, outlet: str) -> Provenance:
    """Whose account `doc` carries: its relays, each with how many quotes it relays (a quote
    passed along a chain of relays counts for each of them), its attributed and unattributed
    quotes, and the speakers it quotes, each with a count. Counts run most first, then by name;
    a continuation of an earlier quote is not counted."""
    quotes = [q for q in doc.quotes if q.continues is None]
    attributed = [q for q in quotes if _attributed(q)]
    return Provenance(
        source=doc.article.origin,
        outlet=outlet,
        via=_ranked(relay for q in quotes for relay in dict.fromkeys(q.via)),
        attributed_quotes=len(attributed),
        unattributed_quotes=len(quotes) - len(attributed),
        speakers=_ranked(q.speaker for q in attributed if q.speaker),
    )


def relays_of(provenances: Sequence[Provenance]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each relay of a story with the outlets whose articles relay it, both in name order. An
    article whose outlet has no name stands for itself by its source."""
    outlets: dict[str, set[str]] = {}
    for p in provenances:
        for relay, _ in p.via:
            outlets.setdefault(relay, set()).add(p.outlet or p.source)
    return tuple((relay, tuple(sorted(outlets[relay]))) for relay in sorted(outlets))


def describe(p: Provenance) -> str:
    """One plain line for a report: "relays the Ministry of Transport (3 quotes); 7 quotes
    attributed, 0 unattributed", or "names no source for any quote; ..." when nothing is
    relayed."""
    if p.via:
        relays = ", ".join(f"{_named(relay)} ({_quotes(n)})" for relay, n in p.via)
        lead = f"relays {relays}"
    else:
        lead = "names no source for any quote"
    counts = f"{_quotes(p.attributed_quotes)} attributed, {p.unattributed_quotes} unattributed"
    return f"{lead}; {counts}"


def _attributed(quote: Quote) -> bool:
    return quote.speaker is not None and not quote.anonymous


def _ranked(names: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Names with their counts, most first, then by name."""
    counts = Counter(names)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _named(relay: str) -> str:
    """A relay as a sentence names it: a body ("Interior Ministry", "Ministry of Transport",
    by the body nouns of rashomon/data/attribution.toml) takes "the", a name ("Reuters") not."""
    words = relay.lower().split()
    if words and words[0] != "the" and (words[-1] in BODY_NOUNS or "of" in words[1:-1]):
        return f"the {relay}"
    return relay


def _quotes(count: int) -> str:
    return f"{count} quote" if count == 1 else f"{count} quotes"
