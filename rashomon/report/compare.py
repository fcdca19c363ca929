"""The `rashomon compare` output.

JSON: {"stories": [{"id", "label", "articles", "outlets", "event_date", "participants",
"place", "languages", "duplicates", "groups": [{"id", "verdict" ("agree" | "only_in" |
"contradict"), "reason", "score", "outlets", "missing", "conflicts": [{"kind", "left",
"right", "sources"}], "changes": [the same, for figures of reports of different days],
"claims": [{"source", "text", "start", "end", "outlet", "speaker", "stance"}]}],
"headlines": [{"source", "headline", "verdict" ("supported" | "partly" | "unsupported"),
"score", "evidence": {claim} | null, "also": {claim} | null, "unbacked", "quotation",
"elsewhere": {claim} | null, "elsewhere_verdict", "elsewhere_score"}], "provenance":
[{"source", "outlet", "via": [{"relay", "quotes"}], "attributed_quotes",
"unattributed_quotes", "speakers": [{"speaker", "quotes"}], "summary"}], "relays": [{"relay",
"outlets"}], "signals": {source: {"outlet": {...}, "profile", "claims", "opinion_share",
"hedged_share", "reported_share", "words": [{"where", "start", "end", "text", "kind"}],
"promotional", "missing"}}}], "failed": [...]}.
Every "start"/"end" is a character offset into that source's clean text (the article text
`rashomon annotate` prints), so every verdict points at the words it rests on.

Text is a rich terminal report (claims matrix, quotes and their chains, headline checks,
provenance, signals); Markdown the same for documents; HTML one self-contained file
(report/compare_html.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rashomon import codec
from rashomon.compare.provenance import describe
from rashomon.compare.signals import profile_line
from rashomon.model import (
    ClaimGroup,
    ClaimRef,
    Comparison,
    Doc,
    HeadlineVerdict,
    Result,
    Signals,
    Verdict,
)
from rashomon.report.clean import md_escape
from rashomon.report.columns import column_letters
from rashomon.report.stories import failed_records
from rashomon.report.stories import record as story_record

__all__ = ["FORMATS", "MARKS", "record", "write"]

FORMATS = ("text", "json", "jsonl", "markdown", "html")
MARKS = {Verdict.AGREE: "✓", Verdict.ONLY_IN: "●", Verdict.CONTRADICT: "✗"}
_STYLE = {Verdict.AGREE: "green", Verdict.ONLY_IN: "yellow", Verdict.CONTRADICT: "bold red"}
NAMED_COLUMNS = 4  # more outlets than this: Markdown columns are lettered, with a legend
TERMINAL_COLUMNS = 8  # more outlets than this: the terminal lists letters in one column
_VERDICT_STYLE = {
    HeadlineVerdict.SUPPORTED: "green",
    HeadlineVerdict.PARTLY: "yellow",
    HeadlineVerdict.UNSUPPORTED: "red",
}


def record(c: Comparison) -> dict[str, Any]:
    """The JSON-ready record of one compared story."""
    out = story_record(c.story)
    del out["dates"]
    out["groups"] = [
        {
            "id": g.id,
            "verdict": g.verdict,
            "reason": g.reason,
            "score": g.score,
            "outlets": list(g.outlets),
            "missing": list(g.missing),
            "conflicts": codec.encode(g.conflicts, defaults=True),
            "changes": codec.encode(g.changes, defaults=True),
            "claims": [_claim(ref) for ref in g.claims],
        }
        for g in c.groups
    ]
    out["headlines"] = [
        {
            "source": h.source,
            "headline": h.headline,
            "verdict": h.verdict,
            "score": h.score,
            "evidence": _claim(h.evidence) if h.evidence else None,
            "unbacked": list(h.unbacked),
            "quotation": h.quotation,
            "elsewhere": _claim(h.elsewhere) if h.elsewhere else None,
            "elsewhere_verdict": h.elsewhere_verdict,
            "elsewhere_score": h.elsewhere_score,
            "also": _claim(h.also) if h.also else None,
            "overstates": [
                {
                    "kind": o.kind,
                    "headline": o.headline,
                    "body": o.body,
                    "why": o.why,
                    "evidence": _claim(o.evidence),
                }
                for o in h.overstates
            ],
        }
        for h in c.headlines
    ]
    out["provenance"] = [
        {
            "source": p.source,
            "outlet": p.outlet,
            "via": [{"relay": r, "quotes": n} for r, n in p.via],
            "attributed_quotes": p.attributed_quotes,
            "unattributed_quotes": p.unattributed_quotes,
            "speakers": [{"speaker": s, "quotes": n} for s, n in p.speakers],
            "summary": describe(p),
        }
        for p in c.provenance
    ]
    out["relays"] = [{"relay": r, "outlets": list(o)} for r, o in c.relays]
    out["signals"] = {s.source: signals_record(s) for s in c.signals}
    return out


def _claim(ref: ClaimRef) -> dict[str, Any]:
    return {
        "source": ref.source,
        "text": ref.text,
        "start": ref.start,
        "end": ref.end,
        "outlet": ref.outlet,
        "speaker": ref.speaker,
        "stance": ref.stance,
    }


def signals_record(s: Signals) -> dict[str, Any]:
    """One article's signals as the JSON contract gives them (its outlet's profile too)."""
    return {
        "outlet": codec.encode(s.outlet, defaults=True),
        "profile": profile_line(s.outlet),
        "claims": s.claims,
        "opinion_share": round(s.opinion_share, 3),
        "hedged_share": round(s.hedged_share, 3),
        "reported_share": round(s.reported_share, 3),
        "words": codec.encode(s.words, defaults=True),
        "promotional": list(s.promotional),
        "missing": list(s.missing),
    }


def write(
    comparisons: Sequence[Comparison],
    docs: Mapping[str, Doc],
    results: Sequence[Result],
    fmt: str,
    out: TextIO,
    only_in_shown: int = 0,
) -> None:
    """Write the compared stories (and the inputs that yielded no report) in `fmt`; the text
    and Markdown reports show at most `only_in_shown` claims of one outlet alone per outlet
    (0: all) and count the rest."""
    if fmt == "json":
        payload = {"stories": [record(c) for c in comparisons], "failed": failed_records(results)}
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for c in comparisons:
            out.write(json.dumps(record(c), ensure_ascii=False) + "\n")
    elif fmt == "text":
        _terminal(comparisons, docs, out, only_in_shown)
    elif fmt == "markdown":
        text = "".join(_markdown(c, docs, only_in_shown) for c in comparisons)
        out.write("# Compared stories\n\n" + text)
    elif fmt == "html":
        from rashomon.report.compare_html import write_html

        write_html(comparisons, docs, out)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# -- terminal -------------------------------------------------------------------------------


def _terminal(
    comparisons: Sequence[Comparison], docs: Mapping[str, Doc], out: TextIO, shown: int
) -> None:
    console = Console(file=out, width=max(100, Console().width), soft_wrap=False)
    for c in comparisons:
        console.print(_header(c))
        if len(_outlets(c)) > 1:
            console.print(_matrix(c, shown))
        else:
            console.print(Text("One outlet only: nothing to compare its claims with.", style="dim"))
        for table in (_headline_table(c), _quote_table(c, docs), _signal_table(c)):
            if table.row_count:
                console.print(table)
        for line in _provenance_lines(c):
            console.print(line)
        console.print()


def _header(c: Comparison) -> Panel:
    story = c.story
    lines = [
        Text(story.label or story.id, style="bold"),
        Text(f"event date: {story.event_date or 'unknown'}"),
        Text(f"participants: {', '.join(story.participants) or 'none found'}"),
        Text(_outlet_line(_outlets(c))),
    ]
    if story.place:
        lines.insert(2, Text(f"place: {story.place}"))
    counts = {v: sum(g.verdict == v for g in c.groups) for v in MARKS}
    lines.append(
        Text(
            f"{counts[Verdict.AGREE]} agreed · {counts[Verdict.ONLY_IN]} in one outlet only · "
            f"{counts[Verdict.CONTRADICT]} contradicted"
        )
    )
    return Panel(Group(*lines), title=f"story {story.id}", expand=True)


def _outlet_line(outlets: Sequence[str]) -> str:
    if len(outlets) <= TERMINAL_COLUMNS:
        return f"outlets: {', '.join(outlets)}"
    return f"{len(outlets)} outlets, lettered under the claims table"


def _outlets(c: Comparison) -> list[str]:
    """Every outlet of the story, in the order its reports appear."""
    return list(dict.fromkeys(s.outlet.name for s in c.signals))


def _shown(groups: Sequence[ClaimGroup], shown: int) -> tuple[list[ClaimGroup], dict[str, int]]:
    """The groups a reading report shows (every group but the claims of one outlet alone past
    `shown` per outlet), and how many it leaves out per outlet."""
    kept: list[ClaimGroup] = []
    seen: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for g in groups:
        if g.verdict == Verdict.ONLY_IN and shown > 0:
            outlet = g.outlets[0]
            seen[outlet] = seen.get(outlet, 0) + 1
            if seen[outlet] > shown:
                hidden[outlet] = hidden.get(outlet, 0) + 1
                continue
        kept.append(g)
    return kept, hidden


def _matrix(c: Comparison, shown: int = 0) -> Table:
    """Claim groups by outlet: a column per outlet, or past TERMINAL_COLUMNS outlets one
    column listing the letters of the outlets that state each claim."""
    outlets = _outlets(c)
    letters = column_letters(outlets)
    short = dict(zip(outlets, letters, strict=True))
    legend = " · ".join(f"{x} = {o}" for x, o in zip(letters, outlets, strict=True))
    wide = len(outlets) <= TERMINAL_COLUMNS
    table = Table(title="Claims", caption=legend, expand=True)
    table.add_column("", width=2)
    table.add_column("claim", ratio=5)
    for letter in letters if wide else ["outlets"]:
        table.add_column(letter, justify="center", width=max(2, len(letter)) if wide else None)
    table.add_column("note", ratio=2)
    groups, hidden = _shown(c.groups, shown)
    for g in groups:
        mark = Text(MARKS[g.verdict], style=_STYLE[g.verdict])
        if wide:
            cells = [mark if o in g.outlets else Text("") for o in outlets]
        else:
            cells = [Text(" ".join(short[o] for o in g.outlets), style=_STYLE[g.verdict])]
        table.add_row(mark, _short(g.claims[0].text, 200), *cells, _note(g, short))
    for outlet, count in hidden.items():
        more = Text(f"… {count} more claims only in {outlet} (all of them in json or html)")
        blanks = [Text("") for _ in (outlets if wide else [0])]
        table.add_row("", more, *blanks, Text(""), style="dim")
    return table


def _note(g: ClaimGroup, short: Mapping[str, str]) -> Text:
    if g.verdict == Verdict.CONTRADICT:
        facts = "; ".join(f"{k.kind}: {k.left} ≠ {k.right}" for k in g.conflicts)
        return Text(facts, style=_STYLE[Verdict.CONTRADICT])
    if g.verdict == Verdict.AGREE and g.changes:
        later = "; ".join(f"{k.left} → {k.right}" for k in g.changes)
        return Text(f"{len(g.outlets)} outlets; a later count: {later}")
    if g.verdict == Verdict.AGREE:
        return Text(f"{len(g.outlets)} outlets")
    if len(g.missing) > TERMINAL_COLUMNS:
        return Text(f"left out by {len(g.missing)} outlets")
    if g.missing:
        return Text("left out by " + ", ".join(short.get(m, m) for m in g.missing))
    return Text("no comparable outlet")


def _headline_table(c: Comparison) -> Table:
    table = Table(title="Headlines", expand=True)
    table.add_column("headline", ratio=3)
    # the verdict is never cut ("unsupported 0.11" whole, at any width)
    table.add_column("own body", min_width=len("unsupported 0.00"), no_wrap=True)
    for name in ("best evidence", "elsewhere"):
        table.add_column(name, ratio=3)
    for h in c.headlines:
        headline = Text(h.headline + (" (worded as a quotation)" if h.quotation else ""))
        verdict = Text(f"{h.verdict} {h.score:.2f}", style=_VERDICT_STYLE[h.verdict])
        evidence = _short(h.evidence.text, 140) if h.evidence else "—"
        if h.also:
            evidence += f"\nwith: {_short(h.also.text, 120)}"
        if h.unbacked:
            evidence += f"\nnot backed: {', '.join(h.unbacked)}"
        for o in h.overstates:
            evidence += f"\noverstates ({o.kind}): {o.why}"
        elsewhere = "—"
        if h.elsewhere:
            elsewhere = f"{h.elsewhere_verdict} {h.elsewhere_score:.2f} in {h.elsewhere.outlet}: "
            elsewhere += _short(h.elsewhere.text, 120)
        table.add_row(headline, verdict, evidence, elsewhere)
    return table


def _quote_table(c: Comparison, docs: Mapping[str, Doc]) -> Table:
    table = Table(title="Quotes and their chains", expand=True)
    for name, ratio in (("outlet", 1), ("speaker", 1), ("via", 1), ("words", 4)):
        table.add_column(name, ratio=ratio)
    outlet = {p.source: p.outlet for p in c.provenance}
    for source in c.story.articles:
        doc = docs.get(source)
        for q in doc.quotes if doc else ():
            if q.continues is not None:
                continue
            speaker = q.speaker or "unattributed"
            if q.anonymous:
                speaker += " (anonymous)"
            via = " ← ".join(q.via) or "—"
            table.add_row(outlet.get(source, source), speaker, via, _short(q.text, 200))
    return table


def _provenance_lines(c: Comparison) -> list[Text]:
    lines = [Text("Provenance", style="bold")]
    lines += [Text(f"  {p.outlet}: {describe(p)}") for p in c.provenance]
    for relay, outlets in c.relays:
        lines.append(Text(f"  {relay} feeds {', '.join(outlets)}"))
    return lines


def _signal_table(c: Comparison) -> Table:
    table = Table(title="Signals", expand=True)
    for name, ratio in (("outlet", 2), ("opinion", 1), ("wording", 2), ("other", 3)):
        table.add_column(name, ratio=ratio)
    for s in c.signals:
        words = ", ".join(dict.fromkeys(f"{w.text} ({w.kind}, {w.where})" for w in s.words))
        other = [f"missing {m}" for m in s.missing]
        other += [f"promotional line removed: {_short(p, 60)}" for p in s.promotional]
        other.append(profile_line(s.outlet))
        share = f"{s.opinion_share:.0%} of {s.claims} claims"
        table.add_row(s.outlet.name, share, words or "—", "\n".join(other))
    return table


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- markdown -------------------------------------------------------------------------------


def _markdown(c: Comparison, docs: Mapping[str, Doc], shown: int = 0) -> str:
    story = c.story
    parts = [
        f"## {md_escape(story.label or story.id)}\n",
        f"- event date: {story.event_date or 'unknown'}",
        f"- participants: {md_escape(', '.join(story.participants) or 'none found')}",
        f"- outlets: {md_escape(', '.join(_outlets(c)))}\n",
        "### Claims\n",
        _markdown_matrix(c, shown),
        "### Headlines\n",
    ]
    for h in c.headlines:
        quote = " (worded as a quotation)" if h.quotation else ""
        line = f"- **{md_escape(h.headline)}**{quote}: {h.verdict} by its own body ({h.score:.2f})"
        if h.evidence:
            line += f"; best evidence: “{md_escape(_short(h.evidence.text, 200))}”"
        if h.also:
            line += f" with “{md_escape(_short(h.also.text, 200))}”"
        for o in h.overstates:
            line += f"; **overstates** ({o.kind}): {md_escape(o.why)}"
        if h.elsewhere:
            line += (
                f"; elsewhere {h.elsewhere_verdict} ({h.elsewhere_score:.2f}) in "
                f"{md_escape(h.elsewhere.outlet)}: “{md_escape(_short(h.elsewhere.text, 200))}”"
            )
        parts.append(line)
    parts.append("\n### Quotes and their chains\n")
    parts += _markdown_quotes(c, docs)
    parts.append("\n### Provenance\n")
    parts += [f"- {md_escape(p.outlet)}: {md_escape(describe(p))}" for p in c.provenance]
    parts += [f"- {md_escape(r)} feeds {md_escape(', '.join(o))}" for r, o in c.relays]
    parts.append("\n### Signals\n")
    for s in c.signals:
        words = ", ".join(dict.fromkeys(w.text for w in s.words)) or "none"
        missing = ", ".join(s.missing) or "nothing"
        parts.append(
            f"- {md_escape(s.outlet.name)}: opinion {s.opinion_share:.0%} of {s.claims} claims; "
            f"loaded or sensational words: {md_escape(words)}; missing: {missing}; "
            f"promotional lines removed: {len(s.promotional)}; {md_escape(profile_line(s.outlet))}"
        )
    return "\n".join(parts) + "\n\n"


def _markdown_quotes(c: Comparison, docs: Mapping[str, Doc]) -> list[str]:
    outlet = {p.source: p.outlet for p in c.provenance}
    lines = []
    for source in c.story.articles:
        doc = docs.get(source)
        for q in doc.quotes if doc else ():
            if q.continues is not None:
                continue
            speaker = (q.speaker or "unattributed") + (" (anonymous)" if q.anonymous else "")
            chain = "".join(f" ← {md_escape(v)}" for v in q.via)
            lines.append(
                f"- {md_escape(outlet.get(source, source))}: **{md_escape(speaker)}**{chain}: "
                f"“{md_escape(_short(q.text, 200))}”"
            )
    return lines or ["- no quotes"]


def _markdown_matrix(c: Comparison, shown: int = 0) -> str:
    outlets = _outlets(c)
    labels = outlets if len(outlets) <= NAMED_COLUMNS else column_letters(outlets)
    head = "| | claim | " + " | ".join(md_escape(x) for x in labels) + " | why |"
    rule = "|---|---|" + "---|" * len(outlets) + "---|"
    rows = [head, rule]
    groups, hidden = _shown(c.groups, shown)
    for g in groups:
        mark = MARKS[g.verdict]
        cells = " | ".join(mark if o in g.outlets else "" for o in outlets)
        text = md_escape(_short(g.claims[0].text, 200))
        rows.append(f"| {mark} | {text} | {cells} | {md_escape(g.reason)} |")
    for outlet, count in hidden.items():
        blanks = " | ".join("" for _ in outlets)
        more = f"… {count} more claims only in {md_escape(outlet)}"
        rows.append(f"| | {more} | {blanks} | |")
    legend = "\n✓ agree · ● only in one outlet · ✗ contradict\n"
    if labels is not outlets:
        pairs = zip(labels, outlets, strict=True)
        legend += "\n" + " · ".join(f"{x} = {md_escape(o)}" for x, o in pairs) + "\n"
    return "\n".join(rows) + "\n" + legend
