from __future__ import annotations

import pytest

from rashomon.errors import EmptyInput, MalformedInput, StageError
from rashomon.model import Article, Doc, Outcome, RawDoc
from rashomon.pipeline import Context, Pipeline, Stage
from rashomon.settings import Settings


def _article(raw: RawDoc, context: Context) -> Article:
    text = raw.body.decode()
    if text == "boom":
        raise ZeroDivisionError("a bug")
    if text == "bad":
        raise MalformedInput(raw.origin, "cannot be parsed")
    return Article(id=raw.id, origin=raw.origin, text=text.upper())


def _doc(article: Article, context: Context) -> Doc:
    return Doc(article)


TO_ARTICLE = Stage("to-article", RawDoc, Article, _article)
TO_DOC = Stage("to-doc", Article, Doc, _doc)


def raw(text: str, origin: str) -> RawDoc:
    return RawDoc.from_bytes(text.encode(), "text/plain", origin)


def test_a_stage_reading_what_no_stage_writes_is_a_build_error():
    with pytest.raises(
        StageError, match="'to-doc' reads Article but the stage before it writes RawDoc"
    ):
        Pipeline(Settings(), [TO_DOC])


def test_stages_run_in_order_and_the_result_carries_the_last_record():
    result = Pipeline(Settings(), [TO_ARTICLE, TO_DOC]).run_one(raw("hello", "a.txt"))
    assert result.outcome is Outcome.OK
    assert isinstance(result.record, Doc)
    assert result.record.article.text == "HELLO"


def test_one_bad_document_never_stops_the_batch():
    items = [
        raw("one", "1.txt"),
        raw("bad", "2.txt"),
        raw("boom", "3.txt"),
        EmptyInput("4.txt", "the file is empty"),
        raw("five", "5.txt"),
    ]
    results = list(Pipeline(Settings(), [TO_ARTICLE]).run(items))
    assert [r.origin for r in results] == ["1.txt", "2.txt", "3.txt", "4.txt", "5.txt"]
    assert [r.reason for r in results] == ["ok", "malformed", "internal-error", "empty", "ok"]
    assert results[1].detail == "cannot be parsed"
    assert "ZeroDivisionError: a bug" in results[2].detail
    assert results[4].record.text == "FIVE"


def test_identical_documents_are_processed_once_and_reported_as_duplicates():
    items = [raw("same", "a.txt"), raw("other", "b.txt"), raw("same", "c.txt")]
    results = list(Pipeline(Settings(), [TO_ARTICLE]).run(items))
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.OK, Outcome.SKIPPED]
    assert results[2].reason == "duplicate"
    assert results[2].detail == "same content as a.txt"
    assert results[2].id == results[0].id


def test_batches_keep_input_order_across_batch_boundaries():
    settings = Settings().replace(pipeline__batch_size=3)
    items = [raw(f"doc {i}", f"{i}.txt") for i in range(10)]
    results = list(Pipeline(settings, [TO_ARTICLE]).run(items))
    assert [r.record.text for r in results] == [f"DOC {i}" for i in range(10)]


def test_a_stage_returning_the_wrong_record_is_a_stage_error():
    wrong = Stage("wrong", RawDoc, Article, lambda raw, ctx: "not an article")
    with pytest.raises(StageError, match="returned str"):
        Pipeline(Settings(), [wrong]).run_one(raw("x", "x.txt"))


def test_content_id_is_the_same_for_the_same_bytes():
    a, b = raw("text", "a"), raw("text", "b")
    assert a.id == b.id and len(a.id) == 16
    assert RawDoc.from_bytes(b"text", "text/html", "c").id == a.id  # the bytes alone
    assert raw("text ", "a").id != a.id and raw("Text", "a").id != a.id


def test_worker_processes_give_the_same_articles_as_one_process(seed_paths):
    from rashomon.pipeline import clean_inputs

    paths = [str(p) for p in seed_paths]
    one = list(clean_inputs(paths, Settings()))
    two = list(clean_inputs(paths, Settings().replace(pipeline__workers=2)))
    assert [r.outcome for r in two] == [Outcome.OK, Outcome.OK]
    assert [r.record.text for r in two] == [r.record.text for r in one]
    assert [r.record.removed for r in two] == [r.record.removed for r in one]


def test_worker_processes_use_the_templates_learned_before_the_batch(tmp_path):
    """Furniture learned from the batch's own documents leaves their texts in worker
    processes too (a worker used to start with no templates and keep it)."""
    import json

    from rashomon.pipeline import clean_inputs

    subjects = ["harbour", "railway", "library", "orchard", "bridge", "stadium", "museum", "pier"]
    imprint = "The Springfield Courier is published by Example Media Group in Springfield."
    lines = []
    for n, subject in enumerate(subjects):
        body = (
            f"The council approved the new {subject} budget on Tuesday after a long debate. "
            f"Residents said the {subject} had waited for repairs for more than ten years.\n\n"
        ) * 2
        lines.append(json.dumps({"url": f"https://news.example/{n}", "text": body + imprint}))
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = list(clean_inputs([str(path)], Settings()))
    two = list(clean_inputs([str(path)], Settings().replace(pipeline__workers=2)))
    assert [r.outcome for r in two] == [Outcome.OK] * len(subjects)
    assert not any(imprint in r.record.text for r in one)
    assert [r.record.text for r in two] == [r.record.text for r in one]
