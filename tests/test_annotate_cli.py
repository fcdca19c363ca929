"""`rashomon annotate`: the output contract, --as-is offsets, failures that do not stop a
batch, the readable report, and the annotate stage inside the document pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.model import Article, Doc, Outcome, RawDoc
from rashomon.pipeline import Pipeline, annotate_inputs

runner = CliRunner()

ENTITY_KEYS = {"text", "start", "end", "type", "canonical", "role"}
TIME_KEYS = {"text", "start", "end", "value", "granularity"}
QUOTE_KEYS = {
    "kind",
    "text",
    "start",
    "end",
    "speaker",
    "speaker_span",
    "cue",
    "cue_span",
    "addressee",
    "via",
    "anonymous",
}
CLAIM_KEYS = {"text", "start", "end", "stance", "quote"}


def _jsonl(args: list[str]) -> list[dict]:
    result = runner.invoke(app, ["annotate", *args, "--format", "jsonl", "--no-progress"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _check_spans(record: dict) -> None:
    text = record["text"]
    for layer in ("entities", "times", "quotes", "claims"):
        for item in record[layer]:
            assert text[item["start"] : item["end"]] == item["text"], (layer, item)
    for quote in record["quotes"]:
        for key in ("speaker_span", "cue_span"):
            if quote[key] is not None:
                start, end = quote[key]
                assert 0 <= start < end <= len(text)
    for claim in record["claims"]:
        assert claim["quote"] is None or 0 <= claim["quote"] < len(record["quotes"])


def test_annotate_jsonl_follows_the_output_contract(seed_paths):
    records = _jsonl([str(p) for p in seed_paths])
    assert len(records) == 2
    for record in records:
        assert record["outcome"] == "ok"
        assert {"source", "title", "outlet", "published", "text", "removed"} <= set(record)
        assert record["entities"] and record["quotes"] and record["claims"]
        assert all(set(e) >= ENTITY_KEYS for e in record["entities"])
        assert all(set(t) >= TIME_KEYS for t in record["times"])
        assert all(set(q) >= QUOTE_KEYS for q in record["quotes"])
        assert all(set(c) >= CLAIM_KEYS for c in record["claims"])
        assert {c["stance"] for c in record["claims"]} <= {
            "asserted",
            "reported",
            "opinion",
            "hedged",
        }
        _check_spans(record)
    sputnik = next(r for r in records if r["outlet"])
    relayed = [q for q in sputnik["quotes"] if q["via"]]
    assert relayed and all(q["speaker"] == "Dong Jun" for q in relayed)


def test_as_is_offsets_are_offsets_into_the_file(tmp_path: Path, seed_paths):
    records = _jsonl(["--as-is", *map(str, seed_paths)])
    for record, path in zip(records, seed_paths, strict=True):
        raw = path.read_text("utf-8")
        assert record["text"] == raw
        assert not record["removed"]
        _check_spans(record)
        for quote in record["quotes"]:
            assert raw[quote["start"] : quote["end"]] == quote["text"]
    furniture = next(r for r in records if "Sputnik" in r["text"])
    assert "Subscribe" in furniture["text"]  # nothing was cleaned away


def test_one_bad_input_is_recorded_and_the_batch_goes_on(tmp_path: Path, seed_paths):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = runner.invoke(
        app,
        ["annotate", str(empty), *map(str, seed_paths), "--format", "jsonl", "--no-progress"],
    )
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [r["outcome"] for r in records] == ["failed", "ok", "ok"]
    assert records[0]["reason"] == "empty" and records[0]["quotes"] == []


def test_the_text_report_shows_entities_quotes_with_chains_and_claims(seed_paths):
    result = runner.invoke(app, ["annotate", *map(str, seed_paths), "--no-progress"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Dong Jun (PERSON" in out
    assert "Dong Jun ← Ministry of Defence of the Russian Federation ← outlet" in out
    for stance in ("asserted", "reported", "opinion"):
        assert f"  {stance} (" in out


def test_markdown_report_escapes_untrusted_text(tmp_path: Path):
    page = tmp_path / "x.txt"
    page.write_text(
        "The mayor said that <script>alert(1)</script> was found in the archive of the city.\n",
        "utf-8",
    )
    result = runner.invoke(
        app, ["annotate", "--as-is", str(page), "-f", "markdown", "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout


def test_a_too_long_text_is_refused_with_its_reason(tmp_path: Path):
    page = tmp_path / "long.txt"
    page.write_text("The mayor said the bridge would reopen. " * 200, "utf-8")
    result = runner.invoke(
        app,
        ["-s", "annotate.max_chars=1000", "annotate", "--as-is", str(page), "-f", "jsonl"],
    )
    assert result.exit_code == 1
    (record,) = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert record["reason"] == "too-large" and "annotate.max_chars" in record["detail"]


def test_the_annotate_stage_runs_inside_the_document_pipeline(settings, seed_paths):
    pipeline = Pipeline(settings, ["clean", "annotate"])
    raw = RawDoc.from_bytes(seed_paths[1].read_bytes(), "text/plain", str(seed_paths[1]))
    result = pipeline.run_one(raw)
    assert result.outcome is Outcome.OK
    assert isinstance(result.record, Doc) and result.record.quotes


def test_a_crash_in_annotation_fails_one_document_only(settings, seed_paths, monkeypatch):
    from rashomon.annotate import quotes

    real = quotes.find_quotes

    def flaky(sdoc, mentions):
        if "Sputnik" in sdoc.text or "videoconference" in sdoc.text:
            raise RuntimeError("boom")
        return real(sdoc, mentions)

    monkeypatch.setattr(quotes, "find_quotes", flaky)
    results = list(annotate_inputs([str(p) for p in seed_paths], settings))
    outcomes = sorted((Path(r.origin).name, r.outcome, r.reason) for r in results)
    assert outcomes[0][1] is Outcome.OK
    assert outcomes[1][1] is Outcome.FAILED and outcomes[1][2] == "internal-error"


@pytest.mark.parametrize("fmt", ["json", "text", "markdown"])
def test_every_format_writes_to_a_file(tmp_path: Path, seed_paths, fmt):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(
        app, ["annotate", *map(str, seed_paths), "-f", fmt, "-o", str(out), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 500
    if fmt == "json":
        assert len(json.loads(out.read_text("utf-8"))) == 2


def test_an_article_is_annotated_the_same_alone_and_in_a_batch(settings, seed_docs):
    from rashomon.annotate import annotate

    for doc in seed_docs.values():
        alone = annotate(Article(id="x", origin="x", text=doc.article.text), settings)
        assert [(q.start, q.end, q.speaker) for q in alone.quotes] == [
            (q.start, q.end, q.speaker) for q in doc.quotes
        ]


def test_worker_processes_give_the_same_annotations(seed_docs, settings):
    from rashomon.annotate import annotate_many

    articles = [d.article for d in seed_docs.values()]
    parallel = settings.replace(annotate__n_process=2, annotate__batch_size=1)
    docs = list(annotate_many(articles, parallel))
    assert [d.quotes for d in docs] == [d.quotes for d in seed_docs.values()]
    assert [d.entities for d in docs] == [d.entities for d in seed_docs.values()]


def test_memory_zones_do_not_change_the_annotations(seed_docs, settings):
    from rashomon.annotate import annotate_many

    articles = [d.article for d in seed_docs.values()] * 2
    docs = list(annotate_many(articles, settings.replace(annotate__zone_size=1)))
    expected = list(seed_docs.values()) * 2
    assert [d.quotes for d in docs] == [d.quotes for d in expected]
    assert [d.claims for d in docs] == [d.claims for d in expected]
    assert [d.entities for d in docs] == [d.entities for d in expected]


def test_an_article_in_a_language_the_model_does_not_read_gets_its_quote_marks_only(
    tmp_path: Path,
):
    page = tmp_path / "pt.txt"
    page.write_text(
        "O ministro da Defesa disse ontem que o governo vai investir mais nas Forças Armadas. "
        "“Vamos reforçar a nossa presença no Atlântico nos próximos anos”, afirmou o ministro "
        "durante uma visita ao porto de Lisboa.\n",
        "utf-8",
    )
    (record,) = _jsonl(["--as-is", str(page)])
    assert record["language"] == "pt"
    assert record["limits"] and "language pt" in record["limits"][0]
    assert record["entities"] == [] and record["claims"] == []
    (quote,) = record["quotes"]
    assert quote["text"].startswith("Vamos reforçar") and quote["speaker"] is None
    assert record["sentences"]
    _check_spans(record)


def test_worker_processes_are_chosen_by_window_size(settings):
    from rashomon.annotate import _processes

    assert _processes(10, settings) == 1
    assert _processes(500, settings) >= 1
    assert _processes(500, settings.replace(annotate__n_process=1)) == 1
    assert _processes(3, settings.replace(annotate__n_process=3)) == 3
    assert _processes(500, settings.replace(annotate__multiprocess_min=10_000)) == 1
