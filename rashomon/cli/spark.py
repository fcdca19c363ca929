"""The `spark` commands: the pipeline on Apache Spark (the extra `rashomon[spark]`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from rashomon.cli.base import State, app, err, finish, usage_errors
from rashomon.errors import RashomonError
from rashomon.settings import Settings

spark_app = typer.Typer(
    help="Run the pipeline on Apache Spark (needs the extra: pip install 'rashomon[spark]').",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(spark_app, name="spark")


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
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Run the name, story and compare stages over every article read so far and "
            "rewrite the tables, instead of adding the new articles to the stories built "
            "before.",
        ),
    ] = False,
) -> None:
    """Clean, annotate, group and compare the inputs on Spark, into Parquet tables.

    Resumable: files a finished run processed (same name, size and time) are skipped, and an
    interrupted job loses at most one run of `spark.files_per_run` files. The tables load
    into a store with `rashomon import DIR --db news.db`. Exit code 1 when an input of this
    job failed, 2 on a usage error.
    """
    state: State = ctx.obj
    settings = state.settings()
    with usage_errors():
        report = _spark_job(inputs, output, settings, master or settings.spark.master, rebuild)
    for item, why in report.missing:
        err.print(f"✗ {item}: {why}", highlight=False, markup=False)
    err.print(
        f"read {report.files} files in {report.runs} runs ({report.files_skipped} done "
        f"before); {output} holds {report.articles} articles in {report.stories} stories.",
        highlight=False,
        markup=False,
    )
    finish(report.outcomes)


def _spark_job(
    inputs: list[str], output: str, settings: Settings, master: str, rebuild: bool
) -> Any:
    try:
        import pyspark  # noqa: F401

        from rashomon.spark import job
    except ImportError as error:
        raise RashomonError(
            f"Spark is not installed ({error}): pip install 'rashomon[spark]'"
        ) from None
    spark = job.session(master)
    try:
        return job.run(spark, inputs, output, settings, rebuild)
    finally:
        spark.stop()
