"""Per-outlet template learning for the plain-text cleaner.

A line that recurs across many pages of one outlet ("Subscribe to our newsletter", "- Outlet
Name, 1920", a footer) is page furniture of that outlet, whatever the line classifier makes of
it on one page. `TemplateStore` counts, per outlet, in how many documents each distinct
normalised line occurs (once per document), and answers `is_furniture(outlet, line)` once a
line has been seen in `clean.text.template_min_docs` documents.

Memory is bounded: lines longer than `clean.text.template_max_line_chars` are not counted, and
an outlet keeps at most `clean.text.template_max_lines` distinct lines (when full, the lines
seen in a single document are dropped first).

The store is saved as JSON (written to a temporary file, then moved into place) and loaded
back; a file that is not a store is an error naming the file. One store per process: it is
not shared between threads.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rashomon.errors import SettingsError
from rashomon.settings import Settings

__all__ = ["TemplateStore", "normalise_line"]

FORMAT = "rashomon.templates.v1"

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")

# A line that reads like body prose (many words, ends a sentence) needs more evidence before it
# is called furniture: an outlet may publish several versions of one story.
_PROSE_WORDS = 15
_PROSE_FACTOR = 2


def normalise_line(line: str) -> str:
    """The key a line is counted under: case-folded, spaces collapsed, digit runs as '0'
    (so '- Outlet, 1920, 31.01.2024' and '- Outlet, 1920, 23.01.2024' count as one)."""
    text = _SPACE.sub(" ", line).strip().casefold()
    return _DIGITS.sub("0", text)


def _looks_like_prose(key: str) -> bool:
    return key.count(" ") + 1 >= _PROSE_WORDS and key[-1:] in '.!?"”’'


class TemplateStore:
    """Counts of normalised lines per outlet, in how many documents each was seen."""

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings if settings is not None else Settings()
        self.min_docs: int = max(1, settings.clean.text.template_min_docs)
        self.max_lines: int = max(1, settings.clean.text.template_max_lines)
        self.max_line_chars: int = max(1, settings.clean.text.template_max_line_chars)
        self._counts: dict[str, dict[str, int]] = {}
        self._docs: dict[str, int] = {}
        # off once a batch has been read for learning, so its documents are not counted twice
        self.learning: bool = True

    # -- learning -------------------------------------------------------------------------

    def observe(self, outlet: str, lines: Iterable[str]) -> None:
        """Count each distinct normalised line of one document of `outlet` once."""
        if not outlet or not self.learning:
            return
        keys = {normalise_line(line) for line in lines}
        keys = {k for k in keys if k and len(k) <= self.max_line_chars}
        counts = self._counts.setdefault(outlet, {})
        self._docs[outlet] = self._docs.get(outlet, 0) + 1
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        if len(counts) > self.max_lines:
            self._prune(counts)

    def merge(self, other: TemplateStore) -> TemplateStore:
        """Add what `other` observed (another worker's share of a batch), as if this store had
        seen those documents too. Returns self."""
        for outlet, counts in other._counts.items():
            mine = self._counts.setdefault(outlet, {})
            for key, count in counts.items():
                mine[key] = mine.get(key, 0) + count
            if len(mine) > self.max_lines:
                self._prune(mine)
        for outlet, documents in other._docs.items():
            self._docs[outlet] = self._docs.get(outlet, 0) + documents
        return self

    def _prune(self, counts: dict[str, int]) -> None:
        """Drop the least seen lines until the outlet is back under its cap."""
        target = self.max_lines * 3 // 4
        floor = 1
        while len(counts) > target:
            for key in [k for k, n in counts.items() if n <= floor]:
                del counts[key]
                if len(counts) <= target:
                    break
            floor += 1

    # -- asking ---------------------------------------------------------------------------

    def count(self, outlet: str, line: str) -> int:
        """In how many documents of `outlet` this line has been seen."""
        return self._counts.get(outlet, {}).get(normalise_line(line), 0)

    def documents(self, outlet: str) -> int:
        """How many documents of `outlet` were observed."""
        return self._docs.get(outlet, 0)

    def is_furniture(self, outlet: str, line: str) -> bool:
        """True when the line recurs in at least `template_min_docs` documents of the outlet
        (twice that for a line that reads like body prose)."""
        if not outlet:
            return False
        key = normalise_line(line)
        if not key:
            return False
        seen = self._counts.get(outlet, {}).get(key, 0)
        needed = self.min_docs * (_PROSE_FACTOR if _looks_like_prose(key) else 1)
        return seen >= needed

    def outlets(self) -> list[str]:
        return sorted(self._counts)

    def __len__(self) -> int:
        return sum(len(c) for c in self._counts.values())

    # -- persistence ----------------------------------------------------------------------

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "outlets": {
                outlet: {"documents": self._docs.get(outlet, 0), "lines": dict(counts)}
                for outlet, counts in sorted(self._counts.items())
            },
        }

    def save(self, path: str | Path) -> None:
        """Write the store as JSON atomically (a temporary file beside it, then a rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.to_json(), handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path: str | Path, settings: Settings | None = None) -> TemplateStore:
        """The store saved at `path`; an empty store when the file does not exist yet.

        Raises SettingsError naming the file when it cannot be read or is not a store."""
        path = Path(path)
        store = cls(settings)
        if not path.exists():
            return store
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read the templates file ({exc})") from None
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{path}: the templates file is not valid JSON ({exc}); "
                "delete it to start learning afresh"
            ) from None
        store._fill(data, path)
        return store

    def _fill(self, data: object, path: Path) -> None:
        def bad(what: str) -> SettingsError:
            return SettingsError(
                f"{path}: not a rashomon templates file ({what}); delete it to start afresh"
            )

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise bad(f"expected an object with format {FORMAT!r}")
        outlets = data.get("outlets")
        if not isinstance(outlets, dict):
            raise bad("'outlets' must be an object")
        for outlet, entry in outlets.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("lines"), dict):
                raise bad(f"outlet {outlet!r} has no 'lines' object")
            documents = entry.get("documents", 0)
            if not isinstance(documents, int) or isinstance(documents, bool):
                raise bad(f"outlet {outlet!r}: 'documents' must be an integer")
            counts: dict[str, int] = {}
            for key, value in entry["lines"].items():
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise bad(f"outlet {outlet!r}: line counts must be integers")
                counts[str(key)] = value
            self._counts[str(outlet)] = counts
            self._docs[str(outlet)] = documents
