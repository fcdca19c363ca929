"""Attribution annotations in brat standoff: the training data of the attribution tagger.

A folder holds `NAME.txt` texts and their `NAME.ann` (or `NAME_ANNOTATOR.ann`) annotations,
side by side or as PolNeAR lays them out (`text/` and `attributions/`). An `.ann` file has `T`
lines, spans of a type (Source, Cue, Content; others are ignored) at character offsets into
the text, possibly in pieces (`315 448;463 553`), and `E` lines linking one attribution's
spans (`E1	Attribution:T4 Content:T3 Cue:T2 Source:T1`; `Content2` is a second piece of the
content). When an article has several annotators' files, the first in file-name order is read.

A file that cannot be read or parsed is a `MalformedInput` naming it and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rashomon.errors import MalformedInput, MissingInput

__all__ = ["Annotated", "GoldRelation", "read_folder"]

Pieces = tuple[tuple[int, int], ...]
_T_START = re.compile(r"^T\d+\t")
_E_START = re.compile(r"^E\d+\t")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t.*)?$")


@dataclass(frozen=True, slots=True)
class GoldRelation:
    source: Pieces
    cue: Pieces
    content: Pieces


@dataclass(frozen=True, slots=True)
class Annotated:
    name: str
    text: str
    relations: tuple[GoldRelation, ...]


def _read_text(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as f:  # offsets count every character
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise MalformedInput(str(path), f"cannot read it as UTF-8 text: {exc}") from exc


def _spans(lines: list[str], path: Path, length: int) -> dict[str, Pieces]:
    spans: dict[str, Pieces] = {}
    for number, line in enumerate(lines, 1):
        if not _T_START.match(line):
            continue  # another kind of line, or the surface text's continuation
        match = _T_LINE.match(line)
        if match is None:
            raise MalformedInput(str(path), f"line {number} is not a brat span: {line[:80]!r}")
        tid, _kind, offsets = match.groups()
        pieces = tuple((int(a), int(b)) for a, b in (piece.split() for piece in offsets.split(";")))
        if any(not 0 <= a <= b <= length for a, b in pieces):
            raise MalformedInput(str(path), f"line {number}: offsets {offsets} outside the text")
        spans[tid] = pieces
    return spans


def parse_ann(ann: str, text: str, path: Path) -> tuple[GoldRelation, ...]:
    """The attributions of one `.ann` file over `text`."""
    lines = ann.splitlines()
    spans = _spans(lines, path, len(text))
    out = []
    for line in lines:
        if not _E_START.match(line):
            continue
        roles: dict[str, list[tuple[int, int]]] = {"source": [], "cue": [], "content": []}
        for argument in line.split("\t", 1)[-1].split():
            role, _, tid = argument.partition(":")
            key = role.rstrip("0123456789").lower()  # Content2 is more of the content
            if key in roles and tid in spans:
                roles[key].extend(spans[tid])
        if roles["content"]:
            out.append(
                GoldRelation(*(tuple(sorted(roles[k])) for k in ("source", "cue", "content")))
            )
    return tuple(sorted(out, key=lambda r: r.content[0]))


def _pairs(folder: Path) -> list[tuple[Path, Path]]:
    text_dir, ann_dir = folder, folder
    if (folder / "text").is_dir() and (folder / "attributions").is_dir():
        text_dir, ann_dir = folder / "text", folder / "attributions"
    first: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        first.setdefault(ann.stem, ann)
        first.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    return [(t, first[t.stem]) for t in sorted(text_dir.glob("*.txt")) if t.stem in first]


def read_folder(folder: Path | str) -> list[Annotated]:
    """Every annotated text of `folder`, in file-name order."""
    base = Path(folder)
    if not base.is_dir():
        raise MissingInput(str(base), "no such folder of brat annotations")
    pairs = _pairs(base)
    if not pairs:
        raise MissingInput(str(base), "no .txt file with a matching .ann file in it")
    out = []
    for text_path, ann_path in pairs:
        text = _read_text(text_path)
        relations = parse_ann(_read_text(ann_path), text, ann_path)
        out.append(Annotated(text_path.stem, text, relations))
    return out
