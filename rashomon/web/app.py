"""The web app: server-rendered pages and the JSON API over one store.

`create_app(store, settings, host=…)` builds the FastAPI application; `rashomon serve` runs it
with uvicorn, in one process or, with `--workers N`, in N processes that each build their own
with `app_from_environment` (each its own Store on the one database file). What every
response shares lives here:

- security headers on every response: a strict Content-Security-Policy (nothing from
  elsewhere, no inline script, no plugins, no framing), `nosniff`, no referrer;
- a cap on request bodies (`serve.max_body_bytes`), enforced while the body streams in, so a
  client cannot make the server read more than that whatever its Content-Length says;
- the write token: write endpoints (`require_token`) need `Authorization: Bearer TOKEN` when
  a token is set, and a server listening beyond loopback refuses to start without one;
- `/healthz`, a static endpoint (the benchmark's yardstick).

The pages are in `rashomon.web.pages`, the API in `rashomon.web.api`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rashomon import __version__
from rashomon.errors import RashomonError
from rashomon.settings import Settings
from rashomon.store import Store

__all__ = [
    "CSP",
    "SERVE_ENV",
    "app_from_environment",
    "create_app",
    "is_loopback",
    "require_token",
    "serve_spec",
]

SERVE_ENV = "RASHOMON_SERVE"  # what `serve --workers` hands its worker processes (JSON)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
STATIC = Path(__file__).parent / "static"


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or "localhost") is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def server_token(settings: Settings, host: str) -> str | None:
    """The write token: the setting, else $RASHOMON_TOKEN; None when neither is set. Raises
    RashomonError when `host` is beyond loopback and there is no token."""
    token = str(settings["serve.token"]) or os.environ.get("RASHOMON_TOKEN", "")
    if not token and not is_loopback(host):
        raise RashomonError(
            f"listening on {host} needs a write token: set serve.token or $RASHOMON_TOKEN "
            "(write endpoints must not be open beyond this machine)"
        )
    return token or None


def require_token(request: Request) -> None:
    """A dependency of every write endpoint: the bearer token must match when one is set."""
    token: str | None = request.app.state.token
    if token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip(), token):
        raise HTTPException(
            401, "a write token is required", headers={"WWW-Authenticate": "Bearer"}
        )


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, by the declared length or, when the
    body is streamed, as soon as more than `limit` bytes have arrived."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body larger than {self.limit:,} bytes (serve.max_body_bytes)"},
            status_code=413,
        )
        await response(scope, receive, send)


def create_app(
    store: Store,
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    threads: int | None = None,
    own_store: bool = False,
) -> FastAPI:
    """The application over an open store. `host` is where it will listen (a token is
    required beyond loopback); `threads` caps the threads serving requests (anyio's default
    otherwise); with `own_store` the app closes the store when the server stops."""
    from rashomon.web import api, pages

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        try:
            yield
        finally:
            if own_store:
                store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="rashomon",
        version=__version__,
        description="One event, many accounts: stories, comparisons, articles and outlets.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.token = server_token(settings, host)
    app.add_middleware(BodyLimit, limit=int(settings["serve.max_body_bytes"]))
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """A page for a person, JSON for the API: a browser asking for a path that does not
        exist gets the site's 404 page."""
        wants_page = not request.url.path.startswith(("/api/", "/openapi", "/static/"))
        if error.status_code == 404 and wants_page:
            return pages.not_found(request, "page at this address")
        return await http_exception_handler(request, error)

    @app.get("/healthz", response_class=PlainTextResponse, include_in_schema=False)
    def healthz() -> str:
        return "ok"

    return app


def serve_spec(
    db: str | Path,
    host: str,
    threads: int,
    settings_file: str | Path | None,
    overrides: list[str],
) -> str:
    """What a worker needs to build the app (the value of $RASHOMON_SERVE)."""
    spec = {
        "db": str(db),
        "host": host,
        "threads": threads,
        "settings_file": str(settings_file) if settings_file else None,
        "overrides": list(overrides),
    }
    return json.dumps(spec)


def app_from_environment() -> FastAPI:
    """The app of one `rashomon serve --workers N` worker process: the store, settings, address
    and threads from $RASHOMON_SERVE (see serve_spec). Each worker opens its own Store on the
    database; their writes go one at a time through SQLite's lock."""
    raw = os.environ.get(SERVE_ENV)
    if not raw:
        raise RashomonError(f"${SERVE_ENV} is not set: start workers with `rashomon serve`")
    spec = json.loads(raw)
    settings = Settings.load(spec["settings_file"], spec["overrides"])
    store = Store(spec["db"], settings)
    return create_app(
        store, settings, host=spec["host"], threads=int(spec["threads"]), own_store=True
    )


def state_of(request: Request) -> Any:
    """The app state: `store`, `settings`, `token`."""
    return request.app.state
