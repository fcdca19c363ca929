"""The web app: server-rendered pages and the JSON API over one store.

`create_app(store, settings, host=…)` builds the FastAPI application; `rashomon serve` runs it
with uvicorn, in one process or, with `--workers N`, in N processes that each build their own
with `app_from_environment` (each its own Store on the one database file). What every
response shares lives here:

- security headers on every response: a strict Content-Security-Policy (nothing from
  elsewhere, no inline script, no plugins, no framing), `nosniff`, no referrer;
- a cap on request bodies (`serve.max_body_bytes`), enforced while the body streams in, so a
  client cannot make the server read more than that whatever its Content-Length says;
- the Host allow-list, on every request: only localhost, 127.0.0.1, [::1], the address the
  server listens on (at its port) and the names of `serve.allowed_hosts`; any other Host is
  421, so a page whose DNS name was rebound to this machine reads nothing;
- the same-origin rule, on every write (any method but GET, HEAD and OPTIONS): an `Origin`
  must be the server's own, `Sec-Fetch-Site` must not name another site, and a body a page
  elsewhere could send without a preflight (text/plain, a form) is 415;
- the write token: write endpoints (`auth.require_token`) need `Authorization: Bearer TOKEN` when
  a token is set (compared in constant time; a header that is not ASCII is 401), and a
  server listening beyond loopback refuses to start without one;
- `/healthz`, a static endpoint (the benchmark's yardstick).

The pages are in `rashomon.web.pages`, the API in `rashomon.web.api` (its writes in
`rashomon.web.api_writes`, its lists in `rashomon.web.api_stories`); steering the grouping
by hand (picked articles compared, stories merged and split) in `rashomon.web.api_steer` and
`rashomon.web.pages_steer`.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rashomon import __version__
from rashomon.errors import RashomonError
from rashomon.ingest.sniff import split_content_type
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.web.auth import require_token

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
READ_METHODS = ("GET", "HEAD", "OPTIONS")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::", "[::]")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# What a page on another site may POST here without the browser asking first (a CORS
# "simple" request): no write endpoint takes these, so every cross-origin write is preflighted.
SIMPLE_TYPES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")


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
    token = settings.serve.token or os.environ.get("RASHOMON_TOKEN", "")
    if not token and not is_loopback(host):
        raise RashomonError(
            f"listening on {host} needs a write token: set serve.token or $RASHOMON_TOKEN "
            "(write endpoints must not be open beyond this machine)"
        )
    if not (token.isascii() and token.isprintable()):
        raise RashomonError(
            "the write token must be printable ASCII (an HTTP header cannot carry it otherwise)"
        )
    return token or None


def split_authority(authority: str, scheme: str) -> tuple[str, int | None]:
    """("localhost", 8000) from "LocalHost:8000"; the scheme's port when none is given, None
    for a port that is not a number."""
    name, colon, port = authority.strip().lower().rpartition(":")
    if not colon or (name.startswith("[") and not name.endswith("]")):  # no port: "[::1]"
        return authority.strip().lower(), DEFAULT_PORTS.get(scheme)
    return name, int(port) if port.isdigit() and len(port) <= 5 else None


def allowed_hosts(settings: Settings, host: str, port: int | None) -> frozenset[str]:
    """What a Host header may name: "name:port" for the loopback names and the listening
    address at the server's port (any port while it is not known), plus the entries of
    `serve.allowed_hosts` as written ("name" for any port, "name:port")."""
    names = list(LOOPBACK_NAMES)
    if host not in WILDCARDS:
        names.append(f"[{host}]" if ":" in host and not host.startswith("[") else host.lower())
    own = [f"{name}:{port}" if port is not None else name for name in names]
    extra = [str(entry).strip().lower() for entry in settings.serve.allowed_hosts]
    return frozenset(own + [entry for entry in extra if entry])


class SameOrigin:
    """Refuses, before any work, what a page on another site can make a browser send:

    - any request whose Host is not in `hosts` (421: a DNS name rebound to this machine);
    - a write whose `Origin` is not the server's own, or whose `Sec-Fetch-Site` says it came
      from another site (403);
    - a write whose body is of a type another site can send without a preflight (415).

    `wildcard`: the server listens on every address, so the address a client reached it at
    (the connection's local address) is allowed too."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str], wildcard: bool) -> None:
        self.app = app
        self.hosts = hosts
        self.wildcard = wildcard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self.refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message = refusal
        await JSONResponse({"detail": message}, status_code=status)(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self.host_allowed(host, scope):
            return 421, (
                f"this server does not answer to the host {host[:200]!r}: add it to "
                "serve.allowed_hosts if it is this server's name"
            )
        if scope["method"] in READ_METHODS:
            return None
        return origin_refusal(headers, scope["scheme"], host) or type_refusal(headers)

    def host_allowed(self, host: str, scope: Scope) -> bool:
        name, port = split_authority(host, scope["scheme"])
        if not name or port is None:
            return False
        if name in self.hosts or f"{name}:{port}" in self.hosts:
            return True
        local = scope.get("server") if self.wildcard else None
        return local is not None and (name, port) == _authority_of(*local)


def _authority_of(address: str, port: int | None) -> tuple[str, int | None]:
    """The (name, port) a Host header gives for a socket address."""
    return (f"[{address}]" if ":" in address else address.lower()), port


def origin_refusal(headers: Headers, scheme: str, host: str) -> tuple[int, str] | None:
    """403 for a write from another origin: an `Origin` other than scheme://Host, or a
    `Sec-Fetch-Site` of another site."""
    origin = headers.get("origin")
    if origin is not None and not same_origin(origin, scheme, host):
        return 403, f"a write from another origin ({origin[:200]!r}) is refused"
    if headers.get("sec-fetch-site", "").lower() in ("cross-site", "same-site"):
        return 403, "a write from another site is refused (Sec-Fetch-Site)"
    return None


def same_origin(origin: str, scheme: str, host: str) -> bool:
    """Whether `origin` ("http://localhost:8000") is the server's own, as `host` names it."""
    parts = urlsplit(origin.strip().lower())
    if parts.scheme != scheme or parts.path or parts.query or not parts.netloc:
        return False
    return split_authority(parts.netloc, parts.scheme) == split_authority(host, scheme)


def type_refusal(headers: Headers) -> tuple[int, str] | None:
    """415 for a write whose body is of a type that needs no preflight, or of no type."""
    media_type, _ = split_content_type(headers.get("content-type", ""))
    has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
    if media_type in SIMPLE_TYPES or (not media_type and has_body):
        shown = repr(media_type) if media_type else "a body with no content type"
        return 415, (
            f"{shown}: writes take no type a page elsewhere could send unasked; send "
            'application/json (an article\'s text as {"text": ...})'
        )
    return None


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
    port: int | None = None,
    threads: int | None = None,
    own_store: bool = False,
) -> FastAPI:
    """The application over an open store. `host` and `port` are where it will listen (a
    token is required beyond loopback; the Host allow-list takes them; with no port, the
    allowed names at any port); `threads` caps the threads serving requests (anyio's default
    otherwise); with `own_store` the app closes the store when the server stops."""
    from rashomon.web import api, api_steer, api_stories, api_writes, pages, pages_steer

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
    app.add_middleware(BodyLimit, limit=settings.serve.max_body_bytes)
    hosts = allowed_hosts(settings, host, port)
    app.add_middleware(SameOrigin, hosts=hosts, wildcard=host in WILDCARDS)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(api_writes.router)
    app.include_router(api_steer.router)
    app.include_router(api_stories.router)
    app.include_router(pages.router)
    app.include_router(pages_steer.router)

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
    port: int,
    threads: int,
    settings_file: str | Path | None,
    overrides: list[str],
) -> str:
    """What a worker needs to build the app (the value of $RASHOMON_SERVE)."""
    spec = {
        "db": str(db),
        "host": host,
        "port": port,
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
        store,
        settings,
        host=spec["host"],
        port=spec["port"],
        threads=int(spec["threads"]),
        own_store=True,
    )


def state_of(request: Request) -> Any:
    """The app state: `store`, `settings`, `token`."""
    return request.app.state
