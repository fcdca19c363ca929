"""The one serialiser: the records of `rashomon.model` to JSON and back, exactly.

Every record written to JSON whole goes through `encode`: the store's rows, the exports and the
Parquet tables, the reports and the API (a report object that picks, orders or renames a
record's fields is built by hand, as its JSON contract says). A dataclass becomes an object of
its fields in their order, a tuple a list, a date ISO text, an enum its value, a dict's key
text. By default a field equal to its default is left out (the store keeps each Doc, Story and
Comparison as `dumps` text, so an Entity does not repeat its `produced_by` in every row);
`encode(record, defaults=True)` keeps every field, as `dataclasses.asdict` does, so each object
of a list has the same keys (what the reports, exports and the API give). Decoding follows the
type hints of the model, so `decode(Doc, encode(doc)) == doc` for every record (dates and enums
included), with or without the defaults, but RawDoc (its body is bytes) and Result (its record
is one of two kinds), which are never JSON.

It sits beside `model` at the bottom of the layers (it imports nothing of the package), so
every stage, report, store and surface may use it.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

__all__ = ["decode", "dumps", "encode", "loads"]

T = TypeVar("T")
_MISSING = dataclasses.MISSING


def encode(record: Any, *, defaults: bool = False) -> Any:
    """A JSON-ready value: dataclasses as objects (without the fields equal to their default,
    unless `defaults`), tuples as lists, dates as ISO text, enums as their value."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {
            name: encode(value, defaults=defaults)
            for name, value, default in _values(record)
            if defaults or default is _MISSING or value != default
        }
    if isinstance(record, (tuple, list)):
        return [encode(item, defaults=defaults) for item in record]
    if isinstance(record, dict):
        return {str(key): encode(value, defaults=defaults) for key, value in record.items()}
    if isinstance(record, Enum):
        return record.value
    if isinstance(record, (date, datetime)):
        return record.isoformat()
    return record


def _values(record: Any) -> list[tuple[str, Any, Any]]:
    return [(f.name, getattr(record, f.name), _default(f)) for f in _fields(type(record))]


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = dataclasses.fields(cls)
    return found


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not _MISSING:
        return field.default
    if field.default_factory is not _MISSING:
        return field.default_factory()
    return _MISSING


def decode(cls: type[T], value: Any) -> T:
    """The `cls` record that `encode` turned into `value`."""
    return _decoder(cls)(value)


def dumps(record: Any) -> str:
    """`encode` as compact JSON text (non-ASCII kept as it is)."""
    return json.dumps(encode(record), ensure_ascii=False, separators=(",", ":"))


def loads(cls: type[T], text: str | bytes) -> T:
    """The `cls` record stored as `dumps` text."""
    return decode(cls, json.loads(text))


Decoder = Callable[[Any], Any]


_DECODERS: dict[Any, Decoder] = {}


def _decoder(hint: Any) -> Decoder:
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _make_decoder(hint)
    return found


def _make_decoder(hint: Any) -> Decoder:
    if dataclasses.is_dataclass(hint):
        return _record_decoder(hint)  # type: ignore[arg-type]
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(args)
    if origin is tuple:
        return _tuple_decoder(args)
    if hint is date:
        return date.fromisoformat
    if hint is datetime:
        return datetime.fromisoformat
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint is float:
        return float
    return _as_is


def _as_is(value: Any) -> Any:
    return value


def _record_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls)
    parts = [(f.name, _decoder(hints[f.name])) for f in _fields(cls)]

    def run(value: dict[str, Any]) -> Any:
        if not isinstance(value, dict):
            raise ValueError(f"{cls.__name__}: expected an object, got {type(value).__name__}")
        return cls(**{name: part(value[name]) for name, part in parts if name in value})

    return run


def _union_decoder(args: tuple[Any, ...]) -> Decoder:
    kinds = [a for a in args if a is not type(None)]
    if len(kinds) != 1:
        return _as_is  # a union of several records is not stored
    inner = _decoder(kinds[0])

    def run(value: Any) -> Any:
        return None if value is None else inner(value)

    return run


def _tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        return lambda value: tuple(item(v) for v in value)
    parts = [_decoder(a) for a in args]
    return lambda value: tuple(part(v) for part, v in zip(parts, value, strict=True))
