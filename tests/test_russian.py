"""Russian reports: transliteration, natasha's entities and times, the corpus resolver joining a
Russian report of the seed event to the English ones, and the fallback without natasha."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rashomon.annotate import annotate_stream
from rashomon.annotate.corpus import resolve_corpus
from rashomon.annotate.russian import annotate_russian
from rashomon.annotate.russian_nlp import pipeline
from rashomon.annotate.russian_times import find_times
from rashomon.annotate.times import resolve
from rashomon.annotate.translit import palladius, to_latin
from rashomon.lexicon.names import entity_key, gazetteer, name_key
from rashomon.model import Article, Doc, Entity
from rashomon.pipeline import annotate_inputs
from rashomon.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
STORIES = ROOT / "tests" / "fixtures" / "stories"
EVENT = STORIES / "ru_defence_call.txt"
UNRELATED = STORIES / "ru_unrelated.txt"
EVENT_KEYS = {
    "person:sergei-shoigu",
    "person:dong-jun",
    "gpe:china",
    "gpe:russia",
    "org:ministry-of-defence-of-the-russian-federation",
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, Doc]:
    """The English seed reports and the two Russian ones, cleaned, annotated and resolved
    together by the document pipeline, keyed by file name."""
    paths = [*sorted((ROOT / "examples").glob("0*.txt")), EVENT, UNRELATED]
    results = list(annotate_inputs([str(p) for p in paths], Settings()))
    assert all(isinstance(r.record, Doc) for r in results), [r.detail for r in results]
    return {Path(r.origin).name: r.record for r in results if isinstance(r.record, Doc)}


def _russian(text: str, published: date | None = None) -> Article:
    return Article(id="ru", origin="ru", text=text, language="ru", published=published)


# ---------------------------------------------------------------- transliteration


@pytest.mark.parametrize(
    ("cyrillic", "english"),
    [
        ("Шойгу", "Shoigu"),
        ("Сергей", "Sergei"),
        ("Путин", "Putin"),
        ("Зеленский", "Zelensky"),
        ("Зеленський", "Zelenskyy"),
        ("Лавров", "Lavrov"),
        ("Песков", "Peskov"),
        ("Дмитрий", "Dmitry"),
        ("Евгений", "Yevgeny"),
        ("Пригожин", "Prigozhin"),
        ("Навальный", "Navalny"),
        ("Алексей", "Alexei"),
        ("Александр", "Alexander"),
        ("Горбачёв", "Gorbachev"),
        ("Небензя", "Nebenzya"),
        ("Мария", "Maria"),
    ],
)
def test_to_latin_gives_the_name_key_of_the_english_spelling(cyrillic, english):
    assert name_key(to_latin(cyrillic)) == name_key(english)


def test_to_latin_writes_the_usual_news_spelling_of_common_names():
    assert to_latin("Сергей Шойгу") == "Sergei Shoigu"
    assert to_latin("Дмитрий Песков") == "Dmitry Peskov"
    assert to_latin("ШОЙГУ") == "SHOIGU"
    assert to_latin("МОСКВА, 31 января. /ТАСС/.") == "MOSKVA, 31 yanvarya. /TASS/."


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ -"))
def test_to_latin_writes_any_russian_text_in_ascii_letters(text):
    latin = to_latin(text)
    assert latin.isascii()
    assert latin.count(" ") == text.count(" ") or palladius(text) is not None


@pytest.mark.parametrize(
    ("palladius_name", "pinyin"),
    [
        ("Дун Цзюнь", "Dong Jun"),
        ("Си Цзиньпин", "Xi Jinping"),
        ("Ли Шанфу", "Li Shangfu"),
        ("Ван И", "Wang Yi"),
        ("Ли Цян", "Li Qiang"),
        ("Мао Цзэдун", "Mao Zedong"),
        ("Дэн Сяопин", "Deng Xiaoping"),
        ("Чжоу Эньлай", "Zhou Enlai"),
        ("Цинь Ган", "Qin Gang"),
    ],
)
def test_a_chinese_name_in_palladius_is_written_in_pinyin(palladius_name, pinyin):
    assert to_latin(palladius_name) == pinyin
    assert palladius(palladius_name) == pinyin


def test_a_russian_name_is_not_read_as_palladius():
    for name in ("Сергей Шойгу", "Анна Ли", "Ян Непомнящий", "Путин", "Дун"):
        assert palladius(name) is None, name
    assert to_latin("Анна Ли") == "Anna Li"


def test_to_latin_reads_the_other_cyrillic_alphabets_and_greek():
    assert to_latin("Володимир Зеленський", "uk") == "Volodymyr Zelenskyi"
    assert to_latin("Київ") == "Kyiv"  # і/ї tell Ukrainian without a language
    assert to_latin("Харків") == "Kharkiv"
    assert to_latin("Святлана Ціханоўская", "be") == "Sviatlana Tsikhanouskaya"
    assert to_latin("Александар Вучић") == "Aleksandar Vučić"
    assert name_key(to_latin("Новак Ђоковић")) == name_key("Novak Djokovic")
    assert to_latin("България", "bg") == "Balgaria"
    assert to_latin("Κυριάκος Μητσοτάκης") == "Kyriakos Mitsotakis"
    assert to_latin("Αλέξης Τσίπρας") == "Alexis Tsipras"
    assert to_latin("Reuters, 2024") == "Reuters, 2024"


def test_every_english_name_of_the_russian_table_is_one_the_english_tables_know():
    gaz = gazetteer()
    text = (ROOT / "rashomon" / "data" / "names_ru.tsv").read_text("utf-8")
    unknown = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, type_ = line.split("\t")[:2]
        if type_ in ("MINISTRY", "OFFICE"):
            continue
        found = gaz.org(english) if type_ == "ORG" else gaz.place(english)
        if found is None:
            unknown.append(english)
    assert unknown == ["Federation Council"]  # kept as written: no English row yet


# ---------------------------------------------------------------- natasha


def test_natasha_is_loaded_once_per_process():
    assert pipeline() is pipeline()


def test_the_russian_report_is_cleaned_as_russian_and_read_by_natasha(corpus):
    doc = corpus[EVENT.name]
    assert doc.article.language == "ru"
    assert doc.article.published == date(2024, 1, 31)
    assert any("English-only" in limit for limit in doc.limits)
    text = doc.article.text
    for layer in (doc.entities, doc.times, doc.quotes):
        for item in layer:
            assert text[item.start : item.end] == item.text
    assert all(text[s:e].strip() == text[s:e] and "\n\n" not in text[s:e] for s, e in doc.sentences)
    assert len(doc.sentences) >= 10
    assert [q.text[:26] for q in doc.quotes] == [
        "Российско-китайские отноше",
        "Мы оказали вам поддержку п",
    ]


def test_russian_entities_are_normalised_and_named_in_english(corpus):
    doc = corpus[EVENT.name]
    by_text = {e.text: e for e in doc.entities}
    genitive = by_text["Сергея Шойгу"]
    assert (genitive.type, genitive.canonical, genitive.key) == (
        "PERSON",
        "Sergei Shoigu",
        "person:sergei-shoigu",
    )
    assert by_text["Сергеем Шойгу"].canonical == "Sergei Shoigu"
    assert by_text["Шойгу"].via == "surname"
    assert by_text["Дун"].canonical == "Dong Jun"  # a Chinese surname alone
    assert by_text["Дун Цзюнь"].role == "Defense Minister of China"
    assert by_text["Сергеем Шойгу"].role == "Defense Minister of Russia"
    assert by_text["Си Цзиньпином"].canonical == "Xi Jinping"
    assert by_text["Владимиром Путиным"].canonical == "Vladimir Putin"
    assert (by_text["Китая"] if "Китая" in by_text else by_text["Китай"]).key == "gpe:china"
    assert by_text["Китайской Народной Республики"].canonical == "China"
    assert by_text["России"].key == "gpe:russia"
    assert by_text["китайского"].type == "NORP"
    assert by_text["китайского"].key == "gpe:china"
    assert by_text["Министерство обороны РФ"].canonical == (
        "Ministry of Defence of the Russian Federation"
    )
    assert by_text["Минобороны России"].key == "org:ministry-of-defence-of-the-russian-federation"
    assert by_text["США"].canonical == "United States"


def test_a_russian_report_of_the_same_event_joins_the_english_ones(corpus):
    russian = {e.key for e in corpus[EVENT.name].entities}
    english = [
        {e.key for e in doc.entities} for name, doc in corpus.items() if name.startswith("0")
    ]
    assert len(english) == 2
    assert russian >= EVENT_KEYS
    assert set.union(*english) >= EVENT_KEYS
    assert all(
        keys >= EVENT_KEYS - {"org:ministry-of-defence-of-the-russian-federation"}
        for keys in english
    )
    unrelated = {e.key for e in corpus[UNRELATED.name].entities if e.type == "PERSON"}
    assert not unrelated & set.union(*english)


def test_the_resolver_takes_a_transliteration_variant_for_the_english_name(seed_docs):
    text = "Сергей Шойгу заявил, что Шойгу"
    variant = Entity(0, 12, "Сергей Шойгу", "PERSON", "Sergey Shoygu", "person:sergey-shoygu")
    single = Entity(25, 30, "Шойгу", "PERSON", "Shoygu", "person:shoygu", via="surname")
    russian = Doc(article=_russian(text), entities=(variant, single))
    resolved = resolve_corpus([*seed_docs.values(), russian])[-1]
    assert {(e.canonical, e.key) for e in resolved.entities} == {
        ("Sergei Shoigu", entity_key("PERSON", "Sergei Shoigu"))
    }


def test_russian_dates_are_placed_against_the_article_date(corpus):
    doc = corpus[EVENT.name]
    by_text = {t.text: t for t in doc.times}
    dateline = by_text["31 января"]
    assert (dateline.value, dateline.granularity, dateline.anchor) == (
        "2024-01-31",
        "day",
        "published",
    )
    wednesday = by_text["среду"]
    assert wednesday.value == "2024-01-31"
    assert wednesday.relative == {"unit": "weekday", "weekday": 2, "shift": 0}
    assert by_text["2024 году"].value == "2024"
    assert by_text["конце декабря 2023 года"].value == "2023-12"


def test_russian_times_without_a_date_stay_relative_like_the_english_ones():
    text = "31 января 2024 года министры провели переговоры, а в среду они встретились снова."
    doc = annotate_russian(_russian(text))
    values = [(t.text, t.value, t.anchor, t.relative) for t in doc.times]
    assert values == [
        ("31 января 2024 года", "2024-01-31", "absolute", None),
        ("среду", None, "none", {"unit": "weekday", "weekday": 2, "shift": 0}),
    ]
    assert doc.quotes == ()
    placed = resolve(doc.times[1], date(2024, 2, 1))
    assert (placed.value, placed.anchor) == ("2024-01-31", "story")


@pytest.mark.parametrize(
    ("phrase", "value", "granularity"),
    [
        ("в прошлом году", "2023", "year"),
        ("на следующей неделе", "2024-W06", "week"),
        ("три дня назад", "2024-01-28", "day"),
        ("вчера", "2024-01-30", "day"),
        ("в марте 2022 года", "2022-03", "month"),
        ("12.03.2022", "2022-03-12", "day"),
        ("5–7 марта 2023 года", "2023-03-05/2023-03-07", "range"),
        ("в прошлую пятницу", "2024-01-26", "day"),
        ("в последние годы", None, "vague"),
    ],
)
def test_russian_time_phrases(phrase, value, granularity):
    found = find_times(f"Об этом стало известно {phrase}.", date(2024, 1, 31))
    assert [(t.value, t.granularity) for t in found] == [(value, granularity)]


def test_environment_is_not_wednesday():
    assert find_times("Завод загрязняет окружающую среду и воду.", date(2024, 1, 31)) == []


# ---------------------------------------------------------------- without natasha


def test_without_natasha_a_russian_report_keeps_its_marks_and_says_how_to_get_more(
    monkeypatch,
):
    monkeypatch.setitem(sys.modules, "natasha", None)  # `import natasha` raises ImportError
    article = replace(_russian(EVENT.read_text("utf-8")), published=date(2024, 1, 31))
    (doc,) = annotate_stream([article], Settings())
    assert isinstance(doc, Doc)
    assert doc.entities == () and doc.times == ()
    assert len(doc.quotes) == 2
    assert any("rashomon[ru]" in limit for limit in doc.limits)


def test_a_language_left_out_of_natasha_languages_gets_marks_only():
    settings = Settings({"annotate.natasha_languages": []})
    (doc,) = annotate_stream([_russian(EVENT.read_text("utf-8"))], settings)
    assert isinstance(doc, Doc)
    assert doc.entities == ()
    assert any("annotate.languages" in limit for limit in doc.limits)
