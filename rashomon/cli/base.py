"""What every command shares: the Typer `app` with its global options (`--setting`,
`--settings`, `-v`, `--version`), the stderr console, the common options and formats, and the
running of a stage over inputs (progress bars, outcomes, the summary table, exit codes).
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

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
from rashomon.report import one_line
from rashomon.settings import Settings

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


AsIsOpt = Annotated[
    bool,
    typer.Option(
        "--as-is",
        help="Take each input exactly as the article text, without cleaning, so that every "
        "offset is an offset into the file.",
    ),
]


def input_overrides(allow_private: bool, outlet: str) -> list[str]:
    """The settings that --allow-private and --outlet stand for."""
    overrides = ["fetch.allow_private=true"] if allow_private else []
    if outlet.strip():
        overrides.append(f"clean.outlet={outlet.strip()}")
    return overrides


def grouping_command(
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
    settings = state.settings(*input_overrides(*access))
    counts: Counter[tuple[str, str]] = Counter()
    show = progress and len(paths) > 0
    with usage_errors(), _open_output(output) as out, _counter_bar(show, "grouping") as grouped:
        run(
            settings,
            out,
            stdin=getattr(sys.stdin, "buffer", None),
            raw_text=as_is,
            watch=lambda results: watch_results(
                results, counts, "annotating", files_named(paths, settings, show)
            ),
            progress=grouped,
        )
    finish(counts)


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


def run_stage(
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
    with usage_errors(), _open_output(output) as out:
        write(watch_results(produce(), counts, label, files), out)
    finish(counts)


@contextmanager
def usage_errors() -> Iterator[None]:
    """A usage error (bad settings, no inputs) is one line on stderr and exit code 2."""
    try:
        yield
    except RashomonError as error:
        err.print(f"error: {error}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def finish(counts: Counter[tuple[str, str]]) -> None:
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


def watch_results(
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


def files_named(paths: list[str], settings: Settings, show: bool) -> int | None:
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
