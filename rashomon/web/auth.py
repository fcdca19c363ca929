"""The write token's check, a dependency of every write endpoint (`rashomon.web.api_writes`,
`rashomon.web.api_steer`); the app (`rashomon.web.app`) sets `app.state.token`."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request


def require_token(request: Request) -> None:
    """A dependency of every write endpoint: the bearer token must match when one is set.
    The header is compared as bytes in constant time; one that is not ASCII is simply wrong."""
    token: str | None = request.app.state.token
    if token is None:
        return
    given = request.headers.get("authorization", "").encode("latin-1")  # the bytes sent
    scheme, _, value = given.partition(b" ")
    right = given.isascii() and scheme.lower() == b"bearer"
    if not secrets.compare_digest(value.strip(), token.encode("utf-8")) or not right:
        raise HTTPException(
            401, "a write token is required", headers={"WWW-Authenticate": "Bearer"}
        )
