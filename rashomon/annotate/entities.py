"""Entities: PLACEHOLDER interface, to be replaced by the real module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rashomon.model import Entity


@dataclass
class Mentions:
    """Every entity mention in one article, in text order."""

    entities: list[Entity] = field(default_factory=list)

    def within(self, start: int, end: int) -> list[Entity]:
        """Mentions lying inside [start, end)."""
        return [e for e in self.entities if e.start >= start and e.end <= end]

    def best_in(self, start: int, end: int) -> Entity | None:
        """The mention that best names the phrase [start, end) (e.g. a speaker's noun phrase)."""
        inside = self.within(start, end)
        return inside[0] if inside else None


def find_entities(sdoc: Any) -> Mentions:
    return Mentions()
