"""Hostile inputs: each one ends with one outcome of its own, and the two good documents
beside it are still processed and stored (through the API and through `rashomon ingest`)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rashomon.clean.decode import decode
from rashomon.cli import app
from rashomon.errors import DecodeError, EmptyInput, InputError, MissingInput, ReaderCrash
from rashomon.ingest import ingest
from rashomon.ingest.files import read_stream
from rashomon.model import Hints, Outcome, RawDoc, Result
from rashomon.pipeline import clean_inputs
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.ingest import ingest_into

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GOOD = sorted(EXAMPLES.glob("0*.txt"))

runner = CliRunner()

PAGE = (
    b"<html><head><title>Council vote</title></head><body><article><p>The city council "
    b"voted on Monday to close the old bridge to traffic, the mayor said.</p></article>"
    b"</body></html>"
)


def warc_record(headers: dict[str, str], block: bytes) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"WARC/1.0\r\n{lines}\r\n".encode() + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str = "text/html") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def response_record(block: bytes, **extra: str) -> bytes:
    headers = {
        "WARC-Type": "response",
        "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000001>",
        "WARC-Date": "2024-03-14T09:15:00Z",
        "WARC-Target-URI": "https://news.example/a",
        "Content-Type": "application/http; msgtype=response",
        "Content-Length": str(len(block)),
    }
    headers.update({name.replace("_", "-"): value for name, value in extra.items()})
    return warc_record({k: v for k, v in headers.items() if v}, block)


def feed(title: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
        f"<title>{title}</title><description>The bridge closes on Monday.</description>"
        "</item></channel></rss>"
    ).encode()


HTTP = http_response(PAGE)

# the Internet Archive's ARC format (before WARC): a version block, then one record
ARC = (
    b"filedesc://IA-001102.arc 0.0.0.0 19960923142103 text/plain 76\n"
    b"1 0 Alexa Internet\nURL IP-address Archive-date Content-type Archive-length\n\n"
    b"http://news.example/a 192.0.2.1 19960923142103 text/html 202\n"
    b"HTTP/1.0 200 OK\nContent-Type: text/html\n\n" + PAGE + b"\n"
)

# name -> (file name, its bytes, the reason of the one failure, words of its detail)
FAILING: dict[str, tuple[str | bytes, bytes, str, str]] = {
    "deeply nested json": ("bad.jsonl", b"[" * 100_000 + b"\n", "malformed", "nested too deeply"),
    "4,300+ digit json number": (
        "bad.jsonl",
        b'{"text": "The bridge closes.", "n": ' + b"7" * 5000 + b"}\n",
        "malformed",
        "JSON number of over 4,300 digits",
    ),
    "warc record without target uri": (
        "bad.warc",
        response_record(http_response(PAGE), WARC_Target_URI=""),
        "malformed",
        "without a WARC-Target-URI",
    ),
    "warc record with a 20-digit content-length": (
        "bad.warc",
        response_record(http_response(PAGE), Content_Length="99999999999999999999"),
        "malformed",
        "Content-Length of '99999999999999999999'",
    ),
    "feed with &#x110000;": (
        "bad.rss",
        feed("Bridge &#x110000; closes"),
        "malformed",
        "&#x110000; names no character",
    ),
    "feed with &#xD800;": ("bad.rss", feed("Bridge &#xD800;"), "malformed", "&#xD800;"),
    "feed with a 20-digit reference": (
        "bad.atom",
        feed("&#99999999999999999999;"),
        "malformed",
        "names no character",
    ),
    "warc with no page records": (
        "bad.warc",
        warc_record(
            {
                "WARC-Type": "warcinfo",
                "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000002>",
                "WARC-Date": "2024-03-14T09:15:00Z",
                "Content-Type": "application/warc-fields",
                "Content-Length": "14",
            },
            b"software: x\r\n\r",
        ),
        "empty",
        "no pages in the WARC archive",
    ),
    "blank jsonl file": ("bad.jsonl", b"\n\n   \n\n", "empty", "only blank lines"),
    "warc record with a short content-length": (
        "bad.warc",
        response_record(HTTP, Content_Length=str(len(HTTP) - 40)),
        "malformed",
        "WARC record 0 does not end where its Content-Length",
    ),
    "warc record with a long content-length": (
        "bad.warc",
        response_record(HTTP, Content_Length=str(len(HTTP) + 40)) + response_record(HTTP),
        "malformed",
        "WARC record 0 does not end where its Content-Length",
    ),
    "gzipped warc record with a short content-length": (
        "bad.warc.gz",
        gzip.compress(response_record(HTTP, Content_Length=str(len(HTTP) - 9))),
        "malformed",
        "WARC record 0 does not end where its Content-Length",
    ),
    "arc file": ("old.arc", ARC, "unsupported", "an ARC archive"),
    "gzipped arc named .html.gz": ("old.html.gz", gzip.compress(ARC), "unsupported", "ARC archive"),
    "json string": ("bad.json", b'"The bridge closes."\n', "unsupported", "a JSON str, not an"),
    "json cut short": ("bad.json", b'{\n  "text": "The bridge\n', "malformed", "at line 2"),
    "empty json array": ("bad.json", b"[\n]\n", "empty", "an empty JSON array"),
    "file name not utf-8": (b"bad\xff.html", PAGE, "unsupported", "not valid UTF-8"),
}

NOTES = b"The city council voted on Monday to close the old bridge to traffic, the mayor said.\n"

# declared charsets that are Python codecs but no text encoding: passed over, as an unknown
# label is, so the page is read (as browsers do) instead of crashing the clean stage;
# name -> (file name, its bytes, a word of its clean text)
CHARSETS: dict[str, tuple[str, bytes, str]] = {
    f"<meta charset={label}>": (
        "odd.html",
        f'<html><head><meta charset="{label}"></head><body><article><p>Le caf\xe9 de la '
        "place ferme lundi, a dit le maire de la ville.</p></article></body></html>".encode(
            "latin-1"
        ),
        "café",
    )
    for label in ("rot13", "base64", "idna")
}
CHARSETS["WARC response charset=base64"] = (
    "odd.warc",
    response_record(http_response(PAGE, "text/html; charset=base64")),
    "bridge",
)
CHARSETS["WARC resource charset=rot13"] = (
    "odd.warc",
    warc_record(
        {
            "WARC-Type": "resource",
            "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000003>",
            "WARC-Date": "2024-03-14T09:15:00Z",
            "WARC-Target-URI": "https://news.example/notes.txt",
            "Content-Type": "text/plain; charset=rot13",
            "Content-Length": str(len(NOTES)),
        },
        NOTES,
    ),
    "bridge",
)


def batch(folder: Path, name: str | bytes, data: bytes) -> Path:
    """A folder of the two good reports and one more file; returns that file's path."""
    folder.mkdir()
    for good in GOOD:
        shutil.copy(good, folder / good.name)
    return put(folder, name, data)


def put(folder: Path, name: str | bytes, data: bytes) -> Path:
    """Write a file whose name may be bytes that are not UTF-8 (a Linux file name)."""
    raw_name = name if isinstance(name, bytes) else name.encode()
    path = os.path.join(os.fsencode(folder), raw_name)
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:  # a file system that insists on UTF-8 names
        pytest.skip(f"cannot create {raw_name!r} here: {exc}")
    return Path(os.fsdecode(path))


def results(folder: Path) -> list[Result]:
    return list(clean_inputs([str(folder)], Settings()))


def assert_good_ones_ok(found: list[Result]) -> None:
    good = [r for r in found if Path(r.origin).name in {g.name for g in GOOD}]
    assert [r.outcome for r in good] == [Outcome.OK, Outcome.OK], good


def printable(path: Path) -> str:
    """The path as rashomon names it: a byte that is not UTF-8 shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@pytest.mark.parametrize("case", FAILING)
def test_a_hostile_input_fails_alone_with_its_reason(tmp_path: Path, case: str) -> None:
    name, data, reason, words = FAILING[case]
    bad = printable(batch(tmp_path / "in", name, data))
    found = results(tmp_path / "in")
    assert_good_ones_ok(found)
    mine = [r for r in found if r.origin.startswith(bad)]
    assert len(mine) == 1, mine
    assert (mine[0].outcome, mine[0].reason) == (Outcome.FAILED, reason), mine[0]
    assert words in mine[0].detail
    assert len(found) == 3


CAFE = "Le café de la place ferme lundi — a dit le maire de la ville.\n".encode() * 3
MAYOR = "Мэр города заявил, что мост закроют в понедельник.\n".encode()

# inputs with a flaw that still hold a page, which is read: name -> (file name, its bytes, a
# word of its clean text)
READ: dict[str, tuple[str, bytes, str]] = {
    **CHARSETS,  # a declared charset that is no text encoding is passed over
    "html with a stray NUL": ("nul.html", PAGE[:60] + b"\x00" + PAGE[60:], "bridge"),
    "text with a few NULs": ("nul.txt", NOTES.replace(b" ", b"\x00 ", 3), "bridge"),
    "unnamed text with a NUL": ("notes", NOTES[:20] + b"\x00" + NOTES[20:], "bridge"),
    "utf-8 text with one bad byte": ("cafe.txt", CAFE[:40] + b"\xff" + CAFE[40:], "café"),
    "utf-8 text cut in a character": ("mer.txt", MAYOR[:-3] + MAYOR, "понедельник"),
    "utf-8 page with a bad byte": ("cafe.html", b"<p>" + CAFE + b"\x81</p>", "café"),
    "gzipped warc named .html.gz": ("page.html.gz", gzip.compress(response_record(HTTP)), "bridge"),
    "warc named .txt": ("page.txt", response_record(HTTP), "bridge"),
    "json object over lines": ("one.json", b'{\n  "text": "%s"\n}\n' % NOTES.strip(), "bridge"),
    "json without its name": ("one", b'{\n  "text": "%s"\n}\n' % NOTES.strip(), "bridge"),
}


def test_a_json_array_of_objects_is_read_item_by_item(tmp_path: Path) -> None:
    items = [{"text": NOTES.decode()}, {"html": PAGE.decode(), "url": "https://news.example/a"}]
    mine = str(batch(tmp_path / "in", "two.json", json.dumps(items, indent=2).encode()))
    found = results(tmp_path / "in")
    assert_good_ones_ok(found)
    ours = [(r.origin, r.outcome) for r in found if r.origin.startswith(mine)]
    assert ours == [(f"{mine}:item 1", Outcome.OK), (f"{mine}:item 2", Outcome.OK)]


def test_a_json_file_of_json_lines_is_read_as_json_lines(tmp_path: Path) -> None:
    lines = b'{"text": "%s"}\n{"html": "%s"}\n' % (NOTES.strip(), PAGE.replace(b'"', b"'"))
    mine = str(batch(tmp_path / "in", "lines.json", lines))
    ours = [(r.origin, r.outcome) for r in results(tmp_path / "in") if r.origin.startswith(mine)]
    assert ours == [(f"{mine}:line 1", Outcome.OK), (f"{mine}:line 2", Outcome.OK)]


@pytest.mark.parametrize("case", READ)
def test_a_flawed_input_that_holds_a_page_is_read(tmp_path: Path, case: str) -> None:
    name, data, word = READ[case]
    mine = str(batch(tmp_path / "in", name, data))
    found = results(tmp_path / "in")
    assert_good_ones_ok(found)
    (result,) = [r for r in found if r.origin.startswith(mine)]
    assert result.outcome is Outcome.OK, result
    assert result.record is not None and word in result.record.text
    text = result.record.text
    assert "\x00" not in text and "\ufffd" not in text[:20]
    assert "WARC" not in text and '"text":' not in text  # the container, not its page


def test_a_rerun_keeps_the_ok_of_inputs_stored_before(tmp_path: Path) -> None:
    copy = batch(tmp_path / "in", "copy.txt", GOOD[0].read_bytes())  # a duplicate in the run
    db, settings = tmp_path / "news.db", Settings()
    ok = {GOOD[0].name: ("ok", "ok"), GOOD[1].name: ("ok", "ok")}
    for copy_ends in (("skipped", "duplicate"), ("skipped", "stored")):
        with Store(db, settings) as store:
            totals = ingest_into(store, [str(tmp_path / "in")], settings)
        _, inputs = stored(db)
        outcomes = {Path(r["origin"]).name: (r["outcome"], r["reason"]) for r in inputs}
        assert outcomes == {**ok, copy.name: copy_ends}
    assert totals.added.stored == 0 and totals.added.skipped == 3  # what the re-run did


def stored(db: Path) -> tuple[set[str], list[sqlite3.Row]]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        articles = {Path(r[0]).name for r in connection.execute("SELECT origin FROM articles")}
        inputs = connection.execute("SELECT origin, outcome, reason, detail FROM inputs").fetchall()
    finally:
        connection.close()
    return articles, inputs


@pytest.mark.parametrize(
    "case",
    ["deeply nested json", "warc record with a 20-digit content-length", "file name not utf-8"],
)
def test_cli_ingest_stores_the_good_ones_beside_a_hostile_input(tmp_path: Path, case: str) -> None:
    name, data, reason, words = FAILING[case]
    bad = printable(batch(tmp_path / "in", name, data))
    db = tmp_path / "news.db"
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), "--no-progress"])
    assert result.exit_code == 1, result.output  # an input failed, and nothing crashed
    assert "Traceback" not in result.output
    assert f"✗ {bad}" in result.output and words in result.output
    articles, inputs = stored(db)
    assert articles == {g.name for g in GOOD}
    failed = [dict(r) for r in inputs if r["outcome"] == "failed"]
    assert len(failed) == 1 and failed[0]["origin"].startswith(bad)
    assert failed[0]["reason"] == reason


def test_cli_compare_runs_past_every_hostile_input_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    batch(folder, "notes.txt", NOTES)
    for number, (name, data, _, _) in enumerate(FAILING.values()):
        put(
            folder, (b"%02d-" % number) + (name if isinstance(name, bytes) else name.encode()), data
        )
    result = runner.invoke(app, ["compare", str(folder), "-f", "json", "--no-progress"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.count("✗ ") == len(FAILING)
    assert '"stories"' in result.stdout


def test_an_empty_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / ".hidden.txt").write_text("Hidden files are left out.")
    (error,) = ingest([str(empty)], Settings())
    assert isinstance(error, MissingInput)
    assert error.source == str(empty) and "no files to read in this folder" in error.message
    result = runner.invoke(app, ["ingest", str(empty), "--db", str(tmp_path / "n.db")])
    assert result.exit_code != 0
    assert f"✗ {empty}: no files to read in this folder" in result.output


def test_an_empty_folder_beside_good_files_fails_alone(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    items = list(ingest([str(empty), *map(str, GOOD)], Settings()))
    assert [type(item) for item in items] == [MissingInput, RawDoc, RawDoc]


def test_a_glob_of_empty_folders_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (error,) = ingest([str(tmp_path / "*")], Settings())
    assert isinstance(error, MissingInput) and "among its matches" in error.message


def test_a_reader_that_crashes_fails_its_input_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last resort, for what no check foresees: the crash is that file's outcome."""
    import rashomon.ingest.files as files

    real: Callable[..., object] = files.read_feed

    def crash(data: bytes, source: str) -> object:
        if b"CRASH" in data:
            raise ZeroDivisionError("a bug")
        return real(data, source)

    monkeypatch.setattr(files, "read_feed", crash)
    bad = batch(tmp_path / "in", "bad.rss", feed("CRASH"))
    items = list(ingest([str(tmp_path / "in")], Settings()))
    assert [type(item) for item in items] == [RawDoc, RawDoc, ReaderCrash]
    assert items[2].source == str(bad) and items[2].reason == "internal-error"
    assert "ZeroDivisionError: a bug" in items[2].message


def test_an_input_error_names_a_non_utf8_path_readably() -> None:
    error = EmptyInput(os.fsdecode(b"/in/caf\xe9.txt"), "empty (no text in it)")
    assert error.source == "/in/caf\\xe9.txt"
    assert str(error).encode("utf-8")


def test_jsonl_metadata_with_a_lone_surrogate_is_made_text(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "The bridge closes.", "title": "Bridge \\ud800 news"}\n')
    (doc,) = ingest([str(path)], Settings())
    assert isinstance(doc, RawDoc) and doc.hints.title == "Bridge ? news"


def test_every_failure_is_an_input_error_with_a_message(tmp_path: Path) -> None:
    for number, (name, data, _, _) in enumerate(FAILING.values()):
        folder = tmp_path / str(number)
        folder.mkdir()
        put(folder, name, data)
        (item,) = ingest([str(folder)], Settings())
        assert isinstance(item, InputError) and item.message, item
        assert str(item).encode("utf-8")


# --- fuzzing: mutated inputs of every kind --------------------------------------------------

HOSTILE_BITS = [
    b"&#x110000;",
    b"&#xD800;",
    b"&#99999999999999999999;",
    b"[" * 3000,
    b"1" * 4400,
    b"\xff\xfe",
    b"\x00",
    b"\x1f\x8b",
    b'<meta charset="rot13">',
    b"; charset=base64",
    b"Content-Length: 99999999999999999999\r\n",
    b"WARC-Target-URI: \r\n",
    b"\r\n\r\n",
    b"WARC/1.0\r\n",
    b"\n",
    b"<",
    b'"',
    b"\\ud800",
]


def _fuzz_warc() -> bytes:
    notes = warc_record(
        {
            "WARC-Type": "resource",
            "WARC-Record-ID": "<urn:uuid:00000000-0000-0000-0000-000000000004>",
            "WARC-Date": "2024-03-14T09:15:00Z",
            "WARC-Target-URI": "https://news.example/notes.txt",
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": str(len(NOTES)),
        },
        NOTES,
    )
    return response_record(http_response(PAGE, "text/html; charset=utf-8")) + notes


# reader -> (file name, a good input that the mutants start from, one document or many)
SAMPLES: dict[str, tuple[str, bytes, bool]] = {
    "text": ("report.txt", NOTES * 3, True),
    "html": ("page.html", PAGE, True),
    "warc": ("crawl.warc", _fuzz_warc(), False),
    "feed": ("wire.rss", feed("Bridge &#233; &amp; road"), False),
    "jsonl": (
        "docs.jsonl",
        b'{"text": "The bridge closes.", "title": "Bridge"}\n{"html": "<p>Road</p>"}\n',
        False,
    ),
    "gzip": ("page.html.gz", gzip.compress(PAGE, mtime=0), True),
}


Edit = tuple[str, float, Any]


def _mutate(data: bytes, edits: list[Edit]) -> bytes:
    """Apply byte edits, each at a fraction of the way into the input."""
    out = bytearray(data)
    for kind, where, value in edits:
        at = int(where * len(out))
        if kind == "flip" and at < len(out):
            out[at] = value
        elif kind == "delete":
            del out[at : at + value]
        elif kind == "insert":
            out[at:at] = value
        elif kind == "cut":
            del out[at:]
        elif kind == "repeat":
            out[at:at] = out[at : at + value]
    return bytes(out)


EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
        st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 64)),
        st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(HOSTILE_BITS)),
        st.tuples(st.just("cut"), st.floats(0, 1), st.none()),
        st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 64)),
    ),
    min_size=1,
    max_size=6,
)


def _assert_one_outcome_each(items: list[RawDoc | InputError], source: str, single: bool) -> None:
    assert items, "an input with no outcome at all"
    if single:
        assert len(items) == 1, items
    for item in items:
        assert isinstance(item, RawDoc | InputError), item
        assert not isinstance(item, ReaderCrash), item
        name = item.origin if isinstance(item, RawDoc) else item.source
        assert name.startswith(source), item
        texts = (
            [name, item.url, *vars_of(item.hints)] if isinstance(item, RawDoc) else [item.message]
        )
        for text in texts:
            assert text is None or text.encode("utf-8") is not None
        if isinstance(item, RawDoc):
            with contextlib.suppress(DecodeError):  # a failure of its own, named by origin
                decode(item)


def vars_of(hints: Hints) -> list[str | None]:
    return [hints.title, hints.published, hints.outlet, hints.byline, hints.language]


@pytest.mark.parametrize("reader", SAMPLES)
def test_mutated_inputs_of_every_reader_end_with_outcomes(reader: str) -> None:
    name, sample, single = SAMPLES[reader]
    settings = Settings()

    @hsettings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(EDITS)
    def check(edits: list[Edit]) -> None:
        data = _mutate(sample, edits)
        items = list(read_stream(io.BytesIO(data), name, settings, name=name))
        _assert_one_outcome_each(items, name, single)

    check()
