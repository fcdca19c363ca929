"""The `rashomon` command: thin commands over importable functions.

Results go to stdout (or -o FILE); progress, one line per failed input and the summary table
go to stderr, so output can be piped. The exit code is 1 when any input failed.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from rashomon import __version__
from rashomon.errors import RashomonError, SettingsError
from rashomon.ingest.progress import count_files, files_read
from rashomon.model import Outcome, Result
from rashomon.pipeline import annotate_inputs, clean_inputs, story_inputs
from rashomon.report import one_line
from rashomon.settings import Settings, declared, settings_markdown
from rashomon.steer_cli import story_app

app = typer.Typer(
    name="rashomon",
    help="One event, many accounts: clean news reports to the article and compare outlets.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
err = Console(stderr=True, soft_wrap=True)  # messages hold paths: never break them


class Format(StrEnum):
    text = "text"
    jsonl = "jsonl"
    json = "json"
    markdown = "markdown"


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


class State:
    settings_file: Path | None = None
    overrides: list[str]
    verbose: int = 0

    def __init__(self) -> None:
        self.overrides = []

    def settings(self, *extra: str) -> Settings:
        try:
            return Settings.load(self.settings_file, [*self.overrides, *extra])
        except SettingsError as error:
            err.print(f"[red]error:[/red] {escape(str(error))}", markup=True, highlight=False)
            raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        print(f"rashomon {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            "--setting",
            "-s",
            metavar="NAME=VALUE",
            help="Override one setting, NAME=VALUE (repeatable); `rashomon settings` lists them.",
        ),
    ] = None,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            help="A TOML file of settings (default: $RASHOMON_SETTINGS or "
            "~/.config/rashomon/settings.toml when present).",
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """rashomon: one event, many accounts.

    Strips scraped news reports to the article, records what it removed and why, and (in later
    stages) compares how outlets report the same event.
    """
    state = State()
    state.overrides = list(setting or [])
    state.settings_file = settings_file
    state.verbose = verbose
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = state


PathsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="PATHS...",
        help="Inputs: files (.txt, .html/.htm, .html.gz, .warc/.warc.gz, RSS/Atom feeds, .jsonl), "
        "folders (walked recursively), globs, http(s) URLs, or - for standard input.",
        show_default=False,
    ),
]


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text (for reading), jsonl (one object a document), json, markdown.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write results to FILE instead of stdout.")
]
OutletOpt = Annotated[
    str,
    typer.Option(
        "--outlet",
        metavar="NAME",
        help="The outlet of every input, over what the pages say (setting clean.outlet).",
        show_default=False,
    ),
]
AllowPrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Let URL inputs reach loopback and private-network addresses (refused by default).",
    ),
]
ProgressOpt = Annotated[
    bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")
]


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
    extra = _input_overrides(allow_private, outlet)
    if templates is not None:
        extra.append(f"clean.text.templates={templates}")
    settings = state.settings(*extra)
    stdin = getattr(sys.stdin, "buffer", None)  # None when the process has no stdin
    _run(
        lambda: clean_inputs(paths, settings, stdin=stdin),
        lambda results, out: write(results, fmt.value, out, show_removed=show_removed),
        output,
        _files_named(paths, settings, progress and len(paths) > 0),
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
    settings = state.settings(*_input_overrides(allow_private, outlet))
    stdin = getattr(sys.stdin, "buffer", None)
    _run(
        lambda: annotate_inputs(paths, settings, stdin=stdin, raw_text=as_is),
        lambda results, out: write(results, fmt.value, out),
        output,
        _files_named(paths, settings, progress and len(paths) > 0),
        "annotating",
    )


AsIsOpt = Annotated[
    bool,
    typer.Option(
        "--as-is",
        help="Take each input exactly as the article text, without cleaning, so that every "
        "offset is an offset into the file.",
    ),
]


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

    _grouping_command(ctx, paths, output, as_is, (allow_private, outlet), progress, run)


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
        shown = int(settings["compare.only_in_shown"])
        write(comparisons, docs, results, fmt.value, out, shown)

    _grouping_command(ctx, paths, output, as_is, (allow_private, outlet), progress, run)


DbOpt = Annotated[
    Path, typer.Option("--db", help="The store: a SQLite file, created when missing.")
]
ServedDbOpt = Annotated[
    Path,
    typer.Option(
        "--db", help="The store to serve: a SQLite file that must exist (`rashomon ingest`)."
    ),
]


@app.command()
def ingest(
    ctx: typer.Context,
    paths: PathsArg,
    db: DbOpt = Path("news.db"),
    as_is: AsIsOpt = False,
    allow_private: AllowPrivateOpt = False,
    outlet: OutletOpt = "",
    progress: ProgressOpt = True,
) -> None:
    """Add the inputs to a store, updating its stories and comparisons as they come.

    Incremental and idempotent: a document already stored (same content) is skipped before
    any work, so running it again stores nothing twice. Killed at any moment, the store keeps
    every whole batch, and the next run finishes what was left. A summary table of outcomes
    goes to stderr; exit code 1 if any input failed.
    """
    from rashomon.store import Store
    from rashomon.store.ingest import ingest_into

    state: State = ctx.obj
    settings = state.settings(*_input_overrides(allow_private, outlet))
    counts: Counter[tuple[str, str]] = Counter()
    show = progress and len(paths) > 0
    with _usage_errors(), Store(db, settings) as store:
        totals = ingest_into(
            store,
            paths,
            settings,
            stdin=getattr(sys.stdin, "buffer", None),
            raw_text=as_is,
            watch=lambda results: _watch(
                results, counts, "ingesting", _files_named(paths, settings, show)
            ),
        )
        held = store.counts()
    err.print(
        f"stored {totals.added.stored} new articles; placed {totals.updated.placed}, "
        f"compared {totals.updated.compared} stories. {db} holds {held['articles']} articles "
        f"in {held['stories']} stories.",
        highlight=False,
        markup=False,
    )
    _finish(counts)


@app.command("outlet")
def outlet_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The outlet the articles were published by.")],
    db: Annotated[
        Path, typer.Option("--db", help="The store to correct: a SQLite file that must exist.")
    ] = Path("news.db"),
    articles: Annotated[
        list[str] | None,
        typer.Option("--article", "-a", metavar="ID", help="An article's id (repeatable)."),
    ] = None,
    was: Annotated[
        list[str] | None,
        typer.Option(
            "--was",
            metavar="OUTLET",
            help="Every article now under this outlet, e.g. 'unknown: report.txt' (repeatable).",
        ),
    ] = None,
) -> None:
    """Correct the outlet of stored articles: name them by id or by the outlet they are
    under now, and their stories are compared again under the outlet they now have.

    An article whose URL belongs to an outlet in the registry keeps that outlet's name (it
    is said so). Nothing changes when an id or outlet is unknown (exit code 2).
    """
    from rashomon.store import Store

    with _usage_errors():
        if not db.is_file():
            raise RashomonError(f"{db}: no such store (create it with `rashomon ingest`)")
        with Store(db, ctx.obj.settings()) as store:
            done = store.correct_outlet(name, articles=articles or (), was=was or ())
    err.print(
        f"{_count(done.articles, 'article')} now {'says' if done.articles == 1 else 'say'} "
        f"{one_line(name)}; compared "
        f"{_count(len(done.stories), 'story', 'stories')} again.",
        highlight=False,
        markup=False,
    )
    if done.kept:
        err.print(
            f"{len(done.kept)} keep the registry outlet their URL names: "
            + ", ".join(done.kept[:10])
            + (" …" if len(done.kept) > 10 else ""),
            highlight=False,
            markup=False,
        )


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


class ExportTable(StrEnum):
    articles = "articles"
    stories = "stories"
    comparisons = "comparisons"
    inputs = "inputs"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    parquet = "parquet"


@app.command("export")
def export_cmd(
    db: Annotated[
        Path, typer.Option("--db", help="The store to export: a SQLite file that must exist.")
    ] = Path("news.db"),
    table: Annotated[
        ExportTable,
        typer.Option(
            "--table",
            "-t",
            help="What to export: articles, stories, comparisons (one row per claim group) "
            "or inputs.",
        ),
    ] = ExportTable.stories,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl (one object a line), json (one array), csv (UTF-8, header row; "
            "nested columns as JSON text) or parquet (fixed column types; needs -o).",
        ),
    ] = ExportFormat.jsonl,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE (replaced whole) instead of stdout."),
    ] = None,
) -> None:
    """Export one table of a store for DuckDB, pandas or a spreadsheet.

    Rows are streamed from the store, and a file is written beside its target and renamed
    at the end, so a failed export never leaves a half file. The columns of each table are
    listed in rashomon.store.export. Exit code 2 on a missing store or a bad option.
    """
    from rashomon.store.export import export

    with _usage_errors():
        if fmt is ExportFormat.parquet and output is None:
            raise RashomonError("parquet is binary: give an output file with -o FILE")
        written = export(db, table.value, fmt.value, output if output is not None else sys.stdout)
        sys.stdout.flush()
    where = output if output is not None else "stdout"
    err.print(f"exported {written} {table.value} rows to {where}", highlight=False, markup=False)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The output folder of `rashomon spark run`: one folder of Parquet files per "
            "table (articles, annotations, inputs, stories, comparisons).",
            show_default=False,
        ),
    ],
    db: DbOpt = Path("news.db"),
) -> None:
    """Load the tables a Spark run wrote into a store, for `rashomon serve`.

    Into an empty store the run's stories and comparisons are kept as they are; into a store
    holding articles already, only the articles it lacks are added, and the store places and
    compares them itself, as an ingest would. One transaction: a refused or failed import
    leaves the store as it was, so importing the same folder again adds nothing. Exit code 2
    on a bad folder or store.
    """
    from rashomon.store import Store
    from rashomon.store.importer import check_folder, import_folder

    state: State = ctx.obj
    settings = state.settings()
    with _usage_errors():
        check_folder(folder)  # before the store is opened (and created)
        with Store(db, settings) as store:
            done = import_folder(folder, store)
    placed = f", placed {done.placed_here} here" if done.placed_here else ""
    err.print(
        f"imported {done.articles} articles, {done.stories} stories, {done.comparisons} "
        f"comparisons, {done.inputs} inputs into {db}; skipped {done.skipped} already "
        f"stored{placed}.",
        highlight=False,
        markup=False,
    )


def _input_overrides(allow_private: bool, outlet: str) -> list[str]:
    """The settings that --allow-private and --outlet stand for."""
    overrides = ["fetch.allow_private=true"] if allow_private else []
    if outlet.strip():
        overrides.append(f"clean.outlet={outlet.strip()}")
    return overrides


def _grouping_command(
    ctx: typer.Context,
    paths: list[str],
    output: Path | None,
    as_is: bool,
    access: tuple[bool, str],
    progress: bool,
    run: Callable[..., None],
) -> None:
    """What `stories` and `compare` share: settings, stdin, the annotating and grouping
    progress bars, usage errors, the output file and the summary of outcomes. `run(settings,
    out, stdin=, raw_text=, watch=, progress=)` does the command's own work. `access` is
    (--allow-private, --outlet)."""
    state: State = ctx.obj
    settings = state.settings(*_input_overrides(*access))
    counts: Counter[tuple[str, str]] = Counter()
    show = progress and len(paths) > 0
    with _usage_errors(), _open_output(output) as out, _counter_bar(show, "grouping") as grouped:
        run(
            settings,
            out,
            stdin=getattr(sys.stdin, "buffer", None),
            raw_text=as_is,
            watch=lambda results: _watch(
                results, counts, "annotating", _files_named(paths, settings, show)
            ),
            progress=grouped,
        )
    _finish(counts)


@contextmanager
def _counter_bar(show: bool, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar advanced by the callback it yields (drawn once it first advances)."""
    with _progress(show, "reports") as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.advance(task, n)


def _progress(show: bool, unit: str) -> Progress:
    """The progress bar of every command, counting `unit`s, on stderr."""
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} " + unit),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=err, transient=True, disable=not show)


def _run(
    produce: Callable[[], Iterable[Result]],
    write: Callable[[Iterable[Result], TextIO], None],
    output: Path | None,
    files: int | None,
    label: str,
) -> None:
    """Run a command's results into its writer: progress (when `files`, the inputs' file
    count, is given) and failures on stderr, the summary table, exit code 2 on a usage error
    and 1 when any input failed."""
    counts: Counter[tuple[str, str]] = Counter()
    with _usage_errors(), _open_output(output) as out:
        write(_watch(produce(), counts, label, files), out)
    _finish(counts)


@contextmanager
def _usage_errors() -> Iterator[None]:
    """A usage error (bad settings, no inputs) is one line on stderr and exit code 2."""
    try:
        yield
    except RashomonError as error:
        err.print(f"error: {error}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _finish(counts: Counter[tuple[str, str]]) -> None:
    """The summary table; exit code 1 when any input failed."""
    _print_summary(counts)
    if any(outcome == Outcome.FAILED for outcome, _ in counts):
        raise typer.Exit(1)


@contextmanager
def _open_output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    if path.exists() and not path.is_file():  # /dev/null, a pipe: write to it, never replace it
        with path.open("w", encoding="utf-8") as handle:
            yield handle
        return
    if not path.parent.is_dir():
        raise RashomonError(f"cannot write {path}: the folder {path.parent} does not exist")
    tmp = path.with_name(path.name + ".partial")
    try:
        handle = tmp.open("w", encoding="utf-8")
    except OSError as error:
        raise RashomonError(f"cannot write {path}: {error.strerror}") from None
    with handle:
        yield handle
    tmp.replace(path)


def _watch(
    results: Iterable[Result],
    counts: Counter[tuple[str, str]],
    label: str,
    files: int | None,
) -> Iterator[Result]:
    """Pass results through while counting them, drawing progress and reporting failures.

    `files` is how many files the inputs name (None: no bar). The bar shows files done of
    the total and the time left, advanced each time the reader moves on to the next file."""
    with _file_progress(files is not None) as bar:
        task = bar.add_task(label, total=files or None, documents=0, files="")
        started = [0]

        def next_file(_name: str) -> None:
            started[0] += 1
            done = started[0] - 1
            bar.update(task, completed=done, files=f"{done}/{files} files" if files else "")

        with files_read(next_file):
            yield from _counted(results, counts, bar, task)
        if files:
            bar.update(task, completed=files, files=f"{files}/{files} files")


def _counted(
    results: Iterable[Result], counts: Counter[tuple[str, str]], bar: Progress, task: TaskID
) -> Iterator[Result]:
    """Count each result and print each failure above the bar."""
    for n, result in enumerate(results, 1):
        counts[(str(result.outcome), result.reason)] += 1
        if result.outcome is Outcome.FAILED:
            bar.console.print(
                f"✗ {one_line(result.origin)}: {one_line(result.detail)}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        bar.update(task, documents=n)
        yield result


def _file_progress(show: bool) -> Progress:
    """The bar of the reading commands: documents so far, files done of all, time left."""
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[documents]} documents"),
        TextColumn("{task.fields[files]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    return Progress(*columns, console=err, transient=True, disable=not show)


def _files_named(paths: list[str], settings: Settings, show: bool) -> int | None:
    """How many files the inputs name, for the progress bar's total (None when not shown)."""
    return count_files(paths, settings) if show else None


def _print_summary(counts: Counter[tuple[str, str]]) -> None:
    table = Table(title="outcomes", title_justify="left")
    table.add_column("outcome")
    table.add_column("reason")
    table.add_column("documents", justify="right")
    for (outcome, reason), n in sorted(counts.items()):
        style = {"ok": "green", "skipped": "yellow", "failed": "red"}.get(outcome, "")
        table.add_row(f"[{style}]{outcome}[/{style}]", reason, str(n))
    table.add_row("", "total", str(sum(counts.values())), style="bold")
    err.print(table)


spark_app = typer.Typer(
    help="Run the pipeline on Apache Spark (needs the extra: pip install 'rashomon[spark]').",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(spark_app, name="spark")


train_app = typer.Typer(
    help="Train rashomon's models on your own annotated data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(train_app, name="train")
app.add_typer(story_app, name="story")


@train_app.command("attribution")
def train_attribution_command(
    ctx: typer.Context,
    data: Annotated[
        Path,
        typer.Option(
            "--data",
            help="Folder of brat standoff files (NAME.txt + NAME.ann, or PolNeAR's text/ and "
            "attributions/) with Source, Cue and Content spans linked by Attribution events.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The model file to write.")],
    evaluate: Annotated[
        Path | None,
        typer.Option("--eval", help="A held-out brat folder to score the final model on."),
    ] = None,
    folds: Annotated[
        int, typer.Option("--folds", help="Cross-validation folds on --data (0 or 1: none).")
    ] = 5,
    iterations: Annotated[int, typer.Option("--iterations", help="L-BFGS iterations.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold shuffle.")] = 13,
) -> None:
    """Train the attribution tagger (source, cue, content) on brat files and write MODEL.

    Prints P/R/F1 per span type, exact and overlap, for each cross-validation fold (their
    mean and spread) and for --eval; writes MODEL and its report MODEL.json. Use the model
    with the setting annotate.attribution_model = "MODEL".
    """
    from rashomon.annotate.train import TrainParams, train_attribution

    state: State = ctx.obj
    settings = state.settings()
    params = TrainParams(iterations=iterations, folds=folds, seed=seed)
    with _usage_errors(), _stage_progress() as progress:
        report = train_attribution(data, output, settings, params, evaluate, progress)
    _print_training(report, output)


@contextmanager
def _stage_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage ("parse", "fold 2/5", ...) on stderr."""
    bars: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description:>12s}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as shown:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = shown.add_task(stage, total=total)
            shown.update(bars[stage], completed=done, total=total)

        yield update


def _print_training(report: dict[str, Any], output: Path) -> None:
    from rashomon.annotate.train import summary_rows

    table = Table(
        title=f"attribution tagger: {report['articles']} articles, "
        f"{report['relations']} relations, {report['seconds']} s"
    )
    for column in (
        "data",
        "role",
        "exact P",
        "exact R",
        "exact F1",
        "overlap P",
        "overlap R",
        "overlap F1",
    ):
        table.add_column(
            column, justify="left" if column in ("data", "role") else "right", no_wrap=True
        )
    for row in summary_rows(report):
        table.add_row(*row)
    # a file or pipe gets the whole table on one line a row, not squeezed into 80 columns
    Console(soft_wrap=True, width=None if sys.stdout.isatty() else 132).print(table)
    err.print(
        f"wrote {output} ({report['bytes'] / 1e6:.1f} MB) and {output}.json; use it with "
        f'annotate.attribution_model = "{output}"',
        highlight=False,
        markup=False,
    )


@spark_app.command("run")
def spark_run(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUTS...",
            help="WARC/WARC.gz, JSONL, HTML or text files, folders or globs, on any filesystem "
            "Spark reads (a local path, hdfs://, s3a://, gs://).",
            show_default=False,
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output", "-o", help="Folder of the Parquet tables (and the job's own _work/)."
        ),
    ],
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Spark master, e.g. local[2] (default: setting spark.master; spark-submit's "
            "own when run by it).",
        ),
    ] = None,
) -> None:
    """Clean, annotate, group and compare the inputs on Spark, into Parquet tables.

    Resumable: files a finished run processed (same name, size and time) are skipped, and an
    interrupted job loses at most one run of `spark.files_per_run` files. The tables load
    into a store with `rashomon import DIR --db news.db`. Exit code 1 when an input of this
    job failed, 2 on a usage error.
    """
    state: State = ctx.obj
    settings = state.settings()
    with _usage_errors():
        report = _spark_job(inputs, output, settings, master or str(settings["spark.master"]))
    for item, why in report.missing:
        err.print(f"✗ {item}: {why}", highlight=False, markup=False)
    err.print(
        f"read {report.files} files in {report.runs} runs ({report.files_skipped} done "
        f"before); {output} holds {report.articles} articles in {report.stories} stories.",
        highlight=False,
        markup=False,
    )
    _finish(report.outcomes)


def _spark_job(inputs: list[str], output: str, settings: Settings, master: str) -> Any:
    try:
        import pyspark  # noqa: F401

        from rashomon.spark import job
    except ImportError as error:
        raise RashomonError(
            f"Spark is not installed ({error}): pip install 'rashomon[spark]'"
        ) from None
    spark = job.session(master)
    try:
        return job.run(spark, inputs, output, settings)
    finally:
        spark.stop()


@app.command()
def serve(
    ctx: typer.Context,
    db: ServedDbOpt = Path("news.db"),
    host: Annotated[
        str, typer.Option(help="Address to listen on; beyond loopback a write token is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    threads: Annotated[
        int, typer.Option("--threads", help="Threads serving requests, per worker.", min=1)
    ] = 40,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Server processes, each with its own store connection (more use more cores).",
            min=1,
        ),
    ] = 1,
) -> None:
    """Serve the store in a browser and over HTTP: stories, story comparisons, articles,
    outlets and search, and the JSON API under /api/v1 (its reference at /docs)."""
    import uvicorn

    from rashomon.store import Store
    from rashomon.web.app import SERVE_ENV, create_app, serve_spec, server_token

    state: State = ctx.obj
    settings = state.settings()
    with _usage_errors():
        if not db.exists():
            raise RashomonError(f"{db}: no such store (create it with `rashomon ingest`)")
        server_token(settings, host)  # refuses to listen beyond loopback without a token
        store = Store(db, settings)  # refuses a bad file before any worker starts
        err.print(f"serving {db} at http://{host}:{port}/", highlight=False, markup=False)
        if workers > 1:
            store.close()
            os.environ[SERVE_ENV] = serve_spec(
                db.resolve(), host, port, threads, state.settings_file, state.overrides
            )
            uvicorn.run(
                "rashomon.web.app:app_from_environment",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
            )
            return
        application = create_app(
            store, settings, host=host, port=port, threads=threads, own_store=True
        )
        uvicorn.run(application, host=host, port=port, log_level="warning")


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


if __name__ == "__main__":
    main()
