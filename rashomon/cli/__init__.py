"""The `rashomon` command: thin commands over importable functions.

Results go to stdout (or -o FILE); progress, one line per failed input and the summary table
go to stderr, so output can be piped. The exit code is 1 when any input failed.

The commands live by what they work on: `documents` (clean, annotate, stories, compare),
`store` (ingest, outlet, export, import, serve), `spark`, `train`, `steer` (story merge, split,
compare, decisions: hand decisions on a store), on what `base` shares (the
Typer `app`, its global options, the stderr console, the running of a stage over inputs);
this module gathers them in their order, adds `settings` and is the entry point, `main`.
"""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

# Imported for the commands they register on `app`, in this order (`--help` lists them so).
from rashomon.cli import documents, spark, steer, store, train  # noqa: F401
from rashomon.cli.base import State, app, err
from rashomon.settings import declared, settings_markdown

__all__ = ["app", "main"]


@app.command("settings")
def settings_cmd(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[NAME...]",
            help="Settings to explain in full: a name or a prefix such as `clean.`.",
            show_default=False,
        ),
    ] = None,
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="Print the settings reference (docs/settings.md) instead."),
    ] = False,
) -> None:
    """List every setting on one line (its value, and its default when that differs); with
    NAMEs, each matching setting in full: value, default and what it does."""
    if markdown:
        print(settings_markdown(), end="")
        return
    state: State = ctx.obj
    current = state.settings()
    settings = sorted(declared().items())
    if names:
        chosen = [(n, d) for n, d in settings if any(n == k or n.startswith(k) for k in names)]
        if not chosen:
            err.print(f"error: no setting named {' or '.join(names)}", highlight=False)
            raise typer.Exit(2)
        for name, setting in chosen:
            print(f"{name} = {current[name]!r}  (default {setting.default!r})")
            print(f"    {setting.help}\n")
        return
    rows = []
    for name, setting in settings:
        value = repr(current[name])
        if current[name] != setting.default:
            value += f" (default {setting.default!r})"
        rows.append((name, value, setting.help))
    table = Table(box=None, show_header=True, pad_edge=False)
    table.add_column("setting", no_wrap=True, min_width=max(len(r[0]) for r in rows))
    width = min(24, max(len(r[1]) for r in rows))
    table.add_column("value", no_wrap=True, overflow="ellipsis", min_width=width, max_width=40)
    table.add_column("help", no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*row)
    Console().print(table)
    err.print("`rashomon settings NAME` explains one in full.", highlight=False)


def main() -> None:
    """Entry point of the `rashomon` script. Exit codes: 0 done, 1 done but some input
    failed (each has its outcome), 2 the run itself failed (a usage error, or a bug: its
    traceback goes to stderr, for a report)."""
    try:
        app()
    except Exception:
        traceback.print_exc()
        err.print(
            "error: rashomon itself failed (a bug, not your input); exit code 2. "
            "The traceback above helps a bug report.",
            highlight=False,
            markup=False,
        )
        sys.exit(2)
