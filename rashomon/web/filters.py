"""The filters of the stories list and of search, as the pages and the API take them: query
parameters read into a `rashomon.store.browse.Filters`, and back into a query string (so a
page's links keep them).

Parameters: `from` and `to` (ISO dates, inclusive), `language` (an ISO 639 code as the store
keeps it, e.g. `en`, `ru`), `outlet` (a name as the store lists it), `state` (`yes`: a
state-affiliated outlet is among the story's outlets, `no`: none is), `min_outlets` (at least
so many outlets), `contradictions` (`yes` or `no`). An empty value is no filter. A bad value
is a `FilterError` naming its parameter: the API answers 422, a page 400.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from fastapi import HTTPException, Query

from rashomon.store.browse import Filters

__all__ = ["PARAMS", "FilterError", "api_filters", "as_query", "parse"]

PARAMS = ("from", "to", "language", "outlet", "state", "min_outlets", "contradictions")
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
MAX_OUTLETS = 100_000
_LANGUAGE = re.compile(LANGUAGE)
_YES_NO = {"yes": True, "no": False}


class FilterError(ValueError):
    """A filter parameter with a value it cannot take."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param, self.message = param, message


def parse(values: Mapping[str, str]) -> Filters:
    """The filters given in `values` (query parameters as strings); FilterError for a bad
    one."""
    given = {k: values.get(k, "").strip() for k in PARAMS}
    found = Filters(
        date_from=_date("from", given["from"]),
        date_to=_date("to", given["to"]),
        language=_language(given["language"]),
        outlet=given["outlet"] or None,
        state=_yes_no("state", given["state"]),
        min_outlets=_count(given["min_outlets"]),
        contradictions=_yes_no("contradictions", given["contradictions"]),
    )
    return _checked(found)


def _checked(found: Filters) -> Filters:
    if found.date_from and found.date_to and found.date_from > found.date_to:
        raise FilterError("from", f"{found.date_from} is after to ({found.date_to})")
    return found


def _date(param: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(param, "an ISO date such as 2024-01-31") from None


def _language(text: str) -> str | None:
    if not text:
        return None
    if not _LANGUAGE.match(text):
        raise FilterError("language", "an ISO 639 code such as en or ru")
    return text


def _yes_no(param: str, text: str) -> bool | None:
    if not text:
        return None
    if text not in _YES_NO:
        raise FilterError(param, "yes or no")
    return _YES_NO[text]


def _count(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_OUTLETS:
        raise FilterError("min_outlets", f"a whole number from 0 to {MAX_OUTLETS}")
    return int(text)


def as_query(found: Filters) -> dict[str, str]:
    """`found` as query parameters (only the filters that are set)."""
    out = {
        "from": found.date_from.isoformat() if found.date_from else "",
        "to": found.date_to.isoformat() if found.date_to else "",
        "language": found.language or "",
        "outlet": found.outlet or "",
        "state": _word(found.state),
        "min_outlets": str(found.min_outlets) if found.min_outlets else "",
        "contradictions": _word(found.contradictions),
    }
    return {k: v for k, v in out.items() if v}


def _word(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


YesNo = Literal["yes", "no", ""]


def api_filters(
    date_from: Annotated[
        date | None,
        Query(alias="from", description="The earliest day (ISO date), inclusive."),
    ] = None,
    date_to: Annotated[
        date | None, Query(alias="to", description="The latest day (ISO date), inclusive.")
    ] = None,
    language: Annotated[
        str | None,
        Query(pattern=LANGUAGE, max_length=12, description="An ISO 639 code: en, ru, ar …"),
    ] = None,
    outlet: Annotated[
        str | None, Query(max_length=500, description="An outlet's name as the store lists it.")
    ] = None,
    state: Annotated[
        YesNo,
        Query(
            description="`yes`: a state-affiliated outlet (the registry's word) is among "
            "them; `no`: none is."
        ),
    ] = "",
    min_outlets: Annotated[
        int, Query(ge=0, le=MAX_OUTLETS, description="At least this many outlets.")
    ] = 0,
    contradictions: Annotated[
        YesNo, Query(description="`yes`: a claim group contradicts; `no`: none does.")
    ] = "",
) -> Filters:
    """The filters of an API request (FastAPI checks each parameter and answers 422 naming
    it; a `from` after `to` is a 422 naming `from`)."""
    found = Filters(
        date_from=date_from,
        date_to=date_to,
        language=language or None,
        outlet=outlet or None,
        state=_YES_NO.get(state),
        min_outlets=min_outlets,
        contradictions=_YES_NO.get(contradictions),
    )
    try:
        return _checked(found)
    except FilterError as error:
        detail = [{"loc": ["query", error.param], "msg": error.message, "type": "value_error"}]
        raise HTTPException(422, detail) from None
