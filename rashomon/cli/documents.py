"""The commands over input documents: `clean`, `annotate`, `stories`, `compare`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from rashomon.cli.base import (
    AllowPrivateOpt,
    AsIsOpt,
    CompareFormat,
    Format,
    FormatOpt,
    OutletOpt,
    OutputOpt,
    PathsArg,
    ProgressOpt,
    State,
    app,
    files_named,
    grouping_command,
    input_overrides,
    run_stage,
)
from rashomon.pipeline import annotate_inputs, clean_inputs, story_inputs
from rashomon.settings import Settings


@app.command()
def clean(
    ctx: typer.Context,
    paths: PathsArg,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    show_removed: Annotated[
        bool,
        typer.Option(
            "--show-removed",
            help="In text and markdown output, list every removed line with its reason code "
            "(json and jsonl always carry them).",
        ),
    ] = False,
    allow_private: AllowPrivateOpt = False,
    outlet: OutletOpt = "",
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="JSON file of learned per-outlet templates: read when present, "
            "updated after the run.",
        ),
    ] = None,
    progress: ProgressOpt = True,
) -> None:
    """Strip each input to its article: title, outlet, date, language, body, removed lines.

    Every input document ends with an outcome (ok, skipped, failed) and a reason; a summary
    table of outcomes by reason is printed to stderr, and the exit code is 1 if any input
    failed.
    """
    from rashomon.report.clean import write

    state: State = ctx.obj
    extra = input_overrides(allow_private, outlet)
    if templates is not None:
        extra.append(f"clean.text.templates={templates}")
    settings = state.settings(*extra)
    stdin = getattr(sys.stdin, "buffer", None)  # None when the process has no stdin
    run_stage(
        lambda: clean_inputs(paths, settings, stdin=stdin),
        lambda results, out: write(results, fmt.value, out, show_removed=show_removed),
        output,
        files_named(paths, settings, progress and len(paths) > 0),
        "cleaning",
    )


@app.command()
def annotate(
    ctx: typer.Context,
    paths: PathsArg,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    as_is: Annotated[
        bool,
        typer.Option(
            "--as-is",
            help="Take each input exactly as the article text, without cleaning, so that every "
            "offset is an offset into the file.",
        ),
    ] = False,
    allow_private: AllowPrivateOpt = False,
    outlet: OutletOpt = "",
    progress: ProgressOpt = True,
) -> None:
    """Clean each input, then find its entities, time expressions, quotes (speaker, cue,
    addressee, the relays between speaker and outlet) and claims with their stance.

    Spans are character offsets into the clean text ("text" in json/jsonl), or into the file
    with --as-is. A summary table of outcomes goes to stderr; exit code 1 if any input failed.
    """
    from rashomon.report.annotate import write

    state: State = ctx.obj
    settings = state.settings(*input_overrides(allow_private, outlet))
    stdin = getattr(sys.stdin, "buffer", None)
    run_stage(
        lambda: annotate_inputs(paths, settings, stdin=stdin, raw_text=as_is),
        lambda results, out: write(results, fmt.value, out),
        output,
        files_named(paths, settings, progress and len(paths) > 0),
        "annotating",
    )


@app.command()
def stories(
    ctx: typer.Context,
    paths: PathsArg,
    fmt: FormatOpt = Format.text,
    output: OutputOpt = None,
    as_is: AsIsOpt = False,
    allow_private: AllowPrivateOpt = False,
    outlet: OutletOpt = "",
    progress: ProgressOpt = True,
) -> None:
    """Group the reports into stories, one per event, across outlets and languages: each
    with its reports (near-identical copies folded and listed), outlets, event date,
    participants, place and a label. Every report is in exactly one story.

    A summary table of outcomes goes to stderr; exit code 1 if any input failed.
    """
    from rashomon.report.stories import write

    def run(settings: Settings, out: TextIO, **inputs: Any) -> None:
        found, results = story_inputs(paths, settings, **inputs)
        write(found, results, fmt.value, out)

    grouping_command(ctx, paths, output, as_is, (allow_private, outlet), progress, run)


CompareFormatOpt = Annotated[
    CompareFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (a terminal report), json, jsonl (one story a line), "
        "markdown, html (one self-contained file that opens offline).",
    ),
]


@app.command()
def compare(
    ctx: typer.Context,
    paths: PathsArg,
    fmt: CompareFormatOpt = CompareFormat.text,
    output: OutputOpt = None,
    as_is: AsIsOpt = False,
    allow_private: AllowPrivateOpt = False,
    outlet: OutletOpt = "",
    progress: ProgressOpt = True,
) -> None:
    """Group the reports into stories and lay each story's accounts side by side: which
    claims the outlets agree on, which only one outlet states (and which outlets of
    comparable coverage leave out), where they contradict each other and on what fact;
    whether each headline holds up against its own body and the rest of the story; whose
    account each outlet relays; and framing signals per article. Every verdict points at the
    words it rests on (character offsets into each article's clean text).

    A summary table of outcomes goes to stderr; exit code 1 if any input failed.
    """
    from rashomon.pipeline import compare_inputs
    from rashomon.report.compare import write

    def run(settings: Settings, out: TextIO, **inputs: Any) -> None:
        comparisons, docs, results = compare_inputs(paths, settings, **inputs)
        shown = settings.compare.only_in_shown
        write(comparisons, docs, results, fmt.value, out, shown)

    grouping_command(ctx, paths, output, as_is, (allow_private, outlet), progress, run)
