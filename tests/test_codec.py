"""The one serialiser (`rashomon.codec`): every record of `rashomon.model` goes to JSON and
back equal, with its default fields left out or kept, and `defaults=True` is what
`dataclasses.asdict` gives, as JSON."""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from rashomon import codec, model
from rashomon.model import Comparison, Doc, Entity, Outlet, Quote, QuoteKind
from rashomon.settings import Settings

COMPARE = Path(__file__).parent / "fixtures" / "compare"

# The records that never become JSON, each with its reason. Every other record must round-trip.
NOT_JSON = {
    "RawDoc": "its body is bytes (the input as fetched); it is never stored or written",
    "Result": "its record is one of two records (Article | Doc); reports write its parts",
}
RECORDS = sorted(
    (cls for _, cls in inspect.getmembers(model, inspect.isclass) if dataclasses.is_dataclass(cls)),
    key=lambda cls: cls.__name__,
)
JSON_RECORDS = [cls for cls in RECORDS if cls.__name__ not in NOT_JSON]


def sample(hint: Any, n: int = 1, *, full: bool = True) -> Any:
    """A value of type `hint`: a record with every field given when `full` (else only those
    without a default), its values varying with `n`."""
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        given = {
            f.name: sample(hints[f.name], n + i, full=full)
            for i, f in enumerate(dataclasses.fields(hint))
            if full
            or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        }
        return hint(**given)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return sample(kinds[0], n, full=full)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return (sample(args[0], n, full=full), sample(args[0], n + 1, full=full))
        return tuple(sample(a, n + i, full=full) for i, a in enumerate(args))
    if origin is dict:
        return {"unit": "day", "shift": -n, "anchor": None}
    if isinstance(hint, type) and issubclass(hint, Enum):
        members = list(hint)
        return members[n % len(members)]
    if hint is bool:
        return True
    if hint is int:
        return 100 + n
    if hint is float:
        return n + 0.25
    if hint is str:
        return f"text «{n}»"
    if hint is datetime:
        return datetime(2024, 1, 31, 12, n % 60, tzinfo=UTC)
    if hint is date:
        return date(2024, 1, 1 + n % 28)
    raise AssertionError(f"no sample for {hint!r}: teach sample() the new field type")


def through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


def test_the_records_that_never_become_json_are_still_records() -> None:
    assert set(NOT_JSON) <= {cls.__name__ for cls in RECORDS}
    assert len(JSON_RECORDS) >= 20


@pytest.mark.parametrize("cls", JSON_RECORDS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("full", [True, False], ids=["every field set", "defaults only"])
@pytest.mark.parametrize("defaults", [False, True], ids=["defaults left out", "defaults kept"])
def test_every_record_round_trips_through_json(cls: type, full: bool, defaults: bool) -> None:
    record = sample(cls, full=full)
    encoded = codec.encode(record, defaults=defaults)
    assert through_json(encoded) == encoded  # JSON-ready: lists, text, numbers, no tuples
    assert codec.decode(cls, through_json(encoded)) == record
    assert codec.loads(cls, codec.dumps(record)) == record
    names = [f.name for f in dataclasses.fields(cls)]
    if defaults:
        assert list(encoded) == names  # every field, in the record's order
    else:
        assert set(encoded) <= set(names)


def test_defaults_are_left_out_unless_asked_for() -> None:
    entity = Entity(0, 3, "Dong", "PERSON", "Dong Jun", "dong jun")
    assert codec.encode(entity) == {
        "start": 0,
        "end": 3,
        "text": "Dong",
        "type": "PERSON",
        "canonical": "Dong Jun",
        "key": "dong jun",
    }
    assert codec.encode(entity, defaults=True) == {
        **codec.encode(entity),
        "role": None,
        "via": "name",
        "produced_by": "rashomon.entities.v1",
    }
    # Nested records keep their defaults too, and tuples become lists at every depth.
    quote = Quote(QuoteKind.DIRECT, 0, 5, "hello", "Dong", (6, 10), "said", (11, 15))
    doc = codec.encode(Doc(model.Article("a", "o", "t"), quotes=(quote,)), defaults=True)
    assert doc["quotes"] == [through_json(dataclasses.asdict(quote))]
    assert doc["quotes"][0]["speaker_span"] == [6, 10] and doc["quotes"][0]["via"] == []
    outlet = codec.encode(Outlet("Sputnik", domains=("sputnik.com",)), defaults=True)
    assert (
        outlet["domains"] == ["sputnik.com"]
        and outlet["aliases"] == []
        and outlet["known"] is False
    )


def as_asdict_json(record: Any) -> Any:
    """`dataclasses.asdict` as JSON (dates as ISO text, the enums as the strings they are)."""
    return json.loads(json.dumps(dataclasses.asdict(record), default=lambda d: d.isoformat()))


def test_defaults_kept_is_asdict_for_the_seeds_real_docs(seed_docs: dict[str, Doc]) -> None:
    assert seed_docs
    for doc in seed_docs.values():
        assert doc.entities and doc.quotes and doc.claims and doc.times
        assert through_json(codec.encode(doc, defaults=True)) == as_asdict_json(doc)
        assert codec.decode(Doc, through_json(codec.encode(doc, defaults=True))) == doc
        assert codec.loads(Doc, codec.dumps(doc)) == doc


@pytest.fixture(scope="module")
def comparisons() -> list[Comparison]:
    from rashomon.pipeline import compare_inputs

    files = [*sorted(EXAMPLES.glob("0*.txt")), *sorted(COMPARE.glob("*_[ab].txt"))]
    found, _, _ = compare_inputs([str(f) for f in files], Settings())
    return found


def test_defaults_kept_is_asdict_for_real_comparisons(comparisons: list[Comparison]) -> None:
    assert any(g.conflicts for c in comparisons for g in c.groups)  # conflicts went through
    for comparison in comparisons:
        kept = through_json(codec.encode(comparison, defaults=True))
        assert kept == as_asdict_json(comparison)
        assert codec.decode(Comparison, kept) == comparison
        assert codec.loads(Comparison, codec.dumps(comparison)) == comparison


def test_no_module_but_the_codec_turns_records_into_dicts_its_own_way() -> None:
    """`dataclasses.asdict` (and `astuple`) anywhere else would be a second serialiser."""
    import ast

    import rashomon

    package = Path(rashomon.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path == package / "codec.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.ImportFrom) and node.module == "dataclasses"
                else [node.attr]
                if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "dataclasses"
                else []
            )
            found += [
                f"{path.relative_to(package)}:{node.lineno} {n}"
                for n in names
                if n in ("asdict", "astuple")
            ]
    assert not found, "records to dicts outside rashomon.codec (use codec.encode):\n" + "\n".join(
        found
    )
