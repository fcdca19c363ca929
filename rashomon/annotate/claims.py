"""Claims: PLACEHOLDER interface, to be replaced by the real module."""

from __future__ import annotations

from typing import Any

from rashomon.model import Claim, Quote, TimeExpr


def find_claims(sdoc: Any, quotes: list[Quote], mentions: Any, times: list[TimeExpr]) -> list[Claim]:
    return []
