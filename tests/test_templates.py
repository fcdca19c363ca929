"""Per-outlet template learning: furniture recurring across an outlet's pages is removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rashomon.clean.templates import TemplateStore, normalise_line
from rashomon.clean.text import clean_text
from rashomon.errors import SettingsError
from rashomon.settings import Settings

FURNITURE = [
    "Tri-County Courier",
    "Your local paper since 1921",
    "Weather: 12°C, cloudy",
    "Our reporters are on the ground across the county.",
]

BODIES = [
    [
        "The county fair opened on Friday with more visitors than organisers had expected, "
        "and the queues for the big wheel stretched past the car park by noon.",
        "Stallholders said that sales were the best they had seen in a decade.",
    ],
    [
        "Residents of Millbrook met on Tuesday to discuss plans for a new footbridge over the "
        "river, which the council says could be built within two years.",
        "Several speakers said the money would be better spent on repairing the roads.",
    ],
    [
        "The high school's robotics team won the regional championship on Saturday, beating "
        "twelve other schools with a machine built almost entirely from recycled parts.",
        "The team will now travel to the state final in April.",
    ],
    [
        "A family-run bakery on Main Street is closing after ninety years, its owners said on "
        "Wednesday, blaming rising rents and the cost of energy for the decision.",
        "Customers queued all morning to buy a last loaf from the shop.",
    ],
]


def _page(index: int) -> str:
    return "\n".join([*FURNITURE, f"Local story number {index} makes the news", *BODIES[index]])


def test_furniture_learned_from_three_documents_is_removed_from_the_fourth() -> None:
    store = TemplateStore(Settings())
    url = "https://www.tricounty-courier.example/news/{}"
    for i in range(3):
        clean_text(_page(i), url=url.format(i), templates=store)
    cleaned = clean_text(_page(3), url=url.format(3), templates=store)
    reasons = {r.text: r.reason for r in cleaned.removed}
    for line in FURNITURE:
        assert reasons.get(line) == "template", line
    assert list(cleaned.paragraphs) == BODIES[3]


def test_observe_counts_each_line_once_per_document() -> None:
    store = TemplateStore(Settings())
    store.observe("outlet", ["Subscribe", "Subscribe", "Menu"])
    store.observe("outlet", ["subscribe  "])
    assert store.count("outlet", "SUBSCRIBE") == 2
    assert store.count("outlet", "Menu") == 1
    assert store.documents("outlet") == 2
    assert not store.is_furniture("outlet", "Subscribe")  # default needs 3 documents
    store.observe("outlet", ["Subscribe"])
    assert store.is_furniture("outlet", "Subscribe")
    assert not store.is_furniture("other-outlet", "Subscribe")


def test_digits_are_normalised() -> None:
    assert normalise_line("- Outlet, 1920, 31.01.2024") == normalise_line(
        "-  Outlet, 1920, 23.01.2024"
    )


def test_threshold_is_a_setting() -> None:
    store = TemplateStore(Settings({"clean.text.template_min_docs": 2}))
    store.observe("o", ["Most read"])
    store.observe("o", ["Most read"])
    assert store.is_furniture("o", "Most read")


def test_prose_lines_need_more_evidence() -> None:
    store = TemplateStore(Settings())
    prose = (
        "The minister said on Monday that the government would not change its plans, whatever "
        "the opposition said about them in parliament."
    )
    for _ in range(3):
        store.observe("o", [prose])
    assert not store.is_furniture("o", prose)
    for _ in range(3):
        store.observe("o", [prose])
    assert store.is_furniture("o", prose)


def test_memory_is_bounded() -> None:
    settings = Settings(
        {"clean.text.template_max_lines": 100, "clean.text.template_max_line_chars": 50}
    )
    store = TemplateStore(settings)
    store.observe("o", ["x" * 51])
    assert len(store) == 0
    for doc in range(30):
        store.observe("o", ["Menu", *(f"line {doc} {i} unique" for i in range(10))])
    assert len(store) <= 100
    assert store.count("o", "Menu") == 30


def test_save_load_round_trip(tmp_path: Path) -> None:
    store = TemplateStore(Settings())
    for _ in range(3):
        store.observe("a.example", ["Subscribe", "Menu"])
    store.observe("b.example", ["Только здесь"])
    path = tmp_path / "sub" / "templates.json"
    store.save(path)
    assert not list(path.parent.glob("*.tmp"))
    loaded = TemplateStore.load(path, Settings())
    assert loaded.to_json() == store.to_json()
    assert loaded.is_furniture("a.example", "menu")
    assert loaded.count("b.example", "Только здесь") == 1


def test_load_missing_file_gives_an_empty_store(tmp_path: Path) -> None:
    store = TemplateStore.load(tmp_path / "absent.json")
    assert len(store) == 0


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"format": "other"}),
        json.dumps({"format": "rashomon.templates.v1", "outlets": {"o": {"lines": {"x": "many"}}}}),
    ],
)
def test_corrupt_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "templates.json"
    path.write_text(content, "utf-8")
    with pytest.raises(SettingsError) as info:
        TemplateStore.load(path)
    assert str(path) in str(info.value)
