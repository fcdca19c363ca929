"""The plan (`rashomon.plan`) is what all three executors run: each step's calls are real
functions of the plan, and the batch executor, the store and Spark's executor code each run
the steps in the plan's order, through the plan (every step function is wrapped here and
the wrappers record which step ran)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rashomon import plan
from rashomon.model import Doc
from rashomon.pipeline import compare_inputs
from rashomon.settings import Settings
from rashomon.spark import work
from rashomon.store import Store
from rashomon.store.ingest import ingest_into

# What makes an empty table or store is not a step's work (it may be made before the work).
FACTORIES = {"resolver", "rarity", "templates", "sentence_memo"}
STEP_OF = {
    call: step.name
    for step in plan.PLAN
    for call in step.calls
    if call != "STAGES" and call not in FACTORIES
}
ORDER = [step.name for step in plan.PLAN]
NEEDS = {step.name: set(step.needs) for step in plan.PLAN}


def test_every_call_a_step_names_is_a_function_of_the_plan():
    for step in plan.PLAN:
        for call in step.calls:
            assert call == "STAGES" or callable(getattr(plan, call)), (step.name, call)
    assert set(plan.STAGES) == {"clean", "as-is", "annotate"}
    assert ORDER[:2] == ["clean", "annotate"]
    for number, step in enumerate(plan.PLAN):  # a step needs only steps listed before it
        assert step.needs and set(step.needs) <= set(ORDER[:number]) or step.name == "clean"


def test_the_order_check_fails_on_a_step_run_too_early():
    with pytest.raises(AssertionError, match="place ran before"):
        in_plan_order(["clean", "annotate", "place"])


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the steps run, in order, as the plan's functions are called."""
    seen: list[str] = []

    def wrap(step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            found = function(*args, **kwargs)
            if isinstance(found, Iterator):  # a stream works when it is read
                return streamed(step, found)
            seen.append(step)
            return found

        return run

    def streamed(step: str, items: Iterator[Any]) -> Iterator[Any]:
        for item in items:
            seen.append(step)
            yield item

    for call, step in STEP_OF.items():
        monkeypatch.setattr(plan, call, wrap(step, getattr(plan, call)))
    for name, stage in list(plan.STAGES.items()):
        step = "clean" if name == "as-is" else name
        monkeypatch.setitem(plan.STAGES, name, replace(stage, run=wrap(step, stage.run)))
    return seen


def in_plan_order(seen: list[str]) -> list[str]:
    """The steps as first run, each checked to run after every step it needs; sorted as
    the plan lists them."""
    first: list[str] = []
    for step in seen:
        if step not in first:
            assert NEEDS[step] <= set(first), f"{step} ran before {NEEDS[step] - set(first)}"
            first.append(step)
    return sorted(first, key=ORDER.index)


def test_the_batch_executor_runs_every_step_in_order(ran, seed_paths):
    comparisons, _, _ = compare_inputs([str(p) for p in seed_paths], Settings())
    assert len(comparisons) == 1
    assert in_plan_order(ran) == ORDER


def test_the_store_runs_every_step_in_order(ran, seed_paths, tmp_path: Path):
    store = Store(tmp_path / "news.db", Settings())
    try:
        totals = ingest_into(store, [str(p) for p in seed_paths], Settings())
    finally:
        store.close()
    assert totals.updated.compared == 1
    assert in_plan_order(ran) == ORDER


def test_sparks_executor_code_runs_the_steps_in_order(ran, seed_paths):
    values = dict(Settings())
    items = [
        item
        for number, path in enumerate(seed_paths)
        for item in work.read_input("run", number, str(path), path.read_bytes(), values)
        if isinstance(item, work.Item)
    ]
    processed = list(work.process_part(items, values, None))
    docs = [work.doc_of(p) for p in processed]
    table = work.resolver_part(docs)[0]
    docs = [plan.rewrite(doc, table) for doc in docs]
    found = plan.features(docs, Settings())
    counts = work.rarity_part(found)[0]
    members = [
        work.Member(
            work.clustering_key(d), d.article.origin, d.article.id, f, work.vector_of(p), True
        )
        for d, f, p in zip(docs, found, processed, strict=True)
    ]
    placings = work.cluster_block("b", members, values, counts)
    assert len({p.story for p in placings}) == 1
    story, comparison = work.build_and_compare([(d, None, None) for d in docs], values, [])
    assert isinstance(docs[0], Doc) and comparison.story.id == story.id
    assert in_plan_order(ran) == ORDER
