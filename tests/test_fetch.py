"""The URL fetcher: what it refuses, what it allows, and its limits. Never touches the network:
requests go to httpx.MockTransport and host names to a fake resolver."""

from __future__ import annotations

import gzip
import ipaddress
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest

from rashomon.errors import EmptyInput, FetchError, RefusedURL, TooLarge, UnsupportedInput
from rashomon.ingest.fetch import Fetcher, address_problem, literal_address
from rashomon.model import RawDoc
from rashomon.settings import Settings

PUBLIC = "93.184.216.34"
PAGE = b"<html><body><p>The council met on Tuesday.</p></body></html>"

DNS = {
    "news.example": [PUBLIC],
    "cdn.example": ["2606:2800:220:1:248:1893:25c8:1946"],
    "intranet.example": ["10.1.2.3"],
    "router.example": ["192.168.1.1"],
    "loopy.example": ["127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "sneaky.example": [PUBLIC, "10.0.0.7"],  # one good address does not excuse a bad one
    "mapped.example": ["::ffff:127.0.0.1"],
}


def resolve(host: str) -> list[str]:
    try:
        return DNS[host]
    except KeyError:
        raise OSError(f"Name or service not known: {host}") from None


Handler = Callable[[httpx.Request], httpx.Response]


def html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"}, content=PAGE)


class Recorder:
    """A MockTransport handler that records each request it is sent."""

    def __init__(self, handler: Handler = html) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def fetcher(handler: Handler = html, **settings: object) -> Fetcher:
    return Fetcher(
        Settings().replace(**settings), transport=httpx.MockTransport(handler), resolve=resolve
    )


def fetch(url: str, handler: Handler = html, **settings: object) -> RawDoc:
    with fetcher(handler, **settings) as f:
        return f.fetch(url)


# --- what is fetched ----------------------------------------------------------------------------


def test_fetch_returns_the_page_as_a_raw_doc() -> None:
    raw = fetch("https://news.example/story")
    assert raw.body == PAGE
    assert raw.media_type == "text/html"
    assert raw.encoding == "utf-8"
    assert raw.origin == raw.url == "https://news.example/story"
    assert isinstance(raw.fetched_at, datetime) and raw.fetched_at.tzinfo is not None


def test_fetch_connects_to_the_checked_address_with_the_host_name_kept() -> None:
    recorder = Recorder()
    fetch("https://news.example:8443/story?id=7", recorder)
    (request,) = recorder.requests
    assert request.url.host == PUBLIC  # no second DNS lookup can move the connection
    assert request.url.port == 8443 and request.url.query == b"id=7"
    assert request.headers["host"] == "news.example:8443"
    assert request.extensions["sni_hostname"] == "news.example"
    assert "rashomon" in request.headers["user-agent"]


def test_fetch_connects_to_ipv6_addresses_in_brackets() -> None:
    recorder = Recorder()
    fetch("http://cdn.example/a", recorder)
    assert recorder.requests[0].url.host == "2606:2800:220:1:248:1893:25c8:1946"


def test_fetch_follows_redirects_and_reports_where_they_ended() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "/new"})
        if request.url.path == "/new":
            return httpx.Response(302, headers={"Location": "https://cdn.example/final"})
        return html(request)

    raw = fetch("http://news.example/old", handler)
    assert raw.origin == "http://news.example/old"
    assert raw.url == "https://cdn.example/final"


def test_fetch_decompresses_gzip_responses() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(PAGE)
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, content=iter([body[:20], body[20:]]))

    assert fetch("https://news.example/", handler).body == PAGE


def test_fetch_sniffs_a_response_without_content_type() -> None:
    raw = fetch("https://news.example/", lambda r: httpx.Response(200, content=b"Just text."))
    assert raw.media_type == "text/plain"


# --- what is refused ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.0.0.1:8080/admin", "loopback"),
        ("http://localhost/", "this machine"),
        ("http://LOCALHOST./", "this machine"),
        ("http://api.localhost/", "this machine"),
        ("http://loopy.example/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://intranet.example/", "private"),
        ("http://192.168.0.10/", "private"),
        ("http://router.example/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://metadata.example/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://mapped.example/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "private"),
        ("http://224.0.0.1/", "multicast"),
        ("http://239.255.255.250/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "non-public"),
        ("http://2130706433/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://[2002:7f00:1::]/", "loopback"),
        ("http://[64:ff9b::a00:1]/", "private"),
        ("http://sneaky.example/", "private"),
    ],
)
def test_fetch_refuses_non_public_addresses(url: str, problem: str) -> None:
    recorder = Recorder()
    with pytest.raises(RefusedURL) as caught:
        fetch(url, recorder)
    assert problem in caught.value.message
    assert "fetch.allow_private" in caught.value.message or problem == "this machine"
    assert caught.value.source == url
    assert caught.value.reason == "refused-url"
    assert recorder.requests == []  # refused before any connection


def test_fetch_refuses_redirect_to_private_address() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})
    )
    with pytest.raises(RefusedURL) as caught:
        fetch("https://news.example/go", recorder)
    assert "redirect to http://169.254.169.254/latest/ refused" in caught.value.message
    assert caught.value.source == "https://news.example/go"
    assert len(recorder.requests) == 1


def test_fetch_refuses_redirect_to_host_resolving_to_private_address() -> None:
    handler = Recorder(
        lambda r: httpx.Response(307, headers={"Location": "http://intranet.example/"})
    )
    with pytest.raises(RefusedURL, match="intranet.example resolves to 10.1.2.3"):
        fetch("https://news.example/go", handler)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://news.example/a.txt", "gopher://news.example/", "data:,hi"]
)
def test_fetch_refuses_non_http_schemes(url: str) -> None:
    with pytest.raises(RefusedURL, match="only http and https"):
        fetch(url)


def test_fetch_refuses_redirect_to_non_http_scheme() -> None:
    handler = lambda r: httpx.Response(302, headers={"Location": "file:///etc/passwd"})  # noqa: E731
    with pytest.raises(RefusedURL, match="only http and https"):
        fetch("https://news.example/", handler)


def test_fetch_reports_redirect_to_an_invalid_url() -> None:
    handler = lambda r: httpx.Response(302, headers={"Location": "http://[::1"})  # noqa: E731
    with pytest.raises(FetchError, match="Invalid URL in location header"):
        fetch("https://news.example/", handler)


def test_fetch_refuses_wrong_content_type() -> None:
    handler = lambda r: httpx.Response(200, headers={"Content-Type": "image/png"}, content=b"x")  # noqa: E731
    with pytest.raises(UnsupportedInput, match="content type image/png"):
        fetch("https://news.example/logo", handler)


def test_fetch_refuses_binary_served_as_html() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"%PDF-1.4\n")

    with pytest.raises(UnsupportedInput, match="PDF"):
        fetch("https://news.example/", handler)


def test_fetch_reports_empty_body() -> None:
    handler = lambda r: httpx.Response(200, headers={"Content-Type": "text/html"})  # noqa: E731
    with pytest.raises(EmptyInput):
        fetch("https://news.example/", handler)


def test_fetch_refuses_body_declared_over_the_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Length": "5000"}
        return httpx.Response(200, headers=headers, content=iter([b"x" * 5000]))

    with pytest.raises(TooLarge, match="fetch.max_bytes"):
        fetch("https://news.example/", handler, fetch__max_bytes=1000)


def test_fetch_stops_streaming_body_at_the_limit() -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for number in range(1000):
            sent.append(number)
            yield b"<p>" + b"x" * 1021

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=chunks())

    with pytest.raises(TooLarge):
        fetch("https://news.example/", handler, fetch__max_bytes=10_000)
    assert len(sent) < 20  # the download stopped, it did not run to the end


def test_fetch_stops_a_compressed_bomb_at_the_limit() -> None:
    bomb = gzip.compress(b" " * 20_000_000)

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
        return httpx.Response(200, headers=headers, content=iter([bomb]))

    assert len(bomb) < 100_000
    with pytest.raises(TooLarge):
        fetch("https://news.example/", handler, fetch__max_bytes=100_000)


def test_fetch_gives_up_after_too_many_redirects() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(302, headers={"Location": f"/hop{len(recorder.requests)}"})
    )
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch("https://news.example/", recorder, fetch__max_redirects=3)
    assert len(recorder.requests) == 4


@pytest.mark.parametrize(
    ("status", "message"), [(404, "HTTP 404 Not Found"), (503, "HTTP 503 Service Unavailable")]
)
def test_fetch_reports_http_errors(status: int, message: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetch("https://news.example/", lambda r: httpx.Response(status))
    assert caught.value.message == message
    assert caught.value.reason == "fetch-failed"


def test_fetch_reports_connection_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(FetchError, match="could not connect: Connection refused"):
        fetch("https://news.example/", handler)


def test_fetch_reports_timeout_with_the_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(FetchError, match="timed out after 20 s"):
        fetch("https://news.example/", handler)


def test_fetch_passes_the_remaining_time_to_each_request() -> None:
    recorder = Recorder()
    fetch("https://news.example/", recorder, fetch__timeout_s=7.5)
    timeouts = recorder.requests[0].extensions["timeout"]
    assert 0 < timeouts["read"] <= 7.5 and 0 < timeouts["connect"] <= 7.5


def test_fetch_reports_unresolvable_host() -> None:
    with pytest.raises(FetchError, match="could not resolve host nowhere.example"):
        fetch("https://nowhere.example/")


# --- allow_private --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "http://localhost/", "http://10.0.0.1/"])
def test_fetch_allows_private_addresses_when_the_setting_says_so(url: str) -> None:
    recorder = Recorder()
    raw = fetch(url, recorder, fetch__allow_private=True)
    assert raw.body == PAGE
    assert str(recorder.requests[0].url) == url  # not rewritten: no policy to pin


def test_fetch_still_refuses_other_schemes_when_private_is_allowed() -> None:
    with pytest.raises(RefusedURL):
        fetch("file:///etc/passwd", fetch__allow_private=True)


# --- address rules ------------------------------------------------------------------------------


def test_literal_address_reads_legacy_ipv4_forms() -> None:
    loopback = ipaddress.IPv4Address("127.0.0.1")
    for host in ("2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.0.1.", "[::1]"):
        found = literal_address(host)
        assert found is not None and (found == loopback or found.is_loopback), host
    assert literal_address("news.example") is None
    assert literal_address("cafe.example") is None


def test_address_problem_passes_public_addresses() -> None:
    for address in (PUBLIC, "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"):
        assert address_problem(ipaddress.ip_address(address)) is None, address
