"""The `train` commands: rashomon's models trained on your own annotated data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from rashomon.cli.base import State, app, err, usage_errors

train_app = typer.Typer(
    help="Train rashomon's models on your own annotated data.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(train_app, name="train")


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
    with usage_errors(), _stage_progress() as progress:
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
