"""Fetching a URL without letting it reach what it should not.

A URL given to rashomon (on the command line, in a JSONL line, through the web API) is
untrusted: it may point at the machine itself, at the local network, or at a cloud metadata
service (169.254.169.254), directly or through a redirect. So, unless the setting
`fetch.allow_private` is on:

- only http and https are fetched;
- every address a host resolves to must be public: loopback, private, link-local,
  multicast, reserved, unspecified and other non-global addresses are refused, including
  IPv4 hidden in IPv6 (`::ffff:127.0.0.1`, 6to4, Teredo, NAT64) and the legacy numeric forms
  of IPv4 (`http://2130706433/`, `http://0x7f000001/`, `http://127.1/`);
- redirects are followed by hand, each hop checked the same way, at most
  `fetch.max_redirects` of them;
- the connection goes to the address that was checked (the URL is rewritten to that IP, with
  the Host header and TLS server name kept as the host's name), so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot redirect it. One address is
  used: when the first address a host resolves to does not answer, the fetch fails rather
  than trying the others.

Limits: the body is streamed and cut at `fetch.max_bytes` (after decompression, which is done
here with a cap, so a compressed bomb cannot fill memory); the whole fetch, redirects included,
has one deadline of `fetch.timeout_s` (checked between network reads, so one slow read can
overrun it by at most the read timeout); a Content-Type outside `fetch.content_types` is
refused. Proxies from the environment are not used (`trust_env=False`), since the address
check would then judge an address the proxy, not we, connects to.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import TracebackType

import httpx

from rashomon.errors import FetchError, RefusedURL, TooLarge, UnsupportedInput
from rashomon.ingest.sniff import check_document, document_media_type, split_content_type
from rashomon.model import RawDoc
from rashomon.settings import Settings

__all__ = ["Fetcher", "Resolver", "address_problem", "literal_address", "system_resolve"]

Resolver = Callable[[str], list[str]]
"""Turns a host name into the IP addresses it resolves to (as strings)."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "text/html,application/xhtml+xml,text/plain;q=0.9,"
    "application/rss+xml,application/atom+xml,application/xml;q=0.8,*/*;q=0.1"
)

_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.I)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_CATEGORIES = (
    ("loopback", "is_loopback"),
    ("unspecified", "is_unspecified"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("reserved", "is_reserved"),
    ("private", "is_private"),
)


def system_resolve(host: str) -> list[str]:
    """Every address the system resolver gives for `host`, in its order, without repeats."""
    found: list[str] = []
    for *_, sockaddr in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP):
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in found:
            found.append(address)
    return found


def literal_address(host: str) -> IPAddress | None:
    """The IP address a host names literally, or None for a name.

    Besides dotted quads and IPv6, the forms C's inet_aton accepts are IPv4 too: a resolver
    or socket library may turn `2130706433`, `0x7f000001`, `0177.1` or `127.1` into
    127.0.0.1, so they are read the same way here."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def address_problem(address: IPAddress) -> str | None:
    """Why an address may not be fetched ("loopback", "private", …), or None when it is a
    public address. An IPv6 address is judged by the IPv4 address inside it as well."""
    inner = _embedded_ipv4(address)
    candidates: list[IPAddress] = [*inner] if address in _NAT64 else [*inner, address]
    for candidate in candidates:
        for name, test in _CATEGORIES:
            if getattr(candidate, test):
                return name
        if not candidate.is_global:
            return "non-public"
    return None


class Fetcher:
    """Fetches URLs under the address policy above; one per batch (it pools connections).

    `transport` replaces the network (httpx.MockTransport in tests); `resolve` replaces the
    system resolver. Use as a context manager, or call close()."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self.allow_private: bool = settings.fetch.allow_private
        self.timeout_s: float = settings.fetch.timeout_s
        self.max_bytes: int = settings.fetch.max_bytes
        self.max_redirects: int = settings.fetch.max_redirects
        self.content_types = frozenset(t.lower() for t in settings.fetch.content_types)
        self._resolve = resolve or system_resolve
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=self.timeout_s,
            headers={
                "User-Agent": settings.fetch.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def fetch(self, url: str) -> RawDoc:
        """The document at `url`, as a RawDoc whose origin is `url` as given and whose `url`
        is where the redirects ended. Raises FetchError (RefusedURL for policy), TooLarge,
        UnsupportedInput or EmptyInput, each naming `url`."""
        deadline = time.monotonic() + self.timeout_s
        current = _parse(url, url)
        for hop in range(self.max_redirects + 1):
            target, headers, extensions = self._target(current, url, hop)
            response = self._send(target, headers, extensions, url, deadline)
            try:
                location = _redirect_location(response)
                if location is None:
                    return self._document(response, url, current, deadline)
            finally:
                response.close()
            current = current.join(location)  # httpx has checked it is a valid URL
        raise FetchError(
            url, f"more than {self.max_redirects} redirects (setting fetch.max_redirects)"
        )

    def check(self, url: str) -> None:
        """Raise RefusedURL if the policy forbids `url`; resolves its host to find out."""
        self._target(_parse(url, url), url, 0)

    def _target(
        self, url: httpx.URL, source: str, hop: int
    ) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
        """The URL to connect to for `url`, with the headers and request extensions that keep
        the host's name on the wire; RefusedURL if the policy forbids it."""
        prefix = f"redirect to {url} refused: " if hop else ""
        if url.scheme not in ("http", "https"):
            scheme = url.scheme or "no scheme"
            raise RefusedURL(
                source, f"{prefix}{scheme!r} URLs are not fetched, only http and https"
            )
        host = url.raw_host.decode("ascii")
        if not host:
            raise RefusedURL(source, f"{prefix}the URL has no host")
        if self.allow_private:
            return url, {}, {}
        address = self._checked_address(host, source, prefix)
        pinned = url.copy_with(host=str(address))
        headers = {"Host": url.netloc.decode("ascii")}
        named_tls = url.scheme == "https" and literal_address(host) is None
        extensions = {"sni_hostname": host.rstrip(".")} if named_tls else {}
        return pinned, headers, extensions

    def _checked_address(self, host: str, source: str, prefix: str) -> IPAddress:
        """The address to connect to: the literal one, or the first the host resolves to, after
        checking every one of them."""
        name = host.rstrip(".").lower()
        literal = literal_address(name)
        if literal is not None:
            addresses = [literal]
        elif name == "localhost" or name.endswith(".localhost"):
            raise RefusedURL(source, f"{prefix}{host} is this machine {_HOW_TO_ALLOW}")
        else:
            addresses = self._resolved(name, source)
        for address in addresses:
            problem = address_problem(address)
            if problem is not None:
                kind = f"{'an' if problem[0] in 'aeiou' else 'a'} {problem} address"
                inner = _embedded_ipv4(address)
                shown = f"{address} ({', '.join(map(str, inner))})" if inner else str(address)
                if literal is not None:
                    said = f"{shown} is {kind}"
                else:
                    said = f"{host} resolves to {shown}, {kind}"
                raise RefusedURL(source, f"{prefix}{said} {_HOW_TO_ALLOW}")
        return addresses[0]

    def _resolved(self, host: str, source: str) -> list[IPAddress]:
        try:
            found = self._resolve(host)
        except (OSError, UnicodeError) as exc:
            raise FetchError(source, f"could not resolve host {host} ({exc})") from None
        addresses = [literal_address(a) for a in found]
        if not found or any(a is None for a in addresses):
            raise FetchError(source, f"could not resolve host {host} (no usable address)")
        return [a for a in addresses if a is not None]

    def _send(
        self,
        target: httpx.URL,
        headers: dict[str, str],
        extensions: dict[str, str],
        source: str,
        deadline: float,
    ) -> httpx.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(source, f"timed out after {self.timeout_s:g} s")
        request = self._client.build_request(
            "GET", target, headers=headers, extensions=extensions, timeout=remaining
        )
        try:
            return self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise FetchError(source, f"timed out after {self.timeout_s:g} s") from None
        except httpx.ConnectError as exc:
            raise FetchError(source, f"could not connect: {exc or type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise FetchError(source, f"network error: {exc or type(exc).__name__}") from None

    def _document(
        self, response: httpx.Response, source: str, url: httpx.URL, deadline: float
    ) -> RawDoc:
        if not 200 <= response.status_code < 300:
            reason = f" {response.reason_phrase}" if response.reason_phrase else ""
            raise FetchError(source, f"HTTP {response.status_code}{reason}")
        media_type, charset = split_content_type(response.headers.get("content-type", ""))
        if media_type and media_type not in self.content_types:
            raise UnsupportedInput(
                source,
                f"content type {media_type} is not one rashomon reads "
                "(setting fetch.content_types)",
            )
        body = self._body(response, source, deadline)
        check_document(body, source, named=bool(media_type))
        return RawDoc.from_bytes(
            body,
            media_type or document_media_type(body, None),
            source,
            url=str(url),
            fetched_at=datetime.now(UTC),
            encoding=charset,
        )

    def _body(self, response: httpx.Response, source: str, deadline: float) -> bytes:
        """The response body, decompressed, at most fetch.max_bytes of it."""
        limit = self.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(source, limit)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in _decoded(response, source, limit):
                size += len(chunk)
                if size > limit:
                    raise _too_large(source, limit)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(source, f"timed out after {self.timeout_s:g} s")
        except httpx.TimeoutException:
            raise FetchError(source, f"timed out after {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(source, f"network error while reading: {exc}") from None
        return b"".join(chunks)


_HOW_TO_ALLOW = "(refused by default: --allow-private or the setting fetch.allow_private allows it)"


def _too_large(source: str, limit: int) -> TooLarge:
    return TooLarge(source, f"response is over {limit:,} bytes (setting fetch.max_bytes)")


def _parse(url: str, source: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(source, f"not a valid URL ({exc})") from None


def _redirect_location(response: httpx.Response) -> str | None:
    if response.status_code in REDIRECTS:
        return response.headers.get("location") or None
    return None


def _decoded(response: httpx.Response, source: str, limit: int) -> Iterator[bytes]:
    """The raw body chunks, decompressed here rather than by httpx so that each step's output
    is capped (one compressed chunk can otherwise expand to gigabytes)."""
    try:
        yield response.content  # read already, decoded by httpx (an in-memory transport)
        return
    except httpx.ResponseNotRead:
        pass
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(source, f"the server sent an unsupported content encoding {encoding!r}")
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, told apart
    try:
        for chunk in response.iter_raw():
            yield inflater.decompress(chunk, limit + 1)
            if inflater.unconsumed_tail:  # it holds more than the cap lets out
                raise _too_large(source, limit)
        yield inflater.flush()
    except zlib.error as exc:
        raise FetchError(source, f"the response's {encoding} data is damaged ({exc})") from None
