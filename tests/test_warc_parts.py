"""A large WARC read in parts (record groups found by `warc_index`, as the Spark job reads
it) gives exactly what reading the whole file gives: the same documents, origins, errors."""

from __future__ import annotations

import gzip
import io
import random
import re
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.ingest.sniff import kind_from_name
from rashomon.ingest.warc_index import Part, Window, plan_parts, scan_gzip, scan_plain, slices
from rashomon.settings import Settings
from rashomon.spark import work

VALUES = dict(Settings())
WORDS = [
    "minister",
    "said",
    "council",
    "vote",
    "budget",
    "river",
    "storm",
    "police",
    "court",
    "school",
    "market",
]


def _page(rng: random.Random, n: int) -> bytes:
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80))) + ".</p>"
        for _ in range(rng.randint(2, 12))
    )
    return f"<html><head><title>Report {n}</title></head><body>{paragraphs}</body></html>".encode()


def _records(writer: WARCWriter, rng: random.Random, count: int) -> None:
    for n in range(count):
        if n % 4 == 1:  # an image: a record that is not a page
            body, kind = rng.randbytes(rng.randint(100, 3000)), "image/jpeg"
        else:
            body, kind = _page(rng, n), "text/html; charset=utf-8"
        status = "404 Not Found" if n % 9 == 5 else "200 OK"
        http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://news.example/{n}",
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2026-03-14T09:15:00Z"},
        )
        writer.write_record(record)


def archive(count: int = 40, *, compress: bool = True, seed: int = 7) -> bytes:
    out = io.BytesIO()
    _records(WARCWriter(out, gzip=compress), random.Random(seed), count)
    return out.getvalue()


def whole(path: Path) -> list[tuple]:
    items = work.read_input("r", 0, str(path), path.read_bytes(), VALUES)
    return [_seen(i) for i in items if isinstance(i, work.Item)]


def in_parts(path: Path, part_bytes: int) -> tuple[list[tuple], list[Part]]:
    size = path.stat().st_size
    _, gzipped = kind_from_name(path.name)
    scans = [work.scan_slice(s) for s in work.slices_of(str(path), size, part_bytes, gzipped)]
    parts = plan_parts(scans, size, part_bytes)
    found = [x for p in parts for x in work.read_part("r", 0, str(path), str(path), p, VALUES)]
    items = [i for i in found if isinstance(i, work.Item)]
    told = sum(r.documents for r in found if isinstance(r, work.PartRead))
    assert told == len(items)
    orders = [i.order for i in items]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    if not items:
        items = [work.empty_archive("r", 0, str(path))]
    return [_seen(i) for i in items], parts


def _seen(item: work.Item) -> tuple:
    if item.raw is not None:
        return ("doc", item.raw.origin, item.raw.id, item.raw.url)
    assert item.failed is not None
    return ("failed", item.failed.origin, item.failed.reason, item.failed.detail)


SIZES = [1, 700, 4_000, 20_000, 10**9]


@pytest.mark.parametrize("part_bytes", SIZES)
@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_parts_read_as_the_whole_archive(tmp_path: Path, compress: bool, part_bytes: int) -> None:
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(archive(compress=compress))
    expected = whole(path)
    got, parts = in_parts(path, part_bytes)
    assert got == expected
    assert sum(1 for e in expected if e[0] == "doc") > 20
    if part_bytes <= 4_000:
        assert len(parts) > 5  # really read in parts, each a few records
        assert all(not p.whole for p in parts)
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))


def test_gzip_members_are_found_from_any_slice(tmp_path: Path) -> None:
    data = archive()
    path = tmp_path / "a.warc.gz"
    path.write_bytes(data)
    with path.open("rb") as f:
        starts = [m for a, b in slices(len(data), 997) for m in scan_gzip(f, a, b).members]
    members, position = [], 0
    while position < len(data):  # the members, found the slow way
        members.append(position)
        inflate = __import__("zlib").decompressobj(31)
        inflate.decompress(data[position:])
        position = len(data) - len(inflate.unused_data)
    assert starts == members and len(members) == 40


def _damage(data: bytes, kind: str, rng: random.Random) -> bytes:
    if kind == "cut":
        return data[:-30]
    if kind == "trailing":
        return data + b"not a record at all\r\n"
    if kind == "corrupt":  # bytes overwritten inside one member in the middle
        middle = len(data) // 2
        return data[:middle] + bytes(40) + data[middle + 40 :]
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["cut", "trailing", "corrupt"])
@pytest.mark.parametrize("part_bytes", [900, 5_000])
def test_damaged_gzip_archive_reads_as_whole(tmp_path: Path, kind: str, part_bytes: int) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(_damage(archive(), kind, random.Random(3)))
    expected = whole(path)
    got, _ = in_parts(path, part_bytes)
    assert got == expected
    assert expected[-1][0] == "failed"  # the damage is reported, after the pages before it


def test_member_of_several_records_ends_the_chain_and_is_read_whole(tmp_path: Path) -> None:
    plain = archive(6, compress=False, seed=1)
    together = gzip.compress(plain)  # six records in one member, as some writers do
    path = tmp_path / "mixed.warc.gz"
    path.write_bytes(archive(10, seed=2) + together + archive(10, seed=3))
    expected = whole(path)
    got, parts = in_parts(path, 1_500)
    assert got == expected
    assert len(parts) > 2 and parts[-1].skip == 10  # records 0-9 in parts, then the rest


def test_wrong_content_length_in_plain_archive_reads_as_whole(tmp_path: Path) -> None:
    data = archive(12, compress=False)
    lengths = list(re.finditer(rb"Content-Length: (\d+)\r\n", data))
    target = lengths[len(lengths) // 2]  # a record in the middle claims 10 bytes more
    wrong = str(int(target.group(1)) + 10).encode()
    path = tmp_path / "bad.warc"
    path.write_bytes(data[: target.start(1)] + wrong + data[target.end(1) :])
    expected = whole(path)
    got, _ = in_parts(path, 2_000)
    assert got == expected
    assert "Content-Length" in str(expected[-1][3]) or "cut short" in str(expected[-1][3])


@pytest.mark.parametrize(
    "body", [b"", gzip.compress(b"this was never an archive\n" * 50)], ids=["empty", "not-warc"]
)
def test_a_file_with_no_record_start_is_read_as_a_file(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(body)
    got, parts = in_parts(path, 300)
    assert got == whole(path)
    assert len(parts) == 1 and parts[0].whole


def test_archive_without_a_page_is_recorded_empty_once(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for n in range(8):
        asked = f"GET /{n} HTTP/1.1\r\nHost: news.example\r\n\r\n".encode()
        record = writer.create_warc_record(
            f"https://news.example/{n}", "request", payload=io.BytesIO(asked), length=len(asked)
        )
        writer.write_record(record)
    path = tmp_path / "requests.warc.gz"
    path.write_bytes(out.getvalue())
    got, parts = in_parts(path, 200)
    assert got == whole(path) and len(got) == 1 and got[0][2].value == "empty"
    assert len(parts) > 1


def test_window_reads_only_its_bytes() -> None:
    raw = io.BytesIO(bytes(range(100)))
    window = io.BufferedReader(Window(raw, 10, 20))
    assert window.read() == bytes(range(10, 20))


def test_plain_scan_stops_at_a_record_that_is_not_whole() -> None:
    data = archive(5, compress=False)
    scan = scan_plain(io.BytesIO(data[:-7]), len(data) - 7)
    assert scan.odd and len(scan.members) == 4
