"""The `rashomon clean` output: one record per input document, in four formats.

The JSON record is a contract later stages and tools build on:
{"source", "id", "outcome", "reason", "title", "outlet", "published", "language", "text",
 "removed": [{"text", "reason"}]} plus extra fields (url, byline, detail, …).
Text and Markdown are for reading; untrusted page text is escaped in Markdown so a renderer
never turns it into HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from rashomon import codec
from rashomon.model import Article, Result
from rashomon.report import one_line, terminal_safe

__all__ = ["FORMATS", "record", "write", "write_results"]

FORMATS = ("jsonl", "json", "text", "markdown")


def record(result: Result) -> dict[str, Any]:
    """The JSON-ready record of one document's result."""
    article = result.record if isinstance(result.record, Article) else None
    out: dict[str, Any] = {
        "source": result.origin,
        "id": result.id,
        "outcome": str(result.outcome),
        "reason": result.reason,
        "detail": result.detail or None,
        "title": None,
        "outlet": None,
        "published": None,
        "language": None,
        "text": None,
        "removed": [],
    }
    if article is not None:
        out.update(
            title=article.title,
            outlet=article.outlet,
            published=article.published.isoformat() if article.published else None,
            language=article.language,
            text=article.text,
            removed=codec.encode(article.removed, defaults=True),
            url=article.url,
            canonical_url=article.canonical_url,
            byline=article.byline,
            site_name=article.site_name,
            extractor=article.extractor,
            foreign_paragraphs=codec.encode(article.foreign_paragraphs, defaults=True),
        )
    return out


def write(results: Iterable[Result], fmt: str, out: TextIO, *, show_removed: bool = False) -> None:
    """Write results to `out` as they come (JSON collects them into one array)."""
    renderers = {
        "text": lambda r: _text(r, show_removed),
        "markdown": lambda r: _markdown(r, show_removed),
    }
    write_results(results, fmt, out, record, renderers)


def write_results(
    results: Iterable[Result],
    fmt: str,
    out: TextIO,
    to_record: Callable[[Result], dict[str, Any]],
    renderers: dict[str, Callable[[Result], str]],
) -> None:
    """The shared writer of every command: jsonl and json from `to_record`, the reading
    formats from `renderers`."""
    if fmt == "jsonl":
        for result in results:
            out.write(json.dumps(to_record(result), ensure_ascii=False) + "\n")
    elif fmt == "json":
        json.dump([to_record(r) for r in results], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt in renderers:
        for result in results:
            out.write(renderers[fmt](result))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _text(result: Result, show_removed: bool) -> str:
    article = result.record if isinstance(result.record, Article) else None
    if article is None:
        return terminal_safe(
            f"# {one_line(result.origin)}\n[{result.outcome}: {result.reason}] "
            f"{one_line(result.detail)}\n\n"
        )
    meta = [
        f"outlet: {article.outlet or '-'}",
        f"published: {article.published or '-'}",
        f"language: {article.language or '-'}",
        f"byline: {article.byline or '-'}",
    ]
    for flagged in article.foreign_paragraphs:
        meta.append(f"paragraph {flagged.index + 1} is in another language: {flagged.language}")
    lines = [
        f"# {one_line(result.origin)}",
        f"title: {one_line(article.title or '-')}",
        *meta,
        "",
        article.text,
        "",
    ]
    if show_removed:
        lines.append(f"-- removed ({len(article.removed)} lines) --")
        lines += [f"[{r.reason}] {r.text}" for r in article.removed]
        lines.append("")
    return terminal_safe("\n".join(lines) + "\n")


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+-.!|~"})


def md_escape(text: str) -> str:
    """Escape Markdown and HTML syntax in untrusted text."""
    return text.translate(_MD_SPECIAL).replace("&", "&amp;")


def _markdown(result: Result, show_removed: bool) -> str:
    article = result.record if isinstance(result.record, Article) else None
    head = (
        f"## {md_escape(article.title) if article and article.title else md_escape(result.origin)}"
    )
    if article is None:
        return f"{head}\n\n*{result.outcome}: {result.reason}* — {md_escape(result.detail)}\n\n"
    rows = [
        ("source", result.origin),
        ("outlet", article.outlet or "–"),
        ("published", str(article.published or "–")),
        ("language", article.language or "–"),
        ("byline", article.byline or "–"),
    ]
    table = "| field | value |\n|---|---|\n" + "".join(
        f"| {k} | {md_escape(v)} |\n" for k, v in rows
    )
    body = "\n\n".join(md_escape(p) for p in article.paragraphs)
    parts = [head, "", table, body, ""]
    if show_removed and article.removed:
        parts.append(f"<details><summary>Removed ({len(article.removed)} lines)</summary>\n")
        parts += [f"- `{r.reason}` {md_escape(r.text)}" for r in article.removed]
        parts.append("\n</details>\n")
    return "\n".join(parts) + "\n"
