"""The ingest stage: each input kind, each bad input, and that a batch goes on past bad ones."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import rashomon.ingest
from rashomon.errors import (
    EmptyInput,
    FetchError,
    InputError,
    MalformedInput,
    MissingInput,
    RefusedURL,
    TooLarge,
    UnsupportedInput,
)
from rashomon.ingest import Fetcher, ingest, is_url
from rashomon.ingest.sniff import binary_kind, kind_from_content, kind_from_name
from rashomon.model import RawDoc, content_id
from rashomon.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
SHARED = Path(os.environ.get("RASHOMON_SHARED", Path(__file__).resolve().parents[2] / "shared"))
AEB_HTML = SHARED / "data" / "extraction" / "aeb" / "html"

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def run(*inputs: str, settings: Settings | None = None, **kwargs: object) -> list:
    return list(ingest(inputs, settings or Settings(), **kwargs))  # type: ignore[arg-type]


def only(items: list) -> RawDoc | InputError:
    assert len(items) == 1, items
    return items[0]


def real_page() -> bytes:
    """A real news page from the shared benchmark data, else the small fixture page."""
    pages = sorted(AEB_HTML.glob("*.html.gz")) if AEB_HTML.is_dir() else []
    if pages:
        return gzip.decompress(pages[0].read_bytes())
    return (FIXTURES / "page.html").read_bytes()


# --- single documents -------------------------------------------------------------------------


def test_ingest_reads_txt_as_plain_text_with_content_id(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"Ministers met on Tuesday.\nThey agreed on little.\n")
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)
    assert raw.media_type == "text/plain"
    assert raw.origin == str(path)
    assert raw.body == path.read_bytes()
    assert raw.id == content_id(raw.body)


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.xhtml", "PAGE.HTML"])
def test_ingest_reads_html_extensions_as_html(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes((FIXTURES / "page.html").read_bytes())
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)
    assert raw.media_type == "text/html"


def test_ingest_decompresses_html_gz(tmp_path: Path) -> None:
    page = real_page()
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(page))
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)
    assert raw.media_type == "text/html"
    assert raw.body == page
    assert raw.id == content_id(page)


def test_ingest_reads_shared_html_gz_page_when_present() -> None:
    pages = sorted(AEB_HTML.glob("*.html.gz")) if AEB_HTML.is_dir() else []
    if not pages:
        pytest.skip(f"shared data not found at {AEB_HTML}")
    raw = only(run(str(pages[0])))
    assert isinstance(raw, RawDoc)
    assert raw.media_type == "text/html"
    assert b"<html" in raw.body[:2000].lower()


def test_ingest_detects_gzip_by_magic_bytes_whatever_the_name(tmp_path: Path) -> None:
    path = tmp_path / "page.html"  # gzip saved under a plain .html name, as scrapers do
    path.write_bytes(gzip.compress((FIXTURES / "page.html").read_bytes()))
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)
    assert raw.body.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("body", "media_type"),
    [
        (b"<html><body><p>Hello there, reader.</p></body></html>", "text/html"),
        (b"<p>A fragment of a page.</p>", "text/html"),
        (b"Plain words, with an address <desk@news.example> in angle brackets.", "text/plain"),
        ("Вести с полей: урожай собран.".encode("cp1251"), "text/plain"),
    ],
)
def test_ingest_sniffs_unknown_extension(tmp_path: Path, body: bytes, media_type: str) -> None:
    path = tmp_path / "download.dat"
    path.write_bytes(body)
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)
    assert raw.media_type == media_type


def test_ingest_keeps_utf16_with_bom_as_text(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Ministers met on Tuesday.".encode("utf-16"))
    raw = only(run(str(path)))
    assert isinstance(raw, RawDoc)


# --- WARC -----------------------------------------------------------------------------------


def warc_bytes(page: bytes, *, compress: bool) -> bytes:
    """A small crawl: a request, two HTML pages, an image, a 404 page and a text resource."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)

    def response(uri: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
        headers = StatusAndHeaders(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-03-14T09:15:00Z"},
        )
        writer.write_record(record)

    asked = b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n"
    request = writer.create_warc_record(
        "https://news.example/a", "request", payload=io.BytesIO(asked), length=len(asked)
    )
    writer.write_record(request)
    response("https://news.example/a", page, "text/html; charset=UTF-8")
    response("https://news.example/logo.png", PNG, "image/png")
    response(
        "https://news.example/gone", b"<html><p>Not found</p></html>", "text/html", "404 Not Found"
    )
    response(
        "https://news.example/b", b"<html><body><p>Second page.</p></body></html>", "text/html"
    )
    resource = writer.create_warc_record(
        "https://news.example/notes.txt",
        "resource",
        payload=io.BytesIO(b"Plain notes."),
        length=12,
        warc_content_type="text/plain",
    )
    writer.write_record(resource)
    return out.getvalue()


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_ingest_reads_html_responses_from_warc(tmp_path: Path, compress: bool) -> None:
    page = real_page()
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(warc_bytes(page, compress=compress))
    docs = run(str(path))
    assert all(isinstance(d, RawDoc) for d in docs), docs
    assert [d.url for d in docs] == [
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/notes.txt",
    ]
    first = docs[0]
    assert first.body == page
    assert first.media_type == "text/html"
    assert first.encoding == "utf-8"
    assert first.origin == f"{path}#1"  # record 0 is the request
    assert first.fetched_at == datetime(2024, 3, 14, 9, 15, tzinfo=UTC)
    assert docs[2].media_type == "text/plain"


def test_ingest_reports_truncated_warc_after_yielding_earlier_records(tmp_path: Path) -> None:
    data = warc_bytes(real_page(), compress=True)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-30])  # into the last record, the text resource
    docs = run(str(path))
    assert [d.url for d in docs[:-1]] == ["https://news.example/a", "https://news.example/b"]
    assert isinstance(docs[-1], MalformedInput)
    assert docs[-1].source == f"{path}#5"
    assert "cut short" in docs[-1].message


def test_ingest_reports_truncated_plain_warc(tmp_path: Path) -> None:
    data = warc_bytes(real_page(), compress=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) // 2])
    docs = run(str(path))
    assert isinstance(docs[-1], MalformedInput)
    assert not any(isinstance(d, RawDoc) and d.body != real_page() for d in docs)


def test_ingest_reports_a_warc_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"this was never an archive\n" * 10)
    error = only(run(str(path)))
    assert isinstance(error, MalformedInput)
    assert "WARC" in error.message


def test_ingest_sniffs_warc_without_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "crawl-00001"
    path.write_bytes(warc_bytes(b"<html><p>Page</p></html>", compress=True))
    docs = run(str(path))
    assert [d.url for d in docs][:2] == ["https://news.example/a", "https://news.example/b"]


def test_ingest_refuses_oversized_warc_record_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc_bytes(b"<html><p>" + b"long " * 400 + b"</p></html>", compress=False))
    docs = run(str(path), settings=Settings().replace(ingest__max_bytes=1000))
    assert isinstance(docs[0], TooLarge)
    assert docs[0].source == f"{path}#1"
    assert [d.url for d in docs[1:]] == ["https://news.example/b", "https://news.example/notes.txt"]


# --- feeds ----------------------------------------------------------------------------------


def test_ingest_reads_rss_items_with_hints(tmp_path: Path) -> None:
    docs = run(str(FIXTURES / "feed.rss"))
    first, second, third = docs
    assert isinstance(first, RawDoc) and isinstance(second, RawDoc)
    assert first.origin == f"{FIXTURES / 'feed.rss'}#item-0"
    assert first.url == "https://courier.example/local/harbour-bridge-repairs"
    assert first.media_type == "text/html"
    assert b"corroded bearings" in first.body  # the full content, not the summary
    assert first.hints.title == "Harbour bridge to close for repairs next month"
    assert first.hints.outlet == "Coastal Courier"
    assert first.hints.byline == "Dana Whitfield"
    assert first.hints.language == "en"
    assert first.hints.published == "2024-03-13T23:30:00-05:00"  # the feed's own day kept
    assert second.media_type == "text/plain"  # a summary without tags
    assert b"chamber of commerce" in second.body
    assert isinstance(third, EmptyInput)  # an item with nothing but a title and a link
    assert "https://courier.example/gallery/storm" in third.message


def test_ingest_reads_atom_entries(tmp_path: Path) -> None:
    first, second = run(str(FIXTURES / "feed.atom"))
    assert isinstance(first, RawDoc) and isinstance(second, RawDoc)
    assert first.url == "https://ledger.example/2024/03/ferry-night-crossings"
    assert first.media_type == "text/html"
    assert first.hints.outlet == "Northern Ledger"
    assert first.hints.published == "2024-03-15T00:15:00+01:00"
    assert first.hints.byline == "Sam Reyes"
    assert second.body == b"Dates, detours and the shuttle ferry timetable."
    assert second.hints.published == "2024-03-15T11:00:00+00:00"


def test_ingest_sniffs_feed_saved_as_xml(tmp_path: Path) -> None:
    path = tmp_path / "news.xml"
    path.write_bytes((FIXTURES / "feed.rss").read_bytes())
    assert len([d for d in run(str(path)) if isinstance(d, RawDoc)]) == 2


def test_ingest_reports_malformed_feed(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_bytes(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>X</title></chan')
    error = only(run(str(path)))
    assert isinstance(error, MalformedInput)
    assert "RSS or Atom" in error.message


def test_ingest_reports_feed_without_items(tmp_path: Path) -> None:
    path = tmp_path / "quiet.rss"
    path.write_bytes(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert isinstance(only(run(str(path))), EmptyInput)


def test_ingest_refuses_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_bytes(
        b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
    )
    error = only(run(str(path)))
    assert isinstance(error, UnsupportedInput)
    assert "<urlset>" in error.message


# --- JSON Lines ------------------------------------------------------------------------------


def jsonl(*lines: object) -> bytes:
    return b"".join(
        (line if isinstance(line, bytes) else json.dumps(line).encode()) + b"\n" for line in lines
    )


def test_ingest_reads_jsonl_and_goes_on_past_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(
        jsonl(
            {
                "text": "Ministers met.",
                "title": "Meeting",
                "outlet": "Wire",
                "published": "2024-03-01",
            },
            b"{not json",
            {"html": "<p>Ministers met.</p>", "url": "https://wire.example/1"},
            [1, 2, 3],
            {"title": "no body"},
            {"text": 42},
            {"text": "   "},
            b"",
            {"text": "Last line."},
        )
    )
    docs = run(str(path))
    assert [type(d).__name__ for d in docs] == [
        "RawDoc",
        "MalformedInput",
        "RawDoc",
        "MalformedInput",
        "MalformedInput",
        "MalformedInput",
        "EmptyInput",
        "RawDoc",
    ]
    first, bad, html = docs[0], docs[1], docs[2]
    assert first.origin == f"{path}:line 1"
    assert first.media_type == "text/plain"
    assert first.body == b"Ministers met."
    assert (first.hints.title, first.hints.outlet, first.hints.published) == (
        "Meeting",
        "Wire",
        "2024-03-01",
    )
    assert bad.source == f"{path}:line 2"
    assert "not valid JSON" in bad.message
    assert html.media_type == "text/html"
    assert html.url == "https://wire.example/1"
    assert docs[3].source == f"{path}:line 4"
    assert docs[-1].origin == f"{path}:line 9"  # the blank line 8 still counts


def test_ingest_fetches_jsonl_lines_with_only_a_url(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["host"])
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, content=b"<p>Fetched.</p>"
        )

    path = tmp_path / "urls.ndjson"
    path.write_bytes(jsonl({"url": "https://wire.example/2", "title": "From the line"}))
    settings = Settings()
    with Fetcher(
        settings, transport=httpx.MockTransport(handler), resolve=lambda h: ["93.184.216.34"]
    ) as f:
        raw = only(run(str(path), settings=settings, fetcher=f))
    assert isinstance(raw, RawDoc)
    assert raw.origin == f"{path}:line 1"
    assert raw.url == "https://wire.example/2"
    assert raw.body == b"<p>Fetched.</p>"
    assert raw.hints.title == "From the line"
    assert seen == ["wire.example"]


def test_ingest_names_the_jsonl_line_when_its_url_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "urls.jsonl"
    path.write_bytes(jsonl({"url": "http://127.0.0.1/admin"}))
    settings = Settings()
    with Fetcher(settings, transport=httpx.MockTransport(lambda r: httpx.Response(200))) as f:
        error = only(run(str(path), settings=settings, fetcher=f))
    assert isinstance(error, RefusedURL)
    assert error.source == f"{path}:line 1"
    assert "127.0.0.1" in error.message


def test_ingest_refuses_overlong_jsonl_line_and_reads_the_next(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(jsonl({"text": "x" * 500}, {"text": "short"}))
    docs = run(str(path), settings=Settings().replace(ingest__max_jsonl_line_bytes=100))
    assert isinstance(docs[0], TooLarge)
    assert docs[0].source == f"{path}:line 1"
    assert isinstance(docs[1], RawDoc) and docs[1].body == b"short"


def test_ingest_reads_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl({"text": "one"}, {"text": "two"})))
    assert [d.body for d in run(str(path))] == [b"one", b"two"]


class CountingStream(io.RawIOBase):
    """A non-seekable stream (like a pipe) that records how far it has been read."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self.data[self.position : self.position + min(len(buffer), 4096)]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def test_ingest_streams_jsonl_instead_of_loading_it_whole() -> None:
    line = json.dumps({"text": "A line of a long batch. " * 20}).encode() + b"\n"
    stream = CountingStream(line * 5000)  # about 2.5 MB
    documents = ingest(["-"], Settings(), stdin=stream)  # type: ignore[arg-type]
    first = next(documents)
    assert isinstance(first, RawDoc)
    assert first.origin == "<stdin>:line 1"
    assert stream.position < len(stream.data) // 10
    assert sum(1 for _ in documents) == 4999


# --- stdin, folders, globs --------------------------------------------------------------------


def test_ingest_reads_text_from_stdin() -> None:
    raw = only(run("-", stdin=io.BytesIO(b"Reported from the wire.")))
    assert isinstance(raw, RawDoc)
    assert raw.origin == "<stdin>"
    assert raw.media_type == "text/plain"


def test_ingest_reads_warc_from_unseekable_stdin() -> None:
    stream = CountingStream(warc_bytes(b"<html><p>Page</p></html>", compress=True))
    docs = run("-", stdin=stream)
    assert [d.url for d in docs][:2] == ["https://news.example/a", "https://news.example/b"]
    assert docs[0].origin == "<stdin>#1"


def test_ingest_walks_folders_recursively_in_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("first report")
    (tmp_path / "b" / "c.html").write_text("<p>second report</p>")
    (tmp_path / "b" / "deep" / "d.txt").write_text("third report")
    (tmp_path / "b" / ".cache.txt").write_text("hidden")
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (tmp_path / "z.png").write_bytes(PNG)
    docs = run(str(tmp_path))
    assert [
        Path(d.origin if isinstance(d, RawDoc) else d.source).relative_to(tmp_path).as_posix()
        for d in docs
    ] == ["a.txt", "b/c.html", "b/deep/d.txt", "z.png"]
    assert isinstance(docs[-1], UnsupportedInput)  # a bad file is reported, the rest still read


def test_ingest_follows_symlinks_only_when_allowed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.txt").write_text("linked report")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.txt").write_text("own report")
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    assert [d.body for d in run(str(folder))] == [b"own report"]
    following = Settings().replace(ingest__follow_symlinks=True)
    bodies = [d.body for d in run(str(folder), settings=following)]
    assert bodies == [b"linked report", b"own report"]  # and the loop walked once


def test_ingest_expands_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.html").write_text("<p>one</p>")
    (tmp_path / "two.txt").write_text("two")
    (tmp_path / "sub" / "three.txt").write_text("three")
    monkeypatch.chdir(tmp_path)
    assert [d.origin for d in run("*.html")] == ["one.html"]
    assert [d.origin for d in run("**/*.txt")] == ["sub/three.txt", "two.txt"]


def test_ingest_goes_to_the_fetcher_for_urls() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=b"<p>Hi.</p>")

    settings = Settings()
    transport = httpx.MockTransport(handler)
    with Fetcher(settings, transport=transport, resolve=lambda h: ["93.184.216.34"]) as fetcher:
        docs = run("https://news.example/a", "ftp://news.example/a", fetcher=fetcher)
    assert isinstance(docs[0], RawDoc) and docs[0].origin == "https://news.example/a"
    assert isinstance(docs[1], RefusedURL)


def test_ingest_reads_items_of_a_fetched_feed() -> None:
    feed = (FIXTURES / "feed.atom").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/atom+xml"}, content=feed)

    settings = Settings()
    with Fetcher(
        settings, transport=httpx.MockTransport(handler), resolve=lambda h: ["93.184.216.34"]
    ) as fetcher:
        docs = run("https://ledger.example/feed", fetcher=fetcher)
    assert [d.origin for d in docs] == [
        "https://ledger.example/feed#item-0",
        "https://ledger.example/feed#item-1",
    ]


def test_ingest_yields_fetch_errors_instead_of_raising() -> None:
    settings = Settings()
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    with Fetcher(settings, transport=transport, resolve=lambda h: ["93.184.216.34"]) as fetcher:
        error = only(run("https://news.example/missing", fetcher=fetcher))
    assert isinstance(error, FetchError)
    assert error.message == "HTTP 404 Not Found"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf\n"], ids=["empty", "spaces", "bom"]
)
def test_ingest_reports_empty_file(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(body)
    error = only(run(str(path)))
    assert isinstance(error, EmptyInput)
    assert error.source == str(path)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "body", "what"),
    [
        ("report.pdf", PDF, "a PDF document"),
        ("report.html", PDF, "a PDF document"),
        ("photo.png", PNG, "a PNG image"),
        ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        ("report.docx", zip_bytes(), "a ZIP archive"),
        ("notes.txt", "UTF-16 text without its BOM".encode("utf-16-le"), "NUL bytes"),
        ("notes.html", b"<p>text</p>" + bytes(range(256)) * 4, "NUL bytes"),
        ("program", b"\x7fELF\x02\x01\x01\x00", "an executable"),
        ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WEBP image"),
    ],
)
def test_ingest_refuses_binary_files(tmp_path: Path, name: str, body: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    error = only(run(str(path)))
    assert isinstance(error, UnsupportedInput)
    assert what in error.message
    assert error.message.endswith("not text or HTML")


def test_ingest_refuses_undecodable_bytes_of_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(1, 256)) * 8)
    assert isinstance(only(run(str(path))), UnsupportedInput)


def test_ingest_refuses_gzip_of_a_binary(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf.gz"
    path.write_bytes(gzip.compress(PDF))
    error = only(run(str(path)))
    assert isinstance(error, UnsupportedInput)
    assert "PDF" in error.message


def test_ingest_refuses_file_over_the_size_limit_before_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 100)
    error = only(run(str(path), settings=Settings().replace(ingest__max_bytes=100)))
    assert isinstance(error, TooLarge)
    assert "ingest.max_bytes" in error.message


def test_ingest_stops_a_gzip_bomb_at_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b" " * 5_000_000))
    assert path.stat().st_size < 10_000
    error = only(run(str(path), settings=Settings().replace(ingest__max_bytes=100_000)))
    assert isinstance(error, TooLarge)
    assert "decompresses to over" in error.message


def test_ingest_refuses_oversized_stdin() -> None:
    error = only(
        run("-", stdin=io.BytesIO(b"x" * 1000), settings=Settings().replace(ingest__max_bytes=999))
    )
    assert isinstance(error, TooLarge)
    assert error.source == "<stdin>"


def test_ingest_reports_damaged_gzip(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b"text " * 2000)[:60])
    error = only(run(str(path)))
    assert isinstance(error, MalformedInput)
    assert "gzip" in error.message


def test_ingest_reports_missing_paths_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("a report")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    docs = run(
        str(tmp_path / "absent.txt"),
        str(tmp_path / "*.nothing"),
        str(tmp_path / "dangling"),
        str(good),
    )
    assert [type(d) for d in docs] == [MissingInput, MissingInput, MissingInput, RawDoc]
    assert docs[0].message == "no such file or folder"
    assert docs[0].reason == "missing"
    assert docs[0].source == str(tmp_path / "absent.txt")


# --- small parts --------------------------------------------------------------------------------


def test_kind_from_name_knows_compound_suffixes() -> None:
    assert kind_from_name("a.warc.gz") == ("warc", True)
    assert kind_from_name("a.HTM") == ("text/html", False)
    assert kind_from_name("README") == (None, False)
    assert kind_from_name(".bashrc") == (None, False)


def test_kind_from_content_tells_feeds_from_pages() -> None:
    assert kind_from_content(b'<?xml version="1.0"?><!-- c --><rss version="2.0">') == "feed"
    assert kind_from_content(b'<feed xmlns="http://www.w3.org/2005/Atom">') == "feed"
    assert kind_from_content(b"<rdf:RDF xmlns:rdf='x'>") == "feed"
    assert kind_from_content(b"<!DOCTYPE html><html><body>") == "text/html"
    assert kind_from_content(b"WARC/1.1\r\n") == "warc"
    assert kind_from_content(b'{"text": "x"}\n{"text": "y"}\n') == "jsonl"
    assert kind_from_content(b"Just words.") == "text/plain"


def test_binary_kind_leaves_text_alone() -> None:
    assert binary_kind(b"MZ is how this sentence starts, and it is text.") is None
    assert binary_kind("Привет".encode("utf-16")) is None


def test_is_url_takes_any_scheme_and_not_paths() -> None:
    assert is_url("https://x.example/a") and is_url("FILE:///etc/passwd")
    assert not is_url("reports/a.txt") and not is_url("C:\\reports\\a.txt") and not is_url("-")


def test_ingest_is_lazy() -> None:
    def inputs() -> Iterator[str]:
        yield "-"
        raise AssertionError("read past the first input before it was asked for")

    documents = ingest(inputs(), Settings(), stdin=io.BytesIO(b"first"))
    assert isinstance(next(documents), RawDoc)


def test_ingest_exports_its_public_names() -> None:
    assert set(rashomon.ingest.__all__) == {"STDIN", "Fetcher", "ingest", "is_url"}
    for name in rashomon.ingest.__all__:
        assert hasattr(rashomon.ingest, name)
