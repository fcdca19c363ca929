"""The tables `rashomon spark run` writes, one Delta table each under the output folder,
and `rashomon import` (`store.importer`) reads back: the format both sides share lives with
the store, below the Spark driver.

Every table is a Delta Lake table (`store.delta`): Parquet part files (what Spark writes) and
the log of commits naming those of each version, readable with `deltalake` as a pyarrow
dataset or a pandas frame, and by DuckDB over the current version's files
(`DeltaTable(path).file_uris()`). The schema of each is fixed here, so types never depend on
the data. JSON columns hold JSON text; the `doc`,
`story` and `comparison` columns hold the records losslessly (`rashomon.codec`), which is
what `rashomon import DIR --db news.db` loads.

- `articles`: one row per distinct article (by content id): id, origin, input (the file it
  came from), url, outlet, title, byline, published (ISO date), language, extractor, story,
  copy_of (the article a near-identical copy repeats), text.
- `annotations`: one row per article: id, entities, times, quotes, claims (JSON lists of
  objects, offsets into the article's text), doc (the annotated Doc as codec JSON), vector
  (the lead's unit vector, float32, as the story stage embedded it).
- `inputs`: one row per input document (a WARC record, a JSONL line, a file): origin,
  input, article (content id, when one was read), outcome (ok, skipped, failed), reason,
  detail, run.
- `stories`: one row per story: id, label, event_date, first_seen, last_seen, articles,
  outlets, agree, only_in, contradict, sources (the member articles' origins, exact copies
  included), outlet_names, participants, place, languages, story (the Story as codec JSON).
- `comparisons`: one row per story: story, agree, only_in, contradict, headlines, comparison
  (the Comparison as codec JSON).
- `claim_groups`: one row per claim group of each story, as `rashomon export --table
  comparisons` writes them: story, group_id, verdict, reason, score, outlets, missing,
  sources, claims, conflicts, changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from rashomon import codec
from rashomon.model import Comparison, Doc, Result, Story
from rashomon.store.stories import verdict_counts

__all__ = [
    "SCHEMAS",
    "TABLES",
    "annotation_row",
    "article_row",
    "claim_group_rows",
    "comparison_row",
    "input_row",
    "story_row",
]

TABLES = ("articles", "annotations", "inputs", "stories", "comparisons", "claim_groups")

# Spark DDL: `rashomon.spark.job` makes the DataFrames with these, the importer reads them.
SCHEMAS: dict[str, str] = {
    "articles": (
        "id STRING, origin STRING, input STRING, url STRING, outlet STRING, title STRING, "
        "byline STRING, published STRING, language STRING, extractor STRING, story STRING, "
        "copy_of STRING, text STRING"
    ),
    "annotations": (
        "id STRING, entities STRING, times STRING, quotes STRING, claims STRING, doc STRING, "
        "vector ARRAY<FLOAT>"
    ),
    "inputs": (
        "origin STRING, input STRING, article STRING, outcome STRING, reason STRING, "
        "detail STRING, run STRING"
    ),
    "stories": (
        "id STRING, label STRING, event_date STRING, first_seen STRING, last_seen STRING, "
        "articles BIGINT, outlets BIGINT, agree BIGINT, only_in BIGINT, contradict BIGINT, "
        "sources ARRAY<STRING>, outlet_names ARRAY<STRING>, participants ARRAY<STRING>, "
        "place STRING, languages ARRAY<STRING>, story STRING"
    ),
    "comparisons": (
        "story STRING, agree BIGINT, only_in BIGINT, contradict BIGINT, headlines BIGINT, "
        "comparison STRING"
    ),
    "claim_groups": (
        "story STRING, group_id STRING, verdict STRING, reason STRING, score DOUBLE, "
        "outlets ARRAY<STRING>, missing ARRAY<STRING>, sources ARRAY<STRING>, claims STRING, "
        "conflicts STRING, changes STRING"
    ),
}


def _json(value: Any) -> str:
    return json.dumps(codec.encode(value, defaults=True), ensure_ascii=False)


def article_row(
    doc: Doc, source: str, outlet: str, story: str | None, copy_of: str | None
) -> tuple[Any, ...]:
    """The `articles` row of one annotated article read from the file `source`."""
    a = doc.article
    published = a.published.isoformat() if a.published else None
    return (
        a.id,
        a.origin,
        source,
        a.url,
        outlet,
        a.title,
        a.byline,
        published,
        a.language,
        a.extractor,
        story,
        copy_of,
        a.text,
    )


def annotation_row(doc: Doc, vector: Iterable[float]) -> tuple[Any, ...]:
    """The `annotations` row of one article: its layers as JSON, the Doc, the lead vector."""
    return (
        doc.article.id,
        _json(doc.entities),
        _json(doc.times),
        _json(doc.quotes),
        _json(doc.claims),
        codec.dumps(doc),
        [float(x) for x in vector],
    )


def input_row(result: Result, source: str, run: str) -> tuple[Any, ...]:
    """The `inputs` row of one input document and how it ended."""
    return (
        result.origin,
        source,
        result.id,
        str(result.outcome),
        str(result.reason),
        result.detail,
        run,
    )


def _verdicts(comparison: Comparison | None) -> tuple[int, int, int]:
    counts = verdict_counts(comparison.groups if comparison is not None else ())
    return counts["agree"], counts["only_in"], counts["contradict"]


def story_row(
    story: Story, comparison: Comparison | None, days: Iterable[str | None]
) -> tuple[Any, ...]:
    """The `stories` row of one story; `days` are its members' publication dates."""
    known = sorted(d for d in days if d)
    return (
        story.id,
        story.label,
        story.event_date,
        known[0] if known else None,
        known[-1] if known else None,
        len(story.articles),
        len(story.outlets),
        *_verdicts(comparison),
        list(story.articles),
        list(story.outlets),
        list(story.participants),
        story.place,
        list(story.languages),
        codec.dumps(story),
    )


def comparison_row(comparison: Comparison) -> tuple[Any, ...]:
    """The `comparisons` row of one story's comparison."""
    return (
        comparison.story.id,
        *_verdicts(comparison),
        len(comparison.headlines),
        codec.dumps(comparison),
    )


def claim_group_rows(comparison: Comparison) -> list[tuple[Any, ...]]:
    """The `claim_groups` rows of one comparison."""
    return [
        (
            comparison.story.id,
            group.id,
            str(group.verdict),
            group.reason,
            float(group.score),
            list(group.outlets),
            list(group.missing),
            list(dict.fromkeys(claim.source for claim in group.claims)),
            _json(group.claims),
            _json(group.conflicts),
            _json(group.changes),
        )
        for group in comparison.groups
    ]


_ARROW_TYPES = {
    "STRING": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "FLOAT": pa.float32(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The pyarrow schema of one table, translated from its Spark DDL in SCHEMAS, so that
    pyarrow writers and the importer's checks never spell the columns a second time."""
    if table not in SCHEMAS:
        raise ValueError(f"no table {table!r}; the tables are {', '.join(TABLES)}")
    fields = []
    for column in re.split(r",(?![^<]*>)", SCHEMAS[table]):
        name, kind = column.split(None, 1)
        fields.append(pa.field(name, _arrow_type(kind)))
    return pa.schema(fields)


def _arrow_type(kind: str) -> pa.DataType:
    kind = kind.strip().upper()
    if kind.startswith("ARRAY<") and kind.endswith(">"):
        return pa.list_(_arrow_type(kind[len("ARRAY<") : -1]))
    if kind not in _ARROW_TYPES:
        raise ValueError(f"no pyarrow type for the Spark type {kind}")
    return _ARROW_TYPES[kind]
