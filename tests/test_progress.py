"""Progress: the files the inputs name are counted up front, the reader says when it moves on
to the next one, and the CLI's bar shows files done of the total with the time left."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

import rashomon.cli.base
from rashomon.cli import app
from rashomon.ingest import ingest
from rashomon.ingest.progress import count_files, files_read
from rashomon.settings import Settings


def _report(who: str, what: str) -> str:
    return (
        f"The old river bridge will {what}, {who} told reporters in the town hall.\n\n"
        f"{who} said engineers had inspected the cables twice since the spring floods, and "
        "that the council would publish their findings before the end of the month.\n\n"
        "Residents have waited for a decision since the crossing was first closed in March.\n"
    )


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    (folder / "more").mkdir(parents=True)
    (folder / "a.txt").write_text(_report("Alpha", "open on Monday"))
    (folder / "more" / "b.txt").write_text(_report("Beta", "stay shut all week"))
    (folder / "c.html").write_text("<html><body><p>" + "Gamma reported rain. " * 20 + "</p>")
    return folder


def test_count_files_walks_folders_and_counts_each_other_input_once(tmp_path):
    folder = _folder(tmp_path)
    named = [str(folder), str(folder / "a.txt"), "https://example.com/x", "-", "missing.txt"]
    assert count_files(named, Settings()) == 3 + 1 + 1 + 1 + 1


def test_the_reader_tells_the_listener_each_file_in_reading_order(tmp_path):
    folder = _folder(tmp_path)
    heard: list[str] = []
    with files_read(heard.append):
        docs = list(ingest([str(folder), str(tmp_path / "nope.txt")], Settings()))
    assert len(docs) == 4  # three documents and the missing input's error
    assert [Path(name).name for name in heard] == ["a.txt", "c.html", "b.txt", "nope.txt"]


def test_no_listener_after_the_block(tmp_path):
    folder = _folder(tmp_path)
    heard: list[str] = []
    with files_read(heard.append):
        pass
    list(ingest([str(folder)], Settings()))
    assert heard == []


def test_the_bar_shows_files_done_of_the_total(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    screen = io.StringIO()
    monkeypatch.setattr(
        rashomon.cli.base, "err", Console(file=screen, force_terminal=True, width=200)
    )
    result = CliRunner().invoke(app, ["clean", str(folder), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert "3/3 files" in drawn
    assert "3 documents" in drawn
