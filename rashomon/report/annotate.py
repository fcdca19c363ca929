"""The `rashomon annotate` output: the clean record plus the annotation layers.

The JSON record is the clean record (`rashomon clean`) plus
{"sentences": [[start, end]…],
 "entities": [{text, start, end, type, canonical, key, role, via}],
 "times": [{text, start, end, value, granularity, anchor, relative}],
 "quotes": [{kind, text, start, end, speaker, speaker_span, cue, cue_span, addressee,
             addressee_span, via, anonymous, continues}],
 "claims": [{text, start, end, stance, quote, numbers, dates, entities, negated, cues}],
 "limits": [what was not annotated and why]}
with every span a character offset into "text". Text and Markdown are for reading: per article
the entities, the quotes with their attribution chains, and the claims by stance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from rashomon import codec
from rashomon.model import Doc, Quote, Result, TimeExpr
from rashomon.report import clean as clean_report
from rashomon.report import one_line, terminal_safe
from rashomon.report.clean import md_escape

__all__ = ["FORMATS", "record", "write"]

FORMATS = clean_report.FORMATS
STANCES = ("asserted", "reported", "opinion", "hedged")


def record(result: Result) -> dict[str, Any]:
    """The JSON-ready record of one annotated document."""
    doc = result.record if isinstance(result.record, Doc) else None
    plain = Result(
        result.origin,
        result.outcome,
        result.reason,
        result.detail,
        result.id,
        doc.article if doc else None,
    )
    out = clean_report.record(plain)
    out.update(sentences=[], entities=[], times=[], quotes=[], claims=[], limits=[])
    if doc is not None:
        out.update(
            sentences=[list(s) for s in doc.sentences],
            entities=[_plain(e) for e in doc.entities],
            times=[_plain(t) for t in doc.times],
            quotes=[_plain(q) for q in doc.quotes],
            claims=[_plain(c) for c in doc.claims],
            limits=list(doc.limits),
        )
    return out


def _plain(item: Any) -> dict[str, Any]:
    """Every field of one annotation but `produced_by` (the record's provenance, not its
    content)."""
    data: dict[str, Any] = codec.encode(item, defaults=True)
    data.pop("produced_by", None)
    return data


def write(results: Iterable[Result], fmt: str, out: TextIO) -> None:
    """Write results to `out` as they come (JSON collects them into one array)."""
    clean_report.write_results(results, fmt, out, record, {"text": _text, "markdown": _markdown})


def _entity_lines(doc: Doc) -> list[str]:
    """One line per entity: canonical name, type, role, and the forms it took."""
    forms: dict[tuple[str, str], list[str]] = {}
    roles: dict[tuple[str, str], str] = {}
    for entity in doc.entities:
        key = (entity.canonical, entity.type)
        seen = forms.setdefault(key, [])
        if entity.text not in seen:
            seen.append(entity.text)
        if entity.role and key not in roles:
            roles[key] = entity.role
    lines = []
    for (name, kind), texts in forms.items():
        role = f", {roles[(name, kind)]}" if (name, kind) in roles else ""
        lines.append(f"{name} ({kind}{role}): {' · '.join(texts)}")
    return lines


def _time_value(time: TimeExpr) -> str:
    if time.value:
        return time.value
    return "relative: needs the story's date" if time.relative else "not on the calendar"


def _quote_line(index: int, quote: Quote) -> str:
    speaker = quote.speaker or "(no speaker named)"
    if quote.anonymous:
        speaker += " [anonymous]"
    cue = quote.cue or (
        "continues #" + str(quote.continues) if quote.continues is not None else "-"
    )
    chain = " ← ".join([speaker, *quote.via, "outlet"])
    to = f" to {quote.addressee}" if quote.addressee else ""
    return f"#{index} {quote.kind} [{cue}{to}] {chain}: {quote.text}"


def _claim_groups(doc: Doc) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {s: [] for s in STANCES}
    for claim in doc.claims:
        groups.setdefault(claim.stance, []).append(claim.text)
    return groups


def _text(result: Result) -> str:
    doc = result.record if isinstance(result.record, Doc) else None
    if doc is None:
        return terminal_safe(
            f"# {one_line(result.origin)}\n[{result.outcome}: {result.reason}] "
            f"{one_line(result.detail)}\n\n"
        )
    article = doc.article
    lines = [
        f"# {one_line(result.origin)}",
        f"title: {article.title or '-'}",
        f"outlet: {article.outlet or '-'}   published: {article.published or '-'}   "
        f"language: {article.language or '-'}",
        *(f"note: {limit}" for limit in doc.limits),
        "",
        f"entities ({len(doc.entities)} mentions):",
        *(f"  {line}" for line in _entity_lines(doc)),
        "",
        f"times ({len(doc.times)}):",
        *(f"  {t.text} → {_time_value(t)} ({t.granularity}, {t.anchor})" for t in doc.times),
        "",
        f"quotes ({len(doc.quotes)}):",
        *(f"  {_quote_line(i, q)}" for i, q in enumerate(doc.quotes)),
        "",
        f"claims ({len(doc.claims)}):",
    ]
    for stance, texts in _claim_groups(doc).items():
        lines += [f"  {stance} ({len(texts)}):", *(f"    - {t}" for t in texts)]
    return terminal_safe("\n".join(lines) + "\n\n")


def _markdown(result: Result) -> str:
    doc = result.record if isinstance(result.record, Doc) else None
    if doc is None:
        head = f"## {md_escape(result.origin)}"
        return f"{head}\n\n*{result.outcome}: {result.reason}* — {md_escape(result.detail)}\n\n"
    article = doc.article
    parts = [
        f"## {md_escape(article.title or result.origin)}",
        "",
        f"source: {md_escape(result.origin)} · outlet: {md_escape(article.outlet or '–')} · "
        f"published: {article.published or '–'}",
        "",
        "### Entities",
        "",
        *(f"- {md_escape(line)}" for line in _entity_lines(doc)),
        "",
        "### Times",
        "",
        *(
            f"- {md_escape(t.text)} → {md_escape(_time_value(t))} ({t.granularity})"
            for t in doc.times
        ),
        "",
        "### Quotes",
        "",
        *(f"- {md_escape(_quote_line(i, q))}" for i, q in enumerate(doc.quotes)),
        "",
        "### Claims",
        "",
    ]
    for stance, texts in _claim_groups(doc).items():
        parts += [f"**{stance}** ({len(texts)})", "", *(f"- {md_escape(t)}" for t in texts), ""]
    return "\n".join(parts) + "\n"
