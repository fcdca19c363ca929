"""`rashomon story …`: steering a store's grouping by hand (rashomon.store.steer).

- `rashomon story merge A B [C…] --db news.db`: make the stories one;
- `rashomon story split STORY ARTICLE… --db news.db`: move articles off a story into a story
  of their own;
- `rashomon story compare ARTICLE ARTICLE… --db news.db [-f FORMAT]`: the side-by-side
  comparison of picked articles, written to stdout, nothing stored;
- `rashomon story decisions --db news.db`: the hand decisions made, one line each.

A decision sticks: a later ingest adds to the stories as they now are and never parts a
merge nor puts a split article back. An unknown id, or a decision that cannot be made,
changes nothing: one line on stderr naming it, exit code 2. The commands are registered on
the main app by `rashomon.cli` (a module of their own, between the web app and the CLI in
the layers, to keep cli.py small).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from rashomon.cli.base import app
from rashomon.errors import RashomonError
from rashomon.report import one_line

if TYPE_CHECKING:  # the store loads numpy and more: only when a command runs
    from rashomon.store import Store

__all__ = ["story_app"]

story_app = typer.Typer(
    help="Steer a store's grouping by hand: merge stories, split articles off a story, "
    "compare picked articles side by side.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
err = Console(stderr=True, soft_wrap=True)

StoreOpt = Annotated[
    Path, typer.Option("--db", help="The store: a SQLite file that must exist (`rashomon ingest`).")
]


@contextmanager
def _opened(ctx: typer.Context, db: Path) -> Iterator[Store]:
    """The store, with an error of ours (an unknown id, no such store) as one line on stderr
    and exit code 2."""
    try:
        if not db.is_file():
            raise RashomonError(f"{db}: no such store (create it with `rashomon ingest`)")
        from rashomon.store import Store

        with Store(db, ctx.obj.settings()) as store:
            yield store
    except RashomonError as error:
        err.print(f"error: {error}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _said(text: str) -> None:
    err.print(one_line(text), highlight=False, markup=False)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@story_app.command("merge")
def merge_cmd(
    ctx: typer.Context,
    stories: Annotated[
        list[str], typer.Argument(metavar="STORY...", help="Story ids, two or more.")
    ],
    db: StoreOpt = Path("news.db"),
) -> None:
    """Merge stories the grouper split: they become one story (the id of the one that began
    first) and it is compared again. A later ingest never parts them."""
    with _opened(ctx, db) as store:
        done = store.merge_stories(stories)
    _said(
        f"merged {_count(len(done.removed) + 1, 'story', 'stories')} into {done.story} "
        f"({_count(done.moved, 'article', 'articles')} moved); compared it again."
    )


@story_app.command("split")
def split_cmd(
    ctx: typer.Context,
    story: Annotated[str, typer.Argument(help="The story's id.")],
    articles: Annotated[
        list[str], typer.Argument(metavar="ARTICLE...", help="Ids of articles of that story.")
    ],
    db: StoreOpt = Path("news.db"),
) -> None:
    """Split articles off a story into a story of their own (their near-copies go with
    them); both stories are compared again. A later ingest never puts them back."""
    with _opened(ctx, db) as store:
        done = store.split_story(story, articles)
    (kept,) = [s for s in done.stories if s != done.story]
    _said(
        f"split {_count(done.moved, 'article', 'articles')} off into story {done.story} "
        f"(the rest is story {kept}); compared both again."
    )


@story_app.command("compare")
def compare_cmd(
    ctx: typer.Context,
    articles: Annotated[
        list[str], typer.Argument(metavar="ARTICLE...", help="Ids of two or more articles.")
    ],
    db: StoreOpt = Path("news.db"),
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="Output format: text, json, jsonl, markdown, html."),
    ] = "text",
) -> None:
    """Compare picked articles side by side (the claims matrix of a story page) whatever
    their stories: nothing is stored."""
    from rashomon.report.compare import FORMATS, write

    if fmt not in FORMATS:
        err.print(f"error: the format is one of {', '.join(FORMATS)}", highlight=False)
        raise typer.Exit(2)
    with _opened(ctx, db) as store:
        picked = store.compare_articles(articles)
        shown = store.settings.compare.only_in_shown
    write([picked.comparison], picked.docs, [], fmt, sys.stdout, shown)


@story_app.command("decisions")
def decisions_cmd(ctx: typer.Context, db: StoreOpt = Path("news.db")) -> None:
    """List the hand decisions made on the store, the first first: when, merge or split, the
    story it made, the stories it touched and how many articles it named or moved."""
    from rashomon.store import steer

    with _opened(ctx, db) as store:
        made = steer.decisions(store.db)
    for d in made:
        before = ", ".join(d.stories)
        print(
            f"{d.seq}\t{d.made_at}\t{d.kind}\t{d.story}\tfrom {before}\t"
            f"{_count(len(d.articles), 'article', 'articles')}"
        )
    if not made:
        _said("no hand decision has been made on this store")


app.add_typer(story_app, name="story")
