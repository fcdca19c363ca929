"""The commands over a store: `ingest`, `outlet`, `export`, `import`, `serve`."""

from __future__ import annotations

import os
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from rashomon.cli.base import (
    AllowPrivateOpt,
    AsIsOpt,
    OutletOpt,
    PathsArg,
    ProgressOpt,
    State,
    app,
    err,
    files_named,
    finish,
    input_overrides,
    usage_errors,
    watch_results,
)
from rashomon.errors import RashomonError
from rashomon.report import one_line

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
    settings = state.settings(*input_overrides(allow_private, outlet))
    counts: Counter[tuple[str, str]] = Counter()
    show = progress and len(paths) > 0
    with usage_errors(), Store(db, settings) as store:
        totals = ingest_into(
            store,
            paths,
            settings,
            stdin=getattr(sys.stdin, "buffer", None),
            raw_text=as_is,
            watch=lambda results: watch_results(
                results, counts, "ingesting", files_named(paths, settings, show)
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
    finish(counts)


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

    with usage_errors():
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

    with usage_errors():
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
    with usage_errors():
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
    with usage_errors():
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
