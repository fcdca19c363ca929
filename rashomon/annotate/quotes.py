"""Quotes: PLACEHOLDER interface, to be replaced by the real module."""

from __future__ import annotations

from typing import Any

from rashomon.model import Quote


def find_quotes(sdoc: Any, mentions: Any) -> list[Quote]:
    return []
