"""The command line, run in process with Typer's runner and once as a real subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.settings import declared

runner = CliRunner()


def test_every_command_has_complete_help():
    import typer.main

    group = typer.main.get_command(app)
    assert set(group.commands) >= {"clean", "settings"}
    for name, command in group.commands.items():
        assert command.help and len(command.help) > 40, f"{name} has no help text"
        for param in command.params:
            if param.name != "help":
                assert getattr(param, "help", None), f"{name}: {param.name} has no help"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
    clean_help = runner.invoke(app, ["clean", "--help"]).output
    for option in ("--format", "--output", "--show-removed", "--allow-private", "--templates"):
        assert option in clean_help


def test_clean_jsonl_follows_the_output_contract(seed_paths):
    result = runner.invoke(
        app, ["clean", *map(str, seed_paths), "--format", "jsonl", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    for record in lines:
        assert {
            "source",
            "id",
            "outcome",
            "reason",
            "title",
            "outlet",
            "published",
            "language",
            "text",
            "removed",
        } <= set(record)
        assert record["outcome"] == "ok" and record["language"] == "en"
        assert all({"text", "reason"} <= set(r) for r in record["removed"])
    by_name = {Path(r["source"]).name: r for r in lines}
    sputnik = by_name["001_e0f29892ad68ab7a.txt"]
    assert sputnik["outlet"] == "Sputnik International"
    assert sputnik["published"] == "2024-01-31"
    assert by_name["000_b336833760f4749c.txt"]["published"] is None


def test_show_removed_prints_each_removed_line_with_its_reason(seed_paths):
    result = runner.invoke(app, ["clean", str(seed_paths[0]), "--show-removed", "--no-progress"])
    assert result.exit_code == 0
    assert "Tired of being poor?" in result.stdout
    assert "[spam]" in result.stdout or "[ad]" in result.stdout


def test_a_failed_input_is_reported_counted_and_sets_exit_code_1(tmp_path: Path, seed_paths):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    result = runner.invoke(
        app, ["clean", str(empty), str(pdf), str(seed_paths[1]), "-f", "jsonl", "--no-progress"]
    )
    assert result.exit_code == 1
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["outcome"] for r in records] == ["failed", "failed", "ok"]
    assert records[0]["reason"] == "empty" and records[1]["reason"] == "unsupported"
    assert f"{empty}:" in result.stderr and "PDF" in result.stderr
    assert "outcomes" in result.stderr and "total" in result.stderr


def test_identical_inputs_are_reported_once(tmp_path: Path, seed_paths):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed_paths[0].read_bytes())
    result = runner.invoke(
        app, ["clean", str(seed_paths[0]), str(copy), "-f", "jsonl", "--no-progress"]
    )
    assert result.exit_code == 0
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["outcome"] for r in records] == ["ok", "skipped"]
    assert records[1]["reason"] == "duplicate"
    assert "duplicate" in result.stderr


def test_output_file_and_formats(tmp_path: Path, seed_paths):
    for fmt in ("json", "markdown", "text"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(
            app, ["clean", str(seed_paths[1]), "-f", fmt, "-o", str(out), "--no-progress"]
        )
        assert result.exit_code == 0, result.output
        content = out.read_text("utf-8")
        assert "Dong Jun" in content
    assert json.loads((tmp_path / "out.json").read_text())[0]["outlet"] == "Sputnik International"


def test_markdown_escapes_markup_in_untrusted_text(tmp_path: Path):
    page = tmp_path / "x.txt"
    page.write_text(
        "Headline here\n\n" + "<script>alert(1)</script> The mayor said the bridge "
        "would reopen next week after repairs costing two million dollars.\n",
        "utf-8",
    )
    result = runner.invoke(app, ["clean", str(page), "-f", "markdown", "--no-progress"])
    assert "<script>" not in result.stdout
    assert "\\<script\\>" in result.stdout


def test_setting_override_on_the_command_line_and_bad_setting(seed_paths):
    bad = runner.invoke(app, ["-s", "clean.nope=1", "clean", str(seed_paths[0])])
    assert bad.exit_code == 2
    assert "unknown setting 'clean.nope'" in bad.stderr
    strict = runner.invoke(
        app,
        [
            "-s",
            "clean.min_article_chars=100000",
            "clean",
            str(seed_paths[0]),
            "-f",
            "jsonl",
            "--no-progress",
        ],
    )
    assert strict.exit_code == 1
    assert json.loads(strict.stdout)["reason"] == "no-article"


def test_settings_command_lists_every_setting():
    result = runner.invoke(app, ["settings"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    for name in declared():
        assert name in result.stdout


def test_unknown_format_is_refused(seed_paths):
    result = runner.invoke(app, ["clean", str(seed_paths[0]), "-f", "yaml"])
    assert result.exit_code == 2


def test_installed_script_reads_stdin(seed_paths):
    script = Path(sys.executable).with_name("rashomon")
    done = subprocess.run(
        [str(script), "clean", "-", "-f", "jsonl"],
        input=seed_paths[1].read_bytes(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads(done.stdout)
    assert record["source"] == "<stdin>"
    assert record["title"] == "China to Continue Support Russia Amid Western Pressure"


def _outlet_page(title: str, first: str, second: str) -> str:
    return (
        f"{title}\n\n{first}\n\nHarbour Times Weekend Edition\n\n{second}\n\n"
        "- Harbour Times\nShare this story\n- Harbour Times\n"
    )


STORIES = [
    (
        "Ferry fares frozen for another year",
        "The harbour board froze ferry fares for another year on Tuesday, saying passenger "
        "numbers had not yet recovered from the long closure of the northern pier.",
        "Board chair Ana Lima said the decision would be reviewed in the autumn, when the "
        "pier's repairs are due to be finished and the summer figures are known.",
    ),
    (
        "Lifeboat crew rescues two sailors off the point",
        "Two sailors were rescued on Sunday after their yacht lost its mast in strong winds "
        "two miles off the point, the lifeboat station said in a statement.",
        "Both were taken to hospital as a precaution and were later released, according to "
        "the coastguard, which praised the volunteer crew for their quick response.",
    ),
    (
        "Market square to close for resurfacing",
        "The market square will close for six weeks from March while the council resurfaces "
        "the cobbles, traders were told at a meeting on Thursday evening.",
        "Stallholders will move to the car park behind the library, and the council said it "
        "would waive their fees for the whole of the closure to make up for lost trade.",
    ),
    (
        "School wins national robotics prize",
        "Pupils from the harbour school won a national robotics prize on Friday with a robot "
        "that sorts plastic from the beach sand, beating more than forty other teams.",
        "Their teacher said the prize money would pay for a new workshop, and the team hopes "
        "to enter the European final in Lisbon next spring if it can raise the fares.",
    ),
]


def test_templates_learned_in_one_run_remove_furniture_in_the_next(tmp_path: Path):
    store = tmp_path / "templates.json"
    paths = []
    for i, story in enumerate(STORIES):
        path = tmp_path / f"page{i}.txt"
        path.write_text(_outlet_page(*story), "utf-8")
        paths.append(str(path))
    streaming = ["-s", "clean.text.learn_first=false"]  # learn only as documents go by
    first = runner.invoke(
        app,
        [
            *streaming,
            "clean",
            *paths[:3],
            "--templates",
            str(store),
            "-f",
            "jsonl",
            "--no-progress",
        ],
    )
    assert first.exit_code == 0, first.output
    assert "Harbour Times" in store.read_text("utf-8")
    unlearned = json.loads(first.stdout.splitlines()[0])
    assert "Harbour Times Weekend Edition" in unlearned["text"]  # a short line amid body text
    second = runner.invoke(
        app, ["clean", paths[3], "--templates", str(store), "-f", "jsonl", "--no-progress"]
    )
    record = json.loads(second.stdout)
    assert "Harbour Times Weekend Edition" not in record["text"]
    removed = {r["text"]: r["reason"] for r in record["removed"]}
    assert removed["Harbour Times Weekend Edition"] == "template"
    assert "robotics prize" in record["text"] and "European final" in record["text"]


ENGLISH_1 = (
    "The harbour board froze ferry fares for another year on Tuesday, saying passenger "
    "numbers had not yet recovered from the long closure of the northern pier."
)
GERMAN = (
    "Der Hafenrat hat die Fährpreise am Dienstag für ein weiteres Jahr eingefroren, weil "
    "die Zahl der Fahrgäste sich noch nicht von der langen Schließung erholt hat."
)
ENGLISH_2 = (
    "Board chair Ana Lima said the decision would be reviewed in the autumn, when the "
    "repairs to the pier are due to be finished and the summer figures are known."
)
ENGLISH_3 = (
    "Ferry operators had asked for a rise of ten per cent to cover the cost of fuel, but the "
    "board said families on the islands could not be asked to pay more this winter."
)


def test_a_paragraph_in_another_language_is_flagged_in_an_html_article(tmp_path: Path):
    page = tmp_path / "mixed.html"
    paragraphs = "".join(f"<p>{p}</p>" for p in (ENGLISH_1, GERMAN, ENGLISH_2, ENGLISH_3))
    page.write_text(
        f"<html><head><title>Ferry fares frozen</title></head><body><article>"
        f"<h1>Ferry fares frozen</h1>{paragraphs}</article></body></html>",
        "utf-8",
    )
    record = json.loads(runner.invoke(app, ["clean", str(page), "-f", "jsonl"]).stdout)
    assert record["language"] == "en"
    flagged = [(f["language"], f["text"]) for f in record["foreign_paragraphs"]]
    assert ("de", GERMAN) in flagged
    assert all(text != ENGLISH_1 and text != ENGLISH_2 for _, text in flagged)
    text_out = runner.invoke(app, ["clean", str(page)]).stdout
    assert "in another language: de" in text_out


def test_a_line_in_another_language_is_removed_from_scraped_text(tmp_path: Path):
    page = tmp_path / "mixed.txt"
    body = "\n\n".join(("Harbour board freezes ferry fares", ENGLISH_1, GERMAN, ENGLISH_2))
    page.write_text(body + "\n", "utf-8")
    record = json.loads(runner.invoke(app, ["clean", str(page), "-f", "jsonl"]).stdout)
    assert GERMAN not in record["text"] and ENGLISH_2 in record["text"]
    assert {"text": GERMAN, "reason": "foreign-language"}.items() <= next(
        r for r in record["removed"] if r["text"] == GERMAN
    ).items()


def _write_outlet_pages(tmp_path: Path, count: int) -> list[str]:
    paths = []
    for i, story in enumerate(STORIES[:count]):
        path = tmp_path / f"page{i}.txt"
        path.write_text(_outlet_page(*story), "utf-8")
        paths.append(str(path))
    return paths


def test_a_batch_of_files_learns_its_templates_before_cleaning_the_first_document(tmp_path):
    paths = _write_outlet_pages(tmp_path, 4)
    result = runner.invoke(app, ["clean", *paths, "-f", "jsonl", "--no-progress"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 4
    for record in records:
        assert "Harbour Times Weekend Edition" not in record["text"]
        reasons = {r["text"]: r["reason"] for r in record["removed"]}
        assert reasons["Harbour Times Weekend Edition"] == "template"


def test_the_first_reading_does_not_count_a_document_twice(tmp_path):
    paths = _write_outlet_pages(tmp_path, 2)  # two documents: below the three needed
    copy = tmp_path / "copy.txt"
    copy.write_bytes(Path(paths[0]).read_bytes())  # a duplicate is one document, not two
    result = runner.invoke(app, ["clean", *paths, str(copy), "-f", "jsonl", "--no-progress"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in records] == ["ok", "ok", "skipped"]
    assert all("Harbour Times Weekend Edition" in r["text"] for r in records[:2])


def test_the_command_works_with_standard_input_closed(seed_paths):
    script = Path(sys.executable).with_name("rashomon")
    args = [str(script), "clean", str(seed_paths[0]), "-", "-f", "jsonl", "--no-progress"]
    done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[0]["outcome"] == "ok"
    assert records[1]["source"] == "<stdin>" and records[1]["reason"] == "empty"
    assert done.returncode == 1


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader that empties the pipe `fifo` into `into` (a writer blocks until one opens)."""

    def read() -> None:
        with fifo.open("rb") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_output_to_a_pipe_or_device_is_written_not_replaced(tmp_path: Path, seed_paths):
    """`-o /dev/null` once replaced /dev/null with a regular file (write beside, then
    rename): a target that is not a regular file is written to in place."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    args = ["clean", str(seed_paths[1]), "-f", "jsonl", "-o", str(fifo), "--no-progress"]
    result = runner.invoke(app, args)
    reader.join(10)
    assert result.exit_code == 0
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(got[0].decode())["outcome"] == "ok"
    assert not list(tmp_path.glob("*.partial"))


def test_output_into_a_missing_folder_is_refused_before_any_work(seed_paths, tmp_path):
    target = tmp_path / "no-such-folder" / "out.jsonl"
    result = runner.invoke(app, ["clean", str(seed_paths[0]), "-f", "jsonl", "-o", str(target)])
    assert result.exit_code == 2
    assert "no-such-folder" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output and not target.parent.exists()


def test_a_failure_line_cannot_write_escape_sequences_or_forge_a_line(tmp_path):
    from rashomon.report import one_line as _shown

    forged = "bad\x1b[2K\rname\n✓ all good"
    assert "\x1b" not in _shown(forged) and "\n" not in _shown(forged)
    assert _shown(forged) == "bad\\x1b[2K\\rname\\n✓ all good"
    assert _shown("Zürich \u202egpj.exe") == "Zürich \\u202egpj.exe"
    page = tmp_path / "evil\x1b[31m\nname.html"
    page.write_bytes(b"")
    result = runner.invoke(app, ["clean", str(page)])
    assert result.exit_code == 1
    assert "\x1b[31m" not in result.output and "evil\\x1b[31m\\nname.html" in result.output


def test_settings_lists_one_line_each_and_explains_one_in_full():
    result = runner.invoke(app, ["-s", "clean.min_chars=150", "settings"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(declared()) + 1  # a header, then one line a setting
    assert any("clean.min_chars" in line and "(default 200)" in line for line in lines)
    full = runner.invoke(app, ["settings", "annotate.attribution_model"])
    assert full.exit_code == 0 and "rashomon train attribution" in full.stdout
    assert runner.invoke(app, ["settings", "no.such"]).exit_code == 2


def test_help_names_what_an_option_takes():
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert "NAME=VALUE" in top and "list[str]" not in top
    serve = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).output
    assert "must exist" in serve and "created when missing" not in serve


def test_the_headline_verdict_is_never_cut(seed_paths):
    result = runner.invoke(app, ["compare", *map(str, seed_paths)], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    table = result.stdout[result.stdout.index("Headlines") :]
    verdicts = [w for w in ("supported", "partly", "unsupported") if w in table]
    assert verdicts and "unsuppo…" not in table and "suppor…" not in table


def test_text_reports_escape_control_characters_but_keep_lines():
    from rashomon.report import terminal_safe

    assert terminal_safe("a\tb\nc\x1b]0;title\x07d\re") == "a\tb\nc\\x1b]0;title\\x07d\\re"


def test_a_bug_exits_2_apart_from_failed_inputs(monkeypatch, capsys):
    import pytest

    from rashomon import cli

    def broken() -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "settings_markdown", broken)
    monkeypatch.setattr(sys, "argv", ["rashomon", "settings", "--markdown"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    assert "RuntimeError: a bug" in capsys.readouterr().err
