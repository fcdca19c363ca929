"""Times: PLACEHOLDER interface, to be replaced by the real module."""

from __future__ import annotations

from datetime import date
from typing import Any

from rashomon.model import TimeExpr


def find_times(sdoc: Any, anchor: date | None) -> list[TimeExpr]:
    return []
